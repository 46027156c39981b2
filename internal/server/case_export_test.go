package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/store"
)

// A coordinator takes the case list away as CSV and XLSX, with the list's
// filters: case codes and states, never a name; every export is audited; a
// mentor may not export, and a wrong format is refused.
func TestCaseListExport(t *testing.T) {
	t.Parallel()
	w1Engines(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		p := a.w1Program("Export program", 2)
		other := a.w1Program("Not mine", 2)
		coord, coordSession := a.w1User(auth.Coordinator, p.ID)
		mentor, mentorSession := a.w1User(auth.Mentor, p.ID)
		// A mentor's name that a spreadsheet would take for a formula.
		mentor, err := a.store.GetUser(ctx, mentor.ID)
		if err != nil {
			t.Fatal(err)
		}
		mentor.Name = "=HYPERLINK(\"http://evil.example\")"
		if mentor, err = a.store.UpdateUser(ctx, mentor, mentor.UpdatedAt); err != nil {
			t.Fatal(err)
		}
		active := a.makeCase(caseSetup{Program: p, By: coord, MentorID: mentor.ID, State: cases.Active})
		waiting := a.makeCase(caseSetup{Program: p, By: coord, State: cases.Waiting})
		elsewhere := a.makeCase(caseSetup{Program: other, By: coord, State: cases.Waiting})

		before, _ := a.store.AuditHead(ctx)
		body := a.w1Get(coordSession, "/cases/export?format=csv", http.StatusOK)
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || rows[0][0] != "Case code" {
			t.Fatalf("CSV: %q", rows)
		}
		codes := []string{rows[1][0], rows[2][0]}
		if !slices.Contains(codes, active.Code) || !slices.Contains(codes, waiting.Code) || slices.Contains(codes, elsewhere.Code) {
			t.Errorf("exported codes %v, want %s and %s only", codes, active.Code, waiting.Code)
		}
		for _, r := range rows[1:] {
			if r[0] == active.Code && (r[2] != "Active" || r[4] != `'=HYPERLINK("http://evil.example")`) {
				t.Errorf("active case's row: %q", r)
			}
		}
		for _, name := range []string{"Test Person"} {
			if strings.Contains(body, name) {
				t.Errorf("the export holds a person's name %q", name)
			}
		}
		after, _ := a.store.AuditHead(ctx)
		entries, _, _ := a.store.ListAudit(ctx, store.AuditFilter{}, store.Page{Limit: int(after.Seq - before.Seq)})
		if len(entries) != 1 || entries[0].Action != "case.export" {
			t.Errorf("audit after an export: %+v", entries)
		}

		// The list's filters apply.
		body = a.w1Get(coordSession, "/cases/export?format=xlsx&state=waiting", http.StatusOK)
		f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		got, err := f.GetRows(f.GetSheetName(0))
		if err != nil || len(got) != 2 || got[1][0] != waiting.Code {
			t.Errorf("XLSX of waiting cases: %q %v", got, err)
		}

		a.w1Get(coordSession, "/cases/export?format=pdf", http.StatusUnprocessableEntity)
		a.w1Get(mentorSession, "/cases/export?format=csv", http.StatusForbidden)
		// The list page offers the export to the coordinator, with the filters.
		page := a.w1Get(coordSession, "/cases?state=waiting", http.StatusOK)
		if !strings.Contains(page, `href="/cases/export?format=csv&amp;state=waiting"`) {
			t.Errorf("the list does not link its export with its filters")
		}
		if strings.Contains(a.w1Get(mentorSession, "/cases", http.StatusOK), "/cases/export") {
			t.Error("a mentor is offered the export")
		}
	})
}
