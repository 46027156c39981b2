package cases

import (
	"time"
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
