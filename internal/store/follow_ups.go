package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"homeward/internal/audit"
	"homeward/internal/cases"
	"homeward/internal/errs"
)

// closingRefuseNotClosed refuses a follow-up on a case that is not closed.
func closingRefuseNotClosed() error {
	return errs.Conflict("Follow-ups are recorded once the case is closed.", map[string]string{"state": "case.refused.not_closed"})
}

const followUpColumns = `id, case_id, period, months, due_on, done_at, work_kept, housing, rearrested, note_sealed,
	COALESCE(recorded_by, 0), version`

func scanFollowUp(r scanner) (cases.FollowUp, []byte, error) {
	var fu cases.FollowUp
	var done sql.Null[time.Time]
	var note []byte
	err := r.Scan(&fu.ID, &fu.CaseID, &fu.Period, &fu.Months, &fu.DueOn, &done, &fu.WorkKept, &fu.Housing,
		&fu.Rearrested, &note, &fu.RecordedBy, &fu.Version)
	fu.DueOn, fu.DoneAt = fu.DueOn.UTC(), nullTime(done)
	return fu, note, err
}

// FollowUps returns the case's follow-ups by due date, notes opened
// (audited as case.follow_ups_read when a note was opened).
func (s *Store) FollowUps(ctx context.Context, caseID int64) ([]cases.FollowUp, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+followUpColumns+` FROM follow_ups WHERE case_id = $1
		ORDER BY due_on, id`, caseID)
	if err != nil {
		return nil, s.wrap(err, "list follow-ups")
	}
	defer rows.Close()
	var out []cases.FollowUp
	var notes [][]byte
	opened := false
	for rows.Next() {
		fu, note, err := scanFollowUp(rows)
		if err != nil {
			return nil, s.wrap(err, "read follow-up")
		}
		out = append(out, fu)
		notes = append(notes, note)
		opened = opened || len(note) > 0
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list follow-ups")
	}
	rows.Close()
	if !opened {
		return out, nil
	}
	key, err := s.caseKey(ctx, s.read, caseID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Note, err = s.openField(key, notes[i], "follow_ups", "note_sealed", out[i].ID); err != nil {
			return nil, err
		}
	}
	if err := s.Audit(ctx, "case.follow_ups_read", "case", caseID, audit.OK); err != nil {
		return nil, err
	}
	return out, nil
}

// RecordFollowUp records a follow-up's answers and note (sealed), done now;
// fu.Version must be the version the editor started from. A follow-up whose
// case is not fu.CaseID (when set) is not found; the case must be closed.
// The returned follow-up carries the note as given.
func (s *Store) RecordFollowUp(ctx context.Context, fu cases.FollowUp) (cases.FollowUp, error) {
	if err := checkVersion(fu.Version); err != nil {
		return fu, err
	}
	if err := fu.Validate(); err != nil {
		return fu, err
	}
	var out cases.FollowUp
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, _, err := scanFollowUp(tx.QueryRowContext(ctx, `SELECT `+followUpColumns+` FROM follow_ups WHERE id = $1`, fu.ID))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && fu.CaseID != 0 && fu.CaseID != cur.CaseID) {
			return errs.NotFound("follow-up")
		}
		if err != nil {
			return s.wrap(err, "read follow-up")
		}
		ct, err := s.lockCase(ctx, tx, cur.CaseID)
		if err != nil {
			return err
		}
		if ct.State != cases.Closed {
			return closingRefuseNotClosed()
		}
		key, err := s.dataKey(ctx, tx, ct.KeyID)
		if err != nil {
			return err
		}
		note, err := s.sealField(key, "follow_ups", "note_sealed", fu.ID, fu.Note)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE follow_ups SET done_at = $1, work_kept = $2, housing = $3, rearrested = $4,
			note_sealed = $5, recorded_by = $6, version = version + 1 WHERE id = $7 AND version = $8`,
			s.ts(s.now()), string(fu.WorkKept), string(fu.Housing), string(fu.Rearrested), note, nullID(fu.RecordedBy),
			fu.ID, fu.Version)
		if err != nil {
			return s.wrap(err, "record follow-up")
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.wrap(err, "record follow-up")
		} else if n == 0 {
			return workStale("follow-up")
		}
		if err := s.touchCase(ctx, tx, cur.CaseID); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, "follow_up.record", "follow_up", fu.ID, audit.OK); err != nil {
			return err
		}
		out, _, err = scanFollowUp(tx.QueryRowContext(ctx, `SELECT `+followUpColumns+` FROM follow_ups WHERE id = $1`, fu.ID))
		return s.wrap(err, "read follow-up")
	})
	if err != nil {
		return fu, err
	}
	out.Note = fu.Note
	return out, nil
}
