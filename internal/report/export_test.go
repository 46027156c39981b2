package report

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestNeutralize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "＝1+1": "'＝1+1", "＠SUM": "'＠SUM", "+370 600": "'+370 600", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"": "", "VOL-2026-1": "VOL-2026-1", "a=b": "a=b", "Ана": "Ана",
	} {
		if got := Neutralize(in); got != want {
			t.Errorf("Neutralize(%q) = %q, want %q", in, got, want)
		}
	}
}

// rows are what both formats are tested with: text that looks like a
// formula, numbers, a day and an empty cell.
var exportRows = [][]any{
	{"Case code", "Opened", "Contacts", "Share"},
	{"=HYPERLINK(\"x\")", time.Date(2026, 3, 4, 23, 30, 0, 0, time.UTC), 12, 0.5},
	{"VOL-2026-7", nil, int64(0), 1.0},
	// A spreadsheet that splits on semicolons must not see a cell that
	// starts with = after the one.
	{"Jan;=WEBSERVICE(1)", nil, nil, nil},
}

var exportWant = [][]string{
	{"Case code", "Opened", "Contacts", "Share"},
	{"'=HYPERLINK(\"x\")", "2026-03-04", "12", "0.5"},
	{"VOL-2026-7", "", "0", "1"},
	{"Jan;=WEBSERVICE(1)", "", "", ""},
}

// xlsxWant is exportWant as an XLSX workbook holds it: text is text by its
// cell type, so nothing needs an apostrophe.
var xlsxWant = [][]string{
	{"Case code", "Opened", "Contacts", "Share"},
	{"=HYPERLINK(\"x\")", "2026-03-04", "12", "0.5"},
	{"VOL-2026-7", "", "0", "1"},
	{"Jan;=WEBSERVICE(1)"},
}

func TestCSVSheet(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	s := NewCSV(&buf)
	for _, r := range exportRows {
		if err := s.Row(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	if !strings.Contains(raw, `"Jan;=WEBSERVICE(1)"`) || !strings.HasPrefix(raw, `"Case code","Opened"`) {
		t.Errorf("CSV cells are not all quoted:\n%s", raw)
	}
	got, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(got, exportWant, slices.Equal) {
		t.Errorf("CSV read back:\n%q\nwant\n%q", got, exportWant)
	}
	if err := NewCSV(&buf).Row(struct{}{}); err == nil {
		t.Error("a cell of an unknown type was written")
	}
}

func TestXLSXSheet(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	s, err := NewXLSX(&buf, "Cases")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range exportRows {
		if err := s.Row(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.GetRows("Cases")
	if err != nil {
		t.Fatal(err)
	}
	// GetRows leaves out the empty cells at a row's end, not inside it.
	if !slices.EqualFunc(got, xlsxWant, slices.Equal) {
		t.Errorf("XLSX read back:\n%q\nwant\n%q", got, xlsxWant)
	}
	for _, cell := range []string{"A2", "A4"} {
		formula, err := f.GetCellFormula("Cases", cell)
		if err != nil || formula != "" {
			t.Errorf("%s holds a formula %q (%v)", cell, formula, err)
		}
	}
}
