package program

import (
	"testing"

	"homeward/internal/errs"
)

func TestDefaultsAreValid(t *testing.T) {
	t.Parallel()
	p := New()
	p.Name = "Defaults"
	if err := p.Validate(); err != nil {
		t.Fatalf("a program with every default is refused: %v", err)
	}
	if p.MentorCapacity != 1 || p.QuietWeeks != 3 || p.Cadence != (Cadence{4, 2, 1}) || p.DurationMin != 3 || p.DurationMax != 6 || len(p.NeedDomains) != 12 {
		t.Errorf("defaults differ from DESIGN.md: %+v", p)
	}
}

func TestValidateNamesEachBadField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		field  string
		change func(*Program)
	}{
		{"name", func(p *Program) { p.Name = "" }},
		{"name", func(p *Program) { p.Name = string(make([]rune, MaxName+1)) }},
		{"languages", func(p *Program) { p.Languages = []string{"Belarusian"} }},
		{"countries", func(p *Program) { p.Countries = []string{"cz"} }},
		{"need_domains", func(p *Program) { p.NeedDomains = nil }},
		{"need_domains", func(p *Program) { p.NeedDomains = []string{"Housing!"} }},
		{"mentor_capacity", func(p *Program) { p.MentorCapacity = 0 }},
		{"cadence.first_per_week", func(p *Program) { p.Cadence.FirstPerWeek = 0.3 }},
		{"cadence.later_per_week", func(p *Program) { p.Cadence.LaterPerWeek = 0 }},
		{"cadence.first_weeks", func(p *Program) { p.Cadence.FirstWeeks = -1 }},
		{"quiet_weeks", func(p *Program) { p.QuietWeeks = 0 }},
		{"duration_max_months", func(p *Program) { p.DurationMin, p.DurationMax = 6, 3 }},
		{"custody.months_before", func(p *Program) { p.Custody = Custody{Enabled: true, MonthsBefore: 37, MonthsAfter: 6} }},
		{"custody.months_after", func(p *Program) { p.Custody = Custody{Enabled: false, MonthsBefore: 6, MonthsAfter: 3000000000} }},
	}
	for _, c := range cases {
		p := New()
		p.Name = "Valid"
		c.change(&p)
		err := p.Validate()
		e := errs.As(err)
		if e.Kind != errs.KindInvalid || e.Fields[c.field] == "" || len(e.Fields) != 1 {
			t.Errorf("%s: got %v %v, want exactly that field named", c.field, err, e.Fields)
		}
	}
	for _, bad := range []string{"nul\x00byte", "bell\a", "bad \xff utf-8"} {
		p := New()
		p.Name, p.Description = bad, bad
		if e := errs.As(p.Validate()); e.Fields["name"] != "validation.bad_characters" || e.Fields["description"] != "validation.bad_characters" {
			t.Errorf("%q: %v", bad, e.Fields)
		}
	}
	p := New()
	p.Name, p.Description = "Fine", "Two\nlines\tand a tab"
	if err := p.Validate(); err != nil {
		t.Errorf("multiline description refused: %v", err)
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	p := Program{Name: "  Spaced  ", Languages: []string{" BE", "be", "", "Ru"}, Countries: []string{"lt", "LT "}, NeedDomains: []string{"Housing"}}
	p.Normalize()
	if p.Name != "Spaced" || len(p.Languages) != 2 || p.Languages[1] != "ru" || len(p.Countries) != 1 || p.Countries[0] != "LT" || p.NeedDomains[0] != "housing" {
		t.Errorf("normalised to %+v", p)
	}
}
