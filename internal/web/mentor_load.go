package web

import (
	"net/http"
	"strconv"

	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/route"
	"homeward/internal/store"
)

// mentorFromPath returns the mentor the path's {id} names, if the user may
// do the action on them (errs.NotFound when they may not even view them).
// Nothing sealed is read before the policy decides.
func (h *Web) mentorFromPath(r *http.Request, a policy.Action) (store.MentorRef, error) {
	id, err := route.PathID(r, "id", "mentor")
	if err != nil {
		return store.MentorRef{}, err
	}
	ref, err := h.store.MentorRef(r.Context(), id)
	if err != nil {
		return ref, err
	}
	return ref, policy.CheckMentor(r.Context(), a, ref)
}

// mentorProgram returns the program whose mentors a coordinator works
// with: the ?program= one (if theirs), else their first; with all their
// programs to choose from.
func (h *Web) mentorProgram(r *http.Request) (program.Program, []program.Program, error) {
	programs, _, err := h.store.ListPrograms(r.Context(), policy.ProgramScope(r.Context(), ""), store.Page{Limit: store.MaxLimit})
	if err != nil {
		return program.Program{}, nil, err
	}
	if len(programs) == 0 {
		return program.Program{}, nil, errs.NotFound("program")
	}
	want, _ := strconv.ParseInt(r.URL.Query().Get("program"), 10, 64)
	for _, p := range programs {
		if p.ID == want {
			return p, programs, policy.CheckRequest(r.Context(), policy.MentorManage, p.ID)
		}
	}
	if want != 0 {
		return program.Program{}, nil, errs.NotFound("program")
	}
	return programs[0], programs, policy.CheckRequest(r.Context(), policy.MentorManage, programs[0].ID)
}

// programForMentors returns the program of the path's {id} if the user
// manages its mentors.
func (h *Web) programForMentors(r *http.Request) (program.Program, error) {
	return h.programFromPath(r, policy.MentorManage)
}

// mentorAt is the address of a mentor's page, with a notice.
func mentorAt(id int64, done string) string {
	p := "/mentors/" + strconv.FormatInt(id, 10)
	if done != "" {
		p += "?done=" + done
	}
	return p
}
