package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"homeward/internal/audit"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/zone"
)

// AddOutcome records an outcome on the case's current period (in any
// state: a result may come before the closing, or be learnt after it). Its
// day is today (the recorder's, zone.TodayIn) unless an earlier one of the period is given (audited as
// outcome.add_backdated); after_release, unless given, is whether the
// case's custody phase is after release now.
func (s *Store) AddOutcome(ctx context.Context, o cases.Outcome) (cases.Outcome, error) {
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

// AfterReleaseNow tells whether the case's custody phase is after release
// now: what an outcome recorded now has for after_release unless given (the
// phase alone, nothing sealed, is read).
func (s *Store) AfterReleaseNow(ctx context.Context, caseID int64) (bool, error) {
	var phase string
	err := s.read.QueryRowContext(ctx, `SELECT custody_phase FROM cases WHERE id = $1`, caseID).Scan(&phase)
	if errors.Is(err, sql.ErrNoRows) {
		return false, errs.NotFound("case")
	}
	return cases.Phase(phase) == cases.AfterRelease, s.wrap(err, "read custody phase")
}

// Outcomes returns the case's outcomes by the day they happened, oldest
// first, with the recorders' names and the notes opened (audited as
// case.outcomes_read when there is a note to open).
func (s *Store) Outcomes(ctx context.Context, caseID int64) ([]cases.Outcome, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, case_id, period, kind, note_sealed, occurred_on, after_release,
		COALESCE(recorded_by, 0), recorded_at
		FROM outcomes WHERE case_id = $1 ORDER BY occurred_on, recorded_at, id`, caseID)
	if err != nil {
		return nil, s.wrap(err, "list outcomes")
	}
	defer rows.Close()
	var out []cases.Outcome
	var ids []int64
	notes := caseTexts{table: "outcomes", column: "note_sealed"}
	for rows.Next() {
		var o cases.Outcome
		var released bool
		var note []byte
		if err := rows.Scan(&o.ID, &o.CaseID, &o.Period, &o.Kind, &note, &o.OccurredOn, &released,
			&o.RecordedBy, &o.RecordedAt); err != nil {
			return nil, s.wrap(err, "read outcome")
		}
		o.OccurredOn, o.RecordedAt, o.AfterRelease = o.OccurredOn.UTC(), o.RecordedAt.UTC(), &released
		out = append(out, o)
		ids = append(ids, o.RecordedBy)
		notes.add(o.ID, note)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list outcomes")
	}
	rows.Close()
	if err := notes.open(ctx, s, caseID, "case.outcomes_read", func(i int, t string) { out[i].Note = t }); err != nil {
		return nil, err
	}
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
// period inside tx (for AddOutcome, the outcomes recorded with a closure
// and a referral's "got help"), with its audit entry. o.RecordedBy is who
// recorded it.
func (s *Store) addOutcomeTx(ctx context.Context, tx *sql.Tx, o cases.Outcome) (cases.Outcome, error) {
	var opened time.Time
	var phase string
	var programID int64
	err := tx.QueryRowContext(ctx, `SELECT period, opened_at, custody_phase, program_id FROM cases WHERE id = $1`,
		o.CaseID).Scan(&o.Period, &opened, &phase, &programID)
	if errors.Is(err, sql.ErrNoRows) {
		return o, errs.NotFound("case")
	}
	if err != nil {
		return o, s.wrap(err, "read case period")
	}
	p, err := s.programTx(ctx, tx, programID)
	if err != nil {
		return o, err
	}
	// Today and the period's first day are the recorder's days (their
	// zone): an outcome typed just after their midnight is not refused as
	// in the future, nor one of their yesterday taken as today.
	now, loc := s.now(), zone.LocationFrom(ctx)
	today := zone.Today(now, loc)
	if err := o.Validate(p, zone.Today(opened, loc), today); err != nil {
		return o, err
	}
	if o.OccurredOn.IsZero() {
		o.OccurredOn = today
	}
	if o.AfterRelease == nil {
		released := cases.Phase(phase) == cases.AfterRelease
		o.AfterRelease = &released
	}
	o.RecordedAt = now
	if err := tx.QueryRowContext(ctx, `INSERT INTO outcomes (case_id, period, kind, occurred_on, after_release,
		recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		o.CaseID, o.Period, string(o.Kind), s.ts(o.OccurredOn), *o.AfterRelease, nullID(o.RecordedBy),
		s.ts(o.RecordedAt)).Scan(&o.ID); err != nil {
		return o, s.wrap(err, "insert outcome")
	}
	if o.Note != "" {
		key, err := s.caseKey(ctx, tx, o.CaseID)
		if err != nil {
			return o, err
		}
		note, err := s.sealField(key, "outcomes", "note_sealed", o.ID, o.Note)
		if err != nil {
			return o, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outcomes SET note_sealed = $1 WHERE id = $2`, note, o.ID); err != nil {
			return o, s.wrap(err, "seal outcome note")
		}
	}
	action := "outcome.add"
	if o.Backdated(today) {
		action = "outcome.add_backdated"
	}
	return o, s.appendAudit(ctx, tx, action, "outcome", o.ID, audit.OK)
}
