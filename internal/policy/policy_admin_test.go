package policy_test

import (
	"testing"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// Managing users, reading the audit log and retrying background jobs are
// the administrator's alone, and refused as Forbidden (they are no
// program's records, so there is no existence to hide).
func TestAdministrationIsForAdministratorsOnly(t *testing.T) {
	t.Parallel()
	for _, a := range []policy.Action{policy.UserManage, policy.AuditRead, policy.JobManage} {
		for _, role := range auth.Roles {
			u := auth.User{ID: 1, Role: role, Status: auth.StatusActive, Programs: []int64{7}}
			want := role == auth.Admin
			if got := policy.Can(u, a, 0); got != want {
				t.Errorf("%s may %s: %v, want %v", role, a, got, want)
			}
			if got := policy.Can(u, a, 7); got != want {
				t.Errorf("%s may %s on their own program: %v, want %v", role, a, got, want)
			}
			if err := policy.Check(u, a, 0); !want && !errs.Is(err, errs.KindForbidden) {
				t.Errorf("%s refused %s with %v, want Forbidden", role, a, err)
			}
		}
		for _, status := range []string{auth.StatusDisabled, auth.StatusInvited, ""} {
			if policy.Can(auth.User{ID: 1, Role: auth.Admin, Status: status}, a, 0) {
				t.Errorf("a %q administrator may %s", status, a)
			}
		}
	}
	if policy.Can(auth.User{ID: 1, Role: auth.Admin, Status: auth.StatusActive}, "user.delete_everything", 0) {
		t.Error("an unknown action is allowed")
	}
}
