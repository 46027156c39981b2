package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/store"
)

// Requests at once, through the statements the store keeps, each get their
// own token's user and programs; the store closes cleanly with them kept.
func TestKeptStatementsAnswerEachRequest(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		tokens := map[string]int64{}
		for i := range 4 {
			u := mustUser(t, s, auth.User{Email: fmt.Sprintf("viewer-%d@example.org", i), Role: auth.Viewer}, auth.StatusActive)
			plain, _, err := s.CreateAPIToken(ctx, u.ID, "script", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			tokens[plain] = u.ID
		}
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 20 {
					for plain, id := range tokens {
						_, u, err := s.TokenUser(ctx, plain)
						if err != nil || u.ID != id {
							t.Errorf("token of user %d: user %d, %v", id, u.ID, err)
							return
						}
					}
				}
			})
		}
		wg.Wait()
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
}
