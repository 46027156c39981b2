package store

import (
	"context"
	"database/sql"
	"errors"

	"homeward/internal/audit"
	"homeward/internal/cases"
	"homeward/internal/errs"
)

// AddOutcome records an outcome on the case's current period (in any
// state: a result may come before the closing, or be learnt after it).
func (s *Store) AddOutcome(ctx context.Context, o cases.Outcome) (cases.Outcome, error) {
	if err := o.Validate(); err != nil {
		return o, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockCase(ctx, tx, o.CaseID); err != nil {
			return err
		}
		var err error
		if o, err = s.addOutcomeTx(ctx, tx, o); err != nil {
			return err
		}
		return s.touchCase(ctx, tx, o.CaseID)
	})
	if err != nil {
		return o, err
	}
	names, err := s.UserNames(ctx, []int64{o.RecordedBy})
	o.RecordedByName = names[o.RecordedBy]
	return o, err
}

// Outcomes returns the case's outcomes, oldest first, with the recorders' names.
func (s *Store) Outcomes(ctx context.Context, caseID int64) ([]cases.Outcome, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, case_id, period, kind, note, COALESCE(recorded_by, 0), recorded_at
		FROM outcomes WHERE case_id = $1 ORDER BY recorded_at, id`, caseID)
	if err != nil {
		return nil, s.wrap(err, "list outcomes")
	}
	defer rows.Close()
	var out []cases.Outcome
	var ids []int64
	for rows.Next() {
		var o cases.Outcome
		if err := rows.Scan(&o.ID, &o.CaseID, &o.Period, &o.Kind, &o.Note, &o.RecordedBy, &o.RecordedAt); err != nil {
			return nil, s.wrap(err, "read outcome")
		}
		o.RecordedAt = o.RecordedAt.UTC()
		out = append(out, o)
		ids = append(ids, o.RecordedBy)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list outcomes")
	}
	rows.Close()
	names, err := s.UserNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].RecordedByName = names[out[i].RecordedBy]
	}
	return out, nil
}

// addOutcomeTx validates and records an outcome on the case's current
// period inside tx (for AddOutcome and for the outcomes recorded with a
// closure), with its audit entry. o.RecordedBy is who recorded it.
func (s *Store) addOutcomeTx(ctx context.Context, tx *sql.Tx, o cases.Outcome) (cases.Outcome, error) {
	if err := o.Validate(); err != nil {
		return o, err
	}
	err := tx.QueryRowContext(ctx, `SELECT period FROM cases WHERE id = $1`, o.CaseID).Scan(&o.Period)
	if errors.Is(err, sql.ErrNoRows) {
		return o, errs.NotFound("case")
	}
	if err != nil {
		return o, s.wrap(err, "read case period")
	}
	o.RecordedAt = s.now()
	if err := tx.QueryRowContext(ctx, `INSERT INTO outcomes (case_id, period, kind, note, recorded_by, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		o.CaseID, o.Period, string(o.Kind), o.Note, nullID(o.RecordedBy), s.ts(o.RecordedAt)).Scan(&o.ID); err != nil {
		return o, s.wrap(err, "insert outcome")
	}
	return o, s.appendAudit(ctx, tx, "outcome.add", "outcome", o.ID, audit.OK)
}
