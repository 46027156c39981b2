package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"homeward/internal/store"
)

// Parallel guesses are held to the limit: the attempt is counted before the
// password is checked, atomically.
func TestLoginAttemptsAreCountedAtomically(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		th := store.Throttle{Limit: 5, Window: 15 * time.Minute, Lockout: 15 * time.Minute}
		var allowed atomic.Int64
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				until, err := s.CountLoginAttempt(ctx, map[string]store.Throttle{"account:a@example.org": th, "address:192.0.2.1": {Limit: 100, Window: time.Hour, Lockout: time.Hour}})
				if err != nil {
					t.Error(err)
					return
				}
				if until.IsZero() {
					allowed.Add(1)
				}
			}()
		}
		wg.Wait()
		if n := allowed.Load(); n != 5 {
			t.Errorf("%d of 20 parallel attempts went ahead, want 5", n)
		}
		until, _ := s.CountLoginAttempt(ctx, map[string]store.Throttle{"account:a@example.org": th})
		if until.IsZero() || until.Before(time.Now()) {
			t.Errorf("the account is not locked after the burst: %v", until)
		}
		// Another account is not affected; a success resets the count.
		for range 5 {
			if until, _ := s.CountLoginAttempt(ctx, map[string]store.Throttle{"account:b@example.org": th}); !until.IsZero() {
				t.Fatal("another account was locked")
			}
		}
		if err := s.ForgetLoginAttempts(ctx, "account:b@example.org"); err != nil {
			t.Fatal(err)
		}
		if until, _ := s.CountLoginAttempt(ctx, map[string]store.Throttle{"account:b@example.org": th}); !until.IsZero() {
			t.Error("the count was not reset by a success")
		}
		typed, err := store.QueryStringForTest(ctx, s, `SELECT key FROM login_throttle LIMIT 1`)
		if err != nil || len(typed) != 64 {
			t.Errorf("throttle key %q is not a hash", typed)
		}
	})
}
