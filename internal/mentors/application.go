// Package mentors holds the mentor lifecycle's domain: the Application a
// person sends through the public form, with the rules its fields must
// satisfy.
package mentors

import (
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/text"
)

// ApplicationStatus is where an application stands in screening.
type ApplicationStatus string

const (
	StatusNew       ApplicationStatus = "new"
	StatusInterview ApplicationStatus = "interview"
	StatusChecks    ApplicationStatus = "checks"
	StatusAccepted  ApplicationStatus = "accepted"
	StatusRejected  ApplicationStatus = "rejected"
)

// ApplicationStatuses lists the statuses in the order of screening. Every
// application starts as new.
var ApplicationStatuses = []ApplicationStatus{StatusNew, StatusInterview, StatusChecks, StatusAccepted, StatusRejected}

// Times are the parts of the week an applicant can give.
var Times = []string{"weekday_mornings", "weekday_daytime", "weekday_evenings", "weekends"}

// PreferenceTags name the people an applicant feels able to support, besides
// what they write in their own words.
var PreferenceTags = []string{
	"women", "men", "young_people", "older_people", "parents",
	"political_prisoners", "long_sentences", "in_custody", "emigrants", "substance_use",
}

// Application is a person's application to mentor in one program. The
// applicant's identity (FullName, Email, Phone) and what they write about
// themselves (Motivation, Background, LivedExperience) are sealed.
type Application struct {
	ID              int64             `json:"id"`
	ProgramID       int64             `json:"program_id"`
	Status          ApplicationStatus `json:"status"`
	FullName        string            `json:"full_name"`
	Email           string            `json:"email"`
	Phone           string            `json:"phone"`
	Motivation      string            `json:"motivation"`
	Languages       []string          `json:"languages"` // ISO 639-1 codes
	Country         string            `json:"country"`   // ISO 3166-1 alpha-2
	City            string            `json:"city"`
	Skills          string            `json:"skills"`
	Background      string            `json:"background"`   // professional background
	NeedDomains     []string          `json:"need_domains"` // the program's domains they can help with
	HoursPerWeek    int               `json:"hours_per_week"`
	Times           []string          `json:"times"`
	LivedExperience string            `json:"lived_experience"`
	Preferences     string            `json:"preferences"` // who they feel able to support, in their words
	PreferenceTags  []string          `json:"preference_tags"`
	Consent         bool              `json:"consent"` // to the processing of their data
	ConsentAt       time.Time         `json:"consent_at"`
	CreatedAt       time.Time         `json:"created_at"`
}

// Limits of the application's fields, shared by validation, the form and
// the API document.
const (
	MaxName      = 160
	MaxEmail     = 254
	MaxPhone     = 40
	MaxShort     = 200
	MaxText      = 4000
	MaxLanguages = 20
	MaxHours     = 40
)

var (
	langCode    = regexp.MustCompile(`^[a-z]{2,3}$`)
	countryCode = regexp.MustCompile(`^[A-Z]{2}$`)
	phone       = regexp.MustCompile(`^\+?[0-9 ().-]{5,}$`)
)

// Normalize trims the text, folds the codes and drops empty and repeated
// list items, so that what is stored is canonical.
func (a *Application) Normalize() {
	a.FullName = strings.Join(strings.Fields(a.FullName), " ")
	a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	for _, p := range []*string{&a.Email, &a.Phone, &a.Motivation, &a.City, &a.Skills, &a.Background, &a.LivedExperience, &a.Preferences} {
		*p = strings.TrimSpace(*p)
	}
	a.Languages = normList(a.Languages, strings.ToLower)
	a.NeedDomains = normList(a.NeedDomains, strings.ToLower)
	a.Times = normList(a.Times, strings.ToLower)
	a.PreferenceTags = normList(a.PreferenceTags, strings.ToLower)
}

func normList(in []string, fold func(string) string) []string {
	out := []string{}
	for _, s := range in {
		s = fold(strings.TrimSpace(s))
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Validate checks every field against the rules and the program's need
// domains (those an applicant may say they can help with), and returns an
// errs.Invalid naming each bad field with a message key, or nil.
func (a *Application) Validate(programDomains []string) error {
	f := map[string]string{}
	text.Check(f, "full_name", a.FullName, true, false, MaxName)
	switch {
	case a.Email == "":
		f["email"] = "validation.required"
	default:
		if m, err := mail.ParseAddress(a.Email); err != nil || m.Address != a.Email || len(a.Email) > MaxEmail {
			f["email"] = "validation.email"
		}
	}
	if a.Phone != "" && (len(a.Phone) > MaxPhone || !phone.MatchString(a.Phone)) {
		f["phone"] = "validation.phone"
	}
	text.Check(f, "motivation", a.Motivation, true, true, MaxText)
	switch {
	case len(a.Languages) == 0:
		f["languages"] = "validation.required"
	case len(a.Languages) > MaxLanguages:
		f["languages"] = "validation.too_many"
	default:
		for _, l := range a.Languages {
			if !langCode.MatchString(l) {
				f["languages"] = "validation.language_codes"
			}
		}
	}
	switch {
	case a.Country == "":
		f["country"] = "validation.required"
	case !countryCode.MatchString(a.Country):
		f["country"] = "validation.country_code"
	}
	text.Check(f, "city", a.City, false, false, MaxShort)
	text.Check(f, "skills", a.Skills, false, true, MaxText)
	text.Check(f, "background", a.Background, false, true, MaxText)
	for _, d := range a.NeedDomains {
		if !slices.Contains(programDomains, d) {
			f["need_domains"] = "validation.domain_of_program"
		}
	}
	if a.HoursPerWeek < 1 || a.HoursPerWeek > MaxHours {
		f["hours_per_week"] = "validation.hours_per_week"
	}
	checkChoices(f, "times", a.Times, Times, true)
	text.Check(f, "lived_experience", a.LivedExperience, false, true, MaxText)
	text.Check(f, "preferences", a.Preferences, false, true, MaxText)
	checkChoices(f, "preference_tags", a.PreferenceTags, PreferenceTags, false)
	if !a.Consent {
		f["consent"] = "validation.consent"
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// checkChoices accepts only items of choices, and at least one when required.
func checkChoices(f map[string]string, field string, items, choices []string, required bool) {
	if required && len(items) == 0 {
		f[field] = "validation.required"
		return
	}
	for _, s := range items {
		if !slices.Contains(choices, s) {
			f[field] = "validation.choice"
			return
		}
	}
}
