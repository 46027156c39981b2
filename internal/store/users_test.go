package store_test

import (
	"context"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/store"
)

func TestUsersAndSessions(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		p, _ := s.CreateProgram(ctx, newProgram("P"))
		for _, e := range []string{"b@example.org", "a@example.org", "c@example.org"} {
			if _, err := s.CreateUser(ctx, auth.User{Email: e, Role: auth.Mentor, Programs: []int64{p.ID, p.ID}}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.CreateUser(ctx, auth.User{Email: "A@example.org", Role: auth.Mentor}); errs.As(err).Fields["email"] != "validation.email_taken" {
			t.Errorf("duplicate email ignoring case: %v", err)
		}
		if _, err := s.CreateUser(ctx, auth.User{Email: "d@example.org", Role: auth.Mentor, Programs: []int64{999}}); errs.As(err).Fields["programs"] != "validation.no_such_program" {
			t.Errorf("unknown program: %v", err)
		}
		first, next, err := s.SearchUsers(ctx, store.UserFilter{}, store.Page{Limit: 2})
		rest, last, _ := s.SearchUsers(ctx, store.UserFilter{}, store.Page{Limit: 2, Cursor: next})
		if err != nil || len(first) != 2 || first[0].Email != "a@example.org" || len(rest) != 1 || rest[0].Email != "c@example.org" || last != "" {
			t.Fatalf("pages of users: %v %v %v", first, rest, err)
		}
		u, _, _ := s.UserForLogin(ctx, "B@EXAMPLE.ORG")
		if len(u.Programs) != 1 || u.Programs[0] != p.ID || u.Status != auth.StatusInvited {
			t.Errorf("user %+v", u)
		}
		if err := s.SetPassword(ctx, u.ID, "$argon2id$x"); err != nil {
			t.Fatal(err)
		}
		t1, _ := s.CreateSession(ctx, u.ID, time.Hour, "192.0.2.1", "one")
		t2, _ := s.CreateSession(ctx, u.ID, time.Hour, "192.0.2.2", "two")
		list, err := s.ListSessions(ctx, u.ID)
		if err != nil || len(list) != 2 || list[0].UserAgent != "two" {
			t.Fatalf("sessions: %+v %v", list, err)
		}
		if err := s.EndSession(ctx, u.ID, list[1].ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, t1, time.Hour); err == nil {
			t.Error("an ended session still works")
		}
		if _, got, err := s.SessionUser(ctx, t2, time.Hour); err != nil || got.ID != u.ID {
			t.Errorf("the other session: %v", err)
		}
		// Someone else cannot end this user's session.
		if err := s.EndSession(ctx, u.ID+1, list[0].ID); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("ending another user's session: %v", err)
		}
		// A password change ends every session.
		if err := s.SetPassword(ctx, u.ID, "$argon2id$y"); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.ListSessions(ctx, u.ID); len(list) != 0 {
			t.Errorf("%d sessions after a password change", len(list))
		}
	})
}
