package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/seal"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// Several app processes start at the same moment on an empty PostgreSQL
// database, each with its own connection pool and key file: three share one
// key file (nodes set up alike), three have keys of their own (every new key
// file has key id 1). Exactly one key is taken; every process with another
// key is refused before it seals anything; of the setup links the processes
// that came up print, exactly one works, and it makes one first admin even
// when all are tried at once. Many rounds, a fresh database each.
func TestProcessesStartingTogetherAgreeOnOneKeyAndOneSetupLink(t *testing.T) {
	ctx := context.Background()
	shared := keyring(t)
	for round := range 10 {
		url := testdb.Postgres(t)
		keys := []*seal.Keyring{shared, shared, shared, keyring(t), keyring(t), keyring(t)}
		type start struct {
			st   *store.Store
			err  error
			link string
		}
		starts := make([]start, len(keys))
		var ready, done sync.WaitGroup
		barrier := make(chan struct{})
		for i, k := range keys {
			ready.Add(1)
			done.Add(1)
			go func() {
				defer done.Done()
				ready.Done()
				<-barrier
				st, err := store.Open(ctx, store.Options{DatabaseURL: url, Keyring: k})
				if err == nil {
					starts[i].link, err = st.CreateSetupLink(ctx, 72*time.Hour)
				}
				starts[i].st, starts[i].err = st, err
			}()
		}
		ready.Wait()
		close(barrier)
		done.Wait()
		t.Cleanup(func() {
			for _, s := range starts {
				if s.st != nil {
					s.st.Close()
				}
			}
		})

		var winner *seal.Keyring
		var links []string
		for i, s := range starts {
			if s.err == nil {
				if winner != nil && winner != keys[i] {
					t.Fatalf("round %d: processes with different keys both started", round)
				}
				winner = keys[i]
				if s.link != "" {
					links = append(links, s.link)
				}
			} else if !errors.Is(s.err, store.ErrForeignKeyring) {
				t.Fatalf("round %d: process %d: %v, want it started or refused for its key", round, i, s.err)
			}
		}
		if winner == nil {
			t.Fatalf("round %d: no process started", round)
		}
		for i, s := range starts {
			if (keys[i] == winner) != (s.err == nil) {
				t.Errorf("round %d: process %d with the winning key %v: started %v", round, i, keys[i] == winner, s.err == nil)
			}
		}
		// The key taken is the one every later process must bring.
		if _, err := store.Open(ctx, store.Options{DatabaseURL: url, Keyring: keyring(t)}); !errors.Is(err, store.ErrForeignKeyring) {
			t.Errorf("round %d: a later process with another key: %v, want refused", round, err)
		}
		again, err := store.Open(ctx, store.Options{DatabaseURL: url, Keyring: winner})
		if err != nil {
			t.Fatalf("round %d: a later process with the taken key: %v", round, err)
		}
		if _, _, err := store.SealProbeForTest(ctx, again, knownSecret); err != nil {
			t.Errorf("round %d: seal with the taken key: %v", round, err)
		}
		again.Close()

		// Every printed link is tried at the same moment.
		if len(links) == 0 {
			t.Fatalf("round %d: no process printed a setup link", round)
		}
		st := starts[0].st
		for _, s := range starts {
			if s.st != nil {
				st = s.st
			}
		}
		used := make([]error, len(links))
		barrier = make(chan struct{})
		for i, link := range links {
			ready.Add(1)
			done.Add(1)
			go func() {
				defer done.Done()
				ready.Done()
				<-barrier
				admin := auth.User{Email: fmt.Sprintf("admin%d@example.org", i), Name: "First"}
				_, used[i] = st.UseLink(ctx, link, &admin, "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")
			}()
		}
		ready.Wait()
		close(barrier)
		done.Wait()
		worked := 0
		for _, err := range used {
			if err == nil {
				worked++
			}
		}
		if worked != 1 {
			t.Errorf("round %d: %d of %d printed setup links worked, want exactly one (%v)", round, worked, len(links), used)
		}
		if n, err := st.CountUsers(ctx); err != nil || n != 1 {
			t.Errorf("round %d: %d users after the setup links (%v), want one first admin", round, n, err)
		}
		if link, err := st.CreateSetupLink(ctx, 72*time.Hour); err != nil || link != "" {
			t.Errorf("round %d: a setup link once the admin exists: %q %v", round, link, err)
		}
	}
}
