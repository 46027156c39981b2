package cases

import (
	"sort"
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/text"
)

// Severity of a need.
type Severity string

const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	NoNeed   Severity = "none"
)

// Severities lists them from the most severe.
var Severities = []Severity{Critical, High, Medium, Low, NoNeed}

// Rank orders severities: 0 is critical, 4 none, 5 unknown.
func (s Severity) Rank() int {
	for i, x := range Severities {
		if x == s {
			return i
		}
	}
	return len(Severities)
}

// NeedStatus is where the work on a need is.
type NeedStatus string

const (
	NotStarted  NeedStatus = "not_started"
	InProgress  NeedStatus = "in_progress"
	Done        NeedStatus = "done"
	NotRequired NeedStatus = "not_required"
	Declined    NeedStatus = "declined"
)

// NeedStatuses lists them.
var NeedStatuses = []NeedStatus{NotStarted, InProgress, Done, NotRequired, Declined}

// Need is the assessment of one domain of a case. Every reassessment is a
// new Need; Previous is the one it replaced (nil for the first).
type Need struct {
	ID             int64      `json:"id"`
	CaseID         int64      `json:"case_id"`
	Domain         string     `json:"domain"`
	Severity       Severity   `json:"severity"`
	Status         NeedStatus `json:"status"`
	AssessedBy     int64      `json:"assessed_by"`
	AssessedByName string     `json:"assessed_by_name"`
	AssessedAt     time.Time  `json:"assessed_at"`
	Previous       *Need      `json:"previous,omitempty"`
}

// Changed tells whether the need differs from the one it replaced.
func (n Need) Changed() bool {
	return n.Previous == nil || n.Previous.Severity != n.Severity || n.Previous.Status != n.Status
}

// Open tells whether the need still asks for work.
func (n Need) Open() bool {
	return n.Severity != NoNeed && (n.Status == NotStarted || n.Status == InProgress)
}

// SortNeeds orders needs for the case page: critical first, then by
// severity, then by the order of the program's domains.
func SortNeeds(needs []Need, domains []string) {
	pos := map[string]int{}
	for i, d := range domains {
		pos[d] = i
	}
	sort.SliceStable(needs, func(i, j int) bool {
		if a, b := needs[i].Severity.Rank(), needs[j].Severity.Rank(); a != b {
			return a < b
		}
		return pos[needs[i].Domain] < pos[needs[j].Domain]
	})
}

// Assessment is one domain's severity and status as assessed.
type Assessment struct {
	Domain   string     `json:"domain"`
	Severity Severity   `json:"severity"`
	Status   NeedStatus `json:"status"`
}

// ValidateAssessments checks an assessment against the program's domains.
func ValidateAssessments(as []Assessment, domains []string) error {
	f := map[string]string{}
	seen := map[string]bool{}
	for _, a := range as {
		switch {
		case !has(domains, a.Domain):
			f["domain"] = "validation.domain_of_program"
		case seen[a.Domain]:
			f["domain"] = "validation.repeated"
		case a.Severity.Rank() == len(Severities):
			f["severity."+a.Domain] = "validation.choice"
		case !has(NeedStatuses, a.Status):
			f["status."+a.Domain] = "validation.choice"
		}
		seen[a.Domain] = true
	}
	if len(as) == 0 {
		f["domain"] = "validation.required"
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

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
	if p.Domain != "" && !has(domains, p.Domain) {
		f["domain"] = "validation.domain_of_program"
	}
	if !has(Owners, p.Owner) {
		f["owner"] = "validation.choice"
	}
	if !has(StepStatuses, p.Status) {
		f["status"] = "validation.choice"
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// Channel is how a contact took place.
type Channel string

const (
	Call        Channel = "call"
	Video       Channel = "video"
	InPerson    Channel = "in_person"
	Message     Channel = "message"
	Letter      Channel = "letter"
	PrisonVisit Channel = "prison_visit"
)

// Channels lists them.
var Channels = []Channel{Call, Video, InPerson, Message, Letter, PrisonVisit}

// Contact is one logged interaction with the mentee. The summary is sealed.
type Contact struct {
	ID             int64     `json:"id"`
	CaseID         int64     `json:"case_id"`
	At             time.Time `json:"at"`
	Channel        Channel   `json:"channel"`
	Minutes        int       `json:"minutes"`
	Summary        string    `json:"summary"`
	Needs          []string  `json:"needs"` // domains touched
	RecordedBy     int64     `json:"recorded_by"`
	RecordedByName string    `json:"recorded_by_name"`
	CreatedAt      time.Time `json:"created_at"`
}

// Validate checks the contact; it may not lie in the future.
func (c *Contact) Validate(domains []string, now time.Time) error {
	f := map[string]string{}
	if c.At.IsZero() {
		f["at"] = "validation.required"
	} else if c.At.After(now.Add(5 * time.Minute)) {
		f["at"] = "validation.not_future"
	}
	if !has(Channels, c.Channel) {
		f["channel"] = "validation.choice"
	}
	if c.Minutes < 0 || c.Minutes > 24*60 {
		f["minutes"] = "validation.minutes"
	}
	c.Summary = strings.TrimSpace(c.Summary)
	text.Check(f, "summary", c.Summary, false, true, MaxLong)
	for _, d := range c.Needs {
		if !has(domains, d) {
			f["needs"] = "validation.domain_of_program"
		}
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

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
	if !has(domains, r.Domain) {
		f["domain"] = "validation.domain_of_program"
	}
	if !has(Urgencies, r.Urgency) {
		f["urgency"] = "validation.choice"
	}
	if !has(RequestStatuses, r.Status) {
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

// Visibility is who may read a note.
type Visibility string

const (
	// VisibleTeam: the program's coordinators and the case's psychologist.
	VisibleTeam Visibility = "team"
	// VisibleMentor: the team and the case's mentor.
	VisibleMentor Visibility = "mentor"
	// VisiblePsychologist: the case's psychologist only.
	VisiblePsychologist Visibility = "psychologist"
)

// Visibilities lists them, widest first.
var Visibilities = []Visibility{VisibleMentor, VisibleTeam, VisiblePsychologist}

// Note is a sealed note on a case with a visibility level.
type Note struct {
	ID         int64      `json:"id"`
	CaseID     int64      `json:"case_id"`
	Visibility Visibility `json:"visibility"`
	Body       string     `json:"body"`
	AuthorID   int64      `json:"author_id"`
	AuthorName string     `json:"author_name"`
	CreatedAt  time.Time  `json:"created_at"`
}

// Validate checks the note.
func (n *Note) Validate() error {
	f := map[string]string{}
	if !has(Visibilities, n.Visibility) {
		f["visibility"] = "validation.choice"
	}
	n.Body = strings.TrimSpace(n.Body)
	text.Check(f, "body", n.Body, true, true, MaxLong)
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}
