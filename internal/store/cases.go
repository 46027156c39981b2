package store

import (
	"context"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
)

// CaseSort orders the case list.
type CaseSort string

const (
	SortDue    CaseSort = "due"    // next contact due first (default)
	SortCode   CaseSort = "code"   // case code
	SortOpened CaseSort = "opened" // newest period first
)

// CaseFilter narrows the case list. Scope is always applied.
type CaseFilter struct {
	Scope     CaseScope
	ProgramID int64
	State     cases.State
	MentorID  int64
	Signal    cases.Signal
	Need      string // a domain with an open need
	Code      string // case code prefix
	Sort      CaseSort
	Now       time.Time // for the signals; zero means the store's clock
}

// ListCases returns one keyset page of the scoped, filtered, sorted cases,
// and the cursor of the next page ("" at the end).
func (s *Store) ListCases(ctx context.Context, f CaseFilter, p Page) ([]cases.Case, string, error) {
	return nil, "", errNotYet
}

// GetCase returns a case (without its sealed custody fields) with the
// mentor's and psychologist's names.
func (s *Store) GetCase(ctx context.Context, id int64) (cases.Case, error) {
	return cases.Case{}, errNotYet
}

// MenteeCases returns every case of a mentee, newest first.
func (s *Store) MenteeCases(ctx context.Context, menteeID int64) ([]cases.Case, error) {
	return nil, errNotYet
}

// CaseCustody opens the case's custody phase (facility and release-day
// plan are sealed; the read is audited as case.custody_read).
func (s *Store) CaseCustody(ctx context.Context, caseID int64) (cases.Custody, error) {
	return cases.Custody{}, errNotYet
}

// SaveCustody stores the custody phase of a case in a program with one.
func (s *Store) SaveCustody(ctx context.Context, caseID int64, c cases.Custody, actorID int64) error {
	return errNotYet
}

// TransitionRequest asks for a case to move to another state.
type TransitionRequest struct {
	CaseID        int64
	To            cases.State
	ClosureReason cases.ClosureReason // when To is closed
	Reason        string
	Outcomes      []cases.Outcome // recorded with a closure
	ActorID       int64
}

// Transition moves a case when cases.CheckTransition allows it on the
// facts read inside the transaction, records who, when and why, and does
// what the move implies: closing ends the match and frees the mentor's
// capacity, a completed closure schedules the follow-ups, reopening starts
// a new period.
func (s *Store) Transition(ctx context.Context, tr TransitionRequest) (cases.Case, error) {
	return cases.Case{}, errNotYet
}

// CaseTransitions returns every transition of a case, oldest first.
func (s *Store) CaseTransitions(ctx context.Context, caseID int64) ([]cases.Transition, error) {
	return nil, errNotYet
}

// Match assigns a mentor to a waiting case: the mentor must be an active
// mentor of the case's program with free capacity (the program's
// mentor_capacity open cases), checked under a lock so that two
// coordinators cannot both take the last place.
func (s *Store) Match(ctx context.Context, caseID, mentorID, actorID int64) (cases.Case, error) {
	return cases.Case{}, errNotYet
}

// EndMatch ends the running match of a matched or active case, which goes
// back to waiting for another mentor.
func (s *Store) EndMatch(ctx context.Context, caseID int64, reason string, actorID int64) (cases.Case, error) {
	return cases.Case{}, errNotYet
}

// CaseMatches returns the matches of a case, oldest first.
func (s *Store) CaseMatches(ctx context.Context, caseID int64) ([]cases.Match, error) {
	return nil, errNotYet
}

// AssignPsychologist assigns a psychologist of the case's program (0 removes).
func (s *Store) AssignPsychologist(ctx context.Context, caseID, userID, actorID int64) (cases.Case, error) {
	return cases.Case{}, errNotYet
}

// MentorChoice is a mentor of a program with their open cases in it.
type MentorChoice struct {
	User     auth.User
	Load     int // open (matched, active, closing) cases in the program
	Capacity int // the program's mentor capacity
}

// ProgramMentors returns the active mentors of a program with their load, by name.
func (s *Store) ProgramMentors(ctx context.Context, programID int64) ([]MentorChoice, error) {
	return nil, errNotYet
}

// ProgramStaff returns the active users of a role in a program, by name.
func (s *Store) ProgramStaff(ctx context.Context, programID int64, role auth.Role) ([]auth.User, error) {
	return nil, errNotYet
}
