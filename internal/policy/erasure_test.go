package policy_test

import (
	"testing"

	"homeward/internal/auth"
	"homeward/internal/policy"
)

// A person's erasure is asked by a coordinator of the case's program and
// decided by a coordinator of it or the admin; their export is a
// coordinator's. Mentors, psychologists, partners, viewers and mentees do
// none of it, and nobody acts on another program's case.
func TestErasureAndExportAreForCoordinatorsAndTheAdmin(t *testing.T) {
	t.Parallel()
	for _, a := range []policy.Action{policy.ErasureAsk, policy.ErasureDecide, policy.ErasureList, policy.MenteeExport} {
		if !policy.Known(a) {
			t.Errorf("%s is not a known action", a)
		}
	}
	mine := policy.CaseRef{ProgramID: 7, MentorID: 2, PsychologistID: 2}
	elsewhere := policy.CaseRef{ProgramID: 8, MentorID: 2, PsychologistID: 2}
	for _, role := range auth.Roles {
		u := auth.User{ID: 2, Role: role, Status: auth.StatusActive, Programs: []int64{7}, PartnerID: 1}
		coordinator, admin := role == auth.Coordinator, role == auth.Admin
		for _, c := range []struct {
			a    policy.Action
			ref  policy.CaseRef
			want bool
		}{
			{policy.ErasureAsk, mine, coordinator},
			{policy.ErasureAsk, elsewhere, false},
			{policy.ErasureDecide, mine, coordinator || admin},
			{policy.ErasureDecide, elsewhere, admin},
			{policy.MenteeExport, mine, coordinator},
			{policy.MenteeExport, elsewhere, false},
		} {
			if got := policy.CanCase(u, c.a, c.ref); got != c.want {
				t.Errorf("%s may %s on program %d's case: %v, want %v", role, c.a, c.ref.ProgramID, got, c.want)
			}
		}
		if got := policy.Can(u, policy.ErasureList, 0); got != (coordinator || admin) {
			t.Errorf("%s may list erasure requests: %v", role, got)
		}
		u.Status = auth.StatusDisabled
		if policy.CanCase(u, policy.ErasureDecide, mine) || policy.Can(u, policy.ErasureList, 0) {
			t.Errorf("a disabled %s may decide or list erasures", role)
		}
	}
}
