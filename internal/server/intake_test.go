package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/store"
)

// w1Intake is a filled-in intake form as the browser sends it.
func w1Intake(programID int64, code, name, year string) url.Values {
	return url.Values{
		"program": {itoa(programID)}, "state": {"intake"}, "case_code": {code}, "full_name": {name},
		"birth_year": {year}, "gender": {"female"}, "languages": {"be, ru"}, "country": {"lt"}, "city": {"Vilnius"},
		"family": {"Married, lives with her mother"}, "children": {"2"}, "occupation": {"Teacher"},
		"contact_channels": {"Signal only, never the old phone"}, "contact_times": {"Evenings"}, "referral_source": {"A partner NGO"},
	}
}

// w1Post sends a form as the holder of session.
func (a *app) w1Post(session, path string, v url.Values) (*http.Response, string) {
	a.t.Helper()
	a.session = session
	return a.postForm(path, v)
}

// w1CaseAt returns the case a redirect to /cases/{id} names.
func (a *app) w1CaseAt(res *http.Response) cases.Case {
	a.t.Helper()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/cases/") {
		a.t.Fatalf("want a redirect to a case, got %d → %q", res.StatusCode, loc)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/cases/"), 10, 64)
	if err != nil {
		a.t.Fatalf("redirect to %q", loc)
	}
	return a.getCase(id)
}

// w1CaseCount counts the cases of a program.
func (a *app) w1CaseCount(programID int64) int {
	a.t.Helper()
	list, _, err := a.store.ListCases(context.Background(), store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{programID}}}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		a.t.Fatal(err)
	}
	return len(list)
}

// A person nobody knows yet is taken in at once: the check finds nothing,
// the mentee and their case are created, and the coordinator lands on the case.
func TestIntakeWithoutDuplicates(t *testing.T) {
	t.Parallel()
	w1Engines(t, func(t *testing.T, a *app) {
		p := a.w1Program("Intake", 1)
		coord, s := a.w1User(auth.Coordinator, p.ID)
		body := a.w1Get(s, "/mentees/new", 200)
		for _, want := range []string{`action="/mentees/check"`, `<option value="` + itoa(p.ID) + `" selected>Intake</option>`,
			`id="f-case_code"`, `id="f-full_name"`, `id="f-contact_channels"`, `value="intake" checked`} {
			if !strings.Contains(body, want) {
				t.Errorf("intake form lacks %q", want)
			}
		}
		res, body := a.w1Post(s, "/mentees/check", w1Intake(p.ID, "vn-0001", "Alena  Kavaleva", "1985"))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("check without duplicates: %d\n%s", res.StatusCode, body)
		}
		c := a.w1CaseAt(res)
		if c.ProgramID != p.ID || c.State != cases.Intake || c.Code != "VN-0001" {
			t.Errorf("case %+v", c)
		}
		m, err := a.store.GetMentee(context.Background(), c.MenteeID)
		if err != nil || m.FullName != "Alena Kavaleva" || m.BirthYear != 1985 || m.Country != "LT" || m.Children != 2 ||
			m.ContactChannels != "Signal only, never the old phone" || strings.Join(m.Languages, ",") != "be,ru" {
			t.Errorf("mentee %+v %v", m, err)
		}
		trs, err := a.store.CaseTransitions(context.Background(), c.ID)
		if err != nil || len(trs) != 1 || trs[0].ActorID != coord.ID {
			t.Errorf("the creation is not recorded as the coordinator's: %+v %v", trs, err)
		}
	})
}

// A likely duplicate is shown (within the coordinator's programs only) and
// the coordinator either links the person or continues with a new one.
func TestIntakeDuplicatesLinkOrContinue(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	first, second, hidden := a.w1Program("First", 1), a.w1Program("Second", 1), a.w1Program("Hidden", 1)
	_, s := a.w1User(auth.Coordinator, first.ID, second.ID)
	_, hiddenS := a.w1User(auth.Coordinator, hidden.ID)
	known := a.w1CaseAt(must2(a.w1Post(s, "/mentees/check", w1Intake(first.ID, "VN-0100", "Anna Ivanova", "1985"))))
	// Someone with the same name in a program the coordinator has nothing to do with.
	res, _ := a.w1Post(hiddenS, "/mentees/check", w1Intake(hidden.ID, "HD-0001", "Anna Smirnova", "1985"))
	secret := a.w1CaseAt(res)

	form := w1Intake(second.ID, "VN-0200", "Ivanova Anna", "1986")
	res, body := a.w1Post(s, "/mentees/check", form)
	if res.StatusCode != 200 {
		t.Fatalf("check with a likely duplicate: %d", res.StatusCode)
	}
	for _, want := range []string{"Is this someone already known?", "VN-0100", "Anna Ivanova", "Similar name", "Year of birth within a year",
		`name="existing_mentee_id" value="` + itoa(known.MenteeID) + `"`, `name="confirmed" value="1"`, `name="full_name" value="Ivanova Anna"`,
		`name="contact_channels" value="Signal only, never the old phone"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the check's page lacks %q", want)
		}
	}
	if strings.Contains(body, "HD-0001") || strings.Contains(body, "Smirnova") {
		t.Errorf("the check shows a person from a program the coordinator does not coordinate")
	}
	if n := a.w1CaseCount(second.ID); n != 0 {
		t.Fatalf("the check created %d cases before the coordinator chose", n)
	}

	// Link: the same person gets a case in the second program.
	res, _ = a.w1Post(s, "/mentees", url.Values{"existing_mentee_id": {itoa(known.MenteeID)}, "program": {itoa(second.ID)}, "state": {"referred"}})
	linked := a.w1CaseAt(res)
	if linked.MenteeID != known.MenteeID || linked.ProgramID != second.ID || linked.State != cases.Referred {
		t.Errorf("linked case %+v", linked)
	}
	// Linking again goes to that case instead of making another.
	res, _ = a.w1Post(s, "/mentees", url.Values{"existing_mentee_id": {itoa(known.MenteeID)}, "program": {itoa(second.ID)}, "state": {"intake"}})
	if again := a.w1CaseAt(res); again.ID != linked.ID {
		t.Errorf("a second link made case %d", again.ID)
	}
	// A person the coordinator cannot see cannot be linked by id.
	res, _ = a.w1Post(s, "/mentees", url.Values{"existing_mentee_id": {itoa(secret.MenteeID)}, "program": {itoa(first.ID)}, "state": {"intake"}})
	if res.StatusCode != http.StatusNotFound || a.w1CaseCount(first.ID) != 1 {
		t.Errorf("linking a person from another program: %d", res.StatusCode)
	}

	// Continue: a new person, everything as typed.
	form.Set("confirmed", "1")
	res, _ = a.w1Post(s, "/mentees", form)
	created := a.w1CaseAt(res)
	if created.MenteeID == known.MenteeID || created.Code != "VN-0200" {
		t.Errorf("continue did not create a new person: %+v", created)
	}
	// "Continue" with a case code someone has is refused on the field.
	same := w1Intake(first.ID, "VN-0100", "Someone Else", "")
	same.Set("confirmed", "1")
	res, body = a.w1Post(s, "/mentees", same)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-case_code"`) || !strings.Contains(body, `value="Someone Else"`) {
		t.Errorf("a taken case code: %d", res.StatusCode)
	}
}

func must2(res *http.Response, _ string) *http.Response { return res }

// Posting the create directly still runs the duplicate check: it cannot
// be skipped.
func TestIntakeCheckCannotBeSkipped(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.w1Program("Checked", 1)
	_, s := a.w1User(auth.Coordinator, p.ID)
	a.w1CaseAt(must2(a.w1Post(s, "/mentees", w1Intake(p.ID, "CK-0001", "Pavel Novik", "1979"))))
	res, body := a.w1Post(s, "/mentees", w1Intake(p.ID, "CK-0002", "Novik Pavel", "1979"))
	if res.StatusCode != 200 || !strings.Contains(body, "Is this someone already known?") || !strings.Contains(body, "CK-0001") {
		t.Fatalf("a direct create with a likely duplicate: %d", res.StatusCode)
	}
	if n := a.w1CaseCount(p.ID); n != 1 {
		t.Errorf("the direct create made a case without the check: %d cases", n)
	}
	// The same case code is a likely duplicate too, whatever the name.
	res, body = a.w1Post(s, "/mentees", w1Intake(p.ID, "ck-0001", "Somebody Different", ""))
	if res.StatusCode != 200 || !strings.Contains(body, "Same case code") {
		t.Errorf("the same case code is not shown as a likely duplicate: %d", res.StatusCode)
	}
}

// Bad input shows the form again, every problem next to its field and what
// was typed kept; nothing is saved.
func TestIntakeBadInputKeepsTypedValues(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.w1Program("Careful", 1)
	_, s := a.w1User(auth.Coordinator, p.ID)
	v := w1Intake(p.ID, "no spaces allowed", "", "18xx")
	v.Set("country", "Atlantis")
	v.Set("children", "-1")
	v.Set("state", "active")
	for _, path := range []string{"/mentees/check", "/mentees"} {
		res, body := a.w1Post(s, path, v)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("POST %s: %d, want 422", path, res.StatusCode)
		}
		for _, want := range []string{"Some fields need attention", `id="e-case_code"`, `id="e-full_name"`, `id="e-birth_year"`,
			`id="e-country"`, `id="e-children"`, `id="e-state"`, `value="no spaces allowed"`, `value="18xx"`, `value="Atlantis"`,
			"Signal only, never the old phone", "Married, lives with her mother", `<option value="female" selected>`} {
			if !strings.Contains(body, want) {
				t.Errorf("POST %s: the form lacks %q", path, want)
			}
		}
	}
	v = w1Intake(p.ID, "OK-0001", "Named Person", "1990")
	v.Del("program")
	if res, body := a.w1Post(s, "/mentees/check", v); res.StatusCode != 422 || !strings.Contains(body, `id="e-program"`) {
		t.Errorf("no program chosen: %d", res.StatusCode)
	}
	if n := a.w1CaseCount(p.ID); n != 0 {
		t.Errorf("%d cases saved from invalid forms", n)
	}
}

// Only a coordinator takes people in, and only into their own programs.
func TestIntakeIsTheCoordinatorsInTheirPrograms(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	mine, theirs := a.w1Program("Mine", 1), a.w1Program("Theirs", 1)
	_, s := a.w1User(auth.Coordinator, mine.ID)
	res, _ := a.w1Post(s, "/mentees/check", w1Intake(theirs.ID, "TH-0001", "Other Person", "1990"))
	if res.StatusCode != http.StatusNotFound || a.w1CaseCount(theirs.ID) != 0 {
		t.Errorf("intake into another coordinator's program: %d", res.StatusCode)
	}
	res, _ = a.w1Post(s, "/mentees", url.Values{"existing_mentee_id": {"1"}, "program": {itoa(theirs.ID)}, "state": {"intake"}})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("link into another coordinator's program: %d", res.StatusCode)
	}
	_, mentorS := a.w1User(auth.Mentor, mine.ID)
	adminS := a.w1Session(a.user)
	for name, sess := range map[string]string{"mentor": mentorS, "admin": adminS} {
		a.session = sess
		if res, _ := a.do("GET", "/mentees/new", nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: GET /mentees/new %d, want 403", name, res.StatusCode)
		}
		if res, _ := a.postForm("/mentees", w1Intake(mine.ID, "MN-0001", "By Mentor", "")); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: POST /mentees %d, want 403", name, res.StatusCode)
		}
	}
	if a.w1CaseCount(mine.ID) != 0 {
		t.Errorf("a refused intake saved a case")
	}
}
