package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/zone"
)

// The closing of a case's period, step by step (cases.ClosingSteps). The
// mentee's feedback is in feedback.go, the outcomes in outcomes.go and the
// follow-ups after a closure in follow_ups.go.

// closingRefuseNotClosing refuses a closing step on a case that is not closing.
func closingRefuseNotClosing() error {
	return errs.Conflict("The case is not closing: ask the mentee about readiness to finish first.",
		map[string]string{"state": "case.refused.not_closing"})
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
			caseID, ct.Period, s.ts(s.now()), nullID(actorID), inPortal)
		if err != nil {
			return s.wrap(err, "record agreement")
		}
		return s.notifyCaseTx(ctx, tx, ct, true, []int64{ct.PsychologistID}, actorID, NotifyReadyToFinish,
			fmt.Sprintf("ready_to_finish:case:%d:%d", caseID, s.now().UnixMilli()))
	})
}

// RecordFinalMeeting records the psychologist's final meeting. The case
// must be closing.
func (s *Store) RecordFinalMeeting(ctx context.Context, caseID, actorID int64) error {
	return s.closingStep(ctx, caseID, "case.final_meeting", func(tx *sql.Tx, ct caseTx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO closings (case_id, period, final_meeting_at, final_meeting_by)
			VALUES ($1, $2, $3, $4) ON CONFLICT (case_id, period) DO UPDATE SET
			final_meeting_at = excluded.final_meeting_at, final_meeting_by = excluded.final_meeting_by`,
			caseID, ct.Period, s.ts(s.now()), nullID(actorID))
		return s.wrap(err, "record final meeting")
	})
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
		caseID, period, s.ts(s.now()), nullID(actorID), false)
	return s.wrap(err, "record readiness asked")
}

// closePeriod records the closure of the period and schedules the 6- and
// 12-month follow-ups of a completed one, inside tx: months after the day
// of the closure on the closer's calendar.
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
			caseID, period, m, s.ts(cases.FollowUpDue(zone.TodayIn(ctx, at), m))); err != nil {
			return s.wrap(err, "schedule follow-up")
		}
	}
	return nil
}

// AwaitingFinalMeeting is a closing case whose final meeting is still to
// come, and whether the mentee has agreed to finish (the meeting follows
// the agreement).
type AwaitingFinalMeeting struct {
	Case     cases.Case
	AgreedAt *time.Time
}

// AwaitingFinalMeetings returns the cases of the scope (a psychologist's:
// those assigned to them) that are closing without a final meeting in their
// current period, the longest waiting first; at most limit of them. The
// scope's psychologist index finds them; nothing sealed is read.
func (s *Store) AwaitingFinalMeetings(ctx context.Context, scope CaseScope, limit int) ([]AwaitingFinalMeeting, error) {
	where, args := scope.where([]string{"c.state = 'closing'", "cl.final_meeting_at IS NULL"}, nil)
	args = append(args, limit)
	rows, err := s.read.QueryContext(ctx, `SELECT `+caseColumns+`, cl.agreed_at FROM `+caseFrom+`
		LEFT JOIN closings cl ON cl.case_id = c.id AND cl.period = c.period
		WHERE `+strings.Join(where, " AND ")+` ORDER BY c.state_since, c.id LIMIT $`+itoa(len(args)), args...)
	if err != nil {
		return nil, s.wrap(err, "list cases awaiting a final meeting")
	}
	defer rows.Close()
	var out []AwaitingFinalMeeting
	for rows.Next() {
		var a AwaitingFinalMeeting
		var agreed sql.Null[time.Time]
		if a.Case, err = scanCase(scannerPlus{rows, []any{&agreed}}); err != nil {
			return nil, s.wrap(err, "read case")
		}
		a.AgreedAt = nullTime(agreed)
		out = append(out, a)
	}
	return out, s.wrap(rows.Err(), "list cases awaiting a final meeting")
}
