package store

import (
	"context"
	"database/sql"
	"errors"

	"homeward/internal/audit"
	"homeward/internal/cases"
)

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
			sealed, fb.InPortal, nullID(fb.RecordedBy), s.ts(s.now()))
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
