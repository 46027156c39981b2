package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"homeward/internal/errs"
	"homeward/internal/mentors"
	"homeward/internal/program"
)

// programForm holds what the person typed, as typed, so that a form with an
// error comes back exactly as it was sent, with its choices: the default
// need domains (ticked ones in need_domains, the program's own in
// custom_domains) and the kinds of mentor checks (ticked in mentor_checks).
type programForm struct {
	*form
	ID         int64
	Choices    []string
	CheckKinds []string
	Weights    []string // the fields of the match weights, in the score's order
}

// newProgramForm is an empty form with its choices.
func newProgramForm() *programForm {
	f := &programForm{form: newForm(nil), Choices: program.DefaultNeedDomains, CheckKinds: mentors.CheckKinds}
	for _, it := range (program.MatchWeights{}).Items() {
		f.Weights = append(f.Weights, it.Field)
	}
	return f
}

// programFormFields are the text fields of the form; their names are the
// API's field paths, so errors from validation land on the right field.
var programFormFields = []string{
	"name", "description", "languages", "countries", "mentor_capacity",
	"cadence.first_weeks", "cadence.first_per_week", "cadence.later_per_week",
	"quiet_weeks", "duration_min_months", "duration_max_months",
	"custody.months_before", "custody.months_after", "custom_domains", "version", "hours_per_contact", "referral_reminder_days",
	"retention_months",
	"match_weights.language", "match_weights.place", "match_weights.availability", "match_weights.skills",
	"match_weights.preferences", "match_weights.lived_experience", "own_outcome_kinds", "time_zone", "case_code_pattern",
}

// programFormBoxes are the form's single boxes and groups of boxes.
var (
	programFormBoxes = []string{"custody.enabled", "mentee_second_factor", "applications_open"}
	programFormLists = []string{"mentor_checks", "need_domains"}
)

// number shows a number as a form value.
func number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// parseNumber reads a number as people type it (0,5 as often as 0.5).
func parseNumber(s string) (float64, error) {
	return strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
}

// formFromProgram fills the form with a program as stored, its languages
// and countries by their names in lang.
func formFromProgram(p program.Program, lang string) *programForm {
	f := newProgramForm()
	f.ID = p.ID
	num := number
	f.Values = map[string]string{
		"name":                   p.Name,
		"description":            p.Description,
		"languages":              showLanguages(p.Languages, lang),
		"countries":              showCountries(p.Countries, lang),
		"mentor_capacity":        strconv.Itoa(p.MentorCapacity),
		"cadence.first_weeks":    strconv.Itoa(p.Cadence.FirstWeeks),
		"cadence.first_per_week": num(p.Cadence.FirstPerWeek),
		"cadence.later_per_week": num(p.Cadence.LaterPerWeek),
		"quiet_weeks":            strconv.Itoa(p.QuietWeeks),
		"duration_min_months":    strconv.Itoa(p.DurationMin),
		"duration_max_months":    strconv.Itoa(p.DurationMax),
		"custody.months_before":  strconv.Itoa(p.Custody.MonthsBefore),
		"custody.months_after":   strconv.Itoa(p.Custody.MonthsAfter),
		"version":                strconv.Itoa(p.Version),
		"hours_per_contact":      num(p.HoursPerContact),
		"referral_reminder_days": strconv.Itoa(p.ReferralReminderDays),
		"retention_months":       strconv.Itoa(p.RetentionMonths),
		"time_zone":              p.TimeZone,
		"case_code_pattern":      p.CaseCodePattern,
	}
	for _, it := range p.MatchWeights.Items() {
		f.Values["match_weights."+it.Field] = num(it.Weight)
	}
	f.Multi["mentor_checks"] = slices.Clone(p.MentorChecks)
	if p.Custody.Enabled {
		f.Values["custody.enabled"] = "on"
	}
	if p.MenteeSecondFactor {
		f.Values["mentee_second_factor"] = "on"
	}
	if p.ApplicationsOpen {
		f.Values["applications_open"] = "on"
	}
	var custom []string
	for _, d := range p.NeedDomains {
		if slices.Contains(program.DefaultNeedDomains, d) {
			f.Multi["need_domains"] = append(f.Multi["need_domains"], d)
		} else {
			custom = append(custom, d)
		}
	}
	f.Values["custom_domains"] = strings.Join(custom, ", ")
	f.Values["own_outcome_kinds"] = ownKindsText(p.OwnOutcomeKinds)
	return f
}

// ownKindsText shows a program's own outcome kinds one a line, "key: label".
func ownKindsText(l []program.OwnOutcomeKind) string {
	lines := make([]string, len(l))
	for i, k := range l {
		lines[i] = k.Key + ": " + k.Label
	}
	return strings.Join(lines, "\n")
}

// parseOwnKinds reads the own outcome kinds typed one a line, "key: label"
// (a line without a colon is a key without its label, which validation
// names; empty lines are skipped).
func parseOwnKinds(s string) []program.OwnOutcomeKind {
	var out []program.OwnOutcomeKind
	for line := range strings.Lines(s) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		key, label, _ := strings.Cut(line, ":")
		out = append(out, program.OwnOutcomeKind{Key: strings.TrimSpace(key), Label: strings.TrimSpace(label)})
	}
	return out
}

// parseProgramForm reads a posted form into what was typed and, where every
// number parses, into a program. Fields that do not parse are named in
// f.Errors; the program's own rules are checked later by the store.
func parseProgramForm(w http.ResponseWriter, r *http.Request) (*programForm, program.Program, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return nil, program.Program{}, errs.TooLarge()
	}
	f := newProgramForm()
	f.read(r, slices.Concat(programFormFields, programFormBoxes), programFormLists...)
	f.addFields("match_weights") // the weights together
	for _, box := range programFormBoxes {
		if f.Values[box] != "" {
			f.Values[box] = "on"
		}
	}
	f.Multi["mentor_checks"] = slices.DeleteFunc(f.Multi["mentor_checks"], func(k string) bool { return !slices.Contains(mentors.CheckKinds, k) })
	f.Multi["need_domains"] = slices.DeleteFunc(f.Multi["need_domains"], func(d string) bool { return !slices.Contains(program.DefaultNeedDomains, d) })

	p := program.Program{
		Name:            f.Values["name"],
		Description:     f.Values["description"],
		CaseCodePattern: f.Values["case_code_pattern"],
		NeedDomains:     append(slices.Clone(f.Multi["need_domains"]), splitList(f.Values["custom_domains"])...),
		Custody:         program.Custody{Enabled: f.Values["custody.enabled"] != ""},

		MenteeSecondFactor: f.Values["mentee_second_factor"] != "",
		ApplicationsOpen:   f.Values["applications_open"] != "",
		MentorChecks:       slices.Clone(f.Multi["mentor_checks"]),
		OwnOutcomeKinds:    parseOwnKinds(f.Values["own_outcome_kinds"]),
		TimeZone:           f.Values["time_zone"],
	}
	var msg string
	if p.Languages, msg = readLanguages(f.Values["languages"]); msg != "" {
		f.Errors["languages"] = msg
	}
	if p.Countries, msg = readCountries(f.Values["countries"]); msg != "" {
		f.Errors["countries"] = msg
	}
	ints := []struct {
		name string
		dst  *int
	}{
		{"mentor_capacity", &p.MentorCapacity},
		{"cadence.first_weeks", &p.Cadence.FirstWeeks},
		{"quiet_weeks", &p.QuietWeeks},
		{"referral_reminder_days", &p.ReferralReminderDays},
		{"retention_months", &p.RetentionMonths},
		{"duration_min_months", &p.DurationMin},
		{"duration_max_months", &p.DurationMax},
		{"custody.months_before", &p.Custody.MonthsBefore},
		{"custody.months_after", &p.Custody.MonthsAfter},
	}
	defaults := program.New()
	for _, n := range ints {
		typed := strings.TrimSpace(f.Values[n.name])
		if typed == "" && n.name == "retention_months" {
			typed = "0" // left empty: no retention, kept until someone asks
		}
		v, err := strconv.Atoi(typed)
		if err != nil && !p.Custody.Enabled && strings.HasPrefix(n.name, "custody.") {
			// Months of a custody phase that is off: not worth stopping the save.
			v, err = defaults.Custody.MonthsBefore, nil
		}
		if err != nil {
			f.Errors[n.name] = "validation.whole_number"
		}
		*n.dst = v
	}
	floats := []struct {
		name string
		dst  *float64
	}{
		{"cadence.first_per_week", &p.Cadence.FirstPerWeek},
		{"cadence.later_per_week", &p.Cadence.LaterPerWeek},
		{"hours_per_contact", &p.HoursPerContact},
	}
	for _, name := range f.Weights {
		floats = append(floats, struct {
			name string
			dst  *float64
		}{"match_weights." + name, p.MatchWeights.Weight(name)})
	}
	for _, n := range floats {
		v, err := parseNumber(f.Values[n.name])
		if err != nil {
			f.Errors[n.name] = "validation.number"
		}
		*n.dst = v
	}
	p.Version, _ = strconv.Atoi(f.Values["version"])
	return f, p, nil
}

// splitList splits "be, ru; uk" into its items.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\t' })
}

// saveProgramForm saves a parsed program form with save (create or update)
// and goes to the program, or shows the form again with what was typed and
// every problem marked. When someone else saved the program meanwhile, the
// form takes the newer version, so that sending again is a deliberate choice.
func (h *Web) saveProgramForm(w http.ResponseWriter, r *http.Request, f *programForm, p program.Program,
	save func(context.Context, program.Program) (program.Program, error)) error {
	if len(f.Errors) > 0 {
		f.checkAll(p)
		return h.render(w, r, http.StatusUnprocessableEntity, "program_form", "programs", f)
	}
	saved, err := save(r.Context(), p)
	if err == nil {
		http.Redirect(w, r, "/programs/"+strconv.FormatInt(saved.ID, 10)+"?saved=1", http.StatusSeeOther)
		return nil
	}
	if !f.applyError(err) {
		return err
	}
	if len(f.Messages) > 0 && p.ID != 0 {
		current, err := h.store.GetProgram(r.Context(), p.ID)
		if err != nil {
			return err
		}
		f.Values["version"] = strconv.Itoa(current.Version)
	}
	return h.render(w, r, http.StatusUnprocessableEntity, "program_form", "programs", f)
}

// checkAll adds the program's own rule violations to a form that already
// has parse errors, so that every problem shows at once, not one round trip each.
func (f *programForm) checkAll(p program.Program) {
	p.Normalize()
	if err := p.Validate(); err != nil {
		f.applyError(err)
	}
}

// applyError puts the messages of a refused save onto the form and tells
// whether the error was one the person can fix.
func (f *programForm) applyError(err error) bool {
	return f.refuse(err, "form.conflict")
}
