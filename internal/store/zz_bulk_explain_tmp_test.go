package store

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"homeward/internal/cases"
)

// Temporary: prints the plans of the case list and case page queries on
// an existing (large demo) database. Deleted after the measurement.
func TestZZExplainLarge(t *testing.T) {
	var opts Options
	switch {
	case os.Getenv("HW_EXPLAIN_SQLITE") != "":
		opts = Options{DataDir: os.Getenv("HW_EXPLAIN_SQLITE"), NoMigrate: true, Shared: true}
	case os.Getenv("HW_EXPLAIN_PG") != "":
		opts = Options{DatabaseURL: os.Getenv("HW_EXPLAIN_PG"), NoMigrate: true}
	default:
		t.Skip("no database")
	}
	ctx := context.Background()
	s, err := Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var mentor, caseID int64
	if err := s.read.QueryRowContext(ctx, `SELECT id, mentor_id FROM cases WHERE program_id = 1 AND state = 'active' ORDER BY id DESC LIMIT 1`).Scan(&caseID, &mentor); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	coordinator := CaseScope{ProgramIDs: []int64{1, 2, 3}}
	lists := []struct {
		what string
		f    CaseFilter
	}{
		{"program + state + sort due", CaseFilter{Scope: coordinator, ProgramID: 1, State: cases.Active, Sort: SortDue, Now: now}},
		{"overdue signal (all the coordinator's programs)", CaseFilter{Scope: coordinator, Signal: cases.SignalOverdue, Sort: SortDue, Now: now}},
		{"program + overdue", CaseFilter{Scope: coordinator, ProgramID: 1, Signal: cases.SignalOverdue, Sort: SortDue, Now: now}},
		{"program + need housing", CaseFilter{Scope: coordinator, ProgramID: 1, Need: "housing", Sort: SortDue, Now: now}},
		{"a mentor's own cases", CaseFilter{Scope: CaseScope{ProgramIDs: []int64{1, 2, 3}, MentorID: mentor}, Sort: SortDue, Now: now}},
	}
	analyze := os.Getenv("HW_EXPLAIN_ANALYZE") != ""
	explain := func(what, q string, args ...any) {
		prefix := "EXPLAIN QUERY PLAN "
		if s.engine == Postgres {
			prefix = "EXPLAIN "
			if analyze {
				prefix = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
			}
		}
		rows, err := s.read.QueryContext(ctx, prefix+q, args...)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			lines = append(lines, fmt.Sprint(vals[len(vals)-1]))
		}
		fmt.Printf("---- %s (%s)\n%s\n   %s\n", what, s.engine, strings.Join(lines, "\n"), strings.Join(strings.Fields(q), " "))
	}
	for _, l := range lists {
		q, err := s.caseListQuery(l.f, Page{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		explain(l.what, q.query, q.args...)
		if l.what == "program + state + sort due" {
			_, next, _ := s.ListCases(ctx, l.f, Page{Limit: 50})
			q, _ := s.caseListQuery(l.f, Page{Limit: 50, Cursor: next})
			explain(l.what+", page 2", q.query, q.args...)
		}
	}
	explain("case page: the case", getCaseQuery, caseID)
	explain("case page: current needs", `SELECT `+needColumns+` FROM needs n LEFT JOIN needs p ON p.id = n.previous_id
		WHERE n.case_id = $1 AND n.current ORDER BY n.id`, caseID)
	explain("case page: plan steps", `SELECT `+planStepColumns+` FROM plan_steps WHERE case_id = $1
		ORDER BY period DESC, due_on IS NULL, due_on, id`, caseID)
	explain("case page: contacts page", `SELECT id, case_id, at, channel, minutes, summary_sealed, needs,
		COALESCE(recorded_by, 0), created_at FROM contacts WHERE case_id = $1 ORDER BY at DESC, id DESC LIMIT $2`, caseID, 21)
	explain("case page: request times", `SELECT r.created_at FROM requests r JOIN cases c ON c.id = r.case_id
		WHERE r.case_id = $1 AND r.period = c.period ORDER BY r.created_at, r.id`, caseID)
}
