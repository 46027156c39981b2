package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/program"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// workEngines runs a test of the case work pages on SQLite and on PostgreSQL.
func workEngines(t *testing.T, test func(t *testing.T, a *app)) {
	t.Run("sqlite", func(t *testing.T) { test(t, newApp(t)) })
	t.Run("postgres", func(t *testing.T) { test(t, newAppOn(t, store.Options{DatabaseURL: testdb.Postgres(t)})) })
}

// workTeam is a case with the people around it, each with a session: the
// program's coordinator, the case's mentor and psychologist, and a mentor
// of the same program who does not work on the case.
type workTeam struct {
	a                                 *app
	p                                 program.Program
	c                                 cases.Case
	coord, mentor, psych, otherMentor auth.User
	sessions                          map[int64]string
}

func newWorkTeam(a *app, state cases.State) *workTeam {
	a.t.Helper()
	n := a.nextCode()
	tm := &workTeam{a: a, p: a.program(fmt.Sprintf("Work %d", n)), sessions: map[int64]string{}}
	user := func(role auth.Role) auth.User {
		u, s := a.signedIn(fmt.Sprintf("work-%s-%d@example.org", role, a.nextCode()), role, tm.p.ID)
		tm.sessions[u.ID] = s
		return u
	}
	tm.coord, tm.mentor, tm.psych, tm.otherMentor = user(auth.Coordinator), user(auth.Mentor), user(auth.Psychologist), user(auth.Mentor)
	tm.c = a.makeCase(caseSetup{Program: tm.p, By: tm.coord, MentorID: tm.mentor.ID, Psychologist: tm.psych.ID, State: state})
	// A case the other mentor works on, so that they are a mentor with a case of their own.
	a.makeCase(caseSetup{Program: tm.p, By: tm.coord, MentorID: tm.otherMentor.ID, State: cases.Active})
	return tm
}

// as makes the next requests as u.
func (tm *workTeam) as(u auth.User) *app { tm.a.session = tm.sessions[u.ID]; return tm.a }

// tab is the address of one of the case's pages.
func (tm *workTeam) tab(name string) string { return fmt.Sprintf("/cases/%d/%s", tm.c.ID, name) }

// workRawKey finds a catalogue key shown instead of its text.
var workRawKey = regexp.MustCompile(`>[^<]*\b(?:work|contacts|requests|notes|closing|feedback|outcomes|followups|validation|case)\.[a-z_]+(?:\.[a-z_]+)*[^<]*<`)

func workNoRawKeys(t *testing.T, what, body string) {
	t.Helper()
	if m := workRawKey.FindString(body); m != "" {
		t.Errorf("%s shows a raw catalogue key: %s", what, m)
	}
}

// wantPage checks a page's status and that it holds each of want.
func wantPage(t *testing.T, what string, res *http.Response, body string, status int, want ...string) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, res.StatusCode, status, body)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
	workNoRawKeys(t, what, body)
}

// wantRedirect checks a 303 to a page starting with prefix.
func wantRedirect(t *testing.T, what string, res *http.Response, body, prefix string) {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), prefix) {
		t.Fatalf("%s: status %d to %q, want 303 to %s\n%s", what, res.StatusCode, res.Header.Get("Location"), prefix, body)
	}
}

// auditedOnCase counts the audit entries of an action on a case.
func (a *app) auditedOnCase(action string, caseID int64) int {
	a.t.Helper()
	entries, _, err := a.store.ListAudit(context.Background(), store.AuditFilter{ObjectType: "case", ObjectID: itoa(caseID)}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		a.t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Action == action {
			n++
		}
	}
	return n
}

var atValue = regexp.MustCompile(`name="at" type="datetime-local" value="([^"]*)"`)

func TestMentorRecordsAContact(t *testing.T) {
	t.Parallel()
	workEngines(t, func(t *testing.T, a *app) {
		tm := newWorkTeam(a, cases.Active)
		before := tm.c.ContactDueAt
		if before == nil {
			t.Fatal("an active case has no next contact due")
		}
		// A few minutes after the match the mentor talks to the mentee in prison.
		a.clock.Add(2 * time.Minute)
		res, body := tm.as(tm.mentor).do("GET", tm.tab("contacts"), nil)
		wantPage(t, "contacts page", res, body, 200, "No contacts are recorded yet.", `type="datetime-local"`,
			`<option value="prison_visit">Prison visit</option>`, `name="needs" value="housing"`, "Next contact due by")
		m := atValue.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no date and time field")
		}
		if at, err := time.Parse("2006-01-02T15:04", m[1]); err != nil || a.store.Now().Sub(at) > 2*time.Minute || a.store.Now().Before(at) {
			t.Fatalf("the date and time do not default to now (%v): %q", a.store.Now(), m[1])
		}
		res, body = a.postForm(tm.tab("contacts"), url.Values{"at": {m[1]}, "channel": {"prison_visit"}, "minutes": {"45"},
			"summary": {"Talked about the first night after release"}, "needs": {"housing", "employment"}})
		wantRedirect(t, "record a contact", res, body, tm.tab("contacts")+"?done=contact")

		res, body = a.do("GET", res.Header.Get("Location"), nil)
		wantPage(t, "contacts after recording", res, body, 200, "The contact is recorded.",
			"Talked about the first night after release", "Prison visit", "45 minutes", "Housing", "Employment",
			"Recorded by", tm.mentor.Email, m[1][:10]+" "+m[1][11:]+" UTC")
		after := a.getCase(tm.c.ID).ContactDueAt
		if after == nil || !after.After(*before) {
			t.Errorf("the next contact due did not move: %v → %v", before, after)
		}
		if n := a.auditedOnCase("case.contacts_read", tm.c.ID); n == 0 {
			t.Error("reading the contacts left no audit entry")
		}

		// A contact before the case's period began is refused, with what was typed.
		res, body = tm.as(tm.coord).postForm(tm.tab("contacts"), url.Values{"at": {"2020-01-02T10:00"}, "channel": {"call"}, "summary": {"An old call"}})
		wantPage(t, "a contact before the case", res, body, http.StatusUnprocessableEntity, `id="e-at"`,
			"This is before the case&#39;s current period began.", `value="2020-01-02T10:00"`, "An old call")

		// The coordinator records one too (earlier today, the day the case
		// opened) and sees both, newest first.
		early := cases.Day(a.store.Now()).Format("2006-01-02T15:04")
		res, body = a.postForm(tm.tab("contacts"), url.Values{"at": {early}, "channel": {"call"}, "summary": {"An old call"}})
		wantRedirect(t, "coordinator records a contact", res, body, tm.tab("contacts"))
		_, body = a.do("GET", tm.tab("contacts"), nil)
		if i, j := strings.Index(body, "Talked about the first night"), strings.Index(body, "An old call"); i < 0 || j < 0 || i > j {
			t.Errorf("contacts not newest first (%d, %d)", i, j)
		}

		// The psychologist reads the contacts but records none.
		res, body = tm.as(tm.psych).do("GET", tm.tab("contacts"), nil)
		wantPage(t, "contacts for the psychologist", res, body, 200, "An old call")
		if strings.Contains(body, `name="summary"`) {
			t.Error("the psychologist is offered the contact form")
		}
		if res, _ := a.postForm(tm.tab("contacts"), url.Values{"at": {"2020-01-02T10:00"}, "channel": {"call"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("the psychologist records a contact: %d, want 403", res.StatusCode)
		}
	})
}

func TestContactListPages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tm := newWorkTeam(a, cases.Active)
	// A second apart, from at most two minutes ago: within the case's
	// period, which began today.
	now := a.store.Now()
	start := now.Add(-2 * time.Minute)
	if start.Before(cases.Day(now)) {
		start = cases.Day(now)
	}
	for i := range 53 {
		_, err := a.store.AddContact(context.Background(), cases.Contact{CaseID: tm.c.ID, At: start.Add(time.Duration(i) * time.Second),
			Channel: cases.Call, Summary: fmt.Sprintf("Call number %02d.", i), RecordedBy: tm.coord.ID})
		if err != nil {
			t.Fatal(err)
		}
	}
	_, body := tm.as(tm.mentor).do("GET", tm.tab("contacts"), nil)
	if !strings.Contains(body, "Call number 52.") || strings.Contains(body, "Call number 02.") {
		t.Fatal("the first page is not the newest 50 contacts")
	}
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(body)
	if next == nil {
		t.Fatal("no link to the next page")
	}
	res, body := a.do("GET", strings.ReplaceAll(next[1], "&amp;", "&"), nil)
	wantPage(t, "second page", res, body, 200, "Call number 02.", "Call number 00.", "First page")
	if strings.Contains(body, "Call number 03.") {
		t.Error("the second page repeats the first")
	}
	res, body = a.do("GET", tm.tab("contacts")+"?cursor=broken", nil)
	wantPage(t, "a broken page link", res, body, 200, "Call number 52.")
}

func TestContactFormKeepsWhatWasTyped(t *testing.T) {
	t.Parallel()
	workEngines(t, func(t *testing.T, a *app) {
		tm := newWorkTeam(a, cases.Active)
		res, body := tm.as(tm.mentor).postForm(tm.tab("contacts"), url.Values{"at": {"yesterday"}, "channel": {""}, "minutes": {"lots"},
			"summary": {"Typed with care"}, "needs": {"employment"}})
		wantPage(t, "bad contact", res, body, http.StatusUnprocessableEntity, "Some fields need attention",
			`value="yesterday"`, `value="lots"`, "Typed with care", `id="e-at"`, `id="e-minutes"`, `id="e-channel"`,
			"Enter a date and time", "Enter a whole number.", "Choose one of the options.")
		if !strings.Contains(body, `name="needs" value="employment" checked`) || strings.Contains(body, `name="needs" value="housing" checked`) {
			t.Error("the ticked needs are not kept as sent")
		}
		future := a.store.Now().Add(24 * time.Hour).Format("2006-01-02T15:04")
		res, body = a.postForm(tm.tab("contacts"), url.Values{"at": {future}, "channel": {"video"}, "minutes": {"2000"}, "summary": {"Not yet"}})
		wantPage(t, "future contact", res, body, http.StatusUnprocessableEntity, "This cannot be in the future.",
			"Enter the minutes from 0 to 1440.", `value="`+future+`"`, `<option value="video" selected>`)
		list, _, err := a.store.Contacts(context.Background(), tm.c.ID, store.Page{})
		if err != nil || len(list) != 0 {
			t.Fatalf("refused contacts were saved: %v %v", list, err)
		}
	})
}

func TestAnotherMentorReachesNoTabOfTheCase(t *testing.T) {
	t.Parallel()
	workEngines(t, func(t *testing.T, a *app) {
		tm := newWorkTeam(a, cases.Closing)
		ctx := context.Background()
		rq, err := a.store.AddRequest(ctx, cases.Request{CaseID: tm.c.ID, Domain: "housing", Urgency: cases.Soon, Text: "A room", RecordedBy: tm.coord.ID})
		if err != nil {
			t.Fatal(err)
		}
		tm.as(tm.otherMentor)
		head, _ := a.store.AuditHead(ctx)
		for _, tab := range []string{"contacts", "requests", "notes", "closing"} {
			if res, body := a.do("GET", tm.tab(tab), nil); res.StatusCode != http.StatusNotFound || strings.Contains(body, tm.c.Code) {
				t.Errorf("GET %s as another mentor: %d, want 404 without the case code", tab, res.StatusCode)
			}
		}
		posts := map[string]url.Values{
			tm.tab("contacts"): {"at": {"2020-01-02T10:00"}, "channel": {"call"}},
			tm.tab("requests"): {"domain": {"housing"}, "urgency": {"soon"}, "text": {"x"}},
			fmt.Sprintf("%s/%d", tm.tab("requests"), rq.ID): {"status": {"resolved"}, "version": {"1"}},
			tm.tab("notes"):                 {"visibility": {"mentor"}, "body": {"x"}},
			tm.tab("closing/agreement"):     {},
			tm.tab("closing/final-meeting"): {},
			tm.tab("feedback"):              {"support": {"5"}},
			tm.tab("outcomes"):              {"kind": {"job_found"}},
			tm.tab("follow-ups/1"):          {"work_kept": {"yes"}, "housing": {"yes"}, "rearrested": {"no"}, "version": {"1"}},
		}
		for target, v := range posts {
			if res, _ := a.postForm(target, v); res.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s as another mentor: %d, want 404", target, res.StatusCode)
			}
		}
		if after, _ := a.store.AuditHead(ctx); after != head {
			t.Errorf("refused requests changed or read something: audit %v → %v", head, after)
		}
	})
}

func TestRequestsRecordedAndResolved(t *testing.T) {
	t.Parallel()
	workEngines(t, func(t *testing.T, a *app) {
		tm := newWorkTeam(a, cases.Active)
		ctx := context.Background()
		res, body := tm.as(tm.mentor).do("GET", tm.tab("requests"), nil)
		wantPage(t, "requests page", res, body, 200, "No requests yet.", `<option value="normal" selected>Normal</option>`)

		// Bad input keeps what was typed.
		res, body = a.postForm(tm.tab("requests"), url.Values{"domain": {"gardening"}, "urgency": {"urgent"}, "text": {"  "}})
		wantPage(t, "bad request", res, body, http.StatusUnprocessableEntity, "Some fields need attention",
			`id="e-domain"`, "Choose one of the program&#39;s areas.", `id="e-text"`, "This field is required.",
			`<option value="urgent" selected>Urgent</option>`)

		res, body = a.postForm(tm.tab("requests"), url.Values{"domain": {"housing"}, "urgency": {"urgent"}, "text": {"Needs a room for the first night"}})
		wantRedirect(t, "record a request", res, body, tm.tab("requests")+"?done=request")
		if _, err := a.store.AddRequest(ctx, cases.Request{CaseID: tm.c.ID, Domain: "employment", Urgency: cases.Normal,
			Text: "Wants to learn welding", RaisedByMentee: true}); err != nil {
			t.Fatal(err)
		}
		res, body = a.do("GET", tm.tab("requests")+"?done=request", nil)
		wantPage(t, "requests after recording", res, body, 200, "The request is recorded.",
			"Needs a room for the first night", "Urgent", "Open", "Housing", "Recorded by staff", tm.mentor.Email,
			"Wants to learn welding", "Raised by the mentee in the portal")
		if i, j := strings.Index(body, "Wants to learn welding"), strings.Index(body, "Needs a room"); i > j {
			t.Error("requests not newest first")
		}

		list, err := a.store.Requests(ctx, tm.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var room cases.Request
		for _, r := range list {
			if r.Domain == "housing" {
				room = r
			}
		}
		target := fmt.Sprintf("%s/%d", tm.tab("requests"), room.ID)
		old := fmt.Sprint(room.Version)

		// The coordinator sets it in progress; the mentor, starting from
		// the older version, is told and keeps what they typed.
		res, body = tm.as(tm.coord).postForm(target, url.Values{"status": {"in_progress"}, "resolution": {""}, "version": {old}})
		wantRedirect(t, "update a request", res, body, tm.tab("requests")+"?done=request_updated")
		res, body = tm.as(tm.mentor).postForm(target, url.Values{"status": {"resolved"}, "resolution": {"Found a room at the shelter"}, "version": {old}})
		wantPage(t, "stale update", res, body, http.StatusConflict, "Someone else changed this request",
			"Found a room at the shelter", `<option value="resolved" selected>Resolved</option>`, "In progress")
		newer := regexp.MustCompile(fmt.Sprintf(`action="%s"[^>]*>\s*<input type="hidden" name="version" value="(\d+)"`, regexp.QuoteMeta(target))).FindStringSubmatch(body)
		if newer == nil || newer[1] == old {
			t.Fatalf("the form after a conflict does not carry the newer version: %v", newer)
		}
		res, body = a.postForm(target, url.Values{"status": {"resolved"}, "resolution": {"Found a room at the shelter"}, "version": {newer[1]}})
		wantRedirect(t, "update again", res, body, tm.tab("requests"))
		res, body = a.do("GET", tm.tab("requests"), nil)
		wantPage(t, "resolved request", res, body, 200, "Resolved", "Found a room at the shelter", "closed")

		// Bad status keeps the typed resolution; no version is refused.
		res, body = a.postForm(target, url.Values{"status": {"forgotten"}, "resolution": {"Typed again"}, "version": {fmt.Sprint(room.Version + 2)}})
		wantPage(t, "bad status", res, body, http.StatusUnprocessableEntity, "Choose one of the options.", "Typed again")
		res, body = a.postForm(target, url.Values{"status": {"open"}, "resolution": {"No version"}})
		wantPage(t, "no version", res, body, http.StatusUnprocessableEntity, "Send the version you last read", "No version")

		// A request of another case is not found through this one.
		other := newWorkTeam(a, cases.Active)
		elsewhere, err := a.store.AddRequest(ctx, cases.Request{CaseID: other.c.ID, Domain: "housing", Urgency: cases.Soon, Text: "Elsewhere", RecordedBy: other.coord.ID})
		if err != nil {
			t.Fatal(err)
		}
		res, _ = tm.as(tm.coord).postForm(fmt.Sprintf("%s/%d", tm.tab("requests"), elsewhere.ID), url.Values{"status": {"resolved"}, "version": {"1"}})
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("a request through a case it is not on: %d, want 404", res.StatusCode)
		}
	})
}

func TestNotesFollowTheirVisibility(t *testing.T) {
	t.Parallel()
	workEngines(t, func(t *testing.T, a *app) {
		tm := newWorkTeam(a, cases.Active)
		ctx := context.Background()

		// The mentor may write only at the mentor level.
		res, body := tm.as(tm.mentor).do("GET", tm.tab("notes"), nil)
		wantPage(t, "notes for the mentor", res, body, 200, "No notes you may read yet.", `value="mentor" checked`)
		if strings.Contains(body, `value="team"`) || strings.Contains(body, `value="psychologist"`) {
			t.Error("the mentor is offered a level they may not use")
		}
		head, _ := a.store.AuditHead(ctx)
		for _, v := range []string{"team", "psychologist"} {
			if res, _ := a.postForm(tm.tab("notes"), url.Values{"visibility": {v}, "body": {"Secret " + v}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("a mentor's %s note: %d, want 403", v, res.StatusCode)
			}
		}
		if after, _ := a.store.AuditHead(ctx); after != head {
			t.Error("a refused note changed something")
		}
		res, body = a.postForm(tm.tab("notes"), url.Values{"visibility": {"mentor"}, "body": {"  "}})
		wantPage(t, "empty note", res, body, http.StatusUnprocessableEntity, "This field is required.", `value="mentor" checked`)
		res, body = a.postForm(tm.tab("notes"), url.Values{"visibility": {"mentor"}, "body": {"Mentor sees this"}})
		wantRedirect(t, "mentor note", res, body, tm.tab("notes")+"?done=note")

		res, body = tm.as(tm.coord).do("GET", tm.tab("notes"), nil)
		wantPage(t, "notes for the coordinator", res, body, 200, "Mentor sees this", `value="team"`, `value="mentor"`)
		if strings.Contains(body, `value="psychologist"`) {
			t.Error("the coordinator is offered the psychologist's level")
		}
		res, body = a.postForm(tm.tab("notes"), url.Values{"visibility": {"team"}, "body": {"Team only"}})
		wantRedirect(t, "team note", res, body, tm.tab("notes"))
		if res, _ := a.postForm(tm.tab("notes"), url.Values{"visibility": {"psychologist"}, "body": {"x"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a coordinator's psychologist-only note: %d, want 403", res.StatusCode)
		}
		res, body = a.postForm(tm.tab("notes"), url.Values{"visibility": {""}, "body": {"Which level?"}})
		wantPage(t, "note without a level", res, body, http.StatusUnprocessableEntity, "Choose one of the options.", "Which level?")

		res, body = tm.as(tm.psych).postForm(tm.tab("notes"), url.Values{"visibility": {"psychologist"}, "body": {"Psychologist only"}})
		wantRedirect(t, "psychologist note", res, body, tm.tab("notes"))
		res, body = a.do("GET", tm.tab("notes"), nil)
		wantPage(t, "notes for the psychologist", res, body, 200, "Mentor sees this", "Team only", "Psychologist only",
			"The psychologist only", tm.psych.Email)

		_, body = tm.as(tm.coord).do("GET", tm.tab("notes"), nil)
		if !strings.Contains(body, "Team only") || strings.Contains(body, "Psychologist only") {
			t.Error("the coordinator does not see the team note, or sees the psychologist's")
		}
		_, body = tm.as(tm.mentor).do("GET", tm.tab("notes"), nil)
		if !strings.Contains(body, "Mentor sees this") || strings.Contains(body, "Team only") || strings.Contains(body, "Psychologist only") {
			t.Error("the mentor sees a team or psychologist note, or not their own")
		}
		if n := a.auditedOnCase("case.notes_read", tm.c.ID); n == 0 {
			t.Error("reading notes left no audit entry")
		}
	})
}
