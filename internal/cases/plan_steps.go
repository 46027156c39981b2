package cases

import (
	"slices"
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/text"
)

// Owner is who carries out a plan step.
type Owner string

const (
	OwnerMentee      Owner = "mentee"
	OwnerMentor      Owner = "mentor"
	OwnerCoordinator Owner = "coordinator"
)

// Owners lists them.
var Owners = []Owner{OwnerMentee, OwnerMentor, OwnerCoordinator}

// StepStatus is where a plan step is.
type StepStatus string

const (
	StepOpen       StepStatus = "open"
	StepInProgress StepStatus = "in_progress"
	StepDone       StepStatus = "done"
	StepDropped    StepStatus = "dropped"
)

// StepStatuses lists them.
var StepStatuses = []StepStatus{StepOpen, StepInProgress, StepDone, StepDropped}

// FirstPlanSteps is the most steps the case page suggests for the first
// plan (1–5 first steps); more may be added later.
const FirstPlanSteps = 5

// PlanStep is one step of a case's plan.
type PlanStep struct {
	ID        int64      `json:"id"`
	CaseID    int64      `json:"case_id"`
	Period    int        `json:"period"`
	Title     string     `json:"title"`
	Domain    string     `json:"domain"` // one of the program's domains, or "" for none
	Owner     Owner      `json:"owner"`
	DueOn     *time.Time `json:"due_on,omitempty"` // a date
	Status    StepStatus `json:"status"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
	Version   int        `json:"version"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Overdue tells whether the step is due before today and not finished.
func (p PlanStep) Overdue(now time.Time) bool {
	return p.DueOn != nil && (p.Status == StepOpen || p.Status == StepInProgress) &&
		p.DueOn.Before(time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC))
}

// Normalize trims the title.
func (p *PlanStep) Normalize() { p.Title = strings.TrimSpace(p.Title) }

// Validate checks the step against the program's domains.
func (p *PlanStep) Validate(domains []string) error {
	f := map[string]string{}
	text.Check(f, "title", p.Title, true, false, MaxShort)
	if p.Domain != "" && !slices.Contains(domains, p.Domain) {
		f["domain"] = "validation.domain_of_program"
	}
	if !slices.Contains(Owners, p.Owner) {
		f["owner"] = "validation.choice"
	}
	if !slices.Contains(StepStatuses, p.Status) {
		f["status"] = "validation.choice"
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}
