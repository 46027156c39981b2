package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/program"
)

// menteeForm holds what the coordinator typed into the intake form or the
// profile's edit form, as typed, so that a refused form comes back exactly
// as it was sent (menteeFields and, at intake, the program and the state),
// with its choices.
type menteeForm struct {
	*form
	ID       int64             // 0 for an intake
	Code     string            // the case code as stored, for the edit form's heading
	Programs []program.Program // intake: the programs to choose from (the coordinator's)
	States   []cases.State     // intake: the states a case may start in
	Genders  []cases.Gender
}

// menteeFields are the profile's fields; their names are the API's, so that
// validation messages land on the right field.
var menteeFields = []string{"case_code", "full_name", "birth_year", "gender", "languages", "country", "city",
	"family", "children", "occupation", "contact_channels", "contact_times", "referral_source"}

// intakeFields are the intake form's fields besides the profile.
var intakeFields = []string{"program", "state"}

// intakeStates are the states a case may start in.
var intakeStates = []cases.State{cases.Referred, cases.Intake}

// newMenteeForm returns an empty intake form with the coordinator's programs.
func newMenteeForm(programs []program.Program) *menteeForm {
	f := &menteeForm{form: newForm(map[string]string{"state": string(cases.Intake)}),
		Programs: programs, States: intakeStates, Genders: cases.Genders}
	if len(programs) == 1 {
		f.Values["program"] = strconv.FormatInt(programs[0].ID, 10)
	}
	return f
}

// formFromMentee fills the edit form with a profile as stored.
func formFromMentee(m cases.Mentee) *menteeForm {
	f := &menteeForm{form: newForm(nil), ID: m.ID, Code: m.CaseCode, Genders: cases.Genders}
	num := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	f.Values = map[string]string{
		"case_code":        m.CaseCode,
		"full_name":        m.FullName,
		"birth_year":       num(m.BirthYear),
		"gender":           string(m.Gender),
		"languages":        strings.Join(m.Languages, ", "),
		"country":          m.Country,
		"city":             m.City,
		"family":           m.Family,
		"children":         strconv.Itoa(m.Children),
		"occupation":       m.Occupation,
		"contact_channels": m.ContactChannels,
		"contact_times":    m.ContactTimes,
		"referral_source":  m.ReferralSource,
		"version":          strconv.Itoa(m.Version),
	}
	return f
}

// parseMenteeForm reads a posted profile form into what was typed and into
// a mentee. Numbers that do not parse are named in f.Errors; the profile's
// own rules are checked by Validate and the store.
func parseMenteeForm(w http.ResponseWriter, r *http.Request, f *menteeForm) (cases.Mentee, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return cases.Mentee{}, errs.TooLarge()
	}
	f.read(r, slices.Concat(menteeFields, intakeFields, []string{"version"}))
	m := cases.Mentee{
		Profile: cases.Profile{
			CaseCode:        f.Values["case_code"],
			FullName:        f.Values["full_name"],
			Gender:          cases.Gender(strings.TrimSpace(f.Values["gender"])),
			Languages:       splitList(f.Values["languages"]),
			Country:         f.Values["country"],
			City:            f.Values["city"],
			Family:          f.Values["family"],
			Occupation:      f.Values["occupation"],
			ContactChannels: f.Values["contact_channels"],
			ContactTimes:    f.Values["contact_times"],
			ReferralSource:  f.Values["referral_source"],
		},
	}
	for _, n := range []struct {
		name string
		dst  *int
	}{{"birth_year", &m.BirthYear}, {"children", &m.Children}} {
		s := strings.TrimSpace(f.Values[n.name])
		if s == "" {
			continue // unknown or none
		}
		v, err := strconv.Atoi(s)
		if err != nil {
			f.Errors[n.name] = "validation.whole_number"
		}
		*n.dst = v
	}
	m.Version, _ = strconv.Atoi(f.Values["version"])
	return m, nil
}

// check puts the profile's own rule violations onto the form (besides
// those found while parsing), so that every problem shows at once; it
// tells whether the form has any.
func (f *menteeForm) check(m cases.Mentee, year int) bool {
	m.Normalize()
	if err := m.Validate(year); err != nil {
		f.applyError(err)
	}
	return len(f.Errors) > 0
}

// applyError puts the messages of a refused save onto the form and tells
// whether the error was one the person can fix.
func (f *menteeForm) applyError(err error) bool {
	return f.refuse(renameField(err, "program_id", "program"), "mentees.conflict")
}
