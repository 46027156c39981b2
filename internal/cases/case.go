// Package cases holds the case journey: the Mentee, the Case (one mentee in
// one program) and its states, and everything recorded along the way — needs,
// plan steps, contacts, requests, notes, the closing, feedback, outcomes and
// follow-ups — with the rules each must satisfy. It knows nothing of storage
// or HTTP: the store gathers the facts and asks these functions.
//
// The words of the glossary it holds, one noun per file:
//
//   - Mentee: mentee.go, with the mentee's history and consents.
//   - Case (one mentee's journey through one program): case.go, with its
//     states, the Match of a mentor to the case and the custody Facility;
//     signals.go reads its progress.
//   - Need: needs.go; Plan step: plan_steps.go; Contact (a logged
//     interaction): contacts.go; Request (a new need the mentee raises):
//     requests.go; Note: notes.go.
//   - The closing (closing.go) and its Feedback, Outcome and Follow-up:
//     feedback.go, outcomes.go and follow_ups.go.
//
// Program, Mentor, Partner, Service and Referral have packages of their
// own (program, mentors, partners); sealing and erasure are the store's.
package cases

import (
	"slices"
	"time"

	"homeward/internal/errs"
)

// State is where a case is on its journey (DESIGN.md, Case lifecycle).
type State string

const (
	Referred State = "referred" // someone referred the person; nobody has talked to them yet
	Intake   State = "intake"   // the coordinator is taking the person in
	Waiting  State = "waiting"  // taken in, waiting for a mentor
	Matched  State = "matched"  // a mentor is assigned; the first meeting is ahead
	Active   State = "active"   // the plan is under way
	Closing  State = "closing"  // readiness asked; the closing steps are under way
	Closed   State = "closed"   // finished, for the reason in ClosureReason
)

// States lists every state in journey order.
var States = []State{Referred, Intake, Waiting, Matched, Active, Closing, Closed}

// Valid tells whether s is a state.
func (s State) Valid() bool { return slices.Contains(States, s) }

// Open tells whether the case is still being worked on.
func (s State) Open() bool { return s != Closed && s.Valid() }

// SupportedByMentor tells whether a mentor works with the person in this state, so
// that contacts are expected (the cadence applies).
func (s State) SupportedByMentor() bool { return s == Matched || s == Active || s == Closing }

// ClosureReason says why a case was closed.
type ClosureReason string

const (
	Completed   ClosureReason = "completed"
	Withdrawn   ClosureReason = "withdrawn"
	Transferred ClosureReason = "transferred"
	LostContact ClosureReason = "lost_contact"
)

// ClosureReasons lists every reason.
var ClosureReasons = []ClosureReason{Completed, Withdrawn, Transferred, LostContact}

// Valid tells whether r is a closure reason.
func (r ClosureReason) Valid() bool { return slices.Contains(ClosureReasons, r) }

// Phase is where a person in a program with a custody phase is.
type Phase string

const (
	InCustody    Phase = "in_custody"
	AfterRelease Phase = "after_release"
)

// Phases lists the custody phases.
var Phases = []Phase{InCustody, AfterRelease}

// Valid tells whether p is a phase (the empty phase is "no custody phase").
func (p Phase) Valid() bool { return slices.Contains(Phases, p) }

// Custody is the custody phase of a case, in programs that have one: the
// facility of the program's list (program.Facility) with a detail such as
// the unit, the expected and the actual release, the phase and the
// release-day plan. The facility's detail and the release-day plan are
// sealed.
type Custody struct {
	FacilityID int64 `json:"facility_id,omitempty"` // a facility of the case's program; 0 for none
	// FacilityName and FacilityArchived are read with the case's custody
	// (not written): the facility's name, and whether it is archived.
	FacilityName     string     `json:"facility_name,omitempty"`
	FacilityArchived bool       `json:"facility_archived,omitempty"`
	FacilityDetail   string     `json:"facility_detail"`
	ExpectedRelease  *time.Time `json:"expected_release,omitempty"` // a date
	// ReleasedOn is the day the person was released: set while the phase
	// is after release (the day the phase moved there unless given).
	ReleasedOn  *time.Time  `json:"released_on,omitempty"`
	Phase       Phase       `json:"phase"`
	ReleasePlan ReleasePlan `json:"release_plan"`
}

// Day is the calendar day of t (in UTC) at midnight UTC: how a day is kept.
func Day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// CheckReleasedOn tells what is wrong with a release day (a message key),
// or "": a case is released within its life, from the day it was first
// opened (created) to today (the day of the person who records it,
// zone.Today).
func CheckReleasedOn(day, created, today time.Time) string {
	switch {
	case Day(day).Before(Day(created)):
		return "validation.released_on_before_case"
	case Day(day).After(Day(today)):
		return "validation.released_on_future"
	}
	return ""
}

// ReleasePlan is who picks the person up on release day, where they sleep
// the first night, and their first appointments.
type ReleasePlan struct {
	Pickup            string `json:"pickup"`
	FirstNight        string `json:"first_night"`
	FirstAppointments string `json:"first_appointments"`
}

// Case is one mentee's journey through one program.
type Case struct {
	ID        int64  `json:"id"`
	MenteeID  int64  `json:"mentee_id"`
	ProgramID int64  `json:"program_id"`
	Code      string `json:"case_code"` // the mentee's case code, shown instead of the name
	State     State  `json:"state"`
	// ClosureReason is set while the case is closed.
	ClosureReason ClosureReason `json:"closure_reason,omitempty"`
	// MenteeName is the person's name, opened (and audited) only where it
	// is shown beside the code to someone who may read it; empty otherwise.
	MenteeName string `json:"mentee_name,omitempty"`
	// Period counts the case's periods: 1, and one more with every reopening.
	Period           int       `json:"period"`
	MentorID         int64     `json:"mentor_id,omitempty"`
	MentorName       string    `json:"mentor_name,omitempty"`
	PsychologistID   int64     `json:"psychologist_id,omitempty"`
	PsychologistName string    `json:"psychologist_name,omitempty"`
	OpenedAt         time.Time `json:"opened_at"`   // when the current period began
	StateSince       time.Time `json:"state_since"` // when the case entered its state
	// ActiveSince is when the current period's support began (the match).
	ActiveSince   *time.Time `json:"active_since,omitempty"`
	LastContactAt *time.Time `json:"last_contact_at,omitempty"`
	LastRequestAt *time.Time `json:"last_request_at,omitempty"`
	// ContactDueAt is when the next contact is due by the program's
	// cadence; nil while the case is not supported.
	ContactDueAt *time.Time `json:"contact_due_at,omitempty"`
	// QuietAt is when the quiet period ends without a new request (and
	// "ask about completion" shows); nil unless active.
	QuietAt *time.Time `json:"quiet_at,omitempty"`
	// UrgentRequests counts the case's requests raised "right away" and
	// not resolved or declined yet.
	UrgentRequests int       `json:"urgent_requests"`
	Custody        *Custody  `json:"custody,omitempty"` // nil unless the program has a custody phase, or not yet read
	Version        int       `json:"version"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Transition is one move of a case from a state to another: who, when, why.
type Transition struct {
	ID            int64         `json:"id"`
	CaseID        int64         `json:"case_id"`
	Period        int           `json:"period"`
	From          State         `json:"from"` // empty for the case's creation
	To            State         `json:"to"`
	ClosureReason ClosureReason `json:"closure_reason,omitempty"`
	Reason        string        `json:"reason"`
	ActorID       int64         `json:"actor_id"`
	ActorName     string        `json:"actor_name"`
	At            time.Time     `json:"at"`
}

// MaxReason is the longest reason of a transition.
const MaxReason = 2000

// Facts are what the store knows about a case when a transition is asked
// for; CheckTransition decides on them.
type Facts struct {
	ProcessingConsent bool // the mentee's consent to data processing is given
	NeedsAssessed     int  // domains assessed in the current period
	PlanSteps         int  // plan steps of the current period
	HasMentor         bool // a match is running
	MenteeAgreed      bool // the mentee agreed to close (closing step 2)
	FinalMeeting      bool // the psychologist's final meeting is recorded (step 3)
	Feedback          bool // the mentee gave feedback, or declined to (step 4)
}

// refuse is a refused transition: a conflict whose "state" field holds the
// message key of what must happen first (the API shows the English text).
func refuse(key, text string) error {
	return errs.Conflict(text, map[string]string{"state": key})
}

// CheckTransition tells whether a case may move from one state to another,
// and when not, says what must happen first. Moves into and out of
// "matched" belong to the match (Match and EndMatch), not to this call.
func CheckTransition(from, to State, reason ClosureReason, text string, f Facts) error {
	if !to.Valid() {
		return errs.Invalid(map[string]string{"to": "validation.case_state"})
	}
	if to == Closed && !reason.Valid() {
		return errs.Invalid(map[string]string{"closure_reason": "validation.required"})
	}
	if to == Closed && reason != Completed && text == "" {
		return errs.Invalid(map[string]string{"reason": "case.refused.reason_required"})
	}
	switch {
	case from == Closed && to == Intake:
		return nil // reopen: a new period
	case from == Closed:
		return refuse("case.refused.closed", "The case is closed. Reopen it first.")
	case to == Closed && reason != Completed:
		return nil // withdrawn, transferred, lost contact: from any open state
	case to == Closed: // completed
		switch {
		case from != Closing:
			return refuse("case.refused.ask_readiness", "Ask the mentee about readiness to finish first (move the case to closing).")
		case !f.MenteeAgreed:
			return refuse("case.refused.agreement", "The mentee must agree to close first.")
		case !f.FinalMeeting:
			return refuse("case.refused.final_meeting", "The psychologist's final meeting must be recorded first.")
		case !f.Feedback:
			return refuse("case.refused.feedback", "Record the mentee's feedback (or that they declined to give it) first.")
		}
		return nil
	case from == Referred && to == Intake:
		return nil
	case from == Intake && to == Waiting:
		switch {
		case !f.ProcessingConsent:
			return refuse("case.refused.consent", "Record the mentee's consent to data processing first.")
		case f.NeedsAssessed == 0:
			return refuse("case.refused.needs", "Assess the mentee's needs first.")
		}
		return nil
	case to == Matched:
		return refuse("case.refused.match", "Assign a mentor to match the case.")
	case from == Matched && to == Active:
		if f.PlanSteps == 0 {
			return refuse("case.refused.plan", "Agree the first plan steps at the first meeting first.")
		}
		return nil
	case from == Active && to == Closing:
		return nil // readiness asked
	case from == Closing && to == Active:
		return nil // not ready yet
	case to == Waiting && (from == Matched || from == Active):
		return refuse("case.refused.end_match", "End the match to look for another mentor.")
	}
	return refuse("case.refused.order", "The case cannot move there from its current state.")
}

// Next lists the states a case may be moved to by a transition from s (the
// match moves it into and out of "matched"); pages offer these.
func Next(s State) []State {
	switch s {
	case Referred:
		return []State{Intake, Closed}
	case Intake:
		return []State{Waiting, Closed}
	case Waiting:
		return []State{Closed}
	case Matched:
		return []State{Active, Closed}
	case Active:
		return []State{Closing, Closed}
	case Closing:
		return []State{Active, Closed}
	case Closed:
		return []State{Intake}
	}
	return nil
}

// Match is a mentor on a case, with history: EndedAt is set when it ends.
type Match struct {
	ID         int64      `json:"id"`
	CaseID     int64      `json:"case_id"`
	Period     int        `json:"period"`
	MentorID   int64      `json:"mentor_id"`
	MentorName string     `json:"mentor_name"`
	StartedAt  time.Time  `json:"started_at"`
	AssignedBy int64      `json:"assigned_by"`
	EndedAt    *time.Time `json:"ended_at,omitempty"`
	EndReason  string     `json:"end_reason,omitempty"`
}
