package store_test

import (
	"context"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/store"
)

// A token, and the calendar feed, stop working for good whenever the
// person's sessions are cut: a new password, a new role, "sign out
// everywhere", disabling.
func TestTokensGoWithTheSessions(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		opts.Keyring = keyring(t) // a mentee's account seals its address
		s := open(t, opts)
		mustUser(t, s, auth.User{Email: "admin@example.org", Role: auth.Admin}, auth.StatusActive)
		cut := map[string]func(u auth.User) error{
			"password": func(u auth.User) error { return s.SetPassword(ctx, u.ID, "$argon2id$y") },
			"role": func(u auth.User) error {
				u.Role = auth.Coordinator
				_, err := s.UpdateUser(ctx, u, u.UpdatedAt)
				return err
			},
			"everywhere": func(u auth.User) error { _, err := s.EndUserSessions(ctx, u.ID); return err },
			"disable":    func(u auth.User) error { return s.SetUserStatus(ctx, u.ID, auth.StatusDisabled) },
		}
		for what, f := range cut {
			role := auth.Mentee
			if what == "role" {
				role = auth.Viewer // a mentee's account is not edited as staff's are
			}
			u := mustUser(t, s, auth.User{Email: "mentee-" + what + "@example.org", Role: role}, auth.StatusActive)
			plain, _, err := s.CreateAPIToken(ctx, u.ID, "script", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.TokenUser(ctx, plain); err != nil {
				t.Fatalf("%s: the new token: %v", what, err)
			}
			feed, _, err := s.CreateCalendarFeed(ctx, u.ID, "en")
			if err != nil {
				t.Fatal(err)
			}
			if err := f(u); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if _, _, err := s.TokenUser(ctx, plain); !errs.Is(err, errs.KindNotFound) {
				t.Errorf("after %s the token still works: %v", what, err)
			}
			if _, _, err := s.CalendarFeedUser(ctx, feed); !errs.Is(err, errs.KindNotFound) {
				t.Errorf("after %s the calendar feed still works: %v", what, err)
			}
		}
	})
}
