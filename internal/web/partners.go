package web

import (
	"net/http"
	"strings"

	"homeward/internal/partners"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// partnersPage lists the partner organisations by name.
type partnersPage struct {
	Query    string
	Partners []partners.Partner
	CanEdit  bool
	listPager
}

// partnerList shows the partner organisations.
func (h *Web) partnerList(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	cursor := r.URL.Query().Get("cursor")
	var total int
	list, next, err := h.store.Partners(r.Context(), store.PartnerFilter{Query: q}, store.Page{Limit: store.DefaultLimit, Cursor: cursor, Total: &total})
	if err != nil {
		return err
	}
	page := partnersPage{Query: q, Partners: list, CanEdit: policy.Can(policy.Actor(r.Context()), policy.DirectoryEdit, 0)}
	page.listPager = pager(r, "/partners", cursor, next, total, store.DefaultLimit, "list.total.partners")
	return h.render(w, r, http.StatusOK, "partners", "partners", page)
}

// partnerPage is one partner organisation with its services and their results.
type partnerPage struct {
	Partner partners.Partner
	CanEdit bool
	Done    string
}

// partnerShow shows a partner organisation.
func (h *Web) partnerShow(w http.ResponseWriter, r *http.Request) error {
	o, err := h.partnerFromPath(r)
	if err != nil {
		return err
	}
	page := partnerPage{Partner: o, CanEdit: policy.Can(policy.Actor(r.Context()), policy.DirectoryEdit, 0)}
	switch r.URL.Query().Get("done") {
	case "saved":
		page.Done = "partner.saved"
	case "service":
		page.Done = "service.saved"
	}
	return h.render(w, r, http.StatusOK, "partner", "partners", page)
}
