package store

import (
	"context"
	"database/sql"
	"time"

	"homeward/internal/cases"
)

// ClosingOf returns the closing steps of a period of a case (empty steps
// when the closing has not begun).
func (s *Store) ClosingOf(ctx context.Context, caseID int64, period int) (cases.ClosingSteps, error) {
	return cases.ClosingSteps{}, errNotYet
}

// RecordAgreement records that the mentee agreed to close: in the portal
// (by the mentee) or recorded by staff. The case must be closing.
func (s *Store) RecordAgreement(ctx context.Context, caseID, actorID int64, inPortal bool) error {
	return errNotYet
}

// RecordFinalMeeting records the psychologist's final meeting. The case
// must be closing.
func (s *Store) RecordFinalMeeting(ctx context.Context, caseID, actorID int64) error {
	return errNotYet
}

// SaveFeedback stores the mentee's feedback of the current period (the text
// sealed), or that they declined; it may be replaced until the case is
// closed. The case must be closing.
func (s *Store) SaveFeedback(ctx context.Context, fb cases.Feedback) error {
	return errNotYet
}

// FeedbackOf returns the feedback of a period of a case with its text
// opened (audited), or nil when none was given.
func (s *Store) FeedbackOf(ctx context.Context, caseID int64, period int) (*cases.Feedback, error) {
	return nil, errNotYet
}

// AddOutcome records an outcome on the case's current period.
func (s *Store) AddOutcome(ctx context.Context, o cases.Outcome) (cases.Outcome, error) {
	return o, errNotYet
}

// Outcomes returns the case's outcomes, oldest first.
func (s *Store) Outcomes(ctx context.Context, caseID int64) ([]cases.Outcome, error) {
	return nil, errNotYet
}

// FollowUps returns the case's follow-ups, by due date, notes opened.
func (s *Store) FollowUps(ctx context.Context, caseID int64) ([]cases.FollowUp, error) {
	return nil, errNotYet
}

// RecordFollowUp records a follow-up's answers; fu.Version must be the
// version the editor started from.
func (s *Store) RecordFollowUp(ctx context.Context, fu cases.FollowUp) (cases.FollowUp, error) {
	return fu, errNotYet
}

// closingFacts fills the closing steps of the current period into f,
// inside tx (for Transition).
func (s *Store) closingFacts(ctx context.Context, tx *sql.Tx, caseID int64, period int, f *cases.Facts) error {
	return errNotYet
}

// askReadiness records that readiness to finish was asked (the case moves
// to closing), inside tx.
func (s *Store) askReadiness(ctx context.Context, tx *sql.Tx, caseID int64, period int, actorID int64) error {
	return errNotYet
}

// closePeriod records the closure of the period and schedules the 6- and
// 12-month follow-ups of a completed one, inside tx.
func (s *Store) closePeriod(ctx context.Context, tx *sql.Tx, caseID int64, period int, reason cases.ClosureReason, at time.Time) error {
	return errNotYet
}

// addOutcomeTx validates and records an outcome inside tx (for AddOutcome
// and for the outcomes recorded with a closure).
func (s *Store) addOutcomeTx(ctx context.Context, tx *sql.Tx, o cases.Outcome) (cases.Outcome, error) {
	return o, errNotYet
}
