package cases

import (
	"fmt"
	"slices"
	"time"

	"homeward/internal/errs"
)

// ErasureReason is why a person's data is to be erased (GDPR art. 17(1)),
// chosen from a short list so that no free text about the person is typed.
type ErasureReason string

const (
	// ErasurePersonAsked: the person asked to be erased.
	ErasurePersonAsked ErasureReason = "person_asked"
	// ErasureConsentWithdrawn: the person withdrew the consent the
	// processing rested on.
	ErasureConsentWithdrawn ErasureReason = "consent_withdrawn"
	// ErasureNoLongerNeeded: the data is no longer needed for the work it
	// was collected for.
	ErasureNoLongerNeeded ErasureReason = "no_longer_needed"
	// ErasureObjected: the person objected to the processing.
	ErasureObjected ErasureReason = "objected"
	// ErasureLegalDuty: a law or a court requires it.
	ErasureLegalDuty ErasureReason = "legal_duty"
)

// ErasureReasons lists them.
var ErasureReasons = []ErasureReason{ErasurePersonAsked, ErasureConsentWithdrawn, ErasureNoLongerNeeded, ErasureObjected, ErasureLegalDuty}

// Valid tells whether r is one of ErasureReasons.
func (r ErasureReason) Valid() bool { return slices.Contains(ErasureReasons, r) }

// ErasureStatus is where an erasure request stands.
type ErasureStatus string

const (
	// ErasurePending: asked, waiting for a second person.
	ErasurePending ErasureStatus = "pending"
	// ErasureDone: approved, and the person erased in the same transaction.
	ErasureDone ErasureStatus = "done"
	// ErasureRefused: a second person refused it; the person's data stays.
	ErasureRefused ErasureStatus = "refused"
)

// ErasureRequest is a request to erase a person (the mentee of a case),
// asked by one coordinator of the case's program and decided by another
// one, or by the admin: two people. It holds ids and codes only.
type ErasureRequest struct {
	ID        int64         `json:"id"`
	CaseID    int64         `json:"case_id"`
	MenteeID  int64         `json:"mentee_id"`
	ProgramID int64         `json:"program_id"`
	CaseCode  string        `json:"case_code"`
	Reason    ErasureReason `json:"reason"`
	Status    ErasureStatus `json:"status"`
	AskedBy   int64         `json:"asked_by"`
	AskedAt   time.Time     `json:"asked_at"`
	DecidedBy int64         `json:"decided_by,omitempty"`
	DecidedAt *time.Time    `json:"decided_at,omitempty"`
	Version   int           `json:"version"`
}

// CheckErasureReason checks a chosen reason.
func CheckErasureReason(r ErasureReason) error {
	if !r.Valid() {
		return errs.Invalid(map[string]string{"reason": "validation.choice"})
	}
	return nil
}

// CheckErasureDecider applies the two-person rule: whoever asked for an
// erasure may not decide it.
func CheckErasureDecider(req ErasureRequest, deciderID int64) error {
	if deciderID != 0 && deciderID == req.AskedBy {
		return &errs.Error{Kind: errs.KindForbidden, Code: "erasure_same_person",
			Message: "Another coordinator of the program or the admin must decide an erasure you asked for."}
	}
	if req.Status != ErasurePending {
		return errs.Conflict("This erasure request was already decided.", nil)
	}
	return nil
}

// ErasedCode is the case code an erased case and person keep: their id,
// so that the statistics still count them and nothing points at the person.
// The underscore is outside the codes people type (caseCode), so no
// person's code can ever be taken by it.
func ErasedCode(id int64) string { return fmt.Sprintf("ERASED_%d", id) }
