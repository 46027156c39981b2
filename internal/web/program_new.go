package web

import (
	"net/http"

	"homeward/internal/policy"
	"homeward/internal/program"
)

// programNew shows an empty form with every setting at its default.
func (h *Web) programNew(w http.ResponseWriter, r *http.Request) {
	if err := policy.CheckRequest(r.Context(), policy.ProgramCreate, 0); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "program_form", "programs", formFromProgram(program.New()))
}

// programCreate saves a new program, or shows the form again with what was
// typed and a message on each field that needs attention.
func (h *Web) programCreate(w http.ResponseWriter, r *http.Request) {
	if err := policy.CheckRequest(r.Context(), policy.ProgramCreate, 0); err != nil {
		h.fail(w, r, err)
		return
	}
	f, p, err := parseProgramForm(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.saveProgramForm(w, r, f, p, h.store.CreateProgram)
}
