package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/store"
)

// importForm is the import page's form as a browser sends it: the file,
// the mapping and the button pressed.
func importForm(t *testing.T, file string, fields map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("file", "cases.csv")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(file))
	w.Close()
	return &b, w.FormDataContentType()
}

// A coordinator checks a sheet, sees every broken cell by row and column
// (never a value of the file), and imports the fixed sheet, on the page
// and through the API; nothing is stored until the whole file is right.
func TestCaseImportPageAndAPI(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.program("Import")
	_, token := a.signedIn("importer@example.org", auth.Coordinator, p.ID)
	a.session = token
	count := func() int {
		var n int
		if _, _, err := a.store.ListCases(context.Background(), store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{p.ID}}}, store.Page{Limit: 1, Total: &n}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const head = "Case code,Name,Opened,State,Closing date,Closure reason\n"
	broken := head + "WEB-1,Alena Bílá,2024-02-01,closed,2024-05-01,completed\nWEB-2,Boris Černý,2024-13-45,intake,,\n"

	// A file over the limit: the page again, saying so, not an error page.
	big, ct := importForm(t, head+strings.Repeat("X", 9<<20), map[string]string{"check": "1"})
	if res, body := a.do("POST", fmt.Sprintf("/programs/%d/import", p.ID), big, "Content-Type", ct); res.StatusCode != http.StatusRequestEntityTooLarge ||
		!strings.Contains(body, "The file is over 8 MB.") || !strings.Contains(body, `name="file"`) {
		t.Errorf("a file over the limit: %d", res.StatusCode)
	}

	// The API: the dry run names the broken cell and nothing else of it.
	res, body := a.do("POST", fmt.Sprintf("/api/v1/programs/%d/import?dry_run=true&map=Name=full_name,Opened=entry_date", p.ID),
		strings.NewReader(broken), "Content-Type", "text/csv")
	if res.StatusCode != 422 || !strings.Contains(body, `"cell":"C3"`) || !strings.Contains(body, `"key":"validation.date"`) ||
		strings.Contains(body, "2024-13-45") || strings.Contains(body, "Boris") {
		t.Fatalf("dry run of a broken sheet: %d %s", res.StatusCode, body)
	}
	if res, body := a.do("POST", fmt.Sprintf("/api/v1/programs/%d/import?map=Name=full_name,Opened=entry_date", p.ID),
		strings.NewReader(broken), "Content-Type", "text/csv"); res.StatusCode != 422 || count() != 0 {
		t.Fatalf("import of a broken sheet: %d %s; %d cases", res.StatusCode, body, count())
	}
	fixed := strings.Replace(broken, "2024-13-45", "2024-03-12", 1)
	res, body = a.do("POST", fmt.Sprintf("/api/v1/programs/%d/import?dry_run=true&map=Name=full_name,Opened=entry_date", p.ID),
		strings.NewReader(fixed), "Content-Type", "text/csv")
	var got store.CaseImportResult
	if err := json.Unmarshal([]byte(body), &got); err != nil || res.StatusCode != 200 || got.Rows != 2 || got.Closed != 1 || got.Imported != 0 || count() != 0 {
		t.Fatalf("dry run of the fixed sheet: %d %s", res.StatusCode, body)
	}
	m, ct := importForm(t, fixed, map[string]string{"map": "Name=full_name,Opened=entry_date"})
	res, body = a.do("POST", fmt.Sprintf("/api/v1/programs/%d/import", p.ID), m, "Content-Type", ct)
	if res.StatusCode != 201 || !strings.Contains(body, `"imported":2`) || count() != 2 {
		t.Fatalf("import of the fixed sheet: %d %s; %d cases", res.StatusCode, body, count())
	}

	// The page: the mapping stays chosen, the problems are listed by row
	// and cell, and "import all" takes the fixed file.
	if res, body := a.do("GET", fmt.Sprintf("/programs/%d/import", p.ID), nil); res.StatusCode != 200 || !strings.Contains(body, `name="map.full_name"`) {
		t.Fatalf("import page: %d", res.StatusCode)
	}
	page := strings.NewReplacer("WEB-", "PAGE-", "Alena", "Olga", "Boris", "Pavel").Replace(broken)
	m, ct = importForm(t, page, map[string]string{"map.full_name": "Name", "map.entry_date": "Opened", "action": "check"})
	res, body = a.do("POST", fmt.Sprintf("/programs/%d/import", p.ID), m, "Content-Type", ct)
	if res.StatusCode != 422 || !strings.Contains(body, ">C3</td>") || strings.Contains(body, "Pavel") || strings.Contains(body, "2024-13-45") ||
		!strings.Contains(body, `<option value="Name" selected>`) {
		t.Fatalf("check on the page: %d %s", res.StatusCode, body)
	}
	m, ct = importForm(t, strings.Replace(page, "2024-13-45", "2024-03-12", 1), map[string]string{"map.full_name": "Name", "map.entry_date": "Opened", "action": "import"})
	res, body = a.do("POST", fmt.Sprintf("/programs/%d/import", p.ID), m, "Content-Type", ct)
	if res.StatusCode != 200 || count() != 4 {
		t.Fatalf("import on the page: %d; %d cases\n%s", res.StatusCode, count(), body)
	}
	// The same file again: every person is known now, nothing is imported.
	m, ct = importForm(t, strings.Replace(page, "2024-13-45", "2024-03-12", 1), map[string]string{"map.full_name": "Name", "map.entry_date": "Opened", "action": "import"})
	if res, _ := a.do("POST", fmt.Sprintf("/programs/%d/import", p.ID), m, "Content-Type", ct); res.StatusCode != 422 || count() != 4 {
		t.Fatalf("the same file again: %d; %d cases", res.StatusCode, count())
	}
}
