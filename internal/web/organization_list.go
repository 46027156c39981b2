package web

import (
	"net/http"
	"strings"

	"homeward/internal/partners"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// organizationsPage lists the partner organisations by name.
type organizationsPage struct {
	Query         string
	Organizations []partners.Organization
	CanEdit       bool
	Next, First   string
}

// organizationList shows the partner organisations.
func (h *Web) organizationList(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	cursor := r.URL.Query().Get("cursor")
	list, next, err := h.store.Organizations(r.Context(), store.OrganizationFilter{Query: q}, store.Page{Limit: store.DefaultLimit, Cursor: cursor})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page := organizationsPage{Query: q, Organizations: list, CanEdit: policy.Can(policy.Actor(r.Context()), policy.DirectoryEdit, 0)}
	page.Next, page.First = pageLinks(r, "/partners", cursor, next)
	h.render(w, r, http.StatusOK, "organizations", "partners", page)
}
