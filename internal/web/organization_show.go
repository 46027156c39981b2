package web

import (
	"net/http"

	"homeward/internal/partners"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// organizationPage is one partner organisation with its services and their results.
type organizationPage struct {
	Organization partners.Organization
	CanEdit      bool
	Done         string
}

// organizationShow shows a partner organisation.
func (h *Web) organizationShow(w http.ResponseWriter, r *http.Request) {
	id, err := route.PathID(r, "id", "organization")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	o, err := h.store.GetOrganization(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page := organizationPage{Organization: o, CanEdit: policy.Can(policy.Actor(r.Context()), policy.DirectoryEdit, 0)}
	switch r.URL.Query().Get("done") {
	case "saved":
		page.Done = "organization.saved"
	case "service":
		page.Done = "service.saved"
	}
	h.render(w, r, http.StatusOK, "organization", "partners", page)
}
