package web

import (
	"net/http"

	"homeward/internal/partners"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// servicePage is one service with everything the directory knows of it.
type servicePage struct {
	Service partners.Service
	CanEdit bool
	Done    string
}

// serviceShow shows a service.
func (h *Web) serviceShow(w http.ResponseWriter, r *http.Request) {
	id, err := route.PathID(r, "id", "service")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.store.GetService(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page := servicePage{Service: v, CanEdit: policy.Can(policy.Actor(r.Context()), policy.DirectoryEdit, 0)}
	if r.URL.Query().Get("done") == "saved" {
		page.Done = "service.saved"
	}
	h.render(w, r, http.StatusOK, "service", "partners", page)
}
