package cases

import (
	"slices"
	"strings"
	"time"

	"homeward/internal/errs"
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

// Valid tells whether k is an outcome kind.
func (k OutcomeKind) Valid() bool { return slices.Contains(OutcomeKinds, k) }

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
