package store_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/demo"
	"homeward/internal/program"
	"homeward/internal/seal"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// The coordinator's case list and the case page on generated data: cases
// over ten programs, ten contacts a case, with mentors, needs, plan steps
// and requests in proportion (demo.Bulk). The size comes from
// HOMEWARD_BENCH_CASES (default 5,000, generated in seconds); the real
// measure is
//
//	HOMEWARD_BENCH_CASES=100000 go test ./internal/store -run '^$' -bench BenchmarkCases -benchtime 2s -timeout 60m
//
// which spends a few minutes per engine generating the data first.

// benchCases is the generated data of one engine.
type benchCases struct {
	s           *store.Store
	programs    []program.Program
	coordinator store.CaseScope // three of the ten programs
	caseID      int64           // an active case with a long history
	mentorID    int64           // its mentor
}

func newBenchCases(b *testing.B, opts store.Options) benchCases {
	b.Helper()
	ctx := context.Background()
	n := 5000
	if v := os.Getenv("HOMEWARD_BENCH_CASES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 100 {
			b.Fatalf("HOMEWARD_BENCH_CASES=%q: give a number of cases of at least 100", v)
		}
	}
	if opts.Keyring == nil {
		ring, _, err := seal.Load(b.TempDir(), "")
		if err != nil {
			b.Fatal(err)
		}
		opts.Keyring = ring
	}
	s, err := store.Open(ctx, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	var bc benchCases
	bc.s = s
	for _, p := range demo.Programs(demo.Medium, 1)[:10] {
		saved, err := s.CreateProgram(ctx, p)
		if err != nil {
			b.Fatal(err)
		}
		bc.programs = append(bc.programs, saved)
	}
	start := time.Now()
	sum, err := demo.Bulk(ctx, s, demo.BulkSpec{Cases: n, Contacts: 10 * n, Programs: bc.programs, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d cases, %d contacts, %d requests generated in %s", s.Engine(), sum.Cases, sum.Contacts, sum.Requests,
		time.Since(start).Round(time.Second))
	bc.coordinator = store.CaseScope{ProgramIDs: []int64{bc.programs[0].ID, bc.programs[1].ID, bc.programs[2].ID}}
	// The case page of the active case with the most contacts among the first
	// page of the first program's list.
	page, _, err := s.ListCases(ctx, store.CaseFilter{Scope: bc.coordinator, ProgramID: bc.programs[0].ID,
		State: cases.Active, Sort: store.SortOpened}, store.Page{Limit: 200})
	if err != nil || len(page) == 0 {
		b.Fatalf("no active case: %v", err)
	}
	c := page[len(page)-1]
	bc.caseID, bc.mentorID = c.ID, c.MentorID
	return bc
}

// BenchmarkCases measures the coordinator's case list and the case page.
func BenchmarkCases(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			opts := store.Options{DataDir: b.TempDir()}
			if engine == "postgres" {
				opts = store.Options{DatabaseURL: testdb.Postgres(b)}
			}
			bc := newBenchCases(b, opts)
			benchCaseLists(b, bc)
			benchCasePage(b, bc)
		})
	}
}

func benchCaseLists(b *testing.B, bc benchCases) {
	ctx := context.Background()
	p1 := bc.programs[0].ID
	lists := []struct {
		name string
		f    store.CaseFilter
	}{
		{"list/program_state_due", store.CaseFilter{Scope: bc.coordinator, ProgramID: p1, State: cases.Active, Sort: store.SortDue}},
		{"list/overdue", store.CaseFilter{Scope: bc.coordinator, Signal: cases.SignalOverdue, Sort: store.SortDue}},
		{"list/program_overdue", store.CaseFilter{Scope: bc.coordinator, ProgramID: p1, Signal: cases.SignalOverdue, Sort: store.SortDue}},
		{"list/program_quiet", store.CaseFilter{Scope: bc.coordinator, ProgramID: p1, Signal: cases.SignalQuiet, Sort: store.SortDue}},
		{"list/program_need_housing", store.CaseFilter{Scope: bc.coordinator, ProgramID: p1, Need: "housing", Sort: store.SortDue}},
		{"list/need_housing_active", store.CaseFilter{Scope: bc.coordinator, State: cases.Active, Need: "housing", Sort: store.SortDue}},
		{"list/scope_due", store.CaseFilter{Scope: bc.coordinator, Sort: store.SortDue}},
		{"list/program_newest", store.CaseFilter{Scope: bc.coordinator, ProgramID: p1, Sort: store.SortOpened}},
		{"list/mentor_own", store.CaseFilter{Scope: store.CaseScope{ProgramIDs: bc.coordinator.ProgramIDs, MentorID: bc.mentorID}, Sort: store.SortDue}},
	}
	for _, l := range lists {
		b.Run(l.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := bc.s.ListCases(ctx, l.f, store.Page{Limit: 50}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The same pages with the list's total, as the case list shows them
	// ("1,341 cases, page 1 of 27"): the page and one COUNT of the filter.
	for _, l := range lists {
		b.Run("total/"+l.name[len("list/"):], func(b *testing.B) {
			var n int
			for b.Loop() {
				if _, _, err := bc.s.ListCases(ctx, l.f, store.Page{Limit: 50, Total: &n}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "cases")
		})
	}
	// Page 2 by the cursor of page 1.
	f := lists[0].f
	_, next, err := bc.s.ListCases(ctx, f, store.Page{Limit: 50})
	if err != nil || next == "" {
		b.Fatalf("no second page: %v", err)
	}
	b.Run("list/program_state_due_page2", func(b *testing.B) {
		for b.Loop() {
			page, _, err := bc.s.ListCases(ctx, f, store.Page{Limit: 50, Cursor: next})
			if err != nil || len(page) == 0 {
				b.Fatalf("%d cases, %v", len(page), err)
			}
		}
	})
}

// benchCasePage measures what the case page reads: the case, its current
// needs, the plan, the first page of contacts (opened, which appends an
// audit entry) and the request times for the signals.
func benchCasePage(b *testing.B, bc benchCases) {
	ctx := context.Background()
	id := bc.caseID
	b.Run("page/case", func(b *testing.B) {
		for b.Loop() {
			if _, err := bc.s.GetCase(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("page/needs", func(b *testing.B) {
		for b.Loop() {
			if _, err := bc.s.CurrentNeeds(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("page/plan", func(b *testing.B) {
		for b.Loop() {
			if _, err := bc.s.PlanSteps(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("page/contacts", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := bc.s.Contacts(ctx, id, store.Page{Limit: 20}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("page/request_times", func(b *testing.B) {
		for b.Loop() {
			if _, err := bc.s.RequestTimes(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("page/all", func(b *testing.B) {
		for b.Loop() {
			c, err := bc.s.GetCase(ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := bc.s.CurrentNeeds(ctx, id); err != nil {
				b.Fatal(err)
			}
			if _, err := bc.s.PlanSteps(ctx, id); err != nil {
				b.Fatal(err)
			}
			if _, _, err := bc.s.Contacts(ctx, id, store.Page{Limit: 20}); err != nil {
				b.Fatal(err)
			}
			times, err := bc.s.RequestTimes(ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			_ = cases.ProgressOf(c, times, time.Now())
		}
	})
}
