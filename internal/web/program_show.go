package web

import (
	"net/http"

	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/route"
)

type programPage struct {
	Program    program.Program
	Saved      bool
	CanEdit    bool
	CanMentors bool // the program's coordinators: mentors, training, matching
}

// programFromPath loads the program the path's {id} names, if the signed-in
// user may do the action on it.
func (h *Web) programFromPath(r *http.Request, a policy.Action) (program.Program, error) {
	id, err := route.PathID(r, "id", "program")
	if err != nil {
		return program.Program{}, err
	}
	if err := policy.CheckRequest(r.Context(), a, id); err != nil {
		return program.Program{}, err
	}
	return h.store.GetProgram(r.Context(), id)
}

func (h *Web) programShow(w http.ResponseWriter, r *http.Request) {
	p, err := h.programFromPath(r, policy.ProgramView)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "program", "programs", programPage{Program: p, Saved: r.URL.Query().Get("saved") == "1",
		CanEdit:    policy.CheckRequest(r.Context(), policy.ProgramEdit, p.ID) == nil,
		CanMentors: policy.CheckRequest(r.Context(), policy.MentorManage, p.ID) == nil})
}
