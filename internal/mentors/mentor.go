package mentors

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/iso"
	"homeward/internal/text"
)

// Stage is where a mentor stands in the program: the screening stages of
// the board (new, interview, checks), then accepted or rejected; an
// accepted mentor may retire later.
type Stage string

const (
	StageNew       Stage = "new"
	StageInterview Stage = "interview"
	StageChecks    Stage = "checks"
	StageAccepted  Stage = "accepted"
	StageRejected  Stage = "rejected"
	StageRetired   Stage = "retired"
)

// Stages lists the stages in the order of the lifecycle. Every application
// starts as new.
var Stages = []Stage{StageNew, StageInterview, StageChecks, StageAccepted, StageRejected, StageRetired}

// ScreeningStages are the columns of the screening board that still wait
// for a decision.
var ScreeningStages = []Stage{StageNew, StageInterview, StageChecks}

// moves are the stage changes a coordinator makes on the board; accepting
// (which invites the person) and retiring have their own calls.
var moves = map[Stage][]Stage{
	StageNew:       {StageInterview, StageRejected},
	StageInterview: {StageNew, StageChecks, StageRejected},
	StageChecks:    {StageInterview, StageRejected},
	StageRejected:  {StageNew}, // reconsidered
}

// Moves returns the stages a mentor at from may be moved to on the board.
func Moves(from Stage) []Stage { return slices.Clone(moves[from]) }

// CheckMove tells whether a board move is allowed: errs.Conflict naming the
// stage field otherwise.
func CheckMove(from, to Stage) error {
	if slices.Contains(moves[from], to) {
		return nil
	}
	return errs.Conflict("This move is not possible from the mentor's stage.", map[string]string{"stage": "mentor.refused.move"})
}

// Profile is what matching reads of a mentor, readable in the database but
// for ExperienceTags, which are sealed.
type Profile struct {
	Languages      []string `json:"languages"` // ISO 639-1 codes
	Country        string   `json:"country"`   // ISO 3166-1 alpha-2
	City           string   `json:"city"`
	Skills         string   `json:"skills"`       // skills in their words
	NeedDomains    []string `json:"need_domains"` // the program's domains they can help with
	HoursPerWeek   int      `json:"hours_per_week"`
	Times          []string `json:"times"`
	PreferenceTags []string `json:"preference_tags"` // whom they feel able to support; none means anyone
	Gender         string   `json:"gender"`
	ExperienceTags []string `json:"experience_tags"` // sealed
}

var (
	phone = regexp.MustCompile(`^\+?[0-9 ().-]{5,}$`)
)

// Normalize folds codes, trims text and drops empty and repeated items.
func (p *Profile) Normalize() {
	p.Country = strings.ToUpper(strings.TrimSpace(p.Country))
	p.City, p.Skills = strings.TrimSpace(p.City), strings.TrimSpace(p.Skills)
	p.Gender = strings.ToLower(strings.TrimSpace(p.Gender))
	p.Languages = normList(p.Languages, strings.ToLower)
	p.NeedDomains = normList(p.NeedDomains, strings.ToLower)
	p.Times = normList(p.Times, strings.ToLower)
	p.PreferenceTags = normList(p.PreferenceTags, strings.ToLower)
	p.ExperienceTags = normList(p.ExperienceTags, strings.ToLower)
}

// Validate checks the profile against the rules and the program's need
// domains; errs.Invalid naming each bad field, or nil.
func (p *Profile) Validate(programDomains []string) error {
	f := map[string]string{}
	p.validate(f, programDomains)
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

func (p *Profile) validate(f map[string]string, programDomains []string) {
	switch {
	case len(p.Languages) == 0:
		f["languages"] = "validation.required"
	case len(p.Languages) > MaxLanguages:
		f["languages"] = "validation.too_many"
	default:
		for _, l := range p.Languages {
			if !iso.IsLanguage(l) {
				f["languages"] = "validation.language_codes"
			}
		}
	}
	switch {
	case p.Country == "":
		f["country"] = "validation.required"
	case !iso.IsCountry(p.Country):
		f["country"] = "validation.country_code"
	}
	text.Check(f, "city", p.City, false, false, MaxShort)
	text.Check(f, "skills", p.Skills, false, true, MaxText)
	for _, d := range p.NeedDomains {
		if !slices.Contains(programDomains, d) {
			f["need_domains"] = "validation.domain_of_program"
		}
	}
	if p.HoursPerWeek < 1 || p.HoursPerWeek > MaxHours {
		f["hours_per_week"] = "validation.hours_per_week"
	}
	checkChoices(f, "times", p.Times, Times, true)
	checkChoices(f, "preference_tags", p.PreferenceTags, PreferenceTags, false)
	checkChoices(f, "experience_tags", p.ExperienceTags, ExperienceTags, false)
	if p.Gender != "" && !slices.Contains(Genders, p.Gender) {
		f["gender"] = "validation.choice"
	}
}

// Origin says how a mentor came to the program.
type Origin string

const (
	FromApplication Origin = "application" // the public form
	FromAccount     Origin = "account"     // an administrator made a mentor account in the program
)

// Mentor is one person mentoring (or applying to mentor) in one program.
// The same person in two programs is two mentors sharing one account.
type Mentor struct {
	ID        int64  `json:"id"`
	ProgramID int64  `json:"program_id"`
	Stage     Stage  `json:"stage"`
	Origin    Origin `json:"origin"`
	// UserID is the mentor's account, 0 until they are accepted; UserStatus
	// is the account's status (invited until they choose a password).
	UserID     int64  `json:"user_id,omitempty"`
	UserStatus string `json:"user_status,omitempty"`
	// Name is how the mentor is shown: the account's name, or the sealed
	// name of the application (opened only when asked for).
	Name    string  `json:"name"`
	Profile Profile `json:"profile"`
	// Capacity is the mentor's own number of mentees at once, 0 for the
	// program's default (see CapacityIn).
	Capacity    int        `json:"capacity"`
	PausedUntil *time.Time `json:"paused_until,omitempty"` // no new mentees until this day
	AcceptedAt  *time.Time `json:"accepted_at,omitempty"`
	RetiredAt   *time.Time `json:"retired_at,omitempty"`
	AppliedAt   time.Time  `json:"applied_at"`
	Version     int        `json:"version"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// MaxCapacity bounds a mentor's own capacity.
const MaxCapacity = 20

// CapacityIn is the number of mentees the mentor may support at once: their
// own, or the program's default.
func (m Mentor) CapacityIn(programDefault int) int {
	if m.Capacity > 0 {
		return m.Capacity
	}
	return programDefault
}

// Paused tells whether the mentor takes no new mentee at now.
func (m Mentor) Paused(now time.Time) bool { return m.PausedUntil != nil && now.Before(*m.PausedUntil) }

// Pipeline is the coordinator's view of where a mentor is: applied and
// screening are the board's stages, then training (accepted, not ready),
// ready (ready, nobody yet), active (supporting someone), paused, retired,
// rejected. Each mentor is in exactly one.
type Pipeline string

const (
	PipelineApplied   Pipeline = "applied"
	PipelineScreening Pipeline = "screening"
	PipelineTraining  Pipeline = "training"
	PipelineReady     Pipeline = "ready"
	PipelineActive    Pipeline = "active"
	PipelinePaused    Pipeline = "paused"
	PipelineRetired   Pipeline = "retired"
	PipelineRejected  Pipeline = "rejected"
)

// Pipelines lists them in the order of the lifecycle.
var Pipelines = []Pipeline{PipelineApplied, PipelineScreening, PipelineTraining, PipelineReady,
	PipelineActive, PipelinePaused, PipelineRetired, PipelineRejected}

// PipelineOf places a mentor: ready tells whether Readiness found nothing
// missing, load is how many mentees they support now. A paused mentor who
// still supports someone is paused (they take nobody new); an active
// mentor may still have free places.
func PipelineOf(m Mentor, ready bool, load int, now time.Time) Pipeline {
	switch m.Stage {
	case StageNew:
		return PipelineApplied
	case StageInterview, StageChecks:
		return PipelineScreening
	case StageRejected:
		return PipelineRejected
	case StageRetired:
		return PipelineRetired
	}
	switch {
	case m.Paused(now):
		return PipelinePaused
	case load > 0:
		return PipelineActive
	case ready:
		return PipelineReady
	}
	return PipelineTraining
}

// Availability is a coordinator's change of a mentor's capacity and pause.
type Availability struct {
	Capacity    int        `json:"capacity"`     // 0 for the program's default
	PausedUntil *time.Time `json:"paused_until"` // nil resumes
}

// Validate checks the availability set on today (the coordinator's day,
// zone.Today): a pause ends on a later day, within two years.
func (a Availability) Validate(today time.Time) error {
	f := map[string]string{}
	if a.Capacity < 0 || a.Capacity > MaxCapacity {
		f["capacity"] = "validation.mentor_capacity"
	}
	if a.PausedUntil != nil && (!a.PausedUntil.After(today) || a.PausedUntil.After(today.AddDate(2, 0, 0))) {
		f["paused_until"] = "validation.pause_until"
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// Note is an interview or screening note on a mentor; its body is sealed.
type Note struct {
	ID         int64     `json:"id"`
	MentorID   int64     `json:"mentor_id"`
	Body       string    `json:"body"`
	AuthorID   int64     `json:"author_id"`
	AuthorName string    `json:"author_name"`
	CreatedAt  time.Time `json:"created_at"`
}

// MaxNote bounds a note's body.
const MaxNote = 20000

// CheckNote validates a note's body.
func CheckNote(body string) error {
	f := map[string]string{}
	text.Check(f, "body", body, true, true, MaxNote)
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}
