package web

import (
	"net/http"

	"homeward/internal/program"
	"homeward/internal/route"
)

type programPage struct {
	Program program.Program
	Saved   bool
}

// programFromPath loads the program the path's {id} names.
func (h *Web) programFromPath(r *http.Request) (program.Program, error) {
	id, err := route.ID(r, "program")
	if err != nil {
		return program.Program{}, err
	}
	return h.store.GetProgram(r.Context(), id)
}

func (h *Web) programShow(w http.ResponseWriter, r *http.Request) {
	p, err := h.programFromPath(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "program", "programs", programPage{Program: p, Saved: r.URL.Query().Get("saved") == "1"})
}
