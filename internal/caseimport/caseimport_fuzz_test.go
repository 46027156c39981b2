package caseimport

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"homeward/internal/cases"
	"homeward/internal/program"
)

var fuzzToday = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// checkImport fails unless a file reads as ErrNotSheet, or checks into
// either problems that each say where and what (and no rows), or rows
// that each are what an import may store.
func checkImport(t *testing.T, name string, data []byte, mapping string) {
	t.Helper()
	tab, err := Read(name, "", data)
	if err != nil {
		var bad ErrNotSheet
		if !errors.As(err, &bad) || !strings.HasPrefix(bad.Key, "import.") {
			t.Fatalf("error %v is not a file's problem", err)
		}
		return
	}
	m, _ := ParseMapping(mapping)
	sh, problems := Check(tab, m, program.Program{}, fuzzToday)
	if len(problems) > 0 {
		if len(sh.Rows) != 0 || len(problems) > MaxProblems {
			t.Fatalf("%d problems and %d rows", len(problems), len(sh.Rows))
		}
		for _, p := range problems {
			if p.Row < 0 || p.Row > len(tab.Rows)+1 || !strings.Contains(p.Key, ".") || (p.Field != "" && !Field(p.Field).Valid()) {
				t.Fatalf("problem %+v does not say where and what", p)
			}
			if p.Cell != "" && !strings.HasSuffix(p.Cell, itoa(p.Row)) {
				t.Fatalf("problem %+v names a cell of another row", p)
			}
		}
		return
	}
	for _, r := range sh.Rows {
		pr := r.Profile
		if err := pr.Validate(fuzzToday.Year()); err != nil {
			t.Fatalf("row %d stored with an invalid profile: %v", r.Line, err)
		}
		if r.Entry.IsZero() || r.Entry.After(fuzzToday) || !slices.Contains(States, r.State) {
			t.Fatalf("row %d: entry %v, state %q", r.Line, r.Entry, r.State)
		}
		if (r.State == cases.Closed) != (r.Closed != nil) || (r.Closed != nil && (r.Closed.Before(r.Entry) || !r.ClosureReason.Valid())) {
			t.Fatalf("row %d: closing %v %q in state %q", r.Line, r.Closed, r.ClosureReason, r.State)
		}
		for _, d := range []*time.Time{r.LastContact, r.OutcomeDate} {
			if d != nil && (d.Before(r.Entry) || d.After(fuzzToday)) {
				t.Fatalf("row %d: a date %v outside the case", r.Line, d)
			}
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// FuzzImportSheet reads any CSV or XLSX file with any mapping: a broken
// file is a problem, never a panic, and what passes is what an import may
// store.
func FuzzImportSheet(f *testing.F) {
	f.Add([]byte("case_code,full_name,entry_date,state,closing_date,closure_reason\nAB-1,Jana Nová,2024-03-01,closed,1.4.2024,completed\n"), "")
	f.Add([]byte("Code;Name;Opened;Gender\nAB-2;Ivan Petrov;2025-01-02;m\n;;;\nAB-2;ivan petrov;2025-01-03;x\n"), "Code=case_code,Name=full_name,Opened=entry_date")
	f.Add([]byte("\xef\xbb\xbfcase_code,full_name,entry_date,birth_year,outcome,outcome_date\nAB-3,\"A, B\",2030-01-01,19x5,other,2024-01-01\n"), "x=y")
	fx := excelize.NewFile()
	_ = fx.SetSheetRow("Sheet1", "A1", &[]any{"case_code", "full_name", "entry_date"})
	_ = fx.SetSheetRow("Sheet1", "A2", &[]any{"AB-4", "Olga K", time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)})
	var b bytes.Buffer
	_ = fx.Write(&b)
	fx.Close()
	f.Add(b.Bytes(), "")
	f.Fuzz(func(t *testing.T, data []byte, mapping string) {
		name := "upload.csv"
		if bytes.HasPrefix(data, []byte("PK")) {
			name = "upload.xlsx"
		}
		checkImport(t, name, data, mapping)
	})
}
