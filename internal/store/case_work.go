package store

import (
	"context"
	"time"

	"homeward/internal/cases"
)

// AssessNeeds records an assessment of some of the case's domains: a row
// for each domain that is new or changed (severity or status), the one it
// replaces kept as history. Unchanged domains are left as they are.
func (s *Store) AssessNeeds(ctx context.Context, caseID int64, as []cases.Assessment, actorID int64) error {
	return errNotYet
}

// CurrentNeeds returns the newest assessment of each domain of the case,
// each with the one it replaced (Previous), critical first.
func (s *Store) CurrentNeeds(ctx context.Context, caseID int64) ([]cases.Need, error) {
	return nil, errNotYet
}

// NeedHistory returns every assessment of the case, newest first.
func (s *Store) NeedHistory(ctx context.Context, caseID int64) ([]cases.Need, error) {
	return nil, errNotYet
}

// AddPlanStep adds a step to the current period's plan of an open case.
func (s *Store) AddPlanStep(ctx context.Context, st cases.PlanStep) (cases.PlanStep, error) {
	return st, errNotYet
}

// UpdatePlanStep saves a step; st.Version must be the version the editor
// started from.
func (s *Store) UpdatePlanStep(ctx context.Context, st cases.PlanStep) (cases.PlanStep, error) {
	return st, errNotYet
}

// GetPlanStep returns one plan step.
func (s *Store) GetPlanStep(ctx context.Context, id int64) (cases.PlanStep, error) {
	return cases.PlanStep{}, errNotYet
}

// PlanSteps returns the case's plan steps, current period first, then by
// due date.
func (s *Store) PlanSteps(ctx context.Context, caseID int64) ([]cases.PlanStep, error) {
	return nil, errNotYet
}

// AddContact records a contact (its summary sealed) and moves the case's
// last contact and the next one due.
func (s *Store) AddContact(ctx context.Context, c cases.Contact) (cases.Contact, error) {
	return c, errNotYet
}

// Contacts returns one keyset page of the case's contacts, newest first,
// with the summaries opened (audited as case.contacts_read).
func (s *Store) Contacts(ctx context.Context, caseID int64, p Page) ([]cases.Contact, string, error) {
	return nil, "", errNotYet
}

// AddRequest records a request (its text sealed) and moves the case's
// quiet period.
func (s *Store) AddRequest(ctx context.Context, r cases.Request) (cases.Request, error) {
	return r, errNotYet
}

// UpdateRequest saves a request's status and resolution; r.Version must be
// the version the editor started from.
func (s *Store) UpdateRequest(ctx context.Context, r cases.Request) (cases.Request, error) {
	return r, errNotYet
}

// GetRequest returns one request with its text opened (audited).
func (s *Store) GetRequest(ctx context.Context, id int64) (cases.Request, error) {
	return cases.Request{}, errNotYet
}

// Requests returns the case's requests, newest first, with text and
// resolution opened (audited as case.requests_read).
func (s *Store) Requests(ctx context.Context, caseID int64) ([]cases.Request, error) {
	return nil, errNotYet
}

// RequestTimes returns when each request of the case's current period was
// raised, oldest first, without opening anything (for the signals).
func (s *Store) RequestTimes(ctx context.Context, caseID int64) ([]time.Time, error) {
	return nil, errNotYet
}

// AddNote adds a sealed note.
func (s *Store) AddNote(ctx context.Context, n cases.Note) (cases.Note, error) {
	return n, errNotYet
}

// Notes returns the case's notes of the given visibilities, newest first,
// opened (audited as case.notes_read).
func (s *Store) Notes(ctx context.Context, caseID int64, vis []cases.Visibility) ([]cases.Note, error) {
	return nil, errNotYet
}
