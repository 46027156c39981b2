package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/cases"
)

// Notes: sealed notes on a case, each with a visibility. Every write
// follows the rules in case_work.go.

// AddNote adds a sealed note to a case (in any state: a note may follow a
// closure).
func (s *Store) AddNote(ctx context.Context, n cases.Note) (cases.Note, error) {
	if err := n.Validate(); err != nil {
		return n, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ct, err := s.lockCase(ctx, tx, n.CaseID)
		if err != nil {
			return err
		}
		key, err := s.dataKey(ctx, tx, ct.KeyID)
		if err != nil {
			return err
		}
		n.CreatedAt = s.now()
		// body_sealed is NOT NULL: the row goes in with an empty value and
		// is sealed once its id, which the seal is bound to, is known.
		if err := tx.QueryRowContext(ctx, `INSERT INTO notes (case_id, visibility, body_sealed, author_id, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			n.CaseID, string(n.Visibility), []byte{}, nullID(n.AuthorID), s.ts(n.CreatedAt)).Scan(&n.ID); err != nil {
			return s.wrap(err, "insert note")
		}
		sealed, err := s.sealField(key, "notes", "body_sealed", n.ID, n.Body)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notes SET body_sealed = $1 WHERE id = $2`, sealed, n.ID); err != nil {
			return s.wrap(err, "seal note")
		}
		if err := s.touchCase(ctx, tx, n.CaseID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "note.add", "note", n.ID, audit.OK)
	})
	return n, err
}

// Notes returns the case's notes of the given visibilities, newest first,
// opened (audited once as case.notes_read when there are any). No
// visibility returns nothing.
func (s *Store) Notes(ctx context.Context, caseID int64, vis []cases.Visibility) ([]cases.Note, error) {
	if len(vis) == 0 {
		return nil, nil
	}
	args := []any{caseID}
	ph := make([]string, len(vis))
	for i, v := range vis {
		args = append(args, string(v))
		ph[i] = "$" + itoa(len(args))
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, case_id, visibility, body_sealed, COALESCE(author_id, 0), created_at
		FROM notes WHERE case_id = $1 AND visibility IN (`+strings.Join(ph, ", ")+`) ORDER BY created_at DESC, id DESC`, args...)
	if err != nil {
		return nil, s.wrap(err, "list notes")
	}
	defer rows.Close()
	var out []cases.Note
	var sealed [][]byte
	for rows.Next() {
		var n cases.Note
		var body []byte
		if err := rows.Scan(&n.ID, &n.CaseID, &n.Visibility, &body, &n.AuthorID, &n.CreatedAt); err != nil {
			return nil, s.wrap(err, "read note")
		}
		n.CreatedAt = n.CreatedAt.UTC()
		out = append(out, n)
		sealed = append(sealed, body)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list notes")
	}
	rows.Close()
	if len(out) == 0 {
		return nil, nil
	}
	key, err := s.caseKey(ctx, s.read, caseID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(out))
	for i := range out {
		if out[i].Body, err = s.openField(key, sealed[i], "notes", "body_sealed", out[i].ID); err != nil {
			return nil, err
		}
		ids[i] = out[i].AuthorID
	}
	names, err := s.UserNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].AuthorName = names[out[i].AuthorID]
	}
	if err := s.Audit(ctx, "case.notes_read", "case", caseID, audit.OK); err != nil {
		return nil, err
	}
	return out, nil
}

// NoteMark is a note without its text: which case it is on, its level and
// when it was written. Listing marks opens nothing, so it is not audited.
type NoteMark struct {
	ID         int64
	CaseID     int64
	CaseCode   string
	Visibility cases.Visibility
	CreatedAt  time.Time
}

// NotesBy returns the marks of the newest notes the author wrote on the
// cases of the scope (a psychologist's: those assigned to them now), at
// most limit of them. The scope's index finds the cases and notes_case
// their notes.
func (s *Store) NotesBy(ctx context.Context, authorID int64, scope CaseScope, limit int) ([]NoteMark, error) {
	where, args := scope.where(nil, []any{authorID})
	args = append(args, limit)
	rows, err := s.read.QueryContext(ctx, `SELECT n.id, n.case_id, c.case_code, n.visibility, n.created_at
		FROM cases c JOIN notes n ON n.case_id = c.id
		WHERE n.author_id = $1 AND `+strings.Join(where, " AND ")+`
		ORDER BY n.created_at DESC, n.id DESC LIMIT $`+itoa(len(args)), args...)
	if err != nil {
		return nil, s.wrap(err, "list notes by author")
	}
	defer rows.Close()
	var out []NoteMark
	for rows.Next() {
		var m NoteMark
		if err := rows.Scan(&m.ID, &m.CaseID, &m.CaseCode, &m.Visibility, &m.CreatedAt); err != nil {
			return nil, s.wrap(err, "read note")
		}
		m.CreatedAt = m.CreatedAt.UTC()
		out = append(out, m)
	}
	return out, s.wrap(rows.Err(), "list notes by author")
}
