package web

import (
	"net/http"

	"homeward/internal/policy"
)

type homePage struct {
	Programs  int
	CanCreate bool
}

func (h *Web) home(w http.ResponseWriter, r *http.Request) {
	n, err := h.store.CountPrograms(r.Context(), policy.ProgramScope(r.Context(), ""))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "home", "home", homePage{Programs: n, CanCreate: policy.CheckRequest(r.Context(), policy.ProgramCreate, 0) == nil})
}
