package api

import (
	"cmp"
	"net/http"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// staffRoles are the roles of a program's staff, in the order listed.
var staffRoles = []auth.Role{auth.Coordinator, auth.Mentor, auth.Psychologist}

// staffMember is a person who works in a program, as the case page offers
// them to be assigned: their id (a case's mentor_id or psychologist_id),
// the name shown, their role and, for a mentor, their places.
type staffMember struct {
	ID   int64     `json:"id"`
	Name string    `json:"name"`
	Role auth.Role `json:"role"`
	// A mentor's open cases in the program, their places, whether they are
	// full and whether they are ready (nothing their program requires is
	// missing); absent for other roles.
	Load     *int  `json:"load,omitempty"`
	Capacity *int  `json:"capacity,omitempty"`
	Full     *bool `json:"full,omitempty"`
	Ready    *bool `json:"ready,omitempty"`
}

// staffName is how the pages name a person: their name, or their email
// address without one.
func staffName(u auth.User) string { return cmp.Or(u.Name, u.Email) }

// programStaffList lists a program's active coordinators, mentors and
// psychologists (?role= one of them), each by name: for those who assign
// people to the program's cases (policy.ProgramStaff), so that a
// psychologist or a mentor is chosen by id as on the case page. Not paged:
// the case page offers them all at once.
func (a *API) programStaffList(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "program")
	if err == nil {
		err = policy.CheckRequest(r.Context(), policy.ProgramStaff, id)
	}
	if err != nil {
		return err
	}
	roles := staffRoles
	if s := r.URL.Query().Get("role"); s != "" {
		role := auth.Role(s)
		if role != auth.Coordinator && role != auth.Mentor && role != auth.Psychologist {
			return errs.Invalid(map[string]string{"role": "validation.choice"})
		}
		roles = []auth.Role{role}
	}
	items := []staffMember{}
	for _, role := range roles {
		if role == auth.Mentor {
			choices, err := a.store.ProgramMentors(r.Context(), id)
			if err != nil {
				return err
			}
			for _, m := range choices {
				full := m.Full()
				items = append(items, staffMember{ID: m.User.ID, Name: staffName(m.User), Role: role,
					Load: &m.Load, Capacity: &m.Capacity, Full: &full, Ready: &m.Ready})
			}
			continue
		}
		users, err := a.store.ProgramStaff(r.Context(), id, role)
		if err != nil {
			return err
		}
		for _, u := range users {
			items = append(items, staffMember{ID: u.ID, Name: staffName(u), Role: role})
		}
	}
	return writeJSON(w, http.StatusOK, newList(items, ""))
}
