// Package program holds the Program: what a mentoring program is, its
// settings with their defaults, and the rules its fields must satisfy.
//
// Glossary words: Program, Need (its domains), Facility (of a custody
// program).
package program

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"homeward/internal/errs"
	"homeward/internal/iso"
	"homeward/internal/mentors"
	"homeward/internal/text"
	"homeward/internal/zone"
)

// DefaultNeedDomains are the need domains a new program starts with (DESIGN.md).
var DefaultNeedDomains = []string{
	"housing",
	"income",
	"employment",
	"education",
	"documents",
	"legal_debt",
	"family",
	"physical_health",
	"mental_health",
	"substance_use",
	"social",
	"safety",
}

// Cadence is the expected contact rhythm of a program: FirstPerWeek contacts a
// week during the first FirstWeeks weeks of a case, then LaterPerWeek a week
// (0.5 means one contact every two weeks).
type Cadence struct {
	FirstWeeks   int     `json:"first_weeks"`
	FirstPerWeek float64 `json:"first_per_week"`
	LaterPerWeek float64 `json:"later_per_week"`
}

// Custody describes the custody phase of programs that start before release.
type Custody struct {
	Enabled      bool `json:"enabled"`
	MonthsBefore int  `json:"months_before"`
	MonthsAfter  int  `json:"months_after"`
}

// Program is a mentoring program and the settings its cases follow.
type Program struct {
	ID             int64    `json:"id"`
	Name           string   `json:"name"`
	Description    string   `json:"description"`
	Languages      []string `json:"languages"` // ISO 639-1 codes, e.g. "be"
	Countries      []string `json:"countries"` // ISO 3166-1 alpha-2 codes, e.g. "LT"
	MentorCapacity int      `json:"mentor_capacity"`
	Cadence        Cadence  `json:"cadence"`
	QuietWeeks     int      `json:"quiet_weeks"`
	DurationMin    int      `json:"duration_min_months"`
	DurationMax    int      `json:"duration_max_months"`
	Custody        Custody  `json:"custody"`
	NeedDomains    []string `json:"need_domains"`
	// MenteeSecondFactor requires a second factor of the program's mentees
	// too (every staff role needs one anyway).
	MenteeSecondFactor bool `json:"mentee_second_factor"`
	// ApplicationsOpen puts the program's mentor application form on the
	// public site (its name and description become public). Off by
	// default: a program's existence may itself be sensitive.
	ApplicationsOpen bool `json:"applications_open"`
	// MentorChecks are the kinds of check (mentors.CheckKinds) every mentor
	// must have passed, and not expired, before they are matched.
	MentorChecks []string `json:"mentor_checks"`
	// HoursPerContact is the time one contact takes a mentor, travel and
	// notes included: with the cadence, what a mentee asks of a mentor's week.
	HoursPerContact float64 `json:"hours_per_contact"`
	// MatchWeights weigh the items of a matching score.
	MatchWeights MatchWeights `json:"match_weights"`
	// ReferralReminderDays: a referral sent this many days ago without the
	// partner's answer is shown as waiting, to the case's mentor and the
	// program's coordinators.
	ReferralReminderDays int `json:"referral_reminder_days"`
	// RetentionMonths: a person whose cases are all closed, with every
	// follow-up done, is erased this many months after their case here was
	// closed, unless the case is on hold; 0 keeps them until someone asks.
	RetentionMonths int `json:"retention_months"`
	// TimeZone is the program's time zone (an IANA name, "Europe/Prague"):
	// its people's times are shown and typed in it unless they chose their
	// own, and its mentees' always.
	TimeZone string `json:"time_zone"`
	// CaseCodePattern makes the case codes of the program's intakes, such
	// as "VOL-{year}-{n:3}" (case_code.go); "" when coordinators type them.
	CaseCodePattern string `json:"case_code_pattern"`
	// OwnOutcomeKinds are the program's outcome kinds beside the built-in
	// ones (e.g. a course begun, where a funder counts those).
	OwnOutcomeKinds []OwnOutcomeKind `json:"own_outcome_kinds"`
	// FunderTable is the program's funder table: which figures of the
	// outcomes report, in which order, under which labels. Empty means the
	// report's default table (report.DefaultFunderTable).
	FunderTable []FunderLine `json:"funder_table"`
	Version     int          `json:"version"` // increases with every change; guards concurrent edits
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

// OwnOutcomeKind is an outcome kind a program adds: its key, stored on
// outcomes, and its label, shown as typed (in the program's language).
type OwnOutcomeKind struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// FunderLine is one line of a funder table: a figure of the outcomes report
// (its key, e.g. "outcome.job_found.after_release") and the label the
// funder knows it by ("" for the figure's own name).
type FunderLine struct {
	Figure string `json:"figure"`
	Label  string `json:"label"`
}

// BuiltinOutcomeKinds are the keys of the outcome kinds every program has
// (cases.OutcomeKinds, whose test checks that the two lists agree); a
// program's own kind may not take one of them.
var BuiltinOutcomeKinds = []string{"retraining_completed", "debt_case_closed", "job_found", "housing_secured",
	"legal_status_obtained", "family_law_help", "other"}

// OwnOutcomeLabel returns the label of the program's own outcome kind key,
// and whether the program has it.
func (p Program) OwnOutcomeLabel(key string) (string, bool) {
	for _, k := range p.OwnOutcomeKinds {
		if k.Key == key {
			return k.Label, true
		}
	}
	return "", false
}

// New returns a program with every setting at its default.
func New() Program {
	return Program{
		MentorCapacity: 1,
		Cadence:        Cadence{FirstWeeks: 4, FirstPerWeek: 2, LaterPerWeek: 1},
		QuietWeeks:     3,
		DurationMin:    3,
		DurationMax:    6,
		Custody:        Custody{MonthsBefore: 6, MonthsAfter: 6},
		NeedDomains:    slices.Clone(DefaultNeedDomains),
		// A background check and a signed agreement before anyone is
		// matched: the safer default; a program may ask for more or less.
		MentorChecks:         []string{"background_check", "signed_agreement"},
		HoursPerContact:      1.5,
		MatchWeights:         DefaultMatchWeights(),
		ReferralReminderDays: 7,
		TimeZone:             zone.Default,
	}
}

// MatchWeights are a program's weights of the matching score's items, each
// from 0 to MaxWeight. The points of an item range from 0 to its weight.
type MatchWeights struct {
	Language        float64 `json:"language"`
	Place           float64 `json:"place"`
	Availability    float64 `json:"availability"`
	Skills          float64 `json:"skills"`
	Preferences     float64 `json:"preferences"`
	LivedExperience float64 `json:"lived_experience"`
}

// MaxWeight is the largest weight of one item.
const MaxWeight = 10

// DefaultMatchWeights are the weights of a new program: a shared language
// and help with the open needs count most, then time and the mentee's wishes.
func DefaultMatchWeights() MatchWeights {
	return MatchWeights{Language: 3, Place: 1, Availability: 2, Skills: 3, Preferences: 2, LivedExperience: 1}
}

// Validate checks that each weight is from 0 to MaxWeight and that not all
// are zero; it returns an errs.Invalid naming the fields, or nil.
func (w MatchWeights) Validate() error {
	f := map[string]string{}
	w.validate(f)
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

func (w MatchWeights) validate(f map[string]string) {
	sum, bad := 0.0, false
	for _, x := range w.Items() {
		if !(x.Weight >= 0 && x.Weight <= MaxWeight) { // also rejects NaN
			f["match_weights."+x.Field] = "validation.weight"
			bad = true
			continue
		}
		sum += x.Weight
	}
	if !bad && sum == 0 {
		f["match_weights"] = "validation.weights_all_zero"
	}
}

// WeightItem is one weight with its field name.
type WeightItem struct {
	Field  string
	Weight float64
}

// Items lists the weights in the order of the score's items.
func (w MatchWeights) Items() []WeightItem {
	return []WeightItem{{"language", w.Language}, {"place", w.Place}, {"availability", w.Availability},
		{"skills", w.Skills}, {"preferences", w.Preferences}, {"lived_experience", w.LivedExperience}}
}

// Weight returns a pointer to the weight of a field, for forms; nil for an
// unknown field.
func (w *MatchWeights) Weight(field string) *float64 {
	switch field {
	case "language":
		return &w.Language
	case "place":
		return &w.Place
	case "availability":
		return &w.Availability
	case "skills":
		return &w.Skills
	case "preferences":
		return &w.Preferences
	case "lived_experience":
		return &w.LivedExperience
	}
	return nil
}

var (
	domainKey  = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)
	outcomeKey = regexp.MustCompile(OutcomeKeyPattern)
)

// Limits of the fields, shared by validation, forms and the API document.
const (
	MaxName        = 120
	MaxDescription = 4000
	MaxListItems   = 40
	// MaxOwnOutcomeKinds is how many outcome kinds a program may add; an
	// own kind's key is 2 to MaxOutcomeKey lowercase ASCII letters and
	// underscores, its label 1 to MaxOutcomeLabel characters.
	MaxOwnOutcomeKinds = 20
	MaxOutcomeKey      = 40
	MaxOutcomeLabel    = 80
	// MaxFunderLines is how many lines a funder table has at most; a
	// line's label is at most MaxFunderLabel characters.
	MaxFunderLines = 60
	MaxFunderLabel = 120
	// OutcomeKeyPattern is what an own outcome kind's key looks like.
	OutcomeKeyPattern = `^[a-z][a-z_]{1,39}$`
)

// Normalize trims text, upper- or lower-cases codes and drops empty and
// repeated list items, so that what is stored is canonical.
func (p *Program) Normalize() {
	p.Name = strings.TrimSpace(p.Name)
	p.Description = strings.TrimSpace(p.Description)
	if p.TimeZone = strings.TrimSpace(p.TimeZone); p.TimeZone == "" {
		p.TimeZone = zone.Default
	}
	p.Languages = normList(p.Languages, strings.ToLower)
	p.Countries = normList(p.Countries, strings.ToUpper)
	p.NeedDomains = normList(p.NeedDomains, strings.ToLower)
	p.MentorChecks = normList(p.MentorChecks, strings.ToLower)
	own := make([]OwnOutcomeKind, 0, len(p.OwnOutcomeKinds))
	for _, k := range p.OwnOutcomeKinds {
		k.Key, k.Label = strings.ToLower(strings.TrimSpace(k.Key)), strings.TrimSpace(k.Label)
		if k.Key != "" || k.Label != "" {
			own = append(own, k)
		}
	}
	p.OwnOutcomeKinds = own
	lines := make([]FunderLine, 0, len(p.FunderTable))
	for _, l := range p.FunderTable {
		l.Figure, l.Label = strings.TrimSpace(l.Figure), strings.TrimSpace(l.Label)
		if l.Figure != "" || l.Label != "" {
			lines = append(lines, l)
		}
	}
	p.FunderTable = lines
	p.CaseCodePattern = NormalizeCaseCodePattern(p.CaseCodePattern)
}

func normList(in []string, f func(string) string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = f(strings.TrimSpace(s))
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Validate checks every field and returns an errs.Invalid naming each bad
// field with a message key of the i18n catalogues, or nil.
func (p *Program) Validate() error {
	f := map[string]string{}
	switch n := utf8.RuneCountInString(p.Name); {
	case !text.Clean(p.Name, false):
		f["name"] = "validation.bad_characters"
	case n == 0:
		f["name"] = "validation.required"
	case n > MaxName:
		f["name"] = "validation.too_long"
	}
	switch {
	case !text.Clean(p.Description, true):
		f["description"] = "validation.bad_characters"
	case utf8.RuneCountInString(p.Description) > MaxDescription:
		f["description"] = "validation.too_long"
	}
	checkList(f, "languages", p.Languages, iso.IsLanguage, "validation.language_codes")
	checkList(f, "countries", p.Countries, iso.IsCountry, "validation.country_codes")
	checkList(f, "need_domains", p.NeedDomains, domainKey.MatchString, "validation.domain_keys")
	if p.CaseCodePattern != "" && (utf8.RuneCountInString(p.CaseCodePattern) > MaxCaseCodePattern || !validCaseCodePattern(p.CaseCodePattern)) {
		f["case_code_pattern"] = "validation.case_code_pattern"
	}
	if len(p.NeedDomains) == 0 {
		f["need_domains"] = "validation.required"
	}
	if p.MentorCapacity < 1 || p.MentorCapacity > 20 {
		f["mentor_capacity"] = "validation.mentor_capacity"
	}
	if p.Cadence.FirstWeeks < 0 || p.Cadence.FirstWeeks > 52 {
		f["cadence.first_weeks"] = "validation.first_weeks"
	}
	if !validPerWeek(p.Cadence.FirstPerWeek) {
		f["cadence.first_per_week"] = "validation.per_week"
	}
	if !validPerWeek(p.Cadence.LaterPerWeek) {
		f["cadence.later_per_week"] = "validation.per_week"
	}
	if p.QuietWeeks < 1 || p.QuietWeeks > 26 {
		f["quiet_weeks"] = "validation.quiet_weeks"
	}
	if p.DurationMin < 1 || p.DurationMin > 60 {
		f["duration_min_months"] = "validation.duration"
	}
	if p.DurationMax < 1 || p.DurationMax > 60 {
		f["duration_max_months"] = "validation.duration"
	} else if p.DurationMax < p.DurationMin {
		f["duration_max_months"] = "validation.duration_order"
	}
	// Checked also while the custody phase is off: the values are kept for
	// when it is switched on, and must fit their columns.
	if p.Custody.MonthsBefore < 0 || p.Custody.MonthsBefore > 36 {
		f["custody.months_before"] = "validation.custody_months"
	}
	if p.Custody.MonthsAfter < 0 || p.Custody.MonthsAfter > 36 {
		f["custody.months_after"] = "validation.custody_months"
	}
	for _, k := range p.MentorChecks {
		if !slices.Contains(mentors.CheckKinds, k) {
			f["mentor_checks"] = "validation.choice"
		}
	}
	if !(p.HoursPerContact >= 0.25 && p.HoursPerContact <= 8) || p.HoursPerContact*4 != float64(int(p.HoursPerContact*4)) {
		f["hours_per_contact"] = "validation.hours_per_contact"
	}
	if p.ReferralReminderDays < 1 || p.ReferralReminderDays > 90 {
		f["referral_reminder_days"] = "validation.referral_reminder_days"
	}
	if p.RetentionMonths != 0 && (p.RetentionMonths < 6 || p.RetentionMonths > 240) {
		f["retention_months"] = "validation.retention_months"
	}
	if !zone.Valid(p.TimeZone) {
		f["time_zone"] = "validation.time_zone"
	}
	p.MatchWeights.validate(f)
	validateOwnOutcomeKinds(f, p.OwnOutcomeKinds)
	validateFunderTable(f, p.FunderTable)
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// validateOwnOutcomeKinds checks the program's own outcome kinds: at most
// MaxOwnOutcomeKinds, each key well formed, distinct and not a built-in
// kind's, each label clean and not empty.
func validateOwnOutcomeKinds(f map[string]string, own []OwnOutcomeKind) {
	if len(own) > MaxOwnOutcomeKinds {
		f["own_outcome_kinds"] = "validation.too_many"
		return
	}
	seen := map[string]bool{}
	for _, k := range own {
		switch {
		case !outcomeKey.MatchString(k.Key):
			f["own_outcome_kinds"] = "validation.outcome_keys"
		case slices.Contains(BuiltinOutcomeKinds, k.Key):
			f["own_outcome_kinds"] = "validation.outcome_key_builtin"
		case seen[k.Key]:
			f["own_outcome_kinds"] = "validation.outcome_key_repeated"
		}
		seen[k.Key] = true
		switch n := utf8.RuneCountInString(k.Label); {
		case !text.Clean(k.Label, false):
			f["own_outcome_kinds"] = "validation.bad_characters"
		case n == 0:
			f["own_outcome_kinds"] = "validation.outcome_label_required"
		case n > MaxOutcomeLabel:
			f["own_outcome_kinds"] = "validation.too_long"
		}
	}
}

// funderFigure is what a figure's key looks like; whether the report has
// the figure is report.CheckFunderTable's to say.
var funderFigure = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+){0,3}$`)

// validateFunderTable checks the funder table's shape: at most
// MaxFunderLines, each figure well formed and named once, each label clean
// and not too long.
func validateFunderTable(f map[string]string, lines []FunderLine) {
	if len(lines) > MaxFunderLines {
		f["funder_table"] = "validation.too_many"
		return
	}
	seen := map[string]bool{}
	for _, l := range lines {
		switch {
		case len(l.Figure) > 100 || !funderFigure.MatchString(l.Figure):
			f["funder_table"] = "validation.funder_figure_unknown"
		case seen[l.Figure]:
			f["funder_table"] = "validation.funder_figure_repeated"
		case !text.Clean(l.Label, false):
			f["funder_table"] = "validation.bad_characters"
		case utf8.RuneCountInString(l.Label) > MaxFunderLabel:
			f["funder_table"] = "validation.too_long"
		}
		seen[l.Figure] = true
	}
}

// validPerWeek accepts 0.25 to 14 contacts a week in steps of a quarter.
func validPerWeek(v float64) bool {
	return v >= 0.25 && v <= 14 && v*4 == float64(int(v*4))
}

func checkList(f map[string]string, field string, items []string, valid func(string) bool, msg string) {
	if len(items) > MaxListItems {
		f[field] = "validation.too_many"
		return
	}
	for _, s := range items {
		if !valid(s) {
			f[field] = msg
			return
		}
	}
}

// String renders the cadence compactly for logs and exports, e.g. "2/week × 4 weeks, then 1/week".
func (c Cadence) String() string {
	return fmt.Sprintf("%g/week × %d weeks, then %g/week", c.FirstPerWeek, c.FirstWeeks, c.LaterPerWeek)
}
