package web

import (
	"net/http"

	"homeward/internal/store"
)

type homePage struct {
	Programs int
}

func (h *Web) home(w http.ResponseWriter, r *http.Request) {
	n, err := h.store.CountPrograms(r.Context(), store.ProgramFilter{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "home", "home", homePage{Programs: n})
}
