package mentors

import (
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/text"
)

// Module is a training module of a program. A required module must be
// completed (and the completion confirmed) before a mentor is ready; an
// archived module no longer counts, and keeps its completions. The hours of
// a confirmed completion are volunteer time a funder counts.
type Module struct {
	ID          int64     `json:"id"`
	ProgramID   int64     `json:"program_id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Required    bool      `json:"required"`
	Archived    bool      `json:"archived"`
	Position    int       `json:"position"` // the order mentors take them in
	Hours       float64   `json:"hours"`    // a mentor's time on it, in quarter hours; 0 is unknown
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Limits of a module.
const (
	MaxModuleTitle       = 200
	MaxModuleDescription = 4000
	MaxPosition          = 1000
	MaxModuleHours       = 200
)

// Normalize trims the texts.
func (m *Module) Normalize() {
	m.Title = strings.Join(strings.Fields(m.Title), " ")
	m.Description = strings.TrimSpace(m.Description)
}

// Validate checks the module's fields.
func (m *Module) Validate() error {
	f := map[string]string{}
	text.Check(f, "title", m.Title, true, false, MaxModuleTitle)
	text.Check(f, "description", m.Description, false, true, MaxModuleDescription)
	if m.Position < 0 || m.Position > MaxPosition {
		f["position"] = "validation.position"
	}
	// In quarters, like a program's hours per contact; NaN fails the range.
	if !(m.Hours >= 0 && m.Hours <= MaxModuleHours) || m.Hours*4 != float64(int(m.Hours*4)) {
		f["hours"] = "validation.module_hours"
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// CompletionStatus is how far a module's completion is recorded.
type CompletionStatus string

const (
	// NotDone has no completion recorded (or it was withdrawn).
	NotDone CompletionStatus = ""
	// Reported: the mentor says they completed it; a coordinator confirms.
	Reported CompletionStatus = "reported"
	// Confirmed by a coordinator (directly, or after the mentor's report).
	Confirmed CompletionStatus = "confirmed"
)

// Completion is a mentor's completion of a module.
type Completion struct {
	MentorID        int64            `json:"mentor_id"`
	ModuleID        int64            `json:"module_id"`
	Status          CompletionStatus `json:"status"`
	ReportedAt      *time.Time       `json:"reported_at,omitempty"`
	ConfirmedBy     int64            `json:"confirmed_by,omitempty"`
	ConfirmedByName string           `json:"confirmed_by_name,omitempty"`
	ConfirmedAt     *time.Time       `json:"confirmed_at,omitempty"`
}

// ModuleProgress is a module with a mentor's completion of it.
type ModuleProgress struct {
	Module     Module     `json:"module"`
	Completion Completion `json:"completion"`
}
