package cases

import (
	"slices"
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/text"
)

// Urgency of a request.
type Urgency string

const (
	Urgent Urgency = "urgent"
	Soon   Urgency = "soon"
	Normal Urgency = "normal"
)

// Urgencies lists them, most urgent first.
var Urgencies = []Urgency{Urgent, Soon, Normal}

// RequestStatus is where a request is.
type RequestStatus string

const (
	RequestOpen       RequestStatus = "open"
	RequestInProgress RequestStatus = "in_progress"
	RequestResolved   RequestStatus = "resolved"
	RequestDeclined   RequestStatus = "declined"
)

// RequestStatuses lists them.
var RequestStatuses = []RequestStatus{RequestOpen, RequestInProgress, RequestResolved, RequestDeclined}

// Request is a new need the mentee raises over time. Text and resolution
// are sealed.
type Request struct {
	ID             int64         `json:"id"`
	CaseID         int64         `json:"case_id"`
	Domain         string        `json:"domain"`
	Urgency        Urgency       `json:"urgency"`
	Text           string        `json:"text"`
	Status         RequestStatus `json:"status"`
	Resolution     string        `json:"resolution"`
	RaisedByMentee bool          `json:"raised_by_mentee"` // in the portal; otherwise recorded by staff
	RecordedBy     int64         `json:"recorded_by"`
	RecordedByName string        `json:"recorded_by_name"`
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
	ResolvedAt     *time.Time    `json:"resolved_at,omitempty"`
	Version        int           `json:"version"`
}

// Validate checks the request against the program's domains.
func (r *Request) Validate(domains []string) error {
	f := map[string]string{}
	if !slices.Contains(domains, r.Domain) {
		f["domain"] = "validation.domain_of_program"
	}
	if !slices.Contains(Urgencies, r.Urgency) {
		f["urgency"] = "validation.choice"
	}
	if !slices.Contains(RequestStatuses, r.Status) {
		f["status"] = "validation.choice"
	}
	r.Text, r.Resolution = strings.TrimSpace(r.Text), strings.TrimSpace(r.Resolution)
	text.Check(f, "text", r.Text, true, true, MaxLong)
	text.Check(f, "resolution", r.Resolution, false, true, MaxLong)
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}
