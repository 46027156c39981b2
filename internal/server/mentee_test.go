package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/store"
)

// w1Mentee is a mentee's path.
func w1Mentee(c cases.Case) string { return "/mentees/" + itoa(c.MenteeID) }

// w1Audited counts the audit entries of an action on a mentee.
func (a *app) w1Audited(action string, menteeID int64) int {
	a.t.Helper()
	entries, _, err := a.store.ListAudit(context.Background(), store.AuditFilter{ObjectType: "mentee", ObjectID: itoa(menteeID)}, store.Page{Limit: store.MaxLimit})
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

// The profile shows the person's name and how to reach them to those who
// work with them; the coordinator edits it, and an edit that crossed
// someone else's is not lost but not saved over theirs either.
func TestMenteeProfileAndEditConflict(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.w1Program("Profiles", 2)
	coord, s := a.w1User(auth.Coordinator, p.ID)
	mentor, mentorS := a.w1User(auth.Mentor, p.ID)
	_, strangerS := a.w1User(auth.Mentor, p.ID)
	c := a.makeCase(caseSetup{Program: p, By: coord, MentorID: mentor.ID, State: cases.Matched})
	m, _ := a.store.GetMentee(context.Background(), c.MenteeID)

	body := a.w1Get(s, w1Mentee(c), 200)
	for _, want := range []string{m.FullName, c.Code, `href="/cases/` + itoa(c.ID) + `"`, `href="` + w1Mentee(c) + `/edit"`,
		`action="` + w1Mentee(c) + `/consents"`, `action="` + w1Mentee(c) + `/portal"`, "The person has no portal account.",
		`href="` + w1Mentee(c) + `/history"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the coordinator's profile page lacks %q", want)
		}
	}
	body = a.w1Get(mentorS, w1Mentee(c), 200)
	if !strings.Contains(body, m.FullName) || strings.Contains(body, "/edit") || strings.Contains(body, "/consents\"") || strings.Contains(body, "/portal\"") {
		t.Errorf("the mentor should see the profile without the coordinator's forms")
	}
	a.w1Get(strangerS, w1Mentee(c), 404)
	a.w1Get(mentorS, w1Mentee(c)+"/edit", 403)

	body = a.w1Get(s, w1Mentee(c)+"/edit", 200)
	if !strings.Contains(body, `name="version" value="1"`) || !strings.Contains(body, `value="`+m.FullName+`"`) {
		t.Fatalf("the edit form does not start from the profile as stored")
	}
	v := w1Intake(p.ID, c.Code, "Renamed Person", "1981")
	v.Set("version", "1")
	res, _ := a.w1Post(s, w1Mentee(c), v)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != w1Mentee(c)+"?done=saved" {
		t.Fatalf("update: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if body := a.w1Get(s, w1Mentee(c)+"?done=saved", 200); !strings.Contains(body, "Saved.") || !strings.Contains(body, "Renamed Person") {
		t.Errorf("the profile after saving does not show the change")
	}
	// A second editor who also started from version 1.
	v.Set("full_name", "Stale Edit")
	res, body = a.w1Post(s, w1Mentee(c), v)
	if res.StatusCode != 422 || !strings.Contains(body, "Someone else saved this profile") ||
		!strings.Contains(body, `value="Stale Edit"`) || !strings.Contains(body, `name="version" value="2"`) {
		t.Fatalf("stale edit: %d\n%s", res.StatusCode, body)
	}
	if got, _ := a.store.GetMentee(context.Background(), c.MenteeID); got.FullName != "Renamed Person" {
		t.Errorf("the stale edit overwrote the name: %q", got.FullName)
	}
	// Bad input keeps what was typed.
	v.Set("version", "2")
	v.Set("birth_year", "later")
	if res, body := a.w1Post(s, w1Mentee(c), v); res.StatusCode != 422 || !strings.Contains(body, `value="later"`) || !strings.Contains(body, `id="e-birth_year"`) {
		t.Errorf("bad edit: %d", res.StatusCode)
	}
	// A mentor may not edit.
	v.Set("birth_year", "1981")
	if res, _ := a.w1Post(mentorS, w1Mentee(c), v); res.StatusCode != http.StatusForbidden {
		t.Errorf("a mentor's edit: %d, want 403", res.StatusCode)
	}
}

// The coordinator reads every part of the history (audited); the mentor
// only the parts the person shared, the rest named but not shown; the
// sharing is recorded with who and when.
func TestHistoryIsReadAsShared(t *testing.T) {
	t.Parallel()
	w1Engines(t, func(t *testing.T, a *app) {
		p := a.w1Program("History", 2)
		coord, s := a.w1User(auth.Coordinator, p.ID)
		mentor, mentorS := a.w1User(auth.Mentor, p.ID)
		psych, psychS := a.w1User(auth.Psychologist, p.ID)
		_, otherPsychS := a.w1User(auth.Psychologist, p.ID)
		c := a.makeCase(caseSetup{Program: p, By: coord, MentorID: mentor.ID, Psychologist: psych.ID, State: cases.Active})
		path := w1Mentee(c) + "/history"

		body := a.w1Get(s, path+"/edit", 200)
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
		if version == nil {
			t.Fatal("the history form has no version")
		}
		texts := map[string]string{"persecution": "Fined twice for a picket in 2020", "health": "Diabetes, needs insulin daily",
			"sentence": "Three years, colony number 3"}
		form := url.Values{"version": {version[1]}}
		for k, v := range texts {
			form.Set(k, v)
		}
		res, _ := a.w1Post(s, path, form)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save history: %d", res.StatusCode)
		}
		// The same version again is a conflicting edit.
		form.Set("health", "Stale")
		if res, body := a.w1Post(s, path, form); res.StatusCode != 422 || !strings.Contains(body, "Someone else saved this history") || !strings.Contains(body, "Stale") {
			t.Errorf("stale history edit: %d", res.StatusCode)
		}

		reads := a.w1Audited("mentee.history_read", c.MenteeID)
		res, body = a.do("GET", path, nil)
		if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("history page: %d, Cache-Control %q", res.StatusCode, res.Header.Get("Cache-Control"))
		}
		for _, text := range texts {
			if !strings.Contains(body, text) {
				t.Errorf("the coordinator does not see %q", text)
			}
		}
		if a.w1Audited("mentee.history_read", c.MenteeID) != reads+1 {
			t.Errorf("the coordinator's read is not in the audit")
		}
		if !strings.Contains(body, `action="`+w1Mentee(c)+`/sharing"`) || !strings.Contains(body, "nothing is shared") {
			t.Errorf("the coordinator is not offered the sharing form")
		}

		// Nothing shared yet: the mentor sees every part named, none shown, and no read is audited.
		reads = a.w1Audited("mentee.history_read", c.MenteeID)
		body = a.w1Get(mentorS, path, 200)
		if strings.Count(body, "Not shared with you.") != len(cases.HistoryParts) || strings.Contains(body, "/sharing") {
			t.Errorf("the mentor's page should name every part as not shared, without the sharing form")
		}
		for _, text := range texts {
			if strings.Contains(body, text) {
				t.Errorf("the mentor sees unshared %q", text)
			}
		}
		if a.w1Audited("mentee.history_read", c.MenteeID) != reads {
			t.Errorf("a read of nothing was audited")
		}

		sh, err := a.store.HistorySharing(context.Background(), c.MenteeID)
		if err != nil {
			t.Fatal(err)
		}
		res, _ = a.w1Post(s, w1Mentee(c)+"/sharing", url.Values{"shared": {"persecution", "arrests"}, "version": {fmt.Sprint(sh.Version)}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sharing: %d", res.StatusCode)
		}
		body = a.w1Get(s, path+"?done=sharing", 200)
		if !strings.Contains(body, `value="persecution" checked`) || strings.Contains(body, `value="health" checked`) ||
			!strings.Contains(body, "Recorded by "+coord.Email) {
			t.Errorf("the sharing is not shown as recorded")
		}
		reads = a.w1Audited("mentee.history_read", c.MenteeID)
		body = a.w1Get(mentorS, path, 200)
		if !strings.Contains(body, texts["persecution"]) || strings.Contains(body, texts["health"]) || strings.Contains(body, texts["sentence"]) {
			t.Errorf("the mentor should see the shared part only")
		}
		if a.w1Audited("mentee.history_read", c.MenteeID) != reads+1 {
			t.Errorf("the mentor's read of the shared part is not in the audit")
		}
		// The mentor may not change what is shared, nor edit.
		if res, _ := a.w1Post(mentorS, w1Mentee(c)+"/sharing", url.Values{"shared": {"health"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a mentor's sharing: %d", res.StatusCode)
		}
		a.w1Get(mentorS, path+"/edit", 403)
		// The case's psychologist reads it all; another psychologist nothing.
		if body := a.w1Get(psychS, path, 200); !strings.Contains(body, texts["health"]) {
			t.Errorf("the case's psychologist does not see the health part")
		}
		a.w1Get(otherPsychS, path, 404)
		// Nobody outside the case, the admin and a viewer included, learns the person exists.
		_, viewerS := a.w1User(auth.Viewer, p.ID)
		a.w1Get(viewerS, path, 404)
		a.w1Get(a.w1Session(a.user), path, 404)
	})
}

// A consent is recorded with its date and who recorded it, and kept in the
// history of records.
func TestConsentRecorded(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.w1Program("Consents", 1)
	coord, s := a.w1User(auth.Coordinator, p.ID)
	mentor, mentorS := a.w1User(auth.Mentor, p.ID)
	c := a.makeCase(caseSetup{Program: p, By: coord, MentorID: mentor.ID, State: cases.Matched})
	path := w1Mentee(c) + "/consents"
	res, _ := a.w1Post(s, path, url.Values{"kind": {"reporting"}, "given": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("record consent: %d", res.StatusCode)
	}
	res, _ = a.w1Post(s, path, url.Values{"kind": {"reporting"}, "given": {"0"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw consent: %d", res.StatusCode)
	}
	list, err := a.store.Consents(context.Background(), c.MenteeID)
	if err != nil || len(list) != 3 || list[0].Kind != cases.ConsentReporting || list[0].Given || list[0].RecordedBy != coord.ID {
		t.Fatalf("consents %+v %v", list, err)
	}
	body := a.w1Get(s, w1Mentee(c)+"?done=consent", 200)
	if !strings.Contains(body, "The consent is recorded.") || !strings.Contains(body, "Withdrawn") || !strings.Contains(body, "All 3 records of consents") ||
		!strings.Contains(body, "by "+coord.Email) {
		t.Errorf("the profile does not show the consents as recorded")
	}
	if res, body := a.w1Post(s, path, url.Values{"kind": {"everything"}, "given": {"1"}}); res.StatusCode != 422 || !strings.Contains(body, "Choose which consent this is.") {
		t.Errorf("an unknown kind: %d", res.StatusCode)
	}
	if res, _ := a.w1Post(mentorS, path, url.Values{"kind": {"reporting"}, "given": {"1"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a mentor recording a consent: %d", res.StatusCode)
	}
	if list, _ := a.store.Consents(context.Background(), c.MenteeID); len(list) != 3 {
		t.Errorf("refused consents were saved: %d records", len(list))
	}
}

// The coordinator gives the person a portal account: a mentee user of the
// case's program, linked to the person, with a link shown once.
func TestPortalInvite(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.w1Program("Portal", 1)
	coord, s := a.w1User(auth.Coordinator, p.ID)
	c := a.makeCase(caseSetup{Program: p, By: coord, State: cases.Intake})
	path := w1Mentee(c) + "/portal"
	_, _ = a.w1User(auth.Mentor, p.ID)
	taken, _ := a.w1User(auth.Mentor, p.ID)

	for _, bad := range []struct{ email, want string }{
		{"not an address", "Enter an email address"},
		{taken.Email, "A user with this email address already exists."},
	} {
		res, body := a.w1Post(s, path, url.Values{"email": {bad.email}})
		if res.StatusCode != 422 || !strings.Contains(body, bad.want) || !strings.Contains(body, `value="`+bad.email+`"`) {
			t.Errorf("portal invite with %q: %d", bad.email, res.StatusCode)
		}
	}
	res, body := a.w1Post(s, path, url.Values{"email": {"person@example.org"}})
	link := regexp.MustCompile(`value="(/link/[^"]+)"`).FindStringSubmatch(body)
	if res.StatusCode != 200 || link == nil || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("portal invite: %d, link %v", res.StatusCode, link)
	}
	m, err := a.store.GetMentee(context.Background(), c.MenteeID)
	if err != nil || m.UserID == 0 {
		t.Fatalf("the mentee is not linked to an account: %+v %v", m, err)
	}
	u, err := a.store.PortalAccount(context.Background(), c.MenteeID)
	if err != nil || u.ID != m.UserID || u.Role != auth.Mentee || u.Email != "person@example.org" || u.Status != auth.StatusInvited || len(u.Programs) != 1 || u.Programs[0] != p.ID {
		t.Errorf("portal user %+v %v", u, err)
	}
	if res, _ := a.do("GET", link[1], nil); res.StatusCode != 200 {
		t.Errorf("the invitation link does not work: %d", res.StatusCode)
	}
	body = a.w1Get(s, w1Mentee(c), 200)
	if !strings.Contains(body, "Invited: the person has not set a password yet.") || strings.Contains(body, `action="`+path+`"`) {
		t.Errorf("the profile does not show the invitation")
	}
	if res, _ := a.w1Post(s, path, url.Values{"email": {"second@example.org"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("a second portal account: %d, want 409", res.StatusCode)
	}
}
