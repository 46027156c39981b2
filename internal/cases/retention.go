package cases

import (
	"slices"
	"time"

	"homeward/internal/errs"
)

// HoldReason is why a case is held from its program's retention (a legal
// hold), chosen from a short list so that no free text is typed.
type HoldReason string

const (
	// HoldLegalClaim: a legal claim is made or expected (the person's, or
	// against the program).
	HoldLegalClaim HoldReason = "legal_claim"
	// HoldAuthority: an authority or a court asked that the record be kept.
	HoldAuthority HoldReason = "authority_request"
	// HoldComplaint: a complaint about the work with the person is open.
	HoldComplaint HoldReason = "complaint"
	// HoldPersonAsked: the person asked that their record be kept longer.
	HoldPersonAsked HoldReason = "person_asked"
)

// HoldReasons lists them.
var HoldReasons = []HoldReason{HoldLegalClaim, HoldAuthority, HoldComplaint, HoldPersonAsked}

// CheckHoldReason checks a chosen reason.
func CheckHoldReason(r HoldReason) error {
	if !slices.Contains(HoldReasons, r) {
		return errs.Invalid(map[string]string{"reason": "validation.choice"})
	}
	return nil
}

// RetentionHold is a legal hold on a case: while it stands, the program's
// retention does not erase the person.
type RetentionHold struct {
	Reason HoldReason `json:"reason"`
	HeldBy int64      `json:"held_by"`
	HeldAt time.Time  `json:"held_at"`
}

// RetentionDue is a closed case whose person the program's retention
// erases on DueOn: their cases are all closed and every follow-up is done.
// It holds ids and codes only.
type RetentionDue struct {
	CaseID    int64          `json:"case_id"`
	MenteeID  int64          `json:"mentee_id"`
	ProgramID int64          `json:"program_id"`
	CaseCode  string         `json:"case_code"`
	ClosedAt  time.Time      `json:"closed_at"`
	DueOn     time.Time      `json:"due_on"`
	Hold      *RetentionHold `json:"hold,omitempty"`
}

// RetentionDueOn is when a case closed at closedAt falls due under a
// retention of months (AddDate's months, in UTC).
func RetentionDueOn(closedAt time.Time, months int) time.Time {
	return closedAt.UTC().AddDate(0, months, 0)
}
