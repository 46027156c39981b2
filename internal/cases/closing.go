package cases

import (
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/text"
)

// ClosingSteps is the closing of one period of a case, step by step as the
// Volnyja process describes it: readiness asked → the mentee agrees → the
// psychologist's final meeting → the mentee's feedback → reason and outcomes.
type ClosingSteps struct {
	CaseID           int64      `json:"case_id"`
	Period           int        `json:"period"`
	ReadinessAskedAt *time.Time `json:"readiness_asked_at,omitempty"`
	ReadinessAskedBy int64      `json:"readiness_asked_by,omitempty"`
	AgreedAt         *time.Time `json:"agreed_at,omitempty"`
	// AgreedBy is the user who recorded the agreement: the mentee themself
	// in the portal, or staff.
	AgreedBy       int64      `json:"agreed_by,omitempty"`
	AgreedInPortal bool       `json:"agreed_in_portal"`
	FinalMeetingAt *time.Time `json:"final_meeting_at,omitempty"`
	FinalMeetingBy int64      `json:"final_meeting_by,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	// FeedbackAt is when the mentee's feedback (or that they declined) was
	// recorded; the feedback itself is read with its own, audited call.
	FeedbackAt       *time.Time    `json:"feedback_at,omitempty"`
	FeedbackDeclined bool          `json:"feedback_declined"`
	ClosureReason    ClosureReason `json:"closure_reason,omitempty"`
}

// Rating is a feedback rating from 1 (poor) to 5 (very good); 0 is "not answered".
type Rating int

// Feedback is the mentee's feedback at closing: a few ratings and free text
// (sealed), or the record that they declined to give it.
type Feedback struct {
	CaseID     int64     `json:"case_id"`
	Period     int       `json:"period"`
	Declined   bool      `json:"declined"`
	Support    Rating    `json:"support"`   // how the support helped
	Mentor     Rating    `json:"mentor"`    // the mentor
	Plan       Rating    `json:"plan"`      // the plan and its steps
	Recommend  Rating    `json:"recommend"` // would recommend the program
	Text       string    `json:"text"`
	InPortal   bool      `json:"in_portal"` // given by the mentee in the portal
	RecordedBy int64     `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Validate checks the ratings and the text.
func (fb *Feedback) Validate() error {
	f := map[string]string{}
	for name, r := range map[string]Rating{"support": fb.Support, "mentor": fb.Mentor, "plan": fb.Plan, "recommend": fb.Recommend} {
		if r < 0 || r > 5 {
			f[name] = "validation.rating"
		}
	}
	fb.Text = strings.TrimSpace(fb.Text)
	text.Check(f, "text", fb.Text, false, true, MaxLong)
	if !fb.Declined && fb.Support == 0 && fb.Mentor == 0 && fb.Plan == 0 && fb.Recommend == 0 && fb.Text == "" {
		f["text"] = "validation.feedback_empty"
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// OutcomeKind is a result of a case that reports count.
type OutcomeKind string

const (
	RetrainingCompleted OutcomeKind = "retraining_completed"
	DebtCaseClosed      OutcomeKind = "debt_case_closed"
	JobFound            OutcomeKind = "job_found"
	HousingSecured      OutcomeKind = "housing_secured"
	LegalStatusObtained OutcomeKind = "legal_status_obtained"
	FamilyLawHelp       OutcomeKind = "family_law_help"
	OtherOutcome        OutcomeKind = "other"
)

// OutcomeKinds lists them.
var OutcomeKinds = []OutcomeKind{RetrainingCompleted, DebtCaseClosed, JobFound, HousingSecured, LegalStatusObtained, FamilyLawHelp, OtherOutcome}

// Valid tells whether k is an outcome kind.
func (k OutcomeKind) Valid() bool { return has(OutcomeKinds, k) }

// Outcome is one result recorded on a case.
type Outcome struct {
	ID             int64       `json:"id"`
	CaseID         int64       `json:"case_id"`
	Period         int         `json:"period"`
	Kind           OutcomeKind `json:"kind"`
	Note           string      `json:"note"`
	RecordedBy     int64       `json:"recorded_by"`
	RecordedByName string      `json:"recorded_by_name"`
	RecordedAt     time.Time   `json:"recorded_at"`
}

// Validate checks the outcome.
func (o *Outcome) Validate() error {
	f := map[string]string{}
	if !o.Kind.Valid() {
		f["kind"] = "validation.choice"
	}
	o.Note = strings.TrimSpace(o.Note)
	text.Check(f, "note", o.Note, o.Kind == OtherOutcome, false, MaxShort)
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// FollowUpMonths are the months after a closure at which follow-ups fall due.
var FollowUpMonths = []int{6, 12}

// Answer is a follow-up answer: yes, no, or unknown (the person could not be asked).
type Answer string

const (
	Yes     Answer = "yes"
	No      Answer = "no"
	Unknown Answer = "unknown"
)

// Answers lists them.
var Answers = []Answer{Yes, No, Unknown}

// FollowUp is a check-in some months after a case closed: is the person
// still in work, housed, free.
type FollowUp struct {
	ID         int64      `json:"id"`
	CaseID     int64      `json:"case_id"`
	Period     int        `json:"period"`
	Months     int        `json:"months"` // 6 or 12
	DueOn      time.Time  `json:"due_on"` // a date
	DoneAt     *time.Time `json:"done_at,omitempty"`
	WorkKept   Answer     `json:"work_kept,omitempty"`
	Housing    Answer     `json:"housing,omitempty"` // still housed
	Rearrested Answer     `json:"rearrested,omitempty"`
	Note       string     `json:"note"`
	RecordedBy int64      `json:"recorded_by,omitempty"`
	Version    int        `json:"version"`
}

// Validate checks a follow-up's answers before it is recorded as done.
func (fu *FollowUp) Validate() error {
	f := map[string]string{}
	for name, a := range map[string]Answer{"work_kept": fu.WorkKept, "housing": fu.Housing, "rearrested": fu.Rearrested} {
		if !has(Answers, a) {
			f[name] = "validation.choice"
		}
	}
	fu.Note = strings.TrimSpace(fu.Note)
	text.Check(f, "note", fu.Note, false, true, MaxLong)
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// FollowUpDue is the date a follow-up falls due: months after the closure,
// as a date.
func FollowUpDue(closedAt time.Time, months int) time.Time {
	d := closedAt.UTC().AddDate(0, months, 0)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}
