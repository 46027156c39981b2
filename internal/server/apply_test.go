package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"homeward/internal/errs"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/mentors"
	"homeward/internal/program"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// What an applicant types; none of it may be readable in the database.
const (
	applicantName  = "Zmitser Applicantovich"
	applicantEmail = "zmitser.applicant@example.org"
	applicantLived = "Three years in Navapolatsk colony"
)

// applyProgram makes a program with a domain of its own, to apply to.
func (a *app) applyProgram(name string) program.Program {
	a.t.Helper()
	p := program.New()
	p.Name, p.Description = name, "We support people after release."
	p.Languages = []string{"be", "pl"}
	p.NeedDomains = append(p.NeedDomains, "digital_skills")
	p.ApplicationsOpen = true
	p, err := a.store.CreateProgram(context.Background(), p)
	if err != nil {
		a.t.Fatal(err)
	}
	return p
}

// applyFrom sends a request as a browser at the client address addr would,
// without a session.
func (a *app) applyFrom(addr, method, target string, body io.Reader, header ...string) (*http.Response, string) {
	a.t.Helper()
	req := httptest.NewRequest(method, target, body)
	req.RemoteAddr = addr + ":40000"
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	a.srv.Handler().ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (a *app) applyPost(addr string, programID int64, v url.Values) (*http.Response, string) {
	a.t.Helper()
	return a.applyFrom(addr, "POST", fmt.Sprintf("/programs/%d/apply", programID), strings.NewReader(v.Encode()),
		"Content-Type", "application/x-www-form-urlencoded")
}

var applyTokenField = regexp.MustCompile(`name="token" value="([^"]+)"`)

// applyForm opens a program's form and returns its signed time, then lets
// the clock run on as a person fills the form in.
func (a *app) applyForm(addr string, programID int64) string {
	a.t.Helper()
	res, body := a.applyFrom(addr, "GET", fmt.Sprintf("/programs/%d/apply", programID), nil)
	m := applyTokenField.FindStringSubmatch(body)
	if res.StatusCode != http.StatusOK || m == nil {
		a.t.Fatalf("application form: %d, token found %v\n%s", res.StatusCode, m != nil, body)
	}
	a.clock.Add(2 * time.Minute)
	return m[1]
}

// applyValues is a filled-in application form as the browser sends it.
func applyValues(token string) url.Values {
	return url.Values{
		"token": {token}, "website": {""},
		"full_name": {applicantName}, "email": {applicantEmail}, "phone": {"+375 29 123 45 67"},
		"country": {"lt"}, "city": {"Vilnius"}, "languages": {"be", "ru"}, "other_languages": {"de"},
		"motivation": {"Someone waited for me when I came out."}, "skills": {"CVs, offices"},
		"background": {"Social worker"}, "need_domains": {"housing", "digital_skills"},
		"hours_per_week": {"3"}, "times": {"weekday_evenings", "weekends"},
		"lived_experience": {applicantLived}, "preference_tags": {"political_prisoners"},
		"preferences": {"Young men after a first sentence"}, "consent": {"on"},
	}
}

// applications returns the ids of the applications created, newest first.
func (a *app) applications() []int64 {
	a.t.Helper()
	entries, _, err := a.store.ListAudit(context.Background(), store.AuditFilter{ObjectType: "mentor"}, store.Page{Limit: 500})
	if err != nil {
		a.t.Fatal(err)
	}
	var ids []int64
	for _, e := range entries {
		if e.Action == "mentor.apply" {
			id, _ := strconv.ParseInt(e.ObjectID, 10, 64)
			ids = append(ids, id)
		}
	}
	return ids
}

func (a *app) application(id int64) mentors.Application {
	a.t.Helper()
	got, err := a.store.MentorApplication(context.Background(), id)
	if err != nil {
		a.t.Fatal(err)
	}
	return got
}

func doneURL(programID int64) string { return fmt.Sprintf("/programs/%d/apply/done", programID) }

func TestApplyThroughThePublicForm(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := newAppOn(t, store.Options{DataDir: dir})
	a.session = ""
	p := a.applyProgram("Volnyja mentors")
	other := a.applyProgram("Another program")

	res, body := a.applyFrom("198.51.100.1", "GET", fmt.Sprintf("/programs/%d/apply", p.ID), nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("form: %d\n%s", res.StatusCode, body)
	}
	for _, want := range []string{"Become a mentor with Volnyja mentors", "We support people after release.",
		`name="full_name"`, `type="email"`, `name="lived_experience"`, `value="digital_skills"`, `value="weekends"`,
		`value="political_prisoners"`, `name="consent"`, `lang="pl">Polski`, `lang="cs">Čeština`,
		`class="apply-trap" aria-hidden="true"`, `name="website" type="text" tabindex="-1" autocomplete="off"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	if strings.Contains(body, "Another program") || strings.Contains(body, `href="/logout"`) {
		t.Error("the form shows more than its own program")
	}

	v := applyValues(a.applyForm("198.51.100.1", p.ID))
	// Fields the form does not have change nothing.
	v.Set("status", "accepted")
	v.Set("program_id", strconv.FormatInt(other.ID, 10))
	v.Set("id", "1")
	res, _ = a.applyPost("198.51.100.1", p.ID, v)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != doneURL(p.ID) {
		t.Fatalf("send: %d → %q, want 303 to the confirmation", res.StatusCode, res.Header.Get("Location"))
	}
	res, body = a.applyFrom("198.51.100.1", "GET", doneURL(p.ID), nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Thank you") || !strings.Contains(body, "Volnyja mentors") {
		t.Fatalf("confirmation: %d\n%s", res.StatusCode, body)
	}
	if strings.Contains(body, applicantEmail) || strings.Contains(body, "Zmitser") {
		t.Error("the confirmation repeats what was sent")
	}

	ids := a.applications()
	if len(ids) != 1 {
		t.Fatalf("%d applications stored, want 1", len(ids))
	}
	got := a.application(ids[0])
	if st, err := a.store.GetMentor(context.Background(), ids[0]); got.ProgramID != p.ID || err != nil || st.Mentor.Stage != mentors.StageNew {
		t.Errorf("stored in program %d at stage %q (%v), want %d and new", got.ProgramID, st.Mentor.Stage, err, p.ID)
	}
	if got.FullName != applicantName || got.Email != applicantEmail || got.LivedExperience != applicantLived ||
		got.Phone != "+375 29 123 45 67" || got.Country != "LT" || strings.Join(got.Languages, ",") != "be,ru,de" ||
		strings.Join(got.NeedDomains, ",") != "housing,digital_skills" || got.HoursPerWeek != 3 ||
		strings.Join(got.Times, ",") != "weekday_evenings,weekends" || strings.Join(got.PreferenceTags, ",") != "political_prisoners" ||
		!got.Consent {
		t.Errorf("stored %+v", got)
	}

	// Nothing the applicant said about who they are is readable in the database file.
	a.store.Close()
	found := false
	for _, name := range []string{store.SQLiteFile, store.SQLiteFile + "-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		found = found || bytes.Contains(b, []byte("Young men after a first sentence")) // stored in clear: the check looks in the right place
		for _, secret := range []string{applicantName, "Zmitser", applicantEmail, "zmitser.applicant", applicantLived, "Navapolatsk", "123 45 67"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s holds %q in clear", name, secret)
			}
		}
	}
	if !found {
		t.Fatal("the database files do not hold the application: the check looks in the wrong place")
	}
	for _, secret := range []string{"Zmitser", applicantEmail, "Navapolatsk"} {
		if strings.Contains(a.logs.String(), secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

func TestApplyBadInputKeepsWhatWasTyped(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.session = ""
	p := a.applyProgram("Typed")
	v := applyValues(a.applyForm("198.51.100.2", p.ID))
	v.Set("email", "zmitser at example")
	v.Set("hours_per_week", "three")
	v.Del("consent")
	v.Del("times")
	v["need_domains"] = []string{"housing", "not_a_domain"}
	res, body := a.applyPost("198.51.100.2", p.ID, v)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad input: %d, want 422", res.StatusCode)
	}
	for _, want := range []string{
		"Some answers need another look", "Enter an email address", "Enter a whole number.", "Tick the box to agree",
		"Choose one of the program", "This field is required.",
		`value="zmitser at example"`, `value="three"`, `value="` + applicantName + `"`, applicantLived,
		"Someone waited for me when I came out.", `value="housing" checked`, `value="political_prisoners" checked`,
		`value="be" checked`, `value="de"`, `name="token" value="` + v.Get("token") + `"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the form sent back lacks %q", want)
		}
	}
	if strings.Contains(body, `value="weekends" checked`) || strings.Contains(body, `id="f-consent" name="consent" value="on" checked`) {
		t.Error("boxes that were not ticked came back ticked")
	}
	if n := len(a.applications()); n != 0 {
		t.Fatalf("%d applications stored from bad input", n)
	}
	// Fixed, it goes through: the first signed time still counts.
	v = applyValues(v.Get("token"))
	if res, _ := a.applyPost("198.51.100.2", p.ID, v); res.StatusCode != http.StatusSeeOther || len(a.applications()) != 1 {
		t.Fatalf("corrected form: %d, %d stored", res.StatusCode, len(a.applications()))
	}
}

// A machine that fills the hidden field, or sends the form faster than a
// person could, or with a signed time that is not ours or too old, is
// answered exactly as a person, and nothing is stored.
func TestApplyHoneypotAndTimingStoreNothingButLookTheSame(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.session = ""
	p := a.applyProgram("Trap")
	other := a.applyProgram("Other trap")
	sent := func(name, addr string, v url.Values) {
		t.Helper()
		res, body := a.applyPost(addr, p.ID, v)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != doneURL(p.ID) || body != "" && !strings.Contains(body, "See Other") {
			t.Errorf("%s: %d → %q, want the same answer as a person's", name, res.StatusCode, res.Header.Get("Location"))
		}
		if n := len(a.applications()); n != 0 {
			t.Fatalf("%s: %d applications stored", name, n)
		}
	}
	v := applyValues(a.applyForm("198.51.100.3", p.ID))
	v.Set("website", "https://spam.example")
	sent("honeypot", "198.51.100.3", v)

	// Too fast: sent right after the form was shown.
	res, body := a.applyFrom("198.51.100.4", "GET", fmt.Sprintf("/programs/%d/apply", p.ID), nil)
	if res.StatusCode != http.StatusOK {
		t.Fatal(res.StatusCode)
	}
	sent("too fast", "198.51.100.4", applyValues(applyTokenField.FindStringSubmatch(body)[1]))

	// Too old: more than a day after.
	v = applyValues(a.applyForm("198.51.100.5", p.ID))
	a.clock.Add(25 * time.Hour)
	sent("too old", "198.51.100.5", v)

	// Not ours: a forged or altered signed time, or another program's, or none.
	token := a.applyForm("198.51.100.6", p.ID)
	sec, _, _ := strings.Cut(token, ".")
	n, _ := strconv.ParseInt(sec, 10, 64)
	forged := strconv.FormatInt(n-60, 10) + token[len(sec):]
	sent("altered time", "198.51.100.6", applyValues(forged))
	sent("made up", "198.51.100.7", applyValues(sec+".AAAA"))
	sent("none", "198.51.100.8", applyValues(""))
	sent("another program's", "198.51.100.9", applyValues(a.applyForm("198.51.100.9", other.ID)))

	// The same form from a person goes through.
	if res, _ := a.applyPost("198.51.100.10", p.ID, applyValues(a.applyForm("198.51.100.10", p.ID))); res.StatusCode != http.StatusSeeOther || len(a.applications()) != 1 {
		t.Fatalf("a person's form: %d, %d stored", res.StatusCode, len(a.applications()))
	}
}

func TestApplyLimitPerAddress(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.session = ""
	p := a.applyProgram("Limited")
	for i := range store.ApplicationLimit.Limit {
		if res, _ := a.applyPost("198.51.100.20", p.ID, applyValues(a.applyForm("198.51.100.20", p.ID))); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("application %d: %d", i+1, res.StatusCode)
		}
	}
	res, body := a.applyPost("198.51.100.20", p.ID, applyValues(a.applyForm("198.51.100.20", p.ID)))
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("6th application: %d, Retry-After %q, want 429", res.StatusCode, res.Header.Get("Retry-After"))
	}
	for _, want := range []string{"several applications from your connection", "Nothing you wrote is lost", " UTC", `value="` + applicantName + `"`, applicantLived} {
		if !strings.Contains(body, want) {
			t.Errorf("the 429 page lacks %q", want)
		}
	}
	if n := len(a.applications()); n != store.ApplicationLimit.Limit {
		t.Errorf("%d applications stored, want %d", n, store.ApplicationLimit.Limit)
	}
	// The API shares the count; another address does not.
	res, _ = a.applyFrom("198.51.100.20", "POST", "/api/v1/mentor-applications", strings.NewReader(applyJSON(p.ID, nil)), "Content-Type", "application/json")
	if res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("API from the same address: %d, want 429", res.StatusCode)
	}
	if res, _ := a.applyPost("198.51.100.21", p.ID, applyValues(a.applyForm("198.51.100.21", p.ID))); res.StatusCode != http.StatusSeeOther {
		t.Errorf("another address: %d", res.StatusCode)
	}
	// An hour later the address may apply again.
	a.clock.Add(store.ApplicationLimit.Lockout + time.Minute)
	if res, _ := a.applyPost("198.51.100.20", p.ID, applyValues(a.applyForm("198.51.100.20", p.ID))); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after the lockout: %d", res.StatusCode)
	}
}

// An IPv6 client is counted by its /64: rotating through the addresses of
// one network does not get round the limit.
func TestApplyLimitCountsAnIPv6NetworkAsOne(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.session = ""
	p := a.applyProgram("Limited v6")
	for i := range store.ApplicationLimit.Limit {
		addr := fmt.Sprintf("[2001:db8:7:8::%x]", i+1)
		if res, _ := a.applyPost(addr, p.ID, applyValues(a.applyForm(addr, p.ID))); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("application %d: %d", i+1, res.StatusCode)
		}
	}
	if res, _ := a.applyPost("[2001:db8:7:8:ffff::1]", p.ID, applyValues(a.applyForm("[2001:db8:7:8:ffff::1]", p.ID))); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("another address of the same /64: %d, want 429", res.StatusCode)
	}
	if res, _ := a.applyPost("[2001:db8:7:9::1]", p.ID, applyValues(a.applyForm("[2001:db8:7:9::1]", p.ID))); res.StatusCode != http.StatusSeeOther {
		t.Errorf("an address of another /64: %d", res.StatusCode)
	}
}

// A program takes at most ProgramApplicationLimit applications a day from
// all addresses together; over it, every address meets a page that says
// so, with the form kept, and the next day applications go through again.
// Another program is not held back, and a machine's submission (not
// stored) does not use up the program's day.
func TestApplyDailyCapPerProgram(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.session = ""
	p, other := a.applyProgram("Popular"), a.applyProgram("Quiet")
	bot := applyValues(a.applyForm("198.18.0.1", p.ID))
	bot.Set("website", "http://spam.example")
	if res, _ := a.applyPost("198.18.0.1", p.ID, bot); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a machine's submission: %d", res.StatusCode)
	}
	addr := func(i int) string { return fmt.Sprintf("198.18.%d.%d", 1+i/200, 1+i%200) }
	for i := range store.ProgramApplicationLimit.Limit {
		if res, _ := a.applyPost(addr(i), p.ID, applyValues(a.applyForm(addr(i), p.ID))); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("application %d: %d", i+1, res.StatusCode)
		}
	}
	fresh := addr(store.ProgramApplicationLimit.Limit)
	res, body := a.applyPost(fresh, p.ID, applyValues(a.applyForm(fresh, p.ID)))
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("one over the day's cap: %d, Retry-After %q, want 429", res.StatusCode, res.Header.Get("Retry-After"))
	}
	for _, want := range []string{"received a great many applications today", "Nothing you wrote is lost", `value="` + applicantName + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the 429 page lacks %q", want)
		}
	}
	if n := len(a.applications()); n != store.ProgramApplicationLimit.Limit {
		t.Errorf("%d applications stored, want %d", n, store.ProgramApplicationLimit.Limit)
	}
	res, _ = a.applyFrom(fresh, "POST", "/api/v1/mentor-applications", strings.NewReader(applyJSON(p.ID, nil)), "Content-Type", "application/json")
	if res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the API over the program's cap: %d, want 429", res.StatusCode)
	}
	if res, _ := a.applyPost(fresh, other.ID, applyValues(a.applyForm(fresh, other.ID))); res.StatusCode != http.StatusSeeOther {
		t.Errorf("another program: %d", res.StatusCode)
	}
	a.clock.Add(store.ProgramApplicationLimit.Lockout + time.Minute)
	if res, _ := a.applyPost(fresh, p.ID, applyValues(a.applyForm(fresh, p.ID))); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the next day: %d", res.StatusCode)
	}
}

// The public routes show one program's name and description and take one
// application: nothing else can be read or changed through them.
func TestApplyRoutesReachNothingElse(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.session = ""
	p := a.applyProgram("Only this")
	for _, target := range []string{"/programs/999/apply", "/programs/0/apply", "/programs/x/apply", "/programs/999/apply/done"} {
		if res, _ := a.applyFrom("198.51.100.30", "GET", target, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", target, res.StatusCode)
		}
	}
	if res, _ := a.applyPost("198.51.100.30", 999, applyValues(a.applyForm("198.51.100.30", p.ID))); res.StatusCode != http.StatusNotFound {
		t.Errorf("POST to a missing program: %d, want 404", res.StatusCode)
	}
	// The program's page itself still needs signing in.
	if res, _ := a.applyFrom("198.51.100.30", "GET", fmt.Sprintf("/programs/%d", p.ID), nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("GET the program page anonymously: %d, want a redirect to sign in", res.StatusCode)
	}
	_, body := a.applyFrom("198.51.100.30", "GET", fmt.Sprintf("/programs/%d/apply", p.ID), nil)
	for _, setting := range []string{p.Cadence.String(), "mentor_capacity", "quiet_weeks", "months_before", "version", fmt.Sprintf(`/programs/%d/edit`, p.ID)} {
		if strings.Contains(body, setting) {
			t.Errorf("the form shows the program's %q", setting)
		}
	}
	if len(a.applications()) != 0 {
		t.Error("an application was stored")
	}
	// A huge body is refused whole.
	v := applyValues(a.applyForm("198.51.100.31", p.ID))
	v.Set("motivation", strings.Repeat("я", 300<<10))
	if res, _ := a.applyPost("198.51.100.31", p.ID, v); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("huge form: %d, want 413", res.StatusCode)
	}
	// Signed in or not, the form is the same.
	_, session := a.signedIn("coordinator.apply@example.org", auth.Coordinator, p.ID)
	a.session = session
	if res, _ := a.do("GET", fmt.Sprintf("/programs/%d/apply", p.ID), nil); res.StatusCode != http.StatusOK {
		t.Errorf("signed in: %d", res.StatusCode)
	}
}

// Every language has every text of the form: no key shows through.
func TestApplyFormInEveryLanguage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.session = ""
	p := a.applyProgram("Languages")
	for _, lang := range []string{"en", "ru", "be", "uk", "cs"} {
		for _, target := range []string{fmt.Sprintf("/programs/%d/apply", p.ID), doneURL(p.ID)} {
			res, body := a.applyFrom("198.51.100.40", "GET", target, nil, "Accept-Language", lang)
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Language") != lang {
				t.Fatalf("%s %s: %d %q", lang, target, res.StatusCode, res.Header.Get("Content-Language"))
			}
			if m := regexp.MustCompile(`\b(apply|validation|domain)\.[a-z_.]+`).FindString(body); m != "" {
				t.Errorf("%s %s shows the key %q", lang, target, m)
			}
		}
	}
}

// applyJSON is an application as the API takes it, with changes.
func applyJSON(programID int64, change map[string]any) string {
	m := map[string]any{
		"program_id": programID, "full_name": applicantName, "email": applicantEmail, "motivation": "I know the way back.",
		"languages": []string{"be"}, "country": "PL", "city": "Warsaw", "hours_per_week": 2, "times": []string{"weekends"},
		"need_domains": []string{"documents"}, "lived_experience": applicantLived, "preference_tags": []string{"emigrants"},
		"consent": true,
	}
	for k, v := range change {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func TestAPIMentorApplication(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		a.session = ""
		p := a.applyProgram("API applications")
		post := func(addr, body string) (*http.Response, string) {
			return a.applyFrom(addr, "POST", "/api/v1/mentor-applications", strings.NewReader(body), "Content-Type", "application/json")
		}
		refusals := []struct {
			name   string
			body   string
			fields []string
		}{
			{"a status", applyJSON(p.ID, map[string]any{"status": "accepted"}), []string{"status"}},
			{"no program", applyJSON(p.ID+100, nil), []string{"program_id"}},
			{"no consent", applyJSON(p.ID, map[string]any{"consent": false}), []string{"consent"}},
			{"bad fields", applyJSON(p.ID, map[string]any{"email": "x", "times": []string{"nights"}, "hours_per_week": 0, "need_domains": []string{"digital_skills_x"}}),
				[]string{"email", "hours_per_week", "need_domains", "times"}},
			{"missing fields", applyJSON(p.ID, map[string]any{"full_name": nil, "languages": nil, "country": nil}), []string{"country", "full_name", "languages"}},
		}
		for _, c := range refusals {
			res, body := post("203.0.113.1", c.body)
			e := decodeJSON[struct {
				Error struct {
					Fields map[string]string `json:"fields"`
				} `json:"error"`
			}](t, body)
			names := slices.Sorted(func(yield func(string) bool) {
				for k := range e.Error.Fields {
					if !yield(k) {
						return
					}
				}
			})
			if res.StatusCode != http.StatusUnprocessableEntity || strings.Join(names, ",") != strings.Join(c.fields, ",") {
				t.Errorf("%s: %d %v, want 422 naming %v", c.name, res.StatusCode, e.Error.Fields, c.fields)
			}
		}
		if len(a.applications()) != 0 {
			t.Fatal("a refused application was stored")
		}
		// Mistakes did not use up the limit: five go through, the sixth is refused.
		for i := range store.ApplicationLimit.Limit {
			res, body := post("203.0.113.1", applyJSON(p.ID, nil))
			if res.StatusCode != http.StatusAccepted || strings.TrimSpace(body) != `{"status":"received"}` || res.Header.Get("Location") != "" {
				t.Fatalf("application %d: %d %s", i+1, res.StatusCode, body)
			}
		}
		res, body := post("203.0.113.1", applyJSON(p.ID, nil))
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(body, `"code":"too_many_requests"`) {
			t.Errorf("6th application: %d %s", res.StatusCode, body)
		}
		ids := a.applications()
		if len(ids) != store.ApplicationLimit.Limit {
			t.Fatalf("%d stored, want %d", len(ids), store.ApplicationLimit.Limit)
		}
		got := a.application(ids[0])
		if got.ProgramID != p.ID || got.FullName != applicantName || got.LivedExperience != applicantLived ||
			got.Country != "PL" || strings.Join(got.NeedDomains, ",") != "documents" {
			t.Errorf("stored %+v", got)
		}
		// A huge body is refused.
		res, _ = post("203.0.113.2", applyJSON(p.ID, map[string]any{"motivation": strings.Repeat("x", 2<<20)}))
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("huge body: %d, want 413", res.StatusCode)
		}
	})
}

// The OpenAPI document states the choices and limits the domain enforces.
func TestAPIMentorApplicationDocumented(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, body := a.do("GET", "/api/v1/openapi.json", nil)
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Enum       []string `json:"enum"`
				Properties map[string]struct {
					MaxLength int `json:"maxLength"`
					MaxItems  int `json:"maxItems"`
					Maximum   int `json:"maximum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas
	if !slices.Equal(s["AvailabilityTime"].Enum, mentors.Times) || !slices.Equal(s["PreferenceTag"].Enum, mentors.PreferenceTags) {
		t.Errorf("enums %v %v, the domain has %v %v", s["AvailabilityTime"].Enum, s["PreferenceTag"].Enum, mentors.Times, mentors.PreferenceTags)
	}
	in := s["MentorApplicationInput"].Properties
	for _, c := range []struct {
		what      string
		doc, code int
	}{
		{"full_name", in["full_name"].MaxLength, mentors.MaxName},
		{"email", in["email"].MaxLength, mentors.MaxEmail},
		{"phone", in["phone"].MaxLength, mentors.MaxPhone},
		{"motivation", in["motivation"].MaxLength, mentors.MaxText},
		{"city", in["city"].MaxLength, mentors.MaxShort},
		{"lived_experience", in["lived_experience"].MaxLength, mentors.MaxText},
		{"languages", in["languages"].MaxItems, mentors.MaxLanguages},
		{"hours_per_week", in["hours_per_week"].Maximum, mentors.MaxHours},
	} {
		if c.doc != c.code {
			t.Errorf("%s: the document says %d, validation enforces %d", c.what, c.doc, c.code)
		}
	}
}

// Two app processes on one PostgreSQL database sign and check the form with
// the same key: a form shown by one is taken by the other.
func TestApplyFormKeyIsSharedByAppProcesses(t *testing.T) {
	t.Parallel()
	url := testdb.Postgres(t)
	keys := testKeyring(t)
	one := newAppOn(t, store.Options{DatabaseURL: url, Keyring: keys})
	two := newBareApp(t, store.Options{DatabaseURL: url, Keyring: keys})
	one.session, two.session = "", ""
	p := one.applyProgram("Two processes")
	token := one.applyForm("198.51.100.50", p.ID)
	two.clock.Set(one.clock.Skew())
	res, _ := two.applyPost("198.51.100.50", p.ID, applyValues(token))
	if res.StatusCode != http.StatusSeeOther || len(two.applications()) != 1 {
		t.Fatalf("form shown by one process, sent to the other: %d, %d stored", res.StatusCode, len(two.applications()))
	}
	if got := one.application(two.applications()[0]); got.FullName != applicantName {
		t.Errorf("the other process reads %q", got.FullName)
	}
}

// A program that has not opened its applications has no public form: its
// name is not revealed, and the API refuses it like an unknown program.
func TestApplicationsClosedByDefault(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := program.New()
	p.Name, p.Description = "Quiet program", "Not public."
	p, err := a.store.CreateProgram(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	res, body := a.do("GET", fmt.Sprintf("/programs/%d/apply", p.ID), nil)
	if res.StatusCode != http.StatusNotFound || strings.Contains(body, "Quiet program") {
		t.Fatalf("a closed program's form: %d", res.StatusCode)
	}
	res, _ = a.do("POST", "/api/v1/mentor-applications", strings.NewReader(fmt.Sprintf(`{"program_id":%d}`, p.ID)), "Content-Type", "application/json")
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("the API on a closed program: %d, want 422 as for an unknown program", res.StatusCode)
	}
	_, err = a.store.CreateMentorApplication(context.Background(), mentors.Application{ProgramID: p.ID})
	if !errs.Is(err, errs.KindInvalid) && !errs.Is(err, errs.KindNotFound) {
		t.Fatalf("the store takes an application for a closed program: %v", err)
	}
}
