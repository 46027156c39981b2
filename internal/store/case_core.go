package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/program"
)

// CaseScope limits case lists and lookups to what an actor may see
// (policy.CaseScope builds it): cases of ProgramIDs, and of those only the
// mentor's or the psychologist's own when MentorID or PsychologistID is
// set. None sees nothing.
type CaseScope struct {
	ProgramIDs     []int64
	MentorID       int64
	PsychologistID int64
	None           bool
}

// where adds the scope's conditions on the cases table aliased c.
func (sc CaseScope) where(where []string, args []any) ([]string, []any) {
	if sc.None || len(sc.ProgramIDs) == 0 {
		return append(where, "1 = 0"), args
	}
	ph := make([]string, len(sc.ProgramIDs))
	for i, id := range sc.ProgramIDs {
		args = append(args, id)
		ph[i] = "$" + itoa(len(args))
	}
	where = append(where, "c.program_id IN ("+strings.Join(ph, ", ")+")")
	if sc.MentorID != 0 {
		args = append(args, sc.MentorID)
		where = append(where, "c.mentor_id = $"+itoa(len(args)))
	}
	if sc.PsychologistID != 0 {
		args = append(args, sc.PsychologistID)
		where = append(where, "c.psychologist_id = $"+itoa(len(args)))
	}
	return where, args
}

// noDue is stored in contact_due_at and quiet_at when a signal does not
// apply, so that the columns are never NULL and sort alike on both engines.
var noDue = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// dueOrNil turns a stored signal time back into nil when it is noDue.
func dueOrNil(t time.Time) *time.Time {
	if !t.Before(noDue) {
		return nil
	}
	t = t.UTC()
	return &t
}

// dueOrNone is the stored value of a signal time.
func dueOrNone(t *time.Time) time.Time {
	if t == nil {
		return noDue
	}
	return *t
}

// caseTx is what a write on a case needs, read inside its transaction with
// the case row locked on PostgreSQL (SQLite has one writer).
type caseTx struct {
	cases.Case
	KeyID int64 // the mentee's data key
}

// lockCase reads the case for a write inside tx and locks its row, so that
// two writes on one case run one after the other on every engine.
func (s *Store) lockCase(ctx context.Context, tx *sql.Tx, caseID int64) (caseTx, error) {
	lock := ""
	if s.engine == Postgres {
		lock = " FOR UPDATE OF c"
	}
	var ct caseTx
	var active, lastContact, lastRequest sql.Null[time.Time]
	var due, quiet time.Time
	err := tx.QueryRowContext(ctx, `SELECT c.id, c.mentee_id, c.program_id, c.case_code, c.state, c.closure_reason,
		c.period, COALESCE(c.mentor_id, 0), COALESCE(c.psychologist_id, 0), c.opened_at, c.state_since,
		c.active_since, c.last_contact_at, c.last_request_at, c.contact_due_at, c.quiet_at, c.version,
		c.created_at, c.updated_at, m.data_key_id
		FROM cases c JOIN mentees m ON m.id = c.mentee_id WHERE c.id = $1`+lock, caseID).Scan(
		&ct.ID, &ct.MenteeID, &ct.ProgramID, &ct.Code, &ct.State, &ct.ClosureReason, &ct.Period,
		&ct.MentorID, &ct.PsychologistID, &ct.OpenedAt, &ct.StateSince, &active, &lastContact, &lastRequest,
		&due, &quiet, &ct.Version, &ct.CreatedAt, &ct.UpdatedAt, &ct.KeyID)
	if errors.Is(err, sql.ErrNoRows) {
		return ct, errs.NotFound("case")
	}
	if err != nil {
		return ct, s.wrap(err, "read case")
	}
	ct.ActiveSince, ct.LastContactAt, ct.LastRequestAt = nullTime(active), nullTime(lastContact), nullTime(lastRequest)
	ct.ContactDueAt, ct.QuietAt = dueOrNil(due), dueOrNil(quiet)
	ct.OpenedAt, ct.StateSince, ct.CreatedAt, ct.UpdatedAt = ct.OpenedAt.UTC(), ct.StateSince.UTC(), ct.CreatedAt.UTC(), ct.UpdatedAt.UTC()
	return ct, nil
}

// nullTime turns a nullable time column into a pointer (UTC).
func nullTime(t sql.Null[time.Time]) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.V.UTC()
	return &v
}

// nullTS is a nullable time as a query argument.
func (s *Store) nullTS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return s.ts(*t)
}

// nullID is a nullable reference (to a user, an organisation, an earlier
// row) as a query argument: NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// refreshSignals recomputes and stores the case's signal times from c (the
// case as it is after the write, inside tx) and the program's cadence.
func (s *Store) refreshSignals(ctx context.Context, tx *sql.Tx, c cases.Case) error {
	p, err := s.programTx(ctx, tx, c.ProgramID)
	if err != nil {
		return err
	}
	due, quiet := cases.Due(p, c)
	_, err = tx.ExecContext(ctx, `UPDATE cases SET contact_due_at = $1, quiet_at = $2 WHERE id = $3`,
		s.ts(dueOrNone(due)), s.ts(dueOrNone(quiet)), c.ID)
	return s.wrap(err, "update case signals")
}

// programTx reads a program inside tx.
func (s *Store) programTx(ctx context.Context, tx *sql.Tx, id int64) (program.Program, error) {
	p, err := scanProgram(tx.QueryRowContext(ctx, `SELECT `+programColumns+` FROM programs WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, errs.NotFound("program")
	}
	return p, s.wrap(err, "read program")
}

// touchCase moves the case's version and updated_at after a change to it or
// to anything recorded on it.
func (s *Store) touchCase(ctx context.Context, tx *sql.Tx, caseID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE cases SET version = version + 1, updated_at = $1 WHERE id = $2`, s.ts(s.now()), caseID)
	return s.wrap(err, "touch case")
}

// keyFor opens the data key of the mentee of a case (reading with q).
func (s *Store) caseKey(ctx context.Context, q queryer, caseID int64) ([]byte, error) {
	var keyID int64
	err := q.QueryRowContext(ctx, `SELECT m.data_key_id FROM cases c JOIN mentees m ON m.id = c.mentee_id WHERE c.id = $1`, caseID).Scan(&keyID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("case")
	}
	if err != nil {
		return nil, s.wrap(err, "read case key")
	}
	return s.dataKey(ctx, q, keyID)
}

// UserNames maps user ids to their names for "recorded by" columns, in one query.
func (s *Store) UserNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	var want []any
	var ph []string
	for _, id := range ids {
		if id == 0 {
			continue
		}
		if _, ok := out[id]; ok {
			continue
		}
		out[id] = ""
		want = append(want, id)
		ph = append(ph, "$"+itoa(len(want)))
	}
	if len(want) == 0 {
		return out, nil
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, name, email FROM users WHERE id IN (`+strings.Join(ph, ", ")+`)`, want...)
	if err != nil {
		return nil, s.wrap(err, "read user names")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name, email string
		if err := rows.Scan(&id, &name, &email); err != nil {
			return nil, s.wrap(err, "read user names")
		}
		if name == "" {
			name = email
		}
		out[id] = name
	}
	return out, s.wrap(rows.Err(), "read user names")
}

func itoa(n int) string { return strconv.Itoa(n) }
