package web

import (
	"homeward/internal/route"
	"net/http"

	"homeward/internal/program"
)

type programPage struct {
	Program program.Program
	Saved   bool
}

func (h *Web) programShow(w http.ResponseWriter, r *http.Request) {
	id, err := route.ID(r, "program")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.store.GetProgram(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "program", "programs", programPage{Program: p, Saved: r.URL.Query().Get("saved") == "1"})
}
