package policy

import (
	"context"
	"slices"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/identity"
	"homeward/internal/store"
)

// CanMentor tells whether the user may do the action on a mentor: the
// coordinators of the mentor's program manage and view them; the mentor
// views their own record and reports their own training. The admin,
// other mentors, psychologists, partners, viewers and mentees reach no
// mentor's record: a volunteer's application, checks and notes are
// personal data too.
func CanMentor(u auth.User, a Action, m store.MentorRef) bool {
	if u.Status != auth.StatusActive || m.ProgramID == 0 {
		return false
	}
	coordinator := u.Role == auth.Coordinator && slices.Contains(u.Programs, m.ProgramID)
	self := u.Role == auth.Mentor && m.UserID != 0 && m.UserID == u.ID && slices.Contains(u.Programs, m.ProgramID)
	switch a {
	case MentorManage:
		return coordinator
	case MentorView:
		return coordinator || self
	case MentorSelf:
		return self
	}
	return false
}

// CheckMentor is CanMentor as an error for the request's user:
// errs.NotFound when they may not even view the mentor, errs.Forbidden
// otherwise.
func CheckMentor(ctx context.Context, a Action, m store.MentorRef) error {
	if _, ok := identity.From(ctx); !ok {
		return &errs.Error{Kind: errs.KindUnauthorized, Code: "unauthorized", Message: "Sign in first."}
	}
	u := Actor(ctx)
	if CanMentor(u, a, m) {
		return nil
	}
	if !CanMentor(u, MentorView, m) {
		return errs.NotFound("mentor")
	}
	return errs.Forbidden("You may not do this.")
}
