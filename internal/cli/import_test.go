package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"homeward/internal/store"
)

// homeward import: an operator imports a sheet on behalf of an active
// coordinator of the program (anyone else is refused); the output gives
// counts and problems by row and column, never a name from the file.
func TestImportOnBehalfOfACoordinator(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if code, _, stderr := run(t, nil, "demo", "--data", dir); code != 0 {
		t.Fatal(stderr)
	}
	st, err := store.Open(context.Background(), store.Options{DataDir: dir, Shared: true, NoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	coord, _, err := st.UserForLogin(context.Background(), "coordinator@demo.homeward.test")
	if err != nil || len(coord.Programs) == 0 {
		t.Fatal(err)
	}
	program := fmt.Sprint(coord.Programs[0])
	file := filepath.Join(t.TempDir(), "cases.csv")
	write := func(s string) {
		if err := os.WriteFile(file, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("Code,Name,Opened\nCLI-1,Zdenka Importná,2024-02-01\nCLI-2,Radim Importný,2024-99-01\n")
	for _, as := range []string{"admin@demo.homeward.test", "mentor@demo.homeward.test", "nobody@example.org"} {
		if code, out, stderr := run(t, nil, "import", "--data", dir, "--program", program, "--as", as, "--file", file, "--dry-run"); code == 0 || !strings.Contains(stderr, "--as") {
			t.Errorf("import as %s: exit %d %q %s", as, code, out, stderr)
		}
	}
	args := []string{"import", "--data", dir, "--program", program, "--as", "coordinator@demo.homeward.test", "--file", file,
		"--map", "Code=case_code,Name=full_name,Opened=entry_date"}
	code, out, stderr := run(t, nil, append(args, "--dry-run")...)
	if code == 0 || !strings.Contains(out, "row 3\tOpened (C3)\t") || strings.Contains(out+stderr, "Radim") || strings.Contains(out+stderr, "2024-99-01") {
		t.Fatalf("dry run of a broken sheet: exit %d %q %s", code, out, stderr)
	}
	write("Code,Name,Opened\nCLI-1,Zdenka Importná,2024-02-01\nCLI-2,Radim Importný,2024-09-01\n")
	if code, out, stderr := run(t, nil, append(args, "--dry-run")...); code != 0 || !strings.Contains(out, "checked 2 rows") {
		t.Fatalf("dry run: exit %d %q %s", code, out, stderr)
	}
	code, out, stderr = run(t, nil, args...)
	if code != 0 || !strings.Contains(out, "imported 2 cases") || strings.Contains(out+stderr, "Zdenka") {
		t.Fatalf("import: exit %d %q %s", code, out, stderr)
	}
	list, _, err := st.ListCases(context.Background(), store.CaseFilter{Scope: store.CaseScope{ProgramIDs: coord.Programs}, Code: "CLI-"}, store.Page{Limit: 5})
	if err != nil || len(list) != 2 {
		t.Fatalf("imported cases: %v %v", list, err)
	}
}
