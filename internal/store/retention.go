package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"homeward/internal/audit"
	"homeward/internal/cases"
	"homeward/internal/errs"
)

// RetentionFilter scopes the retention list to programs (All: every one,
// for the admin).
type RetentionFilter struct {
	ProgramIDs []int64
	All        bool
	// NotHeld leaves out every case whose person has a case on hold (the
	// job's list: only what it may erase).
	NotHeld bool
}

// retentionDueWhere is what makes a closed case's person due for erasure
// by retention (c is the case): not erased yet, every case of theirs
// closed, every follow-up on them done. A hold does not take a case off
// the list; it keeps it from being erased.
const retentionDueWhere = `c.state = 'closed' AND m.erased_at IS NULL
	AND NOT EXISTS (SELECT 1 FROM cases o WHERE o.mentee_id = c.mentee_id AND o.state <> 'closed')
	AND NOT EXISTS (SELECT 1 FROM follow_ups f JOIN cases o ON o.id = f.case_id WHERE o.mentee_id = c.mentee_id AND f.done_at IS NULL)`

// retentionNotHeldWhere is a case (c) whose person has no case on hold.
const retentionNotHeldWhere = `NOT EXISTS (SELECT 1 FROM retention_holds h JOIN cases o ON o.id = h.case_id WHERE o.mentee_id = c.mentee_id)`

// RetentionDue lists the closed cases of the filter's programs whose
// person falls due for erasure by their program's retention on or before
// until (today plus a month, for the coordinators' list; now, for the
// job), soonest first, at most limit of them, with their holds.
func (s *Store) RetentionDue(ctx context.Context, f RetentionFilter, until time.Time, limit int) ([]cases.RetentionDue, error) {
	if !f.All && len(f.ProgramIDs) == 0 {
		return nil, nil
	}
	args := []any{}
	where := `retention_months > 0`
	if !f.All {
		where += ` AND id IN (` + placeholders(1, len(f.ProgramIDs)) + `)`
		for _, id := range f.ProgramIDs {
			args = append(args, id)
		}
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, retention_months FROM programs WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, s.wrap(err, "list programs with retention")
	}
	type prog struct {
		id     int64
		months int
	}
	var progs []prog
	for rows.Next() {
		var p prog
		if err := rows.Scan(&p.id, &p.months); err != nil {
			rows.Close()
			return nil, s.wrap(err, "list programs with retention")
		}
		progs = append(progs, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list programs with retention")
	}
	var out []cases.RetentionDue
	for _, p := range progs {
		// A case closed by the cutoff (a day's margin for months' ends) may
		// be due; the exact day is computed below.
		cutoff := until.UTC().AddDate(0, -p.months, 1)
		where := `c.program_id = $1 AND c.state_since <= $2`
		if f.NotHeld {
			where += ` AND ` + retentionNotHeldWhere
		}
		list, err := s.retentionCandidates(ctx, where, []any{p.id, s.ts(cutoff)}, limit)
		if err != nil {
			return nil, err
		}
		for _, d := range list {
			d.DueOn = cases.RetentionDueOn(d.ClosedAt, p.months)
			if !d.DueOn.After(until) {
				out = append(out, d)
			}
		}
	}
	slices.SortFunc(out, func(a, b cases.RetentionDue) int {
		if c := a.DueOn.Compare(b.DueOn); c != 0 {
			return c
		}
		return int(a.CaseID - b.CaseID)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (s *Store) retentionCandidates(ctx context.Context, where string, args []any, limit int) ([]cases.RetentionDue, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT c.id, c.mentee_id, c.program_id, c.case_code, c.state_since,
		h.reason, COALESCE(h.held_by, 0), h.held_at
		FROM cases c JOIN mentees m ON m.id = c.mentee_id LEFT JOIN retention_holds h ON h.case_id = c.id
		WHERE `+where+` AND `+retentionDueWhere+` ORDER BY c.state_since, c.id LIMIT `+itoa(limit), args...)
	if err != nil {
		return nil, s.wrap(err, "list cases due for retention")
	}
	defer rows.Close()
	var out []cases.RetentionDue
	for rows.Next() {
		var d cases.RetentionDue
		var reason sql.NullString
		var heldBy int64
		var heldAt sql.Null[time.Time]
		if err := rows.Scan(&d.CaseID, &d.MenteeID, &d.ProgramID, &d.CaseCode, &d.ClosedAt, &reason, &heldBy, &heldAt); err != nil {
			return nil, s.wrap(err, "read case due for retention")
		}
		d.ClosedAt = d.ClosedAt.UTC()
		if reason.Valid {
			d.Hold = &cases.RetentionHold{Reason: cases.HoldReason(reason.String), HeldBy: heldBy}
			if t := nullTime(heldAt); t != nil {
				d.Hold.HeldAt = *t
			}
		}
		out = append(out, d)
	}
	return out, s.wrap(rows.Err(), "list cases due for retention")
}

// HoldRetention puts a closed case on hold from its program's retention (a
// legal hold), with a reason from the short list, or changes the reason of
// its hold. Audited with the case's id only.
func (s *Store) HoldRetention(ctx context.Context, caseID int64, reason cases.HoldReason, by int64) error {
	if err := cases.CheckHoldReason(reason); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		ct, err := s.lockCase(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if err := s.notErased(ctx, tx, ct.MenteeID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO retention_holds (case_id, reason, held_by, held_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (case_id) DO UPDATE SET reason = excluded.reason, held_by = excluded.held_by, held_at = excluded.held_at`,
			caseID, string(reason), nullID(by), s.ts(s.now())); err != nil {
			return s.wrap(err, "hold case from retention")
		}
		return s.appendAudit(ctx, tx, "retention.hold", "case", caseID, audit.OK)
	})
}

// LiftRetentionHold lifts a case's hold: its person is erased by the
// retention again when due. A case without a hold is not found.
func (s *Store) LiftRetentionHold(ctx context.Context, caseID int64, by int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockCase(ctx, tx, caseID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM retention_holds WHERE case_id = $1`, caseID)
		if err != nil {
			return s.wrap(err, "lift retention hold")
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.wrap(err, "lift retention hold")
		} else if n == 0 {
			return errs.NotFound("retention hold")
		}
		return s.appendAudit(ctx, tx, "retention.lift", "case", caseID, audit.OK)
	})
}

// RetentionHoldOf is a case's hold, nil when it has none.
func (s *Store) RetentionHoldOf(ctx context.Context, caseID int64) (*cases.RetentionHold, error) {
	var h cases.RetentionHold
	var reason string
	err := s.read.QueryRowContext(ctx, `SELECT reason, COALESCE(held_by, 0), held_at FROM retention_holds WHERE case_id = $1`, caseID).
		Scan(&reason, &h.HeldBy, &h.HeldAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.wrap(err, "read retention hold")
	}
	h.Reason, h.HeldAt = cases.HoldReason(reason), h.HeldAt.UTC()
	return &h, nil
}

// EraseDueByRetention erases, as an approved erasure does (one transaction
// per person), every person due by their program's retention now whose
// cases are not on hold; a waiting erasure request of theirs is closed by
// it. Each is audited as erasure.retention on the case, with ids only. It
// returns how many people it erased; run twice, the second finds none.
func (s *Store) EraseDueByRetention(ctx context.Context) (int, error) {
	now := s.now()
	erased := 0
	defer func() {
		if erased > 0 {
			s.afterErasure(ctx) // once for the batch
		}
	}()
	for {
		// Held people are left out by the query, so a page of them never
		// hides the due ones behind it.
		due, err := s.RetentionDue(ctx, RetentionFilter{All: true, NotHeld: true}, now, 200)
		if err != nil {
			return erased, err
		}
		done := 0
		for _, d := range due {
			ok, err := s.eraseByRetention(ctx, d)
			if err != nil {
				return erased, err
			}
			if ok {
				done++
			}
		}
		erased += done
		if done == 0 || len(due) < 200 {
			return erased, nil
		}
	}
}

// eraseByRetention erases the person of a due case, checking again under
// the case's lock that it is still due and that none of their cases is
// held; false when it no longer is.
func (s *Store) eraseByRetention(ctx context.Context, d cases.RetentionDue) (bool, error) {
	defer s.usersChanged()
	erased := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockCase(ctx, tx, d.CaseID); err != nil {
			return err
		}
		var still int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cases c JOIN mentees m ON m.id = c.mentee_id
			WHERE c.id = $1 AND c.state_since <= $2 AND `+retentionDueWhere+`
			AND `+retentionNotHeldWhere,
			d.CaseID, s.ts(d.ClosedAt)).Scan(&still); err != nil {
			return s.wrap(err, "check case due for retention")
		}
		if still == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE erasure_requests SET status = $1, decided_at = $2, version = version + 1
			WHERE mentee_id = $3 AND status = $4`, string(cases.ErasureDone), s.ts(s.now()), d.MenteeID, string(cases.ErasurePending)); err != nil {
			return s.wrap(err, "close waiting erasure request")
		}
		if err := s.appendAudit(ctx, tx, "erasure.retention", "case", d.CaseID, audit.OK); err != nil {
			return err
		}
		erased = true
		return s.eraseMenteeTx(ctx, tx, d.MenteeID, 0)
	})
	return erased, err
}
