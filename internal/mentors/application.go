// Package mentors holds the mentor lifecycle's domain: the Application a
// person sends through the public form, the Mentor it becomes (stages of
// screening, the profile matching reads, capacity and pauses), the Checks
// and Training that make a mentor ready, and Readiness, which says why a
// mentor is not (yet) ready for matching.
//
// Glossary words: Mentor (a volunteer, from application to retirement),
// Match (a mentor on a case: the capacity it takes).
package mentors

import (
	"net/mail"
	"slices"
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/text"
)

// Times are the parts of the week an applicant can give.
var Times = []string{"weekday_mornings", "weekday_daytime", "weekday_evenings", "weekends"}

// PreferenceTags name the people an applicant feels able to support, besides
// what they write in their own words.
var PreferenceTags = []string{
	"women", "men", "young_people", "older_people", "parents",
	"political_prisoners", "long_sentences", "in_custody", "emigrants", "substance_use",
}

// ExperienceTags name what a person has lived through: a mentor's lived
// experience and a mentee's background, compared by matching. Both are
// sealed wherever they are stored.
var ExperienceTags = []string{"prison", "political_persecution", "emigration", "refugee", "substance_use", "homelessness"}

// Genders a mentor may state (optional): a mentee may wish for a woman or a man.
var Genders = []string{"female", "male", "other"}

// Application is a person's application to mentor in one program: what the
// public form takes. Stored, it becomes a Mentor at the stage "new". The
// applicant's identity (FullName, Email, Phone), what they write about
// themselves (Motivation, Background, LivedExperience) and their
// ExperienceTags are sealed.
type Application struct {
	ID              int64     `json:"id"`
	ProgramID       int64     `json:"program_id"`
	FullName        string    `json:"full_name"`
	Email           string    `json:"email"`
	Phone           string    `json:"phone"`
	Motivation      string    `json:"motivation"`
	Languages       []string  `json:"languages"` // ISO 639-1 codes
	Country         string    `json:"country"`   // ISO 3166-1 alpha-2
	City            string    `json:"city"`
	Skills          string    `json:"skills"`
	Background      string    `json:"background"`   // professional background
	NeedDomains     []string  `json:"need_domains"` // the program's domains they can help with
	HoursPerWeek    int       `json:"hours_per_week"`
	Times           []string  `json:"times"`
	LivedExperience string    `json:"lived_experience"`
	ExperienceTags  []string  `json:"experience_tags"` // of ExperienceTags, optional
	Gender          string    `json:"gender"`          // of Genders, or ""
	Preferences     string    `json:"preferences"`     // who they feel able to support, in their words
	PreferenceTags  []string  `json:"preference_tags"`
	Consent         bool      `json:"consent"` // to the processing of their data
	ConsentAt       time.Time `json:"consent_at"`
	CreatedAt       time.Time `json:"created_at"`
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
	a.ExperienceTags = normList(a.ExperienceTags, strings.ToLower)
	a.Gender = strings.ToLower(strings.TrimSpace(a.Gender))
}

// Profile returns what matching reads of the application.
func (a Application) Profile() Profile {
	return Profile{Languages: a.Languages, Country: a.Country, City: a.City, Skills: a.Skills,
		NeedDomains: a.NeedDomains, HoursPerWeek: a.HoursPerWeek, Times: a.Times,
		PreferenceTags: a.PreferenceTags, Gender: a.Gender, ExperienceTags: a.ExperienceTags}
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
	p := a.Profile()
	p.validate(f, programDomains)
	text.Check(f, "background", a.Background, false, true, MaxText)
	text.Check(f, "lived_experience", a.LivedExperience, false, true, MaxText)
	text.Check(f, "preferences", a.Preferences, false, true, MaxText)
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
