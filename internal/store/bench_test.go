package store_test

import (
	"context"
	"fmt"
	"testing"

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
