package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/store"
)

// BenchmarkProgramListPage measures one page of the program list near the
// start and deep into 20,000 programs: with keyset pagination the two cost
// the same. Run: go test ./internal/store -run '^$' -bench ProgramListPage
func BenchmarkProgramListPage(b *testing.B) {
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const n = 20000
	for i := range n {
		if _, err := s.CreateProgram(ctx, newProgram(fmt.Sprintf("Program %06d", i))); err != nil {
			b.Fatal(err)
		}
	}
	// Walk to page 2 and to the page at 19,000 once, to get their cursors.
	cursorAt := func(skip int) string {
		c := ""
		for skip > 0 {
			_, next, err := s.ListPrograms(ctx, store.ProgramFilter{}, store.Page{Limit: min(skip, store.MaxLimit), Cursor: c})
			if err != nil {
				b.Fatal(err)
			}
			skip -= min(skip, store.MaxLimit)
			c = next
		}
		return c
	}
	for _, bc := range []struct {
		name   string
		cursor string
	}{{"page2", cursorAt(50)}, {"page381", cursorAt(19000)}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				items, _, err := s.ListPrograms(ctx, store.ProgramFilter{}, store.Page{Limit: 50, Cursor: bc.cursor})
				if err != nil || len(items) != 50 {
					b.Fatalf("%d items, %v", len(items), err)
				}
			}
		})
	}
}

// BenchmarkSignedInUser measures finding the signed-in user of an API token
// and of a session, as every request does (kept a few seconds on SQLite,
// user_cache.go). Run: go test ./internal/store -run '^$' -bench SignedInUser
func BenchmarkSignedInUser(b *testing.B) {
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	p, err := s.CreateProgram(ctx, newProgram("Benchmark"))
	if err != nil {
		b.Fatal(err)
	}
	u, err := s.CreateUser(ctx, auth.User{Email: "coordinator@example.org", Role: auth.Coordinator, Programs: []int64{p.ID}})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.SetPassword(ctx, u.ID, "$argon2id$x"); err != nil {
		b.Fatal(err)
	}
	token, _, err := s.CreateAPIToken(ctx, u.ID, "bench", time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	session, err := s.CreateSession(ctx, u.ID, time.Hour, "127.0.0.1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("token", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.TokenUser(ctx, token); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("session", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.SessionUser(ctx, session, time.Hour); err != nil {
				b.Fatal(err)
			}
		}
	})
}
