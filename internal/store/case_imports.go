package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"homeward/internal/audit"
	"homeward/internal/caseimport"
	"homeward/internal/cases"
	"homeward/internal/zone"
)

// CaseImport is an import of a program's existing cases from a checked
// sheet, on behalf of ActorID (a coordinator of the program). A dry run
// only looks for problems.
type CaseImport struct {
	ProgramID int64
	ActorID   int64
	Sheet     *caseimport.Sheet
	DryRun    bool
}

// CaseImportResult is what an import did, or would do: the rows of the
// file, the cases imported (0 on a dry run or with problems), and the
// problems the duplicate check found.
type CaseImportResult struct {
	DryRun   bool                 `json:"dry_run"`
	Rows     int                  `json:"rows"`
	Imported int                  `json:"imported"`
	Closed   int                  `json:"closed"`
	Contacts int                  `json:"contacts"`
	Outcomes int                  `json:"outcomes"`
	Problems []caseimport.Problem `json:"problems"`
	// Columns are the file's headers, for the page's mapping.
	Columns []string `json:"-"`
}

// ImportCases runs the duplicate check on every row of the sheet (the same
// case code as anyone's, the same person — every word of the name and a
// birth year within one year — as someone with a case in the program),
// then, unless it is a dry run or a problem was found, stores every row as
// a new person and case in one transaction, with the file's dates: the
// entry opens the case, the last contact, the outcome and the closing keep
// their days. The name is sealed and indexed as at intake; one audit entry
// (case.import, on the program) tells of the import, besides the bulk
// path's own.
func (s *Store) ImportCases(ctx context.Context, in CaseImport) (CaseImportResult, error) {
	res := CaseImportResult{DryRun: in.DryRun, Rows: len(in.Sheet.Rows), Problems: []caseimport.Problem{}}
	if s.keyring == nil {
		return res, ErrNoKeyring
	}
	if _, err := s.GetProgram(ctx, in.ProgramID); err != nil {
		return res, err
	}
	problems, err := s.importDuplicates(ctx, in)
	if err != nil {
		return res, err
	}
	batch := importBatch(in, s.now())
	for _, r := range in.Sheet.Rows {
		if r.State == cases.Closed {
			res.Closed++
		}
		if r.LastContact != nil {
			res.Contacts++
		}
		if r.Outcome != "" {
			res.Outcomes++
		}
	}
	if len(problems) > 0 {
		res.Problems = problems
		return res, nil
	}
	if in.DryRun || len(batch) == 0 {
		return res, nil
	}
	now := s.now()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := s.programTx(ctx, tx, in.ProgramID)
		if err != nil {
			return err
		}
		for i, r := range in.Sheet.Rows {
			if r.MadeCode {
				if batch[i].Mentee.CaseCode, err = s.makeCaseCode(ctx, tx, p, r.Entry.Year()); err != nil {
					return err
				}
			}
		}
		if err := s.bulkLoadTx(ctx, tx, batch, now); err != nil {
			if isUniqueViolation(err) {
				return errCodeTaken()
			}
			return err
		}
		return s.appendAudit(ctx, tx, "case.import", "program", in.ProgramID, audit.OK)
	})
	if err != nil {
		return res, err
	}
	res.Imported = len(batch)
	return res, nil
}

// importBatch makes the sheet's rows into bulk cases: a case opened on the
// entry day (taken in, waiting, or closed on its closing day for its
// reason), its last contact and its outcome, recorded by the actor.
func importBatch(in CaseImport, now time.Time) []BulkCase {
	batch := make([]BulkCase, 0, len(in.Sheet.Rows))
	for _, r := range in.Sheet.Rows {
		entry := r.Entry
		b := BulkCase{Mentee: cases.Mentee{Profile: r.Profile, CreatedAt: entry}}
		c := &b.Case
		c.ProgramID, c.State, c.OpenedAt, c.StateSince, c.CreatedAt, c.UpdatedAt = in.ProgramID, r.State, entry, entry, entry, entry
		first := cases.Intake
		if r.State == cases.Referred {
			first = cases.Referred
		}
		b.Transitions = append(b.Transitions, cases.Transition{Period: 1, To: first, ActorID: in.ActorID, At: entry})
		switch r.State {
		case cases.Waiting:
			b.Transitions = append(b.Transitions, cases.Transition{Period: 1, From: cases.Intake, To: cases.Waiting, ActorID: in.ActorID, At: entry})
		case cases.Closed:
			closed := *r.Closed
			b.Transitions = append(b.Transitions, cases.Transition{Period: 1, From: cases.Intake, To: cases.Closed,
				ClosureReason: r.ClosureReason, ActorID: in.ActorID, At: closed})
			c.ClosureReason, c.StateSince, c.UpdatedAt = r.ClosureReason, closed, closed
			b.Closing = &cases.ClosingSteps{Period: 1, ClosedAt: &closed, ClosureReason: r.ClosureReason}
		}
		if r.LastContact != nil {
			b.Contacts = append(b.Contacts, cases.Contact{At: *r.LastContact, Channel: r.Channel, RecordedBy: in.ActorID, CreatedAt: now})
		}
		if r.Outcome != "" {
			o := cases.Outcome{Period: 1, Kind: r.Outcome, Note: r.OutcomeNote, RecordedBy: in.ActorID, RecordedAt: now}
			switch {
			case r.OutcomeDate != nil:
				o.OccurredOn = *r.OutcomeDate
			case r.Closed != nil:
				o.OccurredOn = *r.Closed
			}
			b.Outcomes = append(b.Outcomes, o)
		}
		batch = append(batch, b)
	}
	return batch
}

// importDuplicates is the duplicate check of every row at once: a case
// code someone already has, and a person with a case in the program whose
// name has every word of the row's and whose birth year is within one year
// (or unknown). Nothing is opened: the blind index is compared.
func (s *Store) importDuplicates(ctx context.Context, in CaseImport) ([]caseimport.Problem, error) {
	sh := in.Sheet
	var problems []caseimport.Problem
	var codes []any
	for _, r := range sh.Rows {
		if r.Profile.CaseCode != "" {
			codes = append(codes, r.Profile.CaseCode)
		}
	}
	taken := map[string]bool{}
	for lo := 0; lo < len(codes); lo += 500 {
		part := codes[lo:min(lo+500, len(codes))]
		rows, err := s.read.QueryContext(ctx, `SELECT case_code FROM mentees WHERE case_code IN (`+placeholders(1, len(part))+`)`, part...)
		if err != nil {
			return nil, s.wrap(err, "check case codes")
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return nil, s.wrap(err, "check case codes")
			}
			taken[c] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.wrap(err, "check case codes")
		}
	}
	key, found, err := s.readSearchKey(ctx, s.read)
	if err != nil {
		return nil, err
	}
	hashes := make([][][]byte, len(sh.Rows))
	var all []any
	seen := map[string]bool{}
	if found {
		for i, r := range sh.Rows {
			hashes[i] = wordHashes(key, r.Profile.FullName)
			for _, h := range hashes[i] {
				if !seen[string(h)] {
					seen[string(h)] = true
					all = append(all, h)
				}
			}
		}
	}
	// The people of the program sharing a word with a row: their words
	// among the rows' and their birth years.
	type known struct {
		words map[string]bool
		year  int
	}
	people := map[int64]*known{}
	for lo := 0; lo < len(all); lo += 500 {
		part := all[lo:min(lo+500, len(all))]
		rows, err := s.read.QueryContext(ctx, `SELECT w.word, m.id, m.birth_year FROM mentee_name_words w
			JOIN mentees m ON m.id = w.mentee_id
			WHERE w.word IN (`+placeholders(2, len(part))+`)
			AND EXISTS (SELECT 1 FROM cases c WHERE c.mentee_id = m.id AND c.program_id = $1)`,
			append([]any{in.ProgramID}, part...)...)
		if err != nil {
			return nil, s.wrap(err, "check duplicates")
		}
		for rows.Next() {
			var w []byte
			var id int64
			var year int
			if err := rows.Scan(&w, &id, &year); err != nil {
				rows.Close()
				return nil, s.wrap(err, "check duplicates")
			}
			k := people[id]
			if k == nil {
				k = &known{words: map[string]bool{}, year: year}
				people[id] = k
			}
			k.words[string(w)] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.wrap(err, "check duplicates")
		}
	}
	for i, r := range sh.Rows {
		if taken[r.Profile.CaseCode] {
			problems = append(problems, sh.Problem(r.Line, caseimport.CaseCode, "validation.case_code_taken"))
		}
		if len(hashes[i]) == 0 {
			continue
		}
		for _, k := range people {
			if !slices.ContainsFunc(hashes[i], func(h []byte) bool { return !k.words[string(h)] }) &&
				(k.year == 0 || r.Profile.BirthYear == 0 || abs(k.year-r.Profile.BirthYear) <= 1) {
				problems = append(problems, sh.Problem(r.Line, caseimport.FullName, "import.duplicate_person"))
				break
			}
		}
	}
	if len(problems) > caseimport.MaxProblems {
		problems = problems[:caseimport.MaxProblems]
	}
	return problems, nil
}

// abs is |n|.
func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// CaseImportFile is an import of a file as it came: read, mapped and
// checked by ImportFile.
type CaseImportFile struct {
	ProgramID   int64
	ActorID     int64
	Name        string // the file's name, which may say XLSX
	ContentType string
	Data        []byte
	Mapping     caseimport.Mapping
	DryRun      bool
}

// ImportFile reads the file (CSV or XLSX), checks every row for the
// program on the importer's day, and imports it as ImportCases does: a file
// that cannot be read, or any broken cell or duplicate, gives its problems
// and imports nothing.
func (s *Store) ImportFile(ctx context.Context, in CaseImportFile) (CaseImportResult, error) {
	res := CaseImportResult{DryRun: in.DryRun, Problems: []caseimport.Problem{}}
	p, err := s.GetProgram(ctx, in.ProgramID)
	if err != nil {
		return res, err
	}
	t, err := caseimport.Read(in.Name, in.ContentType, in.Data)
	var bad caseimport.ErrNotSheet
	if errors.As(err, &bad) {
		res.Problems = append(res.Problems, caseimport.Problem{Key: bad.Key})
		return res, nil
	}
	if err != nil {
		return res, err
	}
	sh, problems := caseimport.Check(t, in.Mapping, p, zone.TodayIn(ctx, s.now()))
	if len(problems) > 0 {
		res.Rows, res.Problems, res.Columns = len(t.Rows), problems, t.Header
		return res, nil
	}
	res, err = s.ImportCases(ctx, CaseImport{ProgramID: in.ProgramID, ActorID: in.ActorID, Sheet: sh, DryRun: in.DryRun})
	res.Columns = t.Header
	return res, err
}
