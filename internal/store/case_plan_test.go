package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/program"
	"homeward/internal/testdb"
)

// The coordinator's case list and the case page are served by indexes, not
// by a full scan of the cases: the plans of their queries, on both engines,
// after the planner's statistics were refreshed.

// planFixture fills a store with cases of three programs in every state.
type planFixture struct {
	s              *Store
	p1, p2, p3     int64
	mentor, caseID int64
}

func newPlanFixture(t *testing.T, opts Options) planFixture {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var f planFixture
	f.s = s
	for i, id := range []*int64{&f.p1, &f.p2, &f.p3} {
		p := program.New()
		p.Name = fmt.Sprintf("Program %d", i)
		created, err := s.CreateProgram(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		*id = created.ID
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var mentors []int64
		for i := range 60 {
			email := fmt.Sprintf("m%d@example.org", i)
			if err := tx.QueryRowContext(ctx, `INSERT INTO users (email, email_key, name, role, status, created_at, updated_at)
				VALUES ($1, $1, 'Mentor', 'mentor', 'active', $2, $2) RETURNING id`, email, s.ts(now)).Scan(&f.mentor); err != nil {
				return err
			}
			mentors = append(mentors, f.mentor)
		}
		var keyID int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO data_keys (kek_id, created_at) VALUES ('plan', $1) RETURNING id`, s.ts(now)).Scan(&keyID); err != nil {
			return err
		}
		programs := []int64{f.p1, f.p2, f.p3}
		for i := range 6000 {
			var menteeID int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO mentees (case_code, data_key_id, full_name_sealed, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $4) RETURNING id`, fmt.Sprintf("PL-%05d", i), keyID, []byte{1}, s.ts(now)).Scan(&menteeID); err != nil {
				return err
			}
			state := cases.States[i%len(cases.States)]
			opened := now.Add(-time.Duration(i) * time.Hour)
			due, quiet := noDue, noDue
			var mentor any
			if state.SupportedByMentor() {
				due = opened.Add(time.Duration(i%200) * time.Hour)
				mentor = mentors[i%len(mentors)]
			}
			if state == cases.Active {
				quiet = opened.Add(21 * 24 * time.Hour)
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO cases (mentee_id, program_id, case_code, state, mentor_id, opened_at, state_since,
				contact_due_at, quiet_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $6, $6) RETURNING id`,
				menteeID, programs[i%3], fmt.Sprintf("PL-%05d", i), string(state), mentor, s.ts(opened), s.ts(due), s.ts(quiet)).Scan(&f.caseID); err != nil {
				return err
			}
			if i%4 == 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO needs (case_id, period, domain, severity, status, current, assessed_at)
					VALUES ($1, 1, 'housing', 'high', 'not_started', $2, $3)`, f.caseID, true, s.ts(now)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.ExecContext(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	return f
}

// explain returns the plan of a query, one line per step. On PostgreSQL
// sequential scans are priced out, so that a usable index always shows.
func (s *Store) explain(t *testing.T, q string, args ...any) []string {
	t.Helper()
	ctx := context.Background()
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var rows *sql.Rows
	if s.engine == Postgres {
		if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			t.Fatal(err)
		}
		rows, err = tx.QueryContext(ctx, `EXPLAIN `+q, args...)
	} else {
		rows, err = tx.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q, args...)
	}
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, q)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var plan []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, fmt.Sprint(vals[len(vals)-1])) // the detail (SQLite) or the line (PostgreSQL)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

var sqliteFullScan = regexp.MustCompile(`\bSCAN c( |$)`)

// assertIndexed fails when the plan scans the whole cases table.
func assertIndexed(t *testing.T, engine Engine, what string, plan []string) {
	t.Helper()
	text := strings.Join(plan, "\n")
	switch engine {
	case SQLite:
		if sqliteFullScan.MatchString(text) || !strings.Contains(text, "SEARCH c USING") {
			t.Errorf("%s scans the cases:\n%s", what, text)
		}
	case Postgres:
		if strings.Contains(text, "Seq Scan on cases") || !regexp.MustCompile(`Index.* on cases`).MatchString(text) {
			t.Errorf("%s scans the cases:\n%s", what, text)
		}
	}
	t.Logf("%s:\n%s", what, text)
}

func TestCaseQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, opts Options) {
		f := newPlanFixture(t, opts)
		s := f.s
		coordinator := CaseScope{ProgramIDs: []int64{f.p1, f.p2}}
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		lists := []struct {
			what string
			f    CaseFilter
		}{
			{"program, state, by due", CaseFilter{Scope: coordinator, ProgramID: f.p1, State: cases.Active, Sort: SortDue, Now: now}},
			{"program, state, overdue, by due", CaseFilter{Scope: coordinator, ProgramID: f.p1, State: cases.Active, Signal: cases.SignalOverdue, Sort: SortDue, Now: now}},
			{"program, overdue, by due", CaseFilter{Scope: coordinator, ProgramID: f.p1, Signal: cases.SignalOverdue, Sort: SortDue, Now: now}},
			{"program, by due", CaseFilter{Scope: coordinator, ProgramID: f.p1, Sort: SortDue, Now: now}},
			{"program, quiet", CaseFilter{Scope: coordinator, ProgramID: f.p1, Signal: cases.SignalQuiet, Sort: SortDue, Now: now}},
			{"program, state, open need", CaseFilter{Scope: coordinator, ProgramID: f.p1, State: cases.Waiting, Need: "housing", Sort: SortDue, Now: now}},
			{"program, by code", CaseFilter{Scope: coordinator, ProgramID: f.p1, Sort: SortCode, Now: now}},
			{"program, newest", CaseFilter{Scope: coordinator, ProgramID: f.p1, Sort: SortOpened, Now: now}},
			{"scope only, by due", CaseFilter{Scope: coordinator, Sort: SortDue, Now: now}},
			{"program, search by name or code", CaseFilter{Scope: coordinator, ProgramID: f.p1, Query: "kav novi", searchKey: []byte("key"), Sort: SortDue, Now: now}},
			{"scope only, search by name or code", CaseFilter{Scope: coordinator, Query: "HW-00", searchKey: []byte("key"), Sort: SortCode, Now: now}},
			{"a mentor's cases", CaseFilter{Scope: CaseScope{ProgramIDs: []int64{f.p1, f.p2, f.p3}, MentorID: f.mentor}, Sort: SortDue, Now: now}},
		}
		for _, l := range lists {
			first, err := s.caseListQuery(l.f, Page{Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			assertIndexed(t, s.engine, l.what, s.explain(t, first.query, first.args...))
			// The list's total, counted along the same indexes.
			assertIndexed(t, s.engine, l.what+", count", s.explain(t, first.count, first.countArgs...))
			// The next page, from the cursor the first one gives.
			_, next, err := s.ListCases(context.Background(), l.f, Page{Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			if next == "" {
				continue
			}
			page2, err := s.caseListQuery(l.f, Page{Limit: 50, Cursor: next})
			if err != nil {
				t.Fatal(err)
			}
			assertIndexed(t, s.engine, l.what+", page 2", s.explain(t, page2.query, page2.args...))
		}
		assertIndexed(t, s.engine, "the case page", s.explain(t, getCaseQuery, f.caseID))
		// A calendar feed's dates, of a coordinator's and of a mentor's cases.
		for who, scope := range map[string]CaseScope{"coordinator": coordinator, "mentor": {ProgramIDs: []int64{f.p1, f.p2, f.p3}, MentorID: f.mentor}} {
			for _, src := range calendarSources {
				q, args := s.calendarQuery(src, scope, now.AddDate(0, 0, -30), now.AddDate(0, 0, 180), now, 500)
				assertIndexed(t, s.engine, "calendar feed, "+who+", "+string(src.kind), s.explain(t, q, args...))
			}
		}

		// Totals: exact, or for an open need stopped after NeedCountCap.
		total := func(cf CaseFilter) int {
			t.Helper()
			var n int
			if _, _, err := s.ListCases(context.Background(), cf, Page{Limit: 50, Total: &n}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if got := total(CaseFilter{Scope: coordinator, Now: now}); got != 4000 {
			t.Errorf("the coordinator's two programs hold %d cases, want 4000", got)
		}
		if got := total(CaseFilter{Scope: coordinator, ProgramID: f.p1, State: cases.Active, Now: now}); got != 2000/len(cases.States) {
			t.Errorf("the first program's active cases: %d, want %d", got, 2000/len(cases.States))
		}
		if got := total(CaseFilter{Scope: coordinator, ProgramID: f.p1, Need: "housing", Now: now}); got != 500 {
			t.Errorf("the first program's cases with an open housing need: %d, want 500", got)
		}
		if got := total(CaseFilter{Scope: coordinator, Need: "housing", Now: now}); got != NeedCountCap+1 {
			t.Errorf("the two programs' cases with an open housing need: %d, want the count stopped at %d", got, NeedCountCap+1)
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		run(t, Options{DataDir: t.TempDir()})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		run(t, Options{DatabaseURL: testdb.Postgres(t)})
	})
}
