package server_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/cases"
)

// The consents ticked at intake are recorded with the case, so the case
// moves on from intake without a detour through the profile.
func TestIntakeRecordsConsentsSoTheCaseMovesOn(t *testing.T) {
	t.Parallel()
	w1Engines(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		p := a.w1Program("Consenting", 1)
		coord, s := a.w1User(auth.Coordinator, p.ID)
		body := a.w1Get(s, "/mentees/new", 200)
		for _, want := range []string{`name="consent_processing" value="1"`, `name="consent_partner_sharing" value="1"`,
			"Processing of personal data", `list="iso-countries"`, `<option value="Germany">`} {
			if !strings.Contains(body, want) {
				t.Errorf("intake form lacks %q", want)
			}
		}
		form := w1Intake(p.ID, "CN-0001", "Alena Kavaleva", "1985")
		form.Set("consent_processing", "1")
		c := a.w1CaseAt(must2(a.w1Post(s, "/mentees/check", form)))
		list, err := a.store.Consents(ctx, c.MenteeID)
		if err != nil || len(list) != 1 || list[0].Kind != cases.ConsentProcessing || !list[0].Given || list[0].RecordedBy != coord.ID {
			t.Fatalf("consents after intake: %+v %v", list, err)
		}
		if err := a.store.AssessNeeds(ctx, c.ID, []cases.Assessment{{Domain: p.NeedDomains[0], Severity: cases.High, Status: cases.NotStarted}}, coord.ID); err != nil {
			t.Fatal(err)
		}
		res, body := a.w1Post(s, fmt.Sprintf("/cases/%d/transitions", c.ID), url.Values{"to": {"waiting"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("moving the case on from intake: %d\n%s", res.StatusCode, body)
		}
		if got := a.getCase(c.ID); got.State != cases.Waiting {
			t.Errorf("state %s, want waiting", got.State)
		}

		// Without the box ticked, nothing is recorded and the rule holds.
		c2 := a.w1CaseAt(must2(a.w1Post(s, "/mentees/check", w1Intake(p.ID, "CN-0002", "Petr Dvorak", "1970"))))
		if list, _ := a.store.Consents(ctx, c2.MenteeID); len(list) != 0 {
			t.Errorf("consents recorded without a tick: %+v", list)
		}
	})
}

// A program with a pattern proposes the next code on the intake form; kept,
// the program gives it; a code typed that someone already has is refused
// with what was typed kept.
func TestIntakeProposesTheProgramsCaseCode(t *testing.T) {
	t.Parallel()
	w1Engines(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		p := a.w1Program("Patterned", 1)
		p.CaseCodePattern = "VOL-{year}-{n:3}"
		p, err := a.store.UpdateProgram(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		_, s := a.w1User(auth.Coordinator, p.ID)
		year := a.store.Now().Year()
		first := fmt.Sprintf("VOL-%d-001", year)
		body := a.w1Get(s, "/mentees/new", 200)
		for _, want := range []string{`name="case_code" value="` + first + `"`, `name="proposed_code" value="` + first + `"`} {
			if !strings.Contains(body, want) {
				t.Errorf("intake form lacks %q", want)
			}
		}
		form := w1Intake(p.ID, first, "Alena Kavaleva", "1985")
		form.Set("proposed_code", first)
		if c := a.w1CaseAt(must2(a.w1Post(s, "/mentees/check", form))); c.Code != first {
			t.Errorf("kept as proposed: code %q, want %q", c.Code, first)
		}
		second := fmt.Sprintf("VOL-%d-002", year)
		if body := a.w1Get(s, "/mentees/new", 200); !strings.Contains(body, `value="`+second+`"`) {
			t.Errorf("the next form does not propose %s", second)
		}
		// Changed by hand to a code someone has: refused, as typed.
		form = w1Intake(p.ID, first, "Boris Other", "1990")
		form.Set("proposed_code", second)
		form.Set("confirmed", "1")
		res, body := a.w1Post(s, "/mentees", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Another person already has this case code.") ||
			!strings.Contains(body, `value="`+first+`"`) || !strings.Contains(body, `value="Boris Other"`) {
			t.Errorf("a taken code: %d\n%s", res.StatusCode, body)
		}
		if n := a.w1CaseCount(p.ID); n != 1 {
			t.Errorf("%d cases after the refusal, want 1", n)
		}
		// Left empty, the program gives the next code.
		form = w1Intake(p.ID, "", "Chana Third", "1995")
		if c := a.w1CaseAt(must2(a.w1Post(s, "/mentees/check", form))); c.Code != second {
			t.Errorf("left empty: code %q, want %q", c.Code, second)
		}
	})
}

// Languages and countries are typed by name in any interface language and
// stored as codes; the edit form shows them by name; something unknown is
// refused with what was typed kept.
func TestIntakeReadsLanguageAndCountryNames(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	p := a.w1Program("Named", 1)
	_, s := a.w1User(auth.Coordinator, p.ID)
	for i, tc := range []struct{ languages, country, wantLangs, wantCountry string }{
		{"Russian, běloruština", "Germany", "ru,be", "DE"},
		{"русский", "německo", "ru", "DE"},
		{"Українська; english", "Германия", "uk,en", "DE"},
		{"be ru", "lt", "be,ru", "LT"},
	} {
		form := w1Intake(p.ID, fmt.Sprintf("NM-%04d", i), fmt.Sprintf("Person Number%c", 'a'+i), "1980")
		form.Set("languages", tc.languages)
		form.Set("country", tc.country)
		c := a.w1CaseAt(must2(a.w1Post(s, "/mentees", withConfirmed(form))))
		m, err := a.store.GetMentee(ctx, c.MenteeID)
		if err != nil || strings.Join(m.Languages, ",") != tc.wantLangs || m.Country != tc.wantCountry {
			t.Errorf("%q / %q stored as %v / %q (%v), want %s / %s", tc.languages, tc.country, m.Languages, m.Country, err, tc.wantLangs, tc.wantCountry)
		}
		if i == 0 {
			body := a.w1Get(s, fmt.Sprintf("/mentees/%d/edit", m.ID), 200)
			for _, want := range []string{`value="Russian, Belarusian"`, `value="Germany"`} {
				if !strings.Contains(body, want) {
					t.Errorf("the edit form lacks %q", want)
				}
			}
			if body := a.w1Get(s, fmt.Sprintf("/mentees/%d", m.ID), 200); !strings.Contains(body, "Russian, Belarusian") || !strings.Contains(body, "Germany") {
				t.Errorf("the profile does not show the names")
			}
		}
	}
	before := a.w1CaseCount(p.ID)
	form := w1Intake(p.ID, "NM-0099", "Unknown Place", "1980")
	form.Set("languages", "Russian, Klingon")
	form.Set("country", "Atlantis")
	res, body := a.w1Post(s, "/mentees", withConfirmed(form))
	body = html.UnescapeString(body)
	for _, want := range []string{"A language here is not one we know.", "This is not a country we know.", `value="Russian, Klingon"`, `value="Atlantis"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	if res.StatusCode != http.StatusUnprocessableEntity || a.w1CaseCount(p.ID) != before {
		t.Errorf("unknown names: %d, %d cases (had %d)", res.StatusCode, a.w1CaseCount(p.ID), before)
	}
}

func withConfirmed(v url.Values) url.Values {
	v.Set("confirmed", "1")
	return v
}

// The program form takes a case code pattern: one that cannot make codes
// is refused as typed; a good one is stored and shown on the program page.
func TestProgramFormTakesACaseCodePattern(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	v := programForm("Patterned")
	v.Set("case_code_pattern", "vol-{year}")
	res, body := a.postForm("/programs", v)
	body = html.UnescapeString(body)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-case_code_pattern"`) ||
		!strings.Contains(body, `value="vol-{year}"`) || !strings.Contains(body, "with {n} once") {
		t.Fatalf("a pattern without {n}: %d\n%s", res.StatusCode, body)
	}
	v.Set("case_code_pattern", "vol-{year}-{n:3}")
	res, _ = a.postForm("/programs", v)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good pattern: %d", res.StatusCode)
	}
	_, body = a.do("GET", res.Header.Get("Location"), nil)
	if !strings.Contains(html.UnescapeString(body), "<code>VOL-{year}-{n:3}</code>") {
		t.Errorf("the program page does not show the pattern")
	}
}
