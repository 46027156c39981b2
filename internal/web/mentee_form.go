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
	// Consents are the consents the intake form records (intake only).
	Consents []cases.ConsentKind
	// CodeHint is the case code's hint: at intake into programs that make
	// their codes, that the proposed code may be kept or changed.
	CodeHint string
	// Proposals are the codes the programs would make next, by program (a
	// script puts the chosen program's into the form when it changes).
	Proposals map[int64]string
}

// profileFields are the profile's fields on the form, each with how the
// form shows it and reads it back: a new field of cases.Profile is added
// here and in templates/partials/mentee_fields.html. Their names are the
// API's, so that validation messages land on the right field.
var profileFields = []profileField{
	textField("case_code", func(p *cases.Profile) *string { return &p.CaseCode }),
	textField("full_name", func(p *cases.Profile) *string { return &p.FullName }),
	numberField("birth_year", true, func(p *cases.Profile) *int { return &p.BirthYear }),
	{name: "gender",
		show: func(p *cases.Profile) string { return string(p.Gender) },
		read: func(p *cases.Profile, v string) string { p.Gender = cases.Gender(strings.TrimSpace(v)); return "" }},
	{name: "languages",
		show: func(p *cases.Profile) string { return strings.Join(p.Languages, ", ") },
		read: func(p *cases.Profile, v string) (msg string) { p.Languages, msg = readLanguages(v); return msg }},
	{name: "country",
		show: func(p *cases.Profile) string { return p.Country },
		read: func(p *cases.Profile, v string) (msg string) { p.Country, msg = readCountry(v); return msg }},
	textField("city", func(p *cases.Profile) *string { return &p.City }),
	textField("family", func(p *cases.Profile) *string { return &p.Family }),
	numberField("children", false, func(p *cases.Profile) *int { return &p.Children }),
	textField("occupation", func(p *cases.Profile) *string { return &p.Occupation }),
	textField("contact_channels", func(p *cases.Profile) *string { return &p.ContactChannels }),
	textField("contact_times", func(p *cases.Profile) *string { return &p.ContactTimes }),
	textField("referral_source", func(p *cases.Profile) *string { return &p.ReferralSource }),
}

// profileField is one field of the profile on the form: show gives its
// value as the form shows it, read sets it from what was typed and names
// the rule broken when it does not parse ("" when it does).
type profileField struct {
	name string
	show func(p *cases.Profile) string
	read func(p *cases.Profile, typed string) string
}

// textField is a field typed as it is stored.
func textField(name string, at func(*cases.Profile) *string) profileField {
	return profileField{name: name,
		show: func(p *cases.Profile) string { return *at(p) },
		read: func(p *cases.Profile, v string) string { *at(p) = v; return "" }}
}

// numberField is a whole number; left empty it is 0, which the form shows
// empty when blankZero (a birth year not known).
func numberField(name string, blankZero bool, at func(*cases.Profile) *int) profileField {
	return profileField{name: name,
		show: func(p *cases.Profile) string {
			if *at(p) == 0 && blankZero {
				return ""
			}
			return strconv.Itoa(*at(p))
		},
		read: func(p *cases.Profile, v string) string {
			v = strings.TrimSpace(v)
			if v == "" {
				return "" // unknown or none
			}
			n, err := strconv.Atoi(v)
			*at(p) = n
			if err != nil {
				return "validation.whole_number"
			}
			return ""
		}}
}

// menteeFields are the names of profileFields.
var menteeFields = func() []string {
	names := make([]string, len(profileFields))
	for i, pf := range profileFields {
		names[i] = pf.name
	}
	return names
}()

// intakeFields are the intake form's fields besides the profile: the
// code the program proposed (kept unchanged, the program makes the code
// when the intake is saved) and a box for each consent.
var intakeFields = []string{"program", "state", "proposed_code",
	"consent_" + string(cases.ConsentProcessing), "consent_" + string(cases.ConsentPartners), "consent_" + string(cases.ConsentReporting)}

// intakeStates are the states a case may start in.
var intakeStates = []cases.State{cases.Referred, cases.Intake}

// newMenteeForm returns an empty intake form with the coordinator's programs.
func newMenteeForm(programs []program.Program) *menteeForm {
	f := &menteeForm{form: newForm(map[string]string{"state": string(cases.Intake)}),
		Programs: programs, States: intakeStates, Genders: cases.Genders, Consents: cases.ConsentKinds,
		CodeHint: "mentee.case_code_hint"}
	if len(programs) == 1 {
		f.Values["program"] = strconv.FormatInt(programs[0].ID, 10)
	}
	for _, p := range programs {
		if p.CaseCodePattern != "" {
			f.CodeHint = "mentee.case_code_made_hint"
		}
	}
	return f
}

// propose puts the code the chosen program would make into the empty form.
func (f *menteeForm) propose(codes map[int64]string) {
	f.Proposals = codes
	id, _ := strconv.ParseInt(f.Values["program"], 10, 64)
	if code := codes[id]; code != "" {
		f.Values["case_code"], f.Values["proposed_code"] = code, code
	}
}

// madeCode tells whether the program makes the case code of this intake:
// it has a pattern, and the code was left empty or as proposed.
func (f *menteeForm) madeCode(programID int64) bool {
	code := strings.TrimSpace(f.Values["case_code"])
	if code != "" && !strings.EqualFold(code, strings.TrimSpace(f.Values["proposed_code"])) {
		return false
	}
	for _, p := range f.Programs {
		if p.ID == programID {
			return p.CaseCodePattern != ""
		}
	}
	return false
}

// consents are the consents ticked on the intake form.
func (f *menteeForm) consents() []cases.ConsentKind {
	var out []cases.ConsentKind
	for _, k := range cases.ConsentKinds {
		if f.Values["consent_"+string(k)] != "" {
			out = append(out, k)
		}
	}
	return out
}

// formFromMentee fills the edit form with a profile as stored, languages
// and country by their names in lang.
func formFromMentee(m cases.Mentee, lang string) *menteeForm {
	f := &menteeForm{form: newForm(nil), ID: m.ID, Code: m.CaseCode, Genders: cases.Genders, CodeHint: "mentee.case_code_hint"}
	f.Values = map[string]string{"version": strconv.Itoa(m.Version)}
	for _, pf := range profileFields {
		f.Values[pf.name] = pf.show(&m.Profile)
	}
	f.Values["languages"] = showLanguages(m.Languages, lang)
	f.Values["country"] = showCountries([]string{m.Country}, lang)
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
	var m cases.Mentee
	for _, pf := range profileFields {
		if msg := pf.read(&m.Profile, f.Values[pf.name]); msg != "" {
			f.Errors[pf.name] = msg
		}
	}
	m.Version, _ = strconv.Atoi(f.Values["version"])
	return m, nil
}

// check puts the profile's own rule violations onto the form (besides
// those found while parsing), so that every problem shows at once; it
// tells whether the form has any.
func (f *menteeForm) check(m cases.Mentee, year int) bool {
	return f.checkIntake(m, year, false)
}

// checkIntake is check at intake, where made tells that the program makes
// the case code.
func (f *menteeForm) checkIntake(m cases.Mentee, year int, made bool) bool {
	m.Normalize()
	if err := m.ValidateIntake(year, made); err != nil {
		f.applyError(err)
	}
	return len(f.Errors) > 0
}

// applyError puts the messages of a refused save onto the form and tells
// whether the error was one the person can fix.
func (f *menteeForm) applyError(err error) bool {
	return f.refuse(renameField(err, "program_id", "program"), "mentees.conflict")
}
