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

// The closing of a case's period, step by step (cases.ClosingSteps), the
// mentee's feedback, the outcomes and the follow-ups after a closure.

// closingRefuseNotClosing refuses a closing step on a case that is not closing.
func closingRefuseNotClosing() error {
	return errs.Conflict("The case is not closing: ask the mentee about readiness to finish first.",
		map[string]string{"state": "case.refused.not_closing"})
}

// closingRefuseNotClosed refuses a follow-up on a case that is not closed.
func closingRefuseNotClosed() error {
	return errs.Conflict("Follow-ups are recorded once the case is closed.", map[string]string{"state": "case.refused.not_closed"})
}

// ClosingOf returns the closing steps of a period of a case (empty steps
// when the closing has not begun).
func (s *Store) ClosingOf(ctx context.Context, caseID int64, period int) (cases.ClosingSteps, error) {
	cs := cases.ClosingSteps{CaseID: caseID, Period: period}
	var asked, agreed, met, closed, fbAt sql.Null[time.Time]
	var askedBy, agreedBy, metBy sql.NullInt64
	var declined sql.NullBool
	var reason string
	err := s.read.QueryRowContext(ctx, `SELECT cl.readiness_asked_at, cl.readiness_asked_by, cl.agreed_at, cl.agreed_by,
		cl.agreed_in_portal, cl.final_meeting_at, cl.final_meeting_by, cl.closed_at, cl.closure_reason,
		f.recorded_at, f.declined
		FROM closings cl LEFT JOIN feedback f ON f.case_id = cl.case_id AND f.period = cl.period
		WHERE cl.case_id = $1 AND cl.period = $2`, caseID, period).Scan(
		&asked, &askedBy, &agreed, &agreedBy, &cs.AgreedInPortal, &met, &metBy, &closed, &reason, &fbAt, &declined)
	if errors.Is(err, sql.ErrNoRows) {
		return cs, nil
	}
	if err != nil {
		return cs, s.wrap(err, "read closing")
	}
	cs.ReadinessAskedAt, cs.AgreedAt, cs.FinalMeetingAt, cs.ClosedAt = nullTime(asked), nullTime(agreed), nullTime(met), nullTime(closed)
	cs.ReadinessAskedBy, cs.AgreedBy, cs.FinalMeetingBy = askedBy.Int64, agreedBy.Int64, metBy.Int64
	cs.ClosureReason = cases.ClosureReason(reason)
	cs.FeedbackAt, cs.FeedbackDeclined = nullTime(fbAt), declined.Bool
	return cs, nil
}

// closingStep locks a closing case and runs step inside the transaction,
// then moves the case's version and records the audit entry.
func (s *Store) closingStep(ctx context.Context, caseID int64, action string, step func(tx *sql.Tx, ct caseTx) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		ct, err := s.lockCase(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if ct.State != cases.Closing {
			return closingRefuseNotClosing()
		}
		if err := step(tx, ct); err != nil {
			return err
		}
		if err := s.touchCase(ctx, tx, caseID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, action, "case", caseID, audit.OK)
	})
}

// RecordAgreement records that the mentee agreed to close: in the portal
// (by the mentee) or recorded by staff. The case must be closing.
func (s *Store) RecordAgreement(ctx context.Context, caseID, actorID int64, inPortal bool) error {
	return s.closingStep(ctx, caseID, "case.closing_agree", func(tx *sql.Tx, ct caseTx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO closings (case_id, period, agreed_at, agreed_by, agreed_in_portal)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id, period) DO UPDATE SET
			agreed_at = excluded.agreed_at, agreed_by = excluded.agreed_by, agreed_in_portal = excluded.agreed_in_portal`,
			caseID, ct.Period, s.ts(s.now()), workUser(actorID), inPortal)
		return s.wrap(err, "record agreement")
	})
}

// RecordFinalMeeting records the psychologist's final meeting. The case
// must be closing.
func (s *Store) RecordFinalMeeting(ctx context.Context, caseID, actorID int64) error {
	return s.closingStep(ctx, caseID, "case.final_meeting", func(tx *sql.Tx, ct caseTx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO closings (case_id, period, final_meeting_at, final_meeting_by)
			VALUES ($1, $2, $3, $4) ON CONFLICT (case_id, period) DO UPDATE SET
			final_meeting_at = excluded.final_meeting_at, final_meeting_by = excluded.final_meeting_by`,
			caseID, ct.Period, s.ts(s.now()), workUser(actorID))
		return s.wrap(err, "record final meeting")
	})
}

// feedbackColumn names where the feedback text of a period is sealed: the
// feedback row has no id of its own, so the seal is bound to the case and
// the period.
func feedbackColumn(period int) string { return "text_sealed/" + itoa(period) }

// SaveFeedback stores the mentee's feedback of the current period (the text
// sealed), or that they declined; it may be replaced until the case is
// closed. The case must be closing.
func (s *Store) SaveFeedback(ctx context.Context, fb cases.Feedback) error {
	if err := fb.Validate(); err != nil {
		return err
	}
	if fb.Declined {
		fb.Support, fb.Mentor, fb.Plan, fb.Recommend, fb.Text = 0, 0, 0, 0, ""
	}
	return s.closingStep(ctx, fb.CaseID, "feedback.save", func(tx *sql.Tx, ct caseTx) error {
		key, err := s.dataKey(ctx, tx, ct.KeyID)
		if err != nil {
			return err
		}
		sealed, err := s.sealField(key, "feedback", feedbackColumn(ct.Period), fb.CaseID, fb.Text)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO feedback (case_id, period, declined, support, mentor, plan, recommend,
			text_sealed, in_portal, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (case_id, period) DO UPDATE SET declined = excluded.declined, support = excluded.support,
			mentor = excluded.mentor, plan = excluded.plan, recommend = excluded.recommend,
			text_sealed = excluded.text_sealed, in_portal = excluded.in_portal, recorded_by = excluded.recorded_by,
			recorded_at = excluded.recorded_at`,
			fb.CaseID, ct.Period, fb.Declined, int(fb.Support), int(fb.Mentor), int(fb.Plan), int(fb.Recommend),
			sealed, fb.InPortal, workUser(fb.RecordedBy), s.ts(s.now()))
		return s.wrap(err, "save feedback")
	})
}

// FeedbackOf returns the feedback of a period of a case with its text
// opened (audited as case.feedback_read when there was text to open), or
// nil when none was given.
func (s *Store) FeedbackOf(ctx context.Context, caseID int64, period int) (*cases.Feedback, error) {
	fb := cases.Feedback{CaseID: caseID, Period: period}
	var sealed []byte
	var support, mentor, plan, recommend int
	err := s.read.QueryRowContext(ctx, `SELECT declined, support, mentor, plan, recommend, text_sealed, in_portal,
		COALESCE(recorded_by, 0), recorded_at FROM feedback WHERE case_id = $1 AND period = $2`, caseID, period).Scan(
		&fb.Declined, &support, &mentor, &plan, &recommend, &sealed, &fb.InPortal, &fb.RecordedBy, &fb.RecordedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.wrap(err, "read feedback")
	}
	fb.Support, fb.Mentor, fb.Plan, fb.Recommend = cases.Rating(support), cases.Rating(mentor), cases.Rating(plan), cases.Rating(recommend)
	fb.RecordedAt = fb.RecordedAt.UTC()
	if len(sealed) == 0 {
		return &fb, nil
	}
	key, err := s.caseKey(ctx, s.read, caseID)
	if err != nil {
		return nil, err
	}
	if fb.Text, err = s.openField(key, sealed, "feedback", feedbackColumn(period), caseID); err != nil {
		return nil, err
	}
	if err := s.Audit(ctx, "case.feedback_read", "case", caseID, audit.OK); err != nil {
		return nil, err
	}
	return &fb, nil
}

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
	if err := workVersion(fu.Version); err != nil {
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
			s.ts(s.now()), string(fu.WorkKept), string(fu.Housing), string(fu.Rearrested), note, workUser(fu.RecordedBy),
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

// closingFacts fills the closing steps of the given (current) period into
// f, inside tx (for Transition): the agreement, the final meeting, and the
// feedback given or declined.
func (s *Store) closingFacts(ctx context.Context, tx *sql.Tx, caseID int64, period int, f *cases.Facts) error {
	f.MenteeAgreed, f.FinalMeeting, f.Feedback = false, false, false
	err := tx.QueryRowContext(ctx, `SELECT agreed_at IS NOT NULL, final_meeting_at IS NOT NULL FROM closings
		WHERE case_id = $1 AND period = $2`, caseID, period).Scan(&f.MenteeAgreed, &f.FinalMeeting)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s.wrap(err, "read closing")
	}
	err = tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM feedback WHERE case_id = $1 AND period = $2`, caseID, period).Scan(&f.Feedback)
	return s.wrap(err, "read feedback")
}

// askReadiness records that readiness to finish was asked (the case moves
// to closing), inside tx. Asking again (after the case went back to
// active) starts the closing steps of the period over: an earlier
// agreement and final meeting are cleared; feedback is kept (it may be
// replaced until the closure).
func (s *Store) askReadiness(ctx context.Context, tx *sql.Tx, caseID int64, period int, actorID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO closings (case_id, period, readiness_asked_at, readiness_asked_by)
		VALUES ($1, $2, $3, $4) ON CONFLICT (case_id, period) DO UPDATE SET
		readiness_asked_at = excluded.readiness_asked_at, readiness_asked_by = excluded.readiness_asked_by,
		agreed_at = NULL, agreed_by = NULL, agreed_in_portal = $5, final_meeting_at = NULL, final_meeting_by = NULL`,
		caseID, period, s.ts(s.now()), workUser(actorID), false)
	return s.wrap(err, "record readiness asked")
}

// closePeriod records the closure of the period and schedules the 6- and
// 12-month follow-ups of a completed one, inside tx.
func (s *Store) closePeriod(ctx context.Context, tx *sql.Tx, caseID int64, period int, reason cases.ClosureReason, at time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO closings (case_id, period, closed_at, closure_reason)
		VALUES ($1, $2, $3, $4) ON CONFLICT (case_id, period) DO UPDATE SET
		closed_at = excluded.closed_at, closure_reason = excluded.closure_reason`,
		caseID, period, s.ts(at), string(reason)); err != nil {
		return s.wrap(err, "record closure")
	}
	if reason != cases.Completed {
		return nil
	}
	for _, m := range cases.FollowUpMonths {
		if _, err := tx.ExecContext(ctx, `INSERT INTO follow_ups (case_id, period, months, due_on, version)
			VALUES ($1, $2, $3, $4, 1) ON CONFLICT (case_id, period, months) DO NOTHING`,
			caseID, period, m, s.ts(cases.FollowUpDue(at, m))); err != nil {
			return s.wrap(err, "schedule follow-up")
		}
	}
	return nil
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
		o.CaseID, o.Period, string(o.Kind), o.Note, workUser(o.RecordedBy), s.ts(o.RecordedAt)).Scan(&o.ID); err != nil {
		return o, s.wrap(err, "insert outcome")
	}
	return o, s.appendAudit(ctx, tx, "outcome.add", "outcome", o.ID, audit.OK)
}
