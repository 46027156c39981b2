package store

import (
	"context"

	"homeward/internal/cases"
)

// Intake is what taking a person in creates: the mentee (or the existing
// one the duplicate check linked to) and their case in a program.
type Intake struct {
	Mentee cases.Mentee // ignored when ExistingMenteeID is set
	// ExistingMenteeID links the case to a mentee already known (the
	// duplicate check's "link"); 0 creates a new mentee.
	ExistingMenteeID int64
	ProgramID        int64
	State            cases.State // referred or intake
	ActorID          int64
}

// CreateIntake creates the mentee (unless linked) and the case, its first
// transition and the audit entries, in one transaction.
func (s *Store) CreateIntake(ctx context.Context, in Intake) (cases.Mentee, cases.Case, error) {
	return cases.Mentee{}, cases.Case{}, errNotYet
}

// FindDuplicates returns the mentees within the scope who may be the person
// m: the same case code, or a shared name word with a birth year within one
// year (or unknown).
func (s *Store) FindDuplicates(ctx context.Context, m cases.Mentee, scope CaseScope) ([]cases.DuplicateCandidate, error) {
	return nil, errNotYet
}

// GetMentee returns a mentee's profile with the name and contact channels opened.
func (s *Store) GetMentee(ctx context.Context, id int64) (cases.Mentee, error) {
	return cases.Mentee{}, errNotYet
}

// MenteeByUser returns the mentee whose portal account is userID.
func (s *Store) MenteeByUser(ctx context.Context, userID int64) (cases.Mentee, error) {
	return cases.Mentee{}, errNotYet
}

// UpdateMentee saves an edited profile; m.Version must be the version the
// editor started from (errs.Conflict otherwise).
func (s *Store) UpdateMentee(ctx context.Context, m cases.Mentee) (cases.Mentee, error) {
	return m, errNotYet
}

// LinkMenteeUser makes userID (a mentee user) the mentee's portal account.
func (s *Store) LinkMenteeUser(ctx context.Context, menteeID, userID int64) error {
	return errNotYet
}

// MenteeHistory opens the given parts of the mentee's sealed history and
// records the read in the audit (mentee.history_read). Parts not asked for
// stay sealed and are absent from the result.
func (s *Store) MenteeHistory(ctx context.Context, menteeID int64, parts []cases.HistoryPart) (cases.History, error) {
	return cases.History{}, errNotYet
}

// HistorySharing returns which parts of the history the mentee shared with
// their mentor, without opening any.
func (s *Store) HistorySharing(ctx context.Context, menteeID int64) (cases.History, error) {
	return cases.History{}, errNotYet
}

// SaveHistory seals and stores the parts in h.Parts (a part absent from the
// map is left as it is; an empty text clears it). h.Version must be the
// history version the editor started from.
func (s *Store) SaveHistory(ctx context.Context, h cases.History) error {
	return errNotYet
}

// SetHistorySharing records which parts the mentee chose to share with
// their mentor, who recorded it and when.
func (s *Store) SetHistorySharing(ctx context.Context, menteeID int64, shared []cases.HistoryPart, actorID int64) error {
	return errNotYet
}

// RecordConsent records a consent given or withdrawn.
func (s *Store) RecordConsent(ctx context.Context, c cases.Consent) (cases.Consent, error) {
	return c, errNotYet
}

// Consents returns every consent record of a mentee, newest first.
func (s *Store) Consents(ctx context.Context, menteeID int64) ([]cases.Consent, error) {
	return nil, errNotYet
}
