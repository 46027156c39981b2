package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/caseimport"
	"homeward/internal/i18n"
	"homeward/internal/store"
)

// runImport imports a program's existing cases from a CSV or XLSX file, run
// by an operator on behalf of a named active coordinator of the program,
// who is the actor of the audit entries. It prints counts and problems by
// row and column, never a value of the file: the operator reads no case
// content.
func runImport(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flagSet("import", "Import a program's existing cases from a spreadsheet (CSV or XLSX, one row per person),\n"+
		"all or nothing, on behalf of a coordinator of the program. Every row is checked and goes\n"+
		"through the duplicate check; any problem imports nothing and is listed by row and column.\n"+
		"The file's dates are kept (entry, last contact, outcome, closing).", stderr)
	var db dbFlags
	db.register(fs)
	programID := fs.Int64("program", 0, "the id of the program the cases go to")
	as := fs.String("as", "", "the email address of an active coordinator of the program, on whose behalf the import runs")
	file := fs.String("file", "", "the CSV or XLSX file")
	mapping := fs.String("map", "", "column=field pairs separated by commas, e.g. \"Name=full_name,Opened=entry_date\" (a column named like a field maps itself)")
	dry := fs.Bool("dry-run", false, "check the file and import nothing")
	if err := parse(fs, args, e); err != nil {
		return err
	}
	if *programID <= 0 {
		return fmt.Errorf("--program: give the id of the program the cases go to")
	}
	if *file == "" {
		return fmt.Errorf("--file: give the CSV or XLSX file to import")
	}
	m, problems := caseimport.ParseMapping(*mapping)
	if len(problems) > 0 {
		return fmt.Errorf("--map: %q is not column=field with one of the fields %v", problems[0].Column, caseimport.Fields)
	}
	data, err := readLimited(*file, caseimport.MaxFile)
	if err != nil {
		return err
	}
	st, err := db.openStore(ctx, newLogger(io.Discard, "text"), openHow{noMigrate: true, keys: true, shared: true}, e, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	coord, _, err := st.UserForLogin(ctx, *as)
	if err != nil || coord.Role != auth.Coordinator || coord.Status != auth.StatusActive || !slices.Contains(coord.Programs, *programID) {
		return fmt.Errorf("--as %q: give the email address of an active coordinator of program %d", *as, *programID)
	}
	ctx = audit.WithActor(ctx, audit.Actor{Who: fmt.Sprintf("user:%d", coord.ID)})
	res, err := st.ImportFile(ctx, store.CaseImportFile{ProgramID: *programID, ActorID: coord.ID, Name: *file, Data: data, Mapping: m, DryRun: *dry})
	if err != nil {
		return describe(err)
	}
	if len(res.Problems) > 0 {
		words := problemWords()
		for _, p := range res.Problems {
			where := "file"
			if p.Row > 0 {
				where = fmt.Sprintf("row %d", p.Row)
			}
			col := p.Column
			if col == "" {
				col = p.Field
			}
			if p.Cell != "" {
				col = fmt.Sprintf("%s (%s)", col, p.Cell)
			}
			fmt.Fprintf(stdout, "%s\t%s\t%s\n", where, col, words(p.Key))
		}
		return fmt.Errorf("%d problems; nothing was imported", len(res.Problems))
	}
	if *dry {
		fmt.Fprintf(stdout, "checked %d rows: %d closed cases, %d last contacts, %d outcomes; nothing was imported (dry run)\n",
			res.Rows, res.Closed, res.Contacts, res.Outcomes)
		return nil
	}
	fmt.Fprintf(stdout, "imported %d cases into program %d: %d closed, %d last contacts, %d outcomes\n",
		res.Imported, *programID, res.Closed, res.Contacts, res.Outcomes)
	return nil
}

// readLimited reads a file of at most limit bytes.
func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("--file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("--file: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("--file: over %d MB", limit>>20)
	}
	return data, nil
}

// problemWords words a problem's message key in English, or gives the key.
func problemWords() func(string) string {
	b, err := i18n.Load()
	if err != nil {
		return func(k string) string { return k }
	}
	p := b.Printer("en")
	return func(k string) string { return p.T(k) }
}
