package web

import (
	"net/http"

	"homeward/internal/policy"
	"homeward/internal/route"
)

func (h *Web) programEdit(w http.ResponseWriter, r *http.Request) {
	p, err := h.programFromPath(r, policy.ProgramEdit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "program_form", "programs", formFromProgram(p))
}

// programUpdate saves an edited program. When someone else saved it in the
// meantime, the form comes back with what this person typed, a message saying
// so, and the newer version, so that sending again is a deliberate choice.
func (h *Web) programUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := route.PathID(r, "id", "program")
	if err == nil {
		err = policy.CheckRequest(r.Context(), policy.ProgramEdit, id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, p, err := parseProgramForm(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f.ID, p.ID = id, id
	h.saveProgramForm(w, r, f, p, h.store.UpdateProgram)
}
