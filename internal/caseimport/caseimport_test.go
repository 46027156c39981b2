package caseimport

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"homeward/internal/program"
)

// Row numbers are the file's, empty rows included, in both formats; an
// XLSX date cell reads as its day.
func TestRowNumbersAreTheFiles(t *testing.T) {
	t.Parallel()
	f := excelize.NewFile()
	defer f.Close()
	_ = f.SetSheetRow("Sheet1", "A1", &[]any{"case_code", "full_name", "entry_date"})
	_ = f.SetSheetRow("Sheet1", "A2", &[]any{"AB-1", "Jana Nová", time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)})
	_ = f.SetSheetRow("Sheet1", "A4", &[]any{"AB-2", "Petr Starý", "not a date"})
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	csv := []byte("case_code,full_name,entry_date\nAB-1,Jana Nová,2024-05-06\n,,\nAB-2,Petr Starý,not a date\n")
	today := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, data := range map[string][]byte{"a.xlsx": b.Bytes(), "a.csv": csv} {
		tab, err := Read(name, "", data)
		if err != nil {
			t.Fatal(err)
		}
		_, problems := Check(tab, nil, program.Program{}, today)
		if len(problems) != 1 || problems[0].Row != 4 || problems[0].Cell != "C4" || problems[0].Key != "validation.date" {
			t.Errorf("%s: problems %+v", name, problems)
		}
		tab.Rows = tab.Rows[:1]
		sh, problems := Check(tab, nil, program.Program{}, today)
		if len(problems) != 0 || !sh.Rows[0].Entry.Equal(time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("%s: %+v %+v", name, problems, sh.Rows)
		}
	}
}
