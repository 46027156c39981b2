package server_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/program"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// overviewEngines runs a test of the case overview on SQLite and on PostgreSQL.
func overviewEngines(t *testing.T, run func(t *testing.T, a *app)) {
	t.Run("sqlite", func(t *testing.T) { run(t, newApp(t)) })
	t.Run("postgres", func(t *testing.T) { run(t, newAppOn(t, store.Options{DatabaseURL: testdb.Postgres(t)})) })
}

// overviewWorld is a program with its people, each with a session.
type overviewWorld struct {
	a       *app
	prog    program.Program
	coord   auth.User
	mentor  auth.User // matched to the world's case
	other   auth.User // a mentor of the same program, not on the case
	psy     auth.User // assigned to the world's case
	otherPs auth.User // a psychologist of the program, not on the case
	admin   auth.User
	viewer  auth.User
	partner auth.User
	session map[int64]string
}

func newOverviewWorld(t *testing.T, a *app, custody bool, capacity int) *overviewWorld {
	t.Helper()
	p := program.New()
	p.MentorChecks = nil // mentors from accounts, matched without checks
	p.Name, p.MentorCapacity, p.Custody.Enabled = fmt.Sprintf("Overview %d", appCount.Add(1)), capacity, custody
	p, err := a.store.CreateProgram(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	w := &overviewWorld{a: a, prog: p, session: map[int64]string{}}
	user := func(role auth.Role, programs ...int64) auth.User {
		u, s := a.signedIn(fmt.Sprintf("ov-%s-%d@example.org", role, appCount.Add(1)), role, programs...)
		w.session[u.ID] = s
		return u
	}
	w.coord = user(auth.Coordinator, p.ID)
	w.mentor = user(auth.Mentor, p.ID)
	w.other = user(auth.Mentor, p.ID)
	w.psy = user(auth.Psychologist, p.ID)
	w.otherPs = user(auth.Psychologist, p.ID)
	w.admin = user(auth.Admin)
	w.viewer = user(auth.Viewer, p.ID)
	w.partner = user(auth.Partner, p.ID)
	return w
}

// as makes the following requests as u.
func (w *overviewWorld) as(u auth.User) *app { w.a.session = w.session[u.ID]; return w.a }

// page fetches a case's overview as u and fails unless the status is want.
func (w *overviewWorld) page(t *testing.T, u auth.User, c cases.Case, want int) string {
	t.Helper()
	res, body := w.as(u).do("GET", "/cases/"+itoa(c.ID), nil)
	if res.StatusCode != want {
		t.Fatalf("GET /cases/%d as %s: %d, want %d\n%s", c.ID, u.Role, res.StatusCode, want, body)
	}
	return body
}

// post sends a form to a case's path as u and fails unless the status is want.
func (w *overviewWorld) post(t *testing.T, u auth.User, c cases.Case, suffix string, v url.Values, want int) (*http.Response, string) {
	t.Helper()
	res, body := w.as(u).postForm("/cases/"+itoa(c.ID)+suffix, v)
	if res.StatusCode != want {
		t.Fatalf("POST /cases/%d%s as %s: %d, want %d\n%s", c.ID, suffix, u.Role, res.StatusCode, want, body)
	}
	return res, body
}

// follow fetches where a form's answer sent the browser, as u.
func (w *overviewWorld) follow(t *testing.T, u auth.User, res *http.Response) string {
	t.Helper()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/cases/") {
		t.Fatalf("answer %d to %q, want 303 to a case", res.StatusCode, loc)
	}
	loc, _, _ = strings.Cut(loc, "#") // a browser keeps the fragment to itself
	r, body := w.as(u).do("GET", loc, nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", loc, r.StatusCode, body)
	}
	return body
}

// signIn gives u a new session (after the clock moved past the old one).
func (w *overviewWorld) signIn(t *testing.T, u auth.User) {
	t.Helper()
	s, err := w.a.store.CreateSession(context.Background(), u.ID, time.Hour, "192.0.2.7", "test")
	if err != nil {
		t.Fatal(err)
	}
	w.session[u.ID] = s
}

// ovSelect returns the options of the select named name.
func ovSelect(body, name string) string {
	i := strings.Index(body, `name="`+name+`"`)
	if i < 0 {
		return ""
	}
	end := strings.Index(body[i:], "</select>")
	if end < 0 {
		return ""
	}
	return body[i : i+end]
}

// ovHas fails unless body holds each text (as HTML escapes it).
func ovHas(t *testing.T, what, body string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(body, html.EscapeString(s)) && !strings.Contains(body, s) {
			t.Errorf("%s lacks %q", what, s)
		}
	}
}

// ovLacks fails when body holds any of the texts.
func ovLacks(t *testing.T, what, body string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(body, html.EscapeString(s)) || strings.Contains(body, s) {
			t.Errorf("%s holds %q", what, s)
		}
	}
}

// active makes an active case of the world's mentor and psychologist.
func (w *overviewWorld) active(t *testing.T) cases.Case {
	t.Helper()
	return w.a.makeCase(caseSetup{Program: w.prog, By: w.coord, MentorID: w.mentor.ID, Psychologist: w.psy.ID, State: cases.Active})
}

func (w *overviewWorld) request(t *testing.T, c cases.Case) {
	t.Helper()
	if _, err := w.a.store.AddRequest(context.Background(), cases.Request{CaseID: c.ID, Domain: w.prog.NeedDomains[0],
		Urgency: cases.Normal, Text: "Help with a form", RecordedBy: w.mentor.ID}); err != nil {
		t.Fatal(err)
	}
}

const overviewWeek = 7 * 24 * time.Hour

func TestCaseOverviewByRole(t *testing.T) {
	t.Parallel()
	overviewEngines(t, func(t *testing.T, a *app) {
		w := newOverviewWorld(t, a, false, 1)
		c := w.active(t)

		body := w.page(t, w.coord, c, http.StatusOK)
		ovHas(t, "coordinator's overview", body, c.Code, "Progress", "Needs", "Plan", "History", "Get a passport",
			`action="/cases/`+itoa(c.ID)+`/transitions"`, `href="/cases/`+itoa(c.ID)+`/needs"`,
			`action="/cases/`+itoa(c.ID)+`/plan-steps"`, `action="/cases/`+itoa(c.ID)+`/psychologist"`,
			`action="/cases/`+itoa(c.ID)+`/match/end"`, w.mentor.Email, w.psy.Email, "<svg", `aria-current="page">Overview`)
		ovLacks(t, "overview of a program without custody", body, "Custody phase")

		body = w.page(t, w.mentor, c, http.StatusOK)
		ovHas(t, "mentor's overview", body, c.Code, "Get a passport", `action="/cases/`+itoa(c.ID)+`/plan-steps"`,
			`action="/cases/`+itoa(c.ID)+`/plan-steps/`)
		ovLacks(t, "mentor's overview", body, `/transitions"`, `/needs"`, `/psychologist"`, `/match/end"`)

		body = w.page(t, w.psy, c, http.StatusOK)
		ovHas(t, "psychologist's overview", body, c.Code, "Get a passport")
		ovLacks(t, "psychologist's overview", body, `/transitions"`, `/plan-steps"`, `/plan-steps/`, `/needs"`, `/psychologist"`)

		for _, u := range []auth.User{w.other, w.otherPs, w.admin, w.viewer, w.partner} {
			res, body := w.as(u).do("GET", "/cases/"+itoa(c.ID), nil)
			if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
				t.Errorf("%s (%s) reached the case: %d", u.Role, u.Email, res.StatusCode)
			}
			ovLacks(t, string(u.Role)+"'s refusal", body, c.Code, "Get a passport", w.mentor.Email)
			res, _ = w.as(u).do("GET", "/cases/"+itoa(c.ID)+"/needs", nil)
			if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
				t.Errorf("%s reached the needs form: %d", u.Role, res.StatusCode)
			}
		}
		// A mentor of the case sees it but may not manage it.
		w.post(t, w.mentor, c, "/transitions", url.Values{"to": {"closing"}}, http.StatusForbidden)
		w.post(t, w.psy, c, "/plan-steps", url.Values{"title": {"Sneak"}, "owner": {"mentee"}}, http.StatusForbidden)
		w.post(t, w.other, c, "/plan-steps", url.Values{"title": {"Sneak"}, "owner": {"mentee"}}, http.StatusNotFound)
		if got := a.getCase(c.ID); got.State != cases.Active || got.Version != c.Version {
			t.Errorf("refused posts changed the case: %s v%d → %s v%d", c.State, c.Version, got.State, got.Version)
		}
		for _, bad := range []string{"/cases/0", "/cases/abc", "/cases/99999999"} {
			if res, _ := w.as(w.coord).do("GET", bad, nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", bad, res.StatusCode)
			}
		}
	})
}

func TestCaseOverviewSignalsAndChart(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	w := newOverviewWorld(t, a, false, 1)
	c := w.active(t)
	// Three requests in the first week, two in the second, one in the
	// third, then none: a falling line, and after the quiet period the
	// question about completion. No contact was ever logged.
	for week, n := range []int{3, 2, 1} {
		if week > 0 {
			a.clock.Add(overviewWeek)
		}
		for range n {
			w.request(t, c)
		}
	}
	a.clock.Add(4 * overviewWeek)
	w.signIn(t, w.mentor)
	w.signIn(t, w.coord)
	body := w.page(t, w.mentor, c, http.StatusOK)
	ovHas(t, "overview's signals", body, "Contact overdue by", "days (it was due",
		"Quiet for 4 weeks — ask about completion.", "falling — progress",
		"Week 1: 3 requests", "Week 2: 2 requests", "Week 3: 1 request<", "Week 4: 0 requests", "Week 7: 0 requests",
		`role="img"`, "<title id=\"chart-title\">Requests per week</title>", "6 requests in 7 weeks")
	ovLacks(t, "overview's chart", body, "Week 8:", "NaN")
	if n := strings.Count(body, "<rect "); n != 7 {
		t.Errorf("%d bars, want one for each of 7 weeks", n)
	}

	// A new case: one week, no request, nothing overdue yet.
	fresh := a.makeCase(caseSetup{Program: w.prog, By: w.coord, State: cases.Waiting})
	body = w.page(t, w.coord, fresh, http.StatusOK)
	ovHas(t, "a waiting case's signals", body, "No contacts are expected in this state", "too early to tell", "Week 1: 0 requests")
	ovLacks(t, "a waiting case's signals", body, "overdue", "Quiet for")
}

func TestCaseOverviewNeedsReassessment(t *testing.T) {
	t.Parallel()
	overviewEngines(t, func(t *testing.T, a *app) {
		w := newOverviewWorld(t, a, false, 1)
		c := a.makeCase(caseSetup{Program: w.prog, By: w.coord, State: cases.Waiting}) // housing: high, not started
		first, second := w.prog.NeedDomains[0], w.prog.NeedDomains[2]

		res, body := w.as(w.coord).do("GET", "/cases/"+itoa(c.ID)+"/needs", nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("needs form: %d\n%s", res.StatusCode, body)
		}
		for _, d := range w.prog.NeedDomains {
			ovHas(t, "needs form", body, `name="severity.`+d+`"`, `name="status.`+d+`"`)
		}
		if !ovSelected(body, "severity."+first, "high") || !ovSelected(body, "status."+first, "not_started") || !ovSelected(body, "severity."+second, "") {
			t.Errorf("the needs form does not show the current assessment chosen")
		}
		if res, _ := w.as(w.mentor).do("GET", "/cases/"+itoa(c.ID)+"/needs", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("a mentor not on the case reached the needs form: %d", res.StatusCode)
		}

		// Bad input: every choice comes back as sent, nothing is stored.
		v := url.Values{"severity." + first: {"high"}, "status." + first: {"in_progress"},
			"severity." + second: {"severe"}, "status." + second: {"not_started"}}
		_, body = w.post(t, w.coord, c, "/needs", v, http.StatusUnprocessableEntity)
		ovHas(t, "refused assessment", body, "Some fields need attention", "Choose one of the options.")
		if !ovSelected(body, "status."+first, "in_progress") {
			t.Errorf("refused assessment lost a choice")
		}
		needs, err := a.store.CurrentNeeds(context.Background(), c.ID)
		if err != nil || len(needs) != 1 || needs[0].Status != cases.NotStarted {
			t.Fatalf("a refused assessment stored something: %+v %v", needs, err)
		}

		// Reassessment: one domain changes, one is assessed for the first
		// time, the others stay as they are.
		v.Set("severity."+first, "medium")
		v.Set("severity."+second, "critical")
		res, _ = w.post(t, w.coord, c, "/needs", v, http.StatusSeeOther)
		body = w.follow(t, w.coord, res)
		ovHas(t, "overview after reassessment", body, "The needs assessment is saved.",
			"High → Medium", "Not started → In progress", "First assessment")
		crit, med := strings.Index(body, `severity-critical`), strings.Index(body, `severity-medium`)
		if crit < 0 || med < 0 || crit > med {
			t.Errorf("critical need not listed first (critical at %d, medium at %d)", crit, med)
		}
		needs, _ = a.store.CurrentNeeds(context.Background(), c.ID)
		if len(needs) != 2 {
			t.Errorf("%d current needs, want 2: %+v", len(needs), needs)
		}
		history, _ := a.store.NeedHistory(context.Background(), c.ID)
		if len(history) != 3 {
			t.Errorf("%d assessments in the history, want 3", len(history))
		}

		// Sending the form unchanged stores nothing.
		res, _ = w.post(t, w.coord, c, "/needs", v, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); !strings.Contains(loc, "done=needs_same") {
			t.Errorf("unchanged assessment went to %q", loc)
		}
		if history, _ := a.store.NeedHistory(context.Background(), c.ID); len(history) != 3 {
			t.Errorf("an unchanged assessment stored rows: %d", len(history))
		}
	})
}

// ovSelected tells whether the select named name has the option value chosen.
func ovSelected(body, name, value string) bool {
	sel := ovSelect(body, name)
	if sel == "" {
		return false
	}
	if value == "" {
		return !strings.Contains(sel, " selected")
	}
	return regexp.MustCompile(`<option value="` + regexp.QuoteMeta(value) + `" selected[^>]*>`).MatchString(sel)
}

func TestCaseOverviewPlanSteps(t *testing.T) {
	t.Parallel()
	overviewEngines(t, func(t *testing.T, a *app) {
		w := newOverviewWorld(t, a, false, 1)
		c := a.makeCase(caseSetup{Program: w.prog, By: w.coord, MentorID: w.mentor.ID, State: cases.Matched})
		body := w.page(t, w.mentor, c, http.StatusOK)
		ovHas(t, "overview without a plan", body, "No plan steps yet. Agree 1–5 first steps")

		// Bad input keeps what was typed.
		v := url.Values{"title": {"  "}, "domain": {"housing"}, "owner": {"mentor"}, "due_on": {"2020-02-30"}}
		_, body = w.post(t, w.mentor, c, "/plan-steps", v, http.StatusUnprocessableEntity)
		ovHas(t, "refused step", body, "This field is required.", "Enter a date such as", `value="2020-02-30"`)
		if !ovSelected(body, "owner", "mentor") || !ovSelected(body, "domain", "housing") {
			t.Errorf("refused step lost its choices")
		}
		if steps, _ := a.store.PlanSteps(context.Background(), c.ID); len(steps) != 0 {
			t.Fatalf("a refused step was stored: %+v", steps)
		}

		v = url.Values{"title": {"Find a room"}, "domain": {"housing"}, "owner": {"mentor"}, "due_on": {"2020-01-15"}}
		res, _ := w.post(t, w.mentor, c, "/plan-steps", v, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/cases/"+itoa(c.ID)+"?done=step_added#plan" {
			t.Errorf("after adding a step: %q", loc)
		}
		body = w.follow(t, w.mentor, res)
		ovHas(t, "overview with a step", body, "The plan step is added.", "Find a room", "2020-01-15", ">overdue<", "1 first step so far")
		ovLacks(t, "overview with a step", body, "No plan steps yet")

		steps, err := a.store.PlanSteps(context.Background(), c.ID)
		if err != nil || len(steps) != 1 {
			t.Fatalf("steps: %+v %v", steps, err)
		}
		st := steps[0]
		stepPath := "/plan-steps/" + itoa(st.ID)
		w.post(t, w.mentor, c, stepPath, url.Values{"status": {"done"}, "version": {strconv.Itoa(st.Version)}}, http.StatusSeeOther)
		body = w.page(t, w.coord, c, http.StatusOK)
		if !ovSelected(body, "status", "done") {
			t.Errorf("the step's new status is not shown")
		}
		ovLacks(t, "a done step", body, ">overdue<")

		// The version the mentor saw is old now: someone else changed the step.
		_, body = w.post(t, w.coord, c, stepPath, url.Values{"status": {"in_progress"}, "version": {strconv.Itoa(st.Version)}}, http.StatusConflict)
		ovHas(t, "stale step change", body, "Someone else changed this step meanwhile")
		if got, _ := a.store.GetPlanStep(context.Background(), 0, st.ID); got.Status != cases.StepDone {
			t.Errorf("a stale change was saved: %s", got.Status)
		}
		w.post(t, w.coord, c, stepPath, url.Values{"status": {"lost"}, "version": {strconv.Itoa(st.Version + 1)}}, http.StatusUnprocessableEntity)

		// A step of another case is not reachable through this one.
		other := a.makeCase(caseSetup{Program: w.prog, By: w.coord, MentorID: w.other.ID, State: cases.Active})
		otherSteps, _ := a.store.PlanSteps(context.Background(), other.ID)
		w.post(t, w.coord, c, "/plan-steps/"+itoa(otherSteps[0].ID), url.Values{"status": {"dropped"}, "version": {"1"}}, http.StatusNotFound)
		w.post(t, w.mentor, other, "/plan-steps/"+itoa(otherSteps[0].ID), url.Values{"status": {"dropped"}, "version": {"1"}}, http.StatusNotFound)

		// The guide stops at five first steps, the form does not.
		for i := 2; i <= 6; i++ {
			w.post(t, w.coord, c, "/plan-steps", url.Values{"title": {fmt.Sprintf("Step %d", i)}, "owner": {"mentee"}}, http.StatusSeeOther)
		}
		body = w.page(t, w.coord, c, http.StatusOK)
		ovHas(t, "overview with six steps", body, "Step 6", `action="/cases/`+itoa(c.ID)+`/plan-steps"`)
		ovLacks(t, "overview with six steps", body, "first steps so far")
	})
}

func TestCaseOverviewPsychologist(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	w := newOverviewWorld(t, a, false, 1)
	c := a.makeCase(caseSetup{Program: w.prog, By: w.coord, State: cases.Waiting})
	w.page(t, w.psy, c, http.StatusNotFound)
	body := w.page(t, w.coord, c, http.StatusOK)
	ovHas(t, "psychologist choice", body, "No psychologist assigned.", w.psy.Email, w.otherPs.Email)
	if sel := ovSelect(body, "psychologist_id"); !strings.Contains(sel, w.psy.Email) || strings.Contains(sel, w.mentor.Email) {
		t.Errorf("the psychologist choice offers the wrong people:\n%s", sel)
	}

	_, body = w.post(t, w.coord, c, "/psychologist", url.Values{"psychologist_id": {itoa(w.mentor.ID)}}, http.StatusUnprocessableEntity)
	ovHas(t, "a mentor as psychologist", body, "Choose an active psychologist of the case")
	w.post(t, w.coord, c, "/psychologist", url.Values{"psychologist_id": {"nobody"}}, http.StatusUnprocessableEntity)

	w.post(t, w.coord, c, "/psychologist", url.Values{"psychologist_id": {itoa(w.psy.ID)}}, http.StatusSeeOther)
	body = w.page(t, w.psy, c, http.StatusOK)
	ovHas(t, "assigned psychologist's view", body, c.Code, w.psy.Email)
	w.post(t, w.coord, c, "/psychologist", url.Values{"psychologist_id": {"0"}}, http.StatusSeeOther)
	w.page(t, w.psy, c, http.StatusNotFound)
}

func TestCaseOverviewCustody(t *testing.T) {
	t.Parallel()
	overviewEngines(t, func(t *testing.T, a *app) {
		// Without a custody phase: no section, and the form is refused.
		plain := newOverviewWorld(t, a, false, 1)
		c := plain.active(t)
		form := url.Values{"facility_detail": {"Colony 3"}, "phase": {"in_custody"}}
		_, body := plain.post(t, plain.coord, c, "/custody", form, http.StatusConflict)
		ovHas(t, "custody refused", body, "This program has no custody phase.")
		ovLacks(t, "custody refused", body, `action="/cases/`+itoa(c.ID)+`/custody"`)

		w := newOverviewWorld(t, a, true, 1)
		c = w.active(t)
		body = w.page(t, w.coord, c, http.StatusOK)
		ovHas(t, "custody section", body, "Custody phase", `action="/cases/`+itoa(c.ID)+`/custody"`)

		// Bad input keeps what was typed.
		form = url.Values{"facility_detail": {"Colony 3, Navapolatsk"}, "phase": {"in_custody"}, "expected_release": {"31.03.2026"},
			"release_plan.pickup": {"Mentor at the gate"}, "release_plan.first_night": {"Shelter on Main St"},
			"release_plan.first_appointments": {"Registry office on day 2"}}
		_, body = w.post(t, w.coord, c, "/custody", form, http.StatusUnprocessableEntity)
		ovHas(t, "refused custody form", body, "Enter a date such as", `value="31.03.2026"`, "Colony 3, Navapolatsk", "Mentor at the gate", "<details class=\"overview-more\" open>")
		if cu, _ := a.store.CaseCustody(context.Background(), c.ID); cu.FacilityDetail != "" {
			t.Fatalf("a refused custody form was stored: %+v", cu)
		}

		form.Set("expected_release", "2026-03-31")
		w.post(t, w.coord, c, "/custody", form, http.StatusSeeOther)
		before := ovAudits(t, a, "case.custody_read", c.ID)
		for _, u := range []auth.User{w.coord, w.mentor, w.psy} {
			body = w.page(t, u, c, http.StatusOK)
			ovHas(t, string(u.Role)+"'s custody section", body, "Colony 3, Navapolatsk", "2026-03-31", "In custody",
				"Mentor at the gate", "Shelter on Main St", "Registry office on day 2")
			if u.ID == w.coord.ID {
				ovHas(t, "coordinator's custody form", body, `action="/cases/`+itoa(c.ID)+`/custody"`)
			} else {
				ovLacks(t, string(u.Role)+"'s custody section", body, `action="/cases/`+itoa(c.ID)+`/custody"`)
			}
		}
		if after := ovAudits(t, a, "case.custody_read", c.ID); after < before+3 {
			t.Errorf("custody reads audited %d times, want 3 more than %d", after, before)
		}
		w.post(t, w.mentor, c, "/custody", form, http.StatusForbidden)
		for _, u := range []auth.User{w.other, w.admin, w.viewer} {
			_, body := w.as(u).do("GET", "/cases/"+itoa(c.ID), nil)
			ovLacks(t, string(u.Role)+"'s refusal", body, "Colony 3")
		}
	})
}

// ovAudits counts the audit entries of an action about a case.
func ovAudits(t *testing.T, a *app, action string, caseID int64) int {
	t.Helper()
	entries, _, err := a.store.ListAudit(context.Background(), store.AuditFilter{ObjectType: "case", ObjectID: itoa(caseID)}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Action == action {
			n++
		}
	}
	return n
}
