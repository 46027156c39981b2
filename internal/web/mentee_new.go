package web

import (
	"net/http"

	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/store"
)

// menteeNew shows the empty intake form: the program and the state the
// case starts in, and the person's profile.
func (h *Web) menteeNew(w http.ResponseWriter, r *http.Request) {
	if err := policy.CheckRequest(r.Context(), policy.MenteeCreate, 0); err != nil {
		h.fail(w, r, err)
		return
	}
	programs, err := h.intakePrograms(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "mentee_form", "cases", newMenteeForm(programs))
}

// intakePrograms are the programs the signed-in user may take people into.
func (h *Web) intakePrograms(r *http.Request) ([]program.Program, error) {
	list, _, err := h.store.ListPrograms(r.Context(), policy.ProgramScope(r.Context(), ""), store.Page{Limit: store.MaxLimit})
	if err != nil {
		return nil, err
	}
	u := policy.Actor(r.Context())
	var out []program.Program
	for _, p := range list {
		if policy.Can(u, policy.MenteeCreate, p.ID) {
			out = append(out, p)
		}
	}
	return out, nil
}
