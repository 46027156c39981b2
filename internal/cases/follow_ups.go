package cases

import (
	"slices"
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/text"
)

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
		if !slices.Contains(Answers, a) {
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
