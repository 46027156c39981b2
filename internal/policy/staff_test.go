package policy_test

import (
	"testing"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// A program's staff list is for exactly those who assign people to its
// cases (a psychologist, a mentor: policy.CaseManage on the program's
// cases); a member of another program does not learn the program exists.
func TestStaffListIsForThoseWhoAssignPeople(t *testing.T) {
	t.Parallel()
	for _, role := range auth.Roles {
		for _, programs := range [][]int64{{7}, {8}, nil} {
			u := auth.User{ID: 1, Role: role, Status: auth.StatusActive, Programs: programs}
			assigns := policy.CanCase(u, policy.CaseManage, policy.CaseRef{ProgramID: 7})
			if got := policy.Can(u, policy.ProgramStaff, 7); got != assigns {
				t.Errorf("%s of %v may list program 7's staff: %v, but assigns people there: %v", role, programs, got, assigns)
			}
			err := policy.Check(u, policy.ProgramStaff, 7)
			switch {
			case assigns && err != nil:
				t.Errorf("%s of %v refused: %v", role, programs, err)
			case !assigns && !policy.Can(u, policy.ProgramView, 7) && !errs.Is(err, errs.KindNotFound):
				t.Errorf("%s of %v, who does not see program 7, refused with %v, want NotFound", role, programs, err)
			case !assigns && policy.Can(u, policy.ProgramView, 7) && !errs.Is(err, errs.KindForbidden):
				t.Errorf("%s of %v, who sees program 7, refused with %v, want Forbidden", role, programs, err)
			}
		}
	}
	if policy.Can(auth.User{ID: 1, Role: auth.Coordinator, Status: auth.StatusDisabled, Programs: []int64{7}}, policy.ProgramStaff, 7) {
		t.Error("a disabled coordinator may list the staff")
	}
}
