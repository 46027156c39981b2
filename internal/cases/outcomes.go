package cases

import (
	"slices"
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/program"
	"homeward/internal/text"
)

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

// Valid tells whether k is a built-in outcome kind.
func (k OutcomeKind) Valid() bool { return slices.Contains(OutcomeKinds, k) }

// ValidFor tells whether k is an outcome kind of program p: built-in, or
// one of the program's own.
func (k OutcomeKind) ValidFor(p program.Program) bool {
	_, own := p.OwnOutcomeLabel(string(k))
	return k.Valid() || own
}

// Outcome is one result recorded on a case.
type Outcome struct {
	ID     int64       `json:"id"`
	CaseID int64       `json:"case_id"`
	Period int         `json:"period"`
	Kind   OutcomeKind `json:"kind"`
	Note   string      `json:"note"`
	// OccurredOn is the day the outcome happened (midnight UTC): the day it
	// was recorded unless an earlier one in the case's current period is given.
	OccurredOn time.Time `json:"occurred_on"`
	// AfterRelease marks an outcome that came after the person's release.
	// When recording, nil takes it from the case's custody phase; an
	// outcome read back always has it.
	AfterRelease   *bool     `json:"after_release"`
	RecordedBy     int64     `json:"recorded_by"`
	RecordedByName string    `json:"recorded_by_name"`
	RecordedAt     time.Time `json:"recorded_at"`
}

// Released tells whether the outcome came after the person's release.
func (o Outcome) Released() bool { return o.AfterRelease != nil && *o.AfterRelease }

// Validate checks the outcome of a case of program p whose current period
// opened at opened, recorded on today (the recorder's day, zone.Today): its
// kind is built-in or the program's own; its day, when given, lies from the
// period's first day to today (no day given is today, which the store fills
// in).
func (o *Outcome) Validate(p program.Program, opened, today time.Time) error {
	f := map[string]string{}
	if !o.Kind.ValidFor(p) {
		f["kind"] = "validation.choice"
	}
	if !o.OccurredOn.IsZero() {
		o.OccurredOn = Day(o.OccurredOn)
		switch {
		case o.OccurredOn.After(Day(today)):
			f["occurred_on"] = "validation.not_future"
		case o.OccurredOn.Before(Day(opened)):
			f["occurred_on"] = "validation.before_case"
		}
	}
	o.Note = strings.TrimSpace(o.Note)
	text.Check(f, "note", o.Note, o.Kind == OtherOutcome, false, MaxShort)
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// Backdated tells whether the outcome happened before the day it is
// recorded on (today, the recorder's day).
func (o Outcome) Backdated(today time.Time) bool { return o.OccurredOn.Before(Day(today)) }
