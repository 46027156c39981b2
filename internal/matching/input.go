package matching

import (
	"slices"
	"strings"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/mentors"
)

// Wishes are what a mentee may ask of a mentor, besides a language and a
// woman or a man (MentorGenders): met by the mentor's Traits.
var Wishes = []string{"lived_experience"}

// MentorGenders are the mentee's choices of a mentor's gender: a woman or
// a man (as the mentors' stated gender); none ("") is no wish.
var MentorGenders = []string{"female", "male"}

// CaseProfile is what a case tells matching beyond the mentee's profile:
// the mentee's wish for a woman or a man as mentor, their other wishes,
// and what they lived through (mentors.ExperienceTags). All are sealed
// under the mentee's data key.
type CaseProfile struct {
	MentorGender string   `json:"mentor_gender"` // of MentorGenders, or ""
	Wishes       []string `json:"wishes"`
	Background   []string `json:"background"`
}

// Normalize drops empty and repeated items. The tags "woman" and "man",
// once wishes among the others, become the MentorGender they ask for
// (when it is not given and only one of them is there).
func (p *CaseProfile) Normalize() {
	p.MentorGender = strings.ToLower(strings.TrimSpace(p.MentorGender))
	p.Wishes, p.Background = norm(p.Wishes), norm(p.Background)
	var asked []string
	p.Wishes = slices.DeleteFunc(p.Wishes, func(w string) bool {
		g, ok := map[string]string{"woman": "female", "man": "male"}[w]
		if ok {
			asked = append(asked, g)
		}
		return ok
	})
	if p.MentorGender == "" && len(asked) == 1 {
		p.MentorGender = asked[0]
	}
}

// Validate accepts only known wishes and background tags.
func (p CaseProfile) Validate() error {
	f := map[string]string{}
	if p.MentorGender != "" && !slices.Contains(MentorGenders, p.MentorGender) {
		f["mentor_gender"] = "validation.choice"
	}
	for _, w := range p.Wishes {
		if !slices.Contains(Wishes, w) {
			f["wishes"] = "validation.choice"
		}
	}
	for _, b := range p.Background {
		if !slices.Contains(mentors.ExperienceTags, b) {
			f["background"] = "validation.choice"
		}
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// MentorFrom is what matching knows of a mentor of userID with a profile,
// who can take places more mentees: their weekly hours shared by all their
// places; whom they feel able to support (none ticked means anyone); their
// stated gender; their traits ("lived_experience" when they lived through
// anything).
func MentorFrom(userID int64, p mentors.Profile, places int) Mentor {
	m := Mentor{ID: userID, Languages: p.Languages, Country: p.Country, City: p.City,
		HoursPerWeek: float64(p.HoursPerWeek) / float64(max(places, 1)),
		Skills:       p.NeedDomains, LivedExperience: p.ExperienceTags, Accepts: p.PreferenceTags, Gender: p.Gender}
	if len(m.Accepts) == 0 {
		m.Accepts = mentors.PreferenceTags
	}
	if len(p.ExperienceTags) > 0 {
		m.Traits = append(m.Traits, "lived_experience")
	}
	return m
}

// CaseFacts are what CaseFrom reads of a waiting case and its mentee.
type CaseFacts struct {
	ID        int64
	Mentee    cases.Mentee // languages, place, gender, birth year, children
	InCustody bool         // the case's custody phase is "in custody"
	Needs     []cases.Need // the current needs
	Profile   CaseProfile
}

// CaseFrom is what matching knows of a case at now: the mentee's wishes
// as they stand in the profile, and as Preferences the tags of who the
// mentee is, met by the mentors' Accepts: "women" or "men" (the mentee's gender),
// "young_people" (under 25), "older_people" (60 or more), "parents"
// (with children), "in_custody", "political_prisoners" (a background of
// political persecution), "emigrants" (emigration or refuge),
// "substance_use" (in the background or an open need).
func CaseFrom(f CaseFacts, now time.Time) Case {
	m := f.Mentee
	c := Case{ID: f.ID, Languages: m.Languages, Country: m.Country, City: m.City,
		OpenNeeds: OpenNeeds(f.Needs), Background: f.Profile.Background,
		MentorGender: f.Profile.MentorGender, Wishes: f.Profile.Wishes}
	var prefs []string
	add := func(ok bool, tag string) {
		if ok {
			prefs = append(prefs, tag)
		}
	}
	add(m.Gender == cases.Female, "women")
	add(m.Gender == cases.Male, "men")
	if m.BirthYear > 0 {
		age := now.Year() - m.BirthYear
		add(age < 25, "young_people")
		add(age >= 60, "older_people")
	}
	add(m.Children > 0, "parents")
	add(f.InCustody, "in_custody")
	bg := func(t string) bool { return slices.Contains(f.Profile.Background, t) }
	add(bg("political_persecution"), "political_prisoners")
	add(bg("emigration") || bg("refugee"), "emigrants")
	_, needs := c.OpenNeeds["substance_use"]
	add(bg("substance_use") || needs, "substance_use")
	c.Preferences = norm(prefs)
	return c
}

// Suggestion is a mentor for a case, with the explained score.
type Suggestion struct {
	Mentor int // index into the mentors given
	Score  Explained
}

// Suggest ranks the mentors for a case under weights w and a mentee's
// weekly hours: best first (Compare: those who meet the mentee's wishes
// before those who do not, then by total), ties by the order given;
// mentors without a common language (a Blocking item) are left out.
func Suggest(ms []Mentor, c Case, w Weights, hoursNeeded float64) []Suggestion {
	var out []Suggestion
	for i, m := range ms {
		e := Score(m, c, w, hoursNeeded)
		if !e.Blocked() {
			out = append(out, Suggestion{Mentor: i, Score: e})
		}
	}
	slices.SortStableFunc(out, func(a, b Suggestion) int { return Compare(a.Score, b.Score) })
	return out
}
