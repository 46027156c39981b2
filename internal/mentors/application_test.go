package mentors

import (
	"slices"
	"strings"
	"testing"

	"homeward/internal/errs"
)

var domains = []string{"housing", "employment", "digital_skills"}

func valid() Application {
	return Application{
		FullName: "Alena Kavaliova", Email: "alena@example.org", Motivation: "I was helped once.",
		Languages: []string{"be", "ru"}, Country: "LT", HoursPerWeek: 3, Times: []string{"weekends"}, Consent: true,
	}
}

func TestNormalizeMakesTheApplicationCanonical(t *testing.T) {
	t.Parallel()
	a := Application{
		FullName: "  Alena \t Kavaliova ", Email: " alena@example.org ", Country: " lt ", City: " Vilnius ",
		Languages: []string{"BE", " ru", "be", ""}, NeedDomains: []string{"Housing", "housing"},
		Times: []string{"Weekends", "weekends"}, PreferenceTags: []string{"women", " women "},
	}
	a.Normalize()
	if a.FullName != "Alena Kavaliova" || a.Email != "alena@example.org" || a.Country != "LT" || a.City != "Vilnius" {
		t.Errorf("text not trimmed: %+v", a)
	}
	for what, got := range map[string][]string{"languages": a.Languages, "domains": a.NeedDomains, "times": a.Times, "tags": a.PreferenceTags} {
		if len(got) == 0 || len(got) != len(slices.Compact(slices.Clone(got))) {
			t.Errorf("%s: %q, want folded and without repeats", what, got)
		}
	}
	if strings.Join(a.Languages, ",") != "be,ru" {
		t.Errorf("languages %q, want be,ru", a.Languages)
	}
	var empty Application
	empty.Normalize()
	if empty.Languages == nil || empty.Times == nil {
		t.Error("empty lists should become empty, not nil (they are stored as JSON arrays)")
	}
}

func TestValidApplicationPasses(t *testing.T) {
	t.Parallel()
	a := valid()
	a.Phone = "+370 600 12345"
	a.NeedDomains = []string{"digital_skills"}
	a.PreferenceTags = []string{"women", "political_prisoners"}
	a.LivedExperience = "Two years in a colony.\nReleased in 2023."
	if err := a.Validate(domains); err != nil {
		t.Fatalf("a valid application is refused: %v", err)
	}
}

func TestValidateNamesEachBadField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		field, msg string
		change     func(*Application)
	}{
		{"full_name", "validation.required", func(a *Application) { a.FullName = "" }},
		{"full_name", "validation.too_long", func(a *Application) { a.FullName = strings.Repeat("a", MaxName+1) }},
		{"full_name", "validation.bad_characters", func(a *Application) { a.FullName = "nul\x00" }},
		{"email", "validation.required", func(a *Application) { a.Email = "" }},
		{"email", "validation.email", func(a *Application) { a.Email = "not an address" }},
		{"email", "validation.email", func(a *Application) { a.Email = "Alena <alena@example.org>" }},
		{"phone", "validation.phone", func(a *Application) { a.Phone = "call me" }},
		{"phone", "validation.phone", func(a *Application) { a.Phone = strings.Repeat("1", MaxPhone+1) }},
		{"motivation", "validation.required", func(a *Application) { a.Motivation = " " }},
		{"motivation", "validation.too_long", func(a *Application) { a.Motivation = strings.Repeat("я", MaxText+1) }},
		{"languages", "validation.required", func(a *Application) { a.Languages = nil }},
		{"languages", "validation.language_codes", func(a *Application) { a.Languages = []string{"Belarusian"} }},
		{"languages", "validation.too_many", func(a *Application) {
			a.Languages = nil
			for i := range MaxLanguages + 1 {
				a.Languages = append(a.Languages, string(rune('a'+i))+"x")
			}
		}},
		{"country", "validation.required", func(a *Application) { a.Country = "" }},
		{"country", "validation.country_code", func(a *Application) { a.Country = "Lithuania" }},
		{"city", "validation.bad_characters", func(a *Application) { a.City = "Vil\nnius" }},
		{"need_domains", "validation.domain_of_program", func(a *Application) { a.NeedDomains = []string{"substance_use"} }},
		{"hours_per_week", "validation.hours_per_week", func(a *Application) { a.HoursPerWeek = 0 }},
		{"hours_per_week", "validation.hours_per_week", func(a *Application) { a.HoursPerWeek = MaxHours + 1 }},
		{"times", "validation.required", func(a *Application) { a.Times = nil }},
		{"times", "validation.choice", func(a *Application) { a.Times = []string{"nights"} }},
		{"lived_experience", "validation.too_long", func(a *Application) { a.LivedExperience = strings.Repeat("x", MaxText+1) }},
		{"preferences", "validation.bad_characters", func(a *Application) { a.Preferences = "bad \xff" }},
		{"preference_tags", "validation.choice", func(a *Application) { a.PreferenceTags = []string{"anyone"} }},
		{"consent", "validation.consent", func(a *Application) { a.Consent = false }},
	}
	for _, c := range cases {
		a := valid()
		c.change(&a)
		e := errs.As(a.Validate(domains))
		if e.Kind != errs.KindInvalid || e.Fields[c.field] != c.msg || len(e.Fields) != 1 {
			t.Errorf("%s: got %v, want only %s = %s", c.field, e.Fields, c.field, c.msg)
		}
	}
}

func TestEveryFieldIsCheckedAtOnce(t *testing.T) {
	t.Parallel()
	var a Application
	a.Normalize()
	e := errs.As(a.Validate(domains))
	for _, f := range []string{"full_name", "email", "motivation", "languages", "country", "hours_per_week", "times", "consent"} {
		if e.Fields[f] == "" {
			t.Errorf("an empty application does not name %s: %v", f, e.Fields)
		}
	}
	for _, f := range []string{"phone", "city", "skills", "background", "need_domains", "lived_experience", "preferences", "preference_tags"} {
		if e.Fields[f] != "" {
			t.Errorf("optional field %s refused when empty: %s", f, e.Fields[f])
		}
	}
}
