package store_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/caseimport"
	"homeward/internal/cases"
	"homeward/internal/store"
)

// importSheet is a generated sheet of n people: every third closed (100
// days after entry, completed), every second with a last contact, every
// fifth with an outcome; dates written in both ways a sheet has them.
// broken changes cells of some rows (index → column → value).
func importSheet(prefix string, n int, broken map[int]map[string]string) [][]string {
	header := []string{"Case code", "Name", "Birth year", "Gender", "Languages", "Country", "City", "Opened", "State",
		"Last contact", "Outcome", "Outcome date", "Closing date", "Closure reason"}
	out := [][]string{header}
	for i := range n {
		entry := importEntry(i)
		date := func(d time.Time) string {
			if i%2 == 0 {
				return d.Format(time.DateOnly)
			}
			return d.Format("2.1.2006")
		}
		row := map[string]string{"Case code": fmt.Sprintf("%s-%04d", prefix, i), "Name": fmt.Sprintf("%sPerson%04d Importova", prefix, i),
			"Birth year": fmt.Sprint(1960 + i%40), "Gender": []string{"female", "male", "", "other"}[i%4], "Languages": "ru, be",
			"Country": "LT", "City": "Vilnius", "Opened": date(entry), "State": []string{"intake", "waiting", "referred"}[i%3]}
		if i%3 == 0 {
			row["State"], row["Closing date"], row["Closure reason"] = "closed", date(entry.AddDate(0, 0, 100)), "completed"
		}
		if i%2 == 0 {
			row["Last contact"] = date(entry.AddDate(0, 0, 20))
		}
		if i%5 == 0 {
			row["Outcome"], row["Outcome date"] = "job_found", date(entry.AddDate(0, 0, 50))
		}
		for k, v := range broken[i] {
			row[k] = v
		}
		cells := make([]string, len(header))
		for k, h := range header {
			cells[k] = row[h]
		}
		out = append(out, cells)
	}
	return out
}

func importEntry(i int) time.Time {
	return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%300)
}

func sheetCSV(rows [][]string) []byte {
	var b bytes.Buffer
	for _, r := range rows {
		for k, c := range r {
			if k > 0 {
				b.WriteByte(',')
			}
			if strings.ContainsAny(c, ",\"") {
				c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
			b.WriteString(c)
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// sheetXLSX writes the rows as a workbook; ISO dates become date cells
// (day serials), the others stay text.
func sheetXLSX(t *testing.T, rows [][]string) []byte {
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		vals := make([]any, len(r))
		for k, c := range r {
			vals[k] = c
			if d, err := time.Parse(time.DateOnly, c); err == nil && i > 0 {
				vals[k] = d
			}
		}
		at, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", at, &vals); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// An import of a 1,000-row sheet with 20 broken rows names every broken
// cell and stores nothing, dry run or not; fixed, it stores all 1,000 with
// the file's dates, the names sealed and found by the blind index.
func TestImportCasesAllOrNothing(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		opts.Keyring = keyring(t)
		s := open(t, opts)
		now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		for _, kind := range []string{"csv", "xlsx"} {
			t.Run(kind, func(t *testing.T) {
				ctx := context.Background()
				prefix := strings.ToUpper(kind)
				prog, err := s.CreateProgram(ctx, newProgram("Import program "+kind))
				if err != nil {
					t.Fatal(err)
				}
				coord, err := s.CreateUser(ctx, auth.User{Email: kind + "-coord@example.org", Name: "Coordinator", Role: auth.Coordinator, Programs: []int64{prog.ID}})
				if err != nil {
					t.Fatal(err)
				}
				if _, _, err := s.CreateIntake(ctx, store.Intake{Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: "EX-" + prefix,
					FullName: "Existing Person", BirthYear: 1980}}, ProgramID: prog.ID, State: cases.Intake, ActorID: coord.ID}); err != nil {
					t.Fatal(err)
				}
				type want struct {
					i          int
					col, value string
					key        string
					at         string // the column named, when not col
				}
				wants := []want{
					{3, "Opened", "2024-13-45", "validation.date", ""},
					{4, "Gender", "x", "validation.choice", ""},
					{5, "State", "sleeping", "validation.choice", ""},
					{7, "Name", "", "validation.required", ""},
					{10, "Case code", prefix + "-0000", "import.duplicate_in_file", ""},
					{11, "Opened", "2030-01-01", "validation.not_future", ""},
					{12, "Closing date", "2023-01-01", "validation.before_case", ""},
					{15, "Closure reason", "", "validation.required", ""},
					{16, "Birth year", "19x5", "validation.whole_number", ""},
					{17, "Birth year", "1800", "validation.birth_year", ""},
					{19, "Languages", "zz1", "validation.language_codes", ""},
					{21, "Outcome", "lottery", "validation.choice", ""},
					{22, "Outcome date", "2024-05-05", "validation.required", "Outcome"},
					{23, "State", "matched", "import.state_not_importable", ""},
					{25, "Closing date", "2025-01-01", "import.closing_needs_closed", ""},
					{26, "Case code", "!!", "validation.case_code", ""},
					{28, "Last contact", "2029-01-01", "validation.not_future", ""},
					{30, "Closure reason", "bored", "validation.choice", ""},
					{31, "Case code", "EX-" + prefix, "validation.case_code_taken", ""},
					{32, "Name", "Existing Person", "import.duplicate_person", ""},
				}
				broken := map[int]map[string]string{}
				for _, w := range wants {
					broken[w.i] = map[string]string{w.col: w.value}
				}
				broken[32]["Birth year"] = "1981"
				mapping := caseimport.Mapping{caseimport.FullName: "Name", caseimport.EntryDate: "opened"}
				read := func(rows [][]string) caseimport.Table {
					data := sheetCSV(rows)
					if kind == "xlsx" {
						data = sheetXLSX(t, rows)
					}
					tab, err := caseimport.Read("cases."+kind, "", data)
					if err != nil {
						t.Fatal(err)
					}
					return tab
				}
				prog, _ = s.GetProgram(ctx, prog.ID)
				run := func(rows [][]string, dry bool) store.CaseImportResult {
					sh, problems := caseimport.Check(read(rows), mapping, prog, now)
					if len(problems) > 0 {
						return store.CaseImportResult{Problems: problems}
					}
					res, err := s.ImportCases(ctx, store.CaseImport{ProgramID: prog.ID, ActorID: coord.ID, Sheet: sh, DryRun: dry})
					if err != nil {
						t.Fatal(err)
					}
					return res
				}
				count := func() int {
					var n int
					if _, _, err := s.ListCases(ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{prog.ID}}}, store.Page{Limit: 1, Total: &n}); err != nil {
						t.Fatal(err)
					}
					return n
				}
				bad := importSheet(prefix, 1000, broken)
				// The cell problems first; the duplicate check's once they are fixed.
				for _, dry := range []bool{true, false} {
					res := run(bad, dry)
					var got []string
					for _, p := range res.Problems {
						got = append(got, fmt.Sprintf("%d %s %s", p.Row, p.Column, p.Key))
					}
					var exp []string
					for _, w := range wants[:18] {
						col := w.col
						if w.at != "" {
							col = w.at
						}
						exp = append(exp, fmt.Sprintf("%d %s %s", w.i+2, col, w.key))
					}
					slices.Sort(got)
					slices.Sort(exp)
					if !slices.Equal(got, exp) {
						t.Errorf("problems (dry run %v):\n got %q\nwant %q", dry, got, exp)
					}
					if n := count(); n != 1 {
						t.Fatalf("a sheet with problems stored cases: %d", n)
					}
				}
				// Only the duplicates left: the duplicate check names them.
				dups := map[int]map[string]string{31: broken[31], 32: broken[32]}
				for _, dry := range []bool{true, false} {
					res := run(importSheet(prefix, 1000, dups), dry)
					var got []string
					for _, p := range res.Problems {
						got = append(got, fmt.Sprintf("%d %s %s %s", p.Row, p.Cell, p.Column, p.Key))
					}
					exp := []string{"33 A33 Case code validation.case_code_taken", "34 B34 Name import.duplicate_person"}
					if !slices.Equal(got, exp) || res.Imported != 0 {
						t.Errorf("duplicates (dry run %v): got %q, imported %d", dry, got, res.Imported)
					}
					if n := count(); n != 1 {
						t.Fatalf("a sheet with duplicates stored cases: %d", n)
					}
				}

				good := importSheet(prefix, 1000, nil)
				res := run(good, true)
				if len(res.Problems) != 0 || res.Rows != 1000 || res.Imported != 0 || res.Closed != 334 || res.Outcomes != 200 || res.Contacts != 500 {
					t.Fatalf("dry run of the fixed sheet: %+v", res)
				}
				if n := count(); n != 1 {
					t.Fatalf("a dry run stored cases: %d", n)
				}
				res = run(good, false)
				if len(res.Problems) != 0 || res.Imported != 1000 {
					t.Fatalf("import of the fixed sheet: %+v", res)
				}
				if n := count(); n != 1001 {
					t.Fatalf("cases after the import: %d", n)
				}
				for _, i := range []int{0, 1, 2, 3, 5, 30, 999} {
					code := fmt.Sprintf("%s-%04d", prefix, i)
					list, _, err := s.ListCases(ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{prog.ID}}, Code: code}, store.Page{Limit: 5})
					if err != nil || len(list) != 1 {
						t.Fatalf("case %s: %v %v", code, list, err)
					}
					c := list[0]
					entry := importEntry(i)
					if !c.OpenedAt.Equal(entry) || !c.CreatedAt.Equal(entry) {
						t.Errorf("case %s opened %v, created %v; the file says %v", code, c.OpenedAt, c.CreatedAt, entry)
					}
					m, err := s.GetMentee(ctx, c.MenteeID)
					if err != nil || m.FullName != fmt.Sprintf("%sPerson%04d Importova", prefix, i) || m.BirthYear != 1960+i%40 || !slices.Equal(m.Languages, []string{"ru", "be"}) {
						t.Errorf("mentee of %s: %+v %v", code, m.Profile, err)
					}
					if i%3 == 0 {
						cl, err := s.ClosingOf(ctx, c.ID, 1)
						closed := entry.AddDate(0, 0, 100)
						if err != nil || c.State != cases.Closed || c.ClosureReason != cases.Completed || cl.ClosedAt == nil || !cl.ClosedAt.Equal(closed) || !c.StateSince.Equal(closed) {
							t.Errorf("case %s closing: %+v %+v %v", code, c, cl, err)
						}
					} else if c.State == cases.Closed {
						t.Errorf("case %s closed", code)
					}
					if i%2 == 0 && (c.LastContactAt == nil || !c.LastContactAt.Equal(entry.AddDate(0, 0, 20))) {
						t.Errorf("case %s last contact %v", code, c.LastContactAt)
					}
					outs, err := s.Outcomes(ctx, c.ID)
					if err != nil {
						t.Fatal(err)
					}
					if i%5 == 0 && (len(outs) != 1 || outs[0].Kind != cases.JobFound || !outs[0].OccurredOn.Equal(entry.AddDate(0, 0, 50))) {
						t.Errorf("case %s outcomes %+v", code, outs)
					} else if i%5 != 0 && len(outs) != 0 {
						t.Errorf("case %s outcomes %+v", code, outs)
					}
				}
				// The names are in the blind index: the case list finds one.
				list, _, err := s.ListCases(ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{prog.ID}}, Query: prefix + "person0417"}, store.Page{Limit: 5})
				if err != nil || len(list) != 1 || list[0].Code != prefix+"-0417" {
					t.Errorf("search of an imported name: %v %v", list, err)
				}
				// Importing the same sheet again finds every row a duplicate.
				res = run(good, true)
				if len(res.Problems) != 2000 && len(res.Problems) != caseimport.MaxProblems {
					t.Errorf("the same sheet again: %d problems", len(res.Problems))
				}
				entries, _, err := s.ListAudit(ctx, store.AuditFilter{ObjectType: "program", ObjectID: fmt.Sprint(prog.ID)}, store.Page{Limit: 50})
				imports := slices.DeleteFunc(entries, func(e audit.Entry) bool { return e.Action != "case.import" })
				if err != nil || len(imports) != 1 {
					t.Errorf("audit of the import: %+v %v", entries, err)
				}
			})
		}
	})
}

// A program with a case code pattern makes the codes a sheet leaves out,
// from the year of each entry, within the import's transaction.
func TestImportCasesMakesCodesFromThePattern(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		opts.Keyring = keyring(t)
		s := open(t, opts)
		now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		p := newProgram("Patterned")
		p.CaseCodePattern = "PAT-{year}-{n:3}"
		prog, err := s.CreateProgram(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		tab, err := caseimport.Read("cases.csv", "text/csv", []byte("full_name;entry_date;case_code\nJana Vzorová;2023-04-05;\nPetr Vzor;5.1.2025;OWN-7\n"))
		if err != nil {
			t.Fatal(err)
		}
		sh, problems := caseimport.Check(tab, nil, prog, now)
		if len(problems) > 0 {
			t.Fatalf("problems: %+v", problems)
		}
		if res, err := s.ImportCases(ctx, store.CaseImport{ProgramID: prog.ID, Sheet: sh}); err != nil || res.Imported != 2 {
			t.Fatalf("import: %+v %v", res, err)
		}
		list, _, err := s.ListCases(ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{prog.ID}}}, store.Page{Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, c := range list {
			codes = append(codes, c.Code)
		}
		slices.Sort(codes)
		if !slices.Equal(codes, []string{"OWN-7", "PAT-2023-001"}) {
			t.Errorf("codes %v", codes)
		}
	})
}

// An imported name and outcome note are sealed on the way in: neither is
// in the SQLite file or its WAL, where the case code (kept readable) is.
func TestImportedNamesAreSealed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, store.Options{DataDir: dir, Keyring: keyring(t)})
	prog, err := s.CreateProgram(ctx, newProgram("Sealed import"))
	if err != nil {
		t.Fatal(err)
	}
	tab, err := caseimport.Read("cases.csv", "", []byte("case_code,full_name,entry_date,outcome,outcome_note\n"+
		"SEALCHECK-1,Quintessa Zarvelinova,2024-01-02,other,Xylophonic retraining course\n"))
	if err != nil {
		t.Fatal(err)
	}
	sh, problems := caseimport.Check(tab, nil, prog, time.Now())
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if res, err := s.ImportCases(ctx, store.CaseImport{ProgramID: prog.ID, Sheet: sh}); err != nil || res.Imported != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	s.Close()
	var all []byte
	for _, name := range []string{store.SQLiteFile, store.SQLiteFile + "-wal"} {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		all = append(all, b...)
	}
	if !bytes.Contains(all, []byte("SEALCHECK-1")) {
		t.Fatal("the case code is not in the files: the test looks in the wrong place")
	}
	for _, secret := range []string{"Quintessa", "Zarvelinova", "Xylophonic"} {
		if bytes.Contains(all, []byte(secret)) || bytes.Contains(all, []byte(strings.ToLower(secret))) {
			t.Errorf("%s is in the database files in clear", secret)
		}
	}
}
