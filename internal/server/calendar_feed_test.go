package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/program"
	"homeward/internal/store"
	"homeward/internal/testsupport"
)

var newCalendarOnPage = regexp.MustCompile(`id="new-calendar"[^>]*value="(https?://[^/"]+)(/calendar/hwc_[A-Za-z0-9_-]+\.ics)"`)

// makeCalendarFeed makes a calendar address on the account page as the
// holder of session and returns its path; header adds to the request.
func (a *app) makeCalendarFeed(session string, header ...string) string {
	a.t.Helper()
	a.session = session
	res, body := a.postForm("/account/calendar-feed", url.Values{}, header...)
	m := newCalendarOnPage.FindStringSubmatch(body)
	if res.StatusCode != http.StatusCreated || m == nil {
		a.t.Fatalf("make a calendar feed: %d\n%s", res.StatusCode, body)
	}
	if m[1] != "http://example.com" {
		a.t.Errorf("the address is on %s, want the site's", m[1])
	}
	return m[2]
}

// readCalendar fetches a feed without a session and parses it strictly.
func (a *app) readCalendar(path string) (testsupport.ICalCalendar, string) {
	a.t.Helper()
	a.session = ""
	res, body := a.do("GET", path, nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
		a.t.Fatalf("GET the feed: %d %s\n%s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	return testsupport.ParseICal(a.t, body), body
}

// summaries are the feed's events as "SUMMARY|DTSTART params|URL", sorted.
func summaries(t *testing.T, cal testsupport.ICalCalendar) []string {
	var out []string
	for _, e := range cal.Events {
		out = append(out, testsupport.ICalText(t, e["SUMMARY"].Value)+"|"+e["DTSTART"].Params+"|"+e["URL"].Value)
	}
	slices.Sort(out)
	return out
}

// A mentor subscribes to their calendar: the feed parses strictly, holds
// their own case's dates (each titled with the case code and what is due,
// in the language of the page it was made on, linked to the case page),
// never another mentor's case, a name or anything sealed; it is shown once,
// keeps its events' UIDs, and stops once revoked or once its user is
// disabled, answering like an address that never was.
func TestCalendarFeed(t *testing.T) {
	t.Parallel()
	w1Engines(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		p := program.New()
		p.Name, p.MentorChecks, p.MentorCapacity, p.Custody.Enabled = "Calendar program", nil, 2, true
		p, err := a.store.CreateProgram(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		coord, coordSession := a.w1User(auth.Coordinator, p.ID)
		mentor, mentorSession := a.w1User(auth.Mentor, p.ID)
		other, _ := a.w1User(auth.Mentor, p.ID)
		mine := a.makeCase(caseSetup{Program: p, By: coord, MentorID: mentor.ID, State: cases.Active})
		theirs := a.makeCase(caseSetup{Program: p, By: coord, MentorID: other.ID, State: cases.Active})
		day := func(d int) *time.Time { x := cases.Day(a.store.Now()).AddDate(0, 0, d); return &x }
		for c, d := range map[int64]int{mine.ID: 5, theirs.ID: 2} {
			if _, err := a.store.AddPlanStep(ctx, cases.PlanStep{CaseID: c, Title: "Step title, private; with Kalinouski", Owner: cases.OwnerMentor, DueOn: day(d)}); err != nil {
				t.Fatal(err)
			}
		}
		sealed := cases.Custody{Phase: cases.InCustody, ExpectedRelease: day(20), FacilityDetail: "Unit 7, sealed detail",
			ReleasePlan: cases.ReleasePlan{Pickup: "Sealed pickup by her sister"}}
		if err := a.store.SaveCustody(ctx, mine.ID, sealed, coord.ID); err != nil {
			t.Fatal(err)
		}

		feed := a.makeCalendarFeed(mentorSession)
		a.session = mentorSession
		res, account := a.do("GET", "/account", nil)
		if res.StatusCode != http.StatusOK || strings.Contains(account, strings.TrimSuffix(strings.TrimPrefix(feed, "/calendar/"), ".ics")) ||
			!strings.Contains(account, `action="/account/calendar-feed/revoke"`) {
			t.Errorf("the account page afterwards: %d; shows the address again or no revoke button", res.StatusCode)
		}

		cal, body := a.readCalendar(feed)
		page := "http://example.com/cases/" + itoa(mine.ID)
		want := []string{
			mine.Code + ": expected release|;VALUE=DATE|" + page,
			mine.Code + ": next contact due||" + page,
			mine.Code + ": plan step due|;VALUE=DATE|" + page,
		}
		if got := summaries(t, cal); !slices.Equal(got, want) {
			t.Errorf("the mentor's feed:\n%v\nwant\n%v", got, want)
		}
		for _, e := range cal.Events {
			if e["DTSTART"].Params == "" && !strings.HasSuffix(e["DTSTART"].Value, "Z") {
				t.Errorf("a timed event not in UTC: %v", e["DTSTART"])
			}
			if e["DTSTART"].Params == ";VALUE=DATE" && e["DTSTART"].Value == day(5).Format("20060102") && !strings.Contains(testsupport.ICalText(t, e["SUMMARY"].Value), "plan step") {
				t.Errorf("the step's day holds %v", e)
			}
		}
		names := []string{theirs.Code, "Test Person", "Kalinouski", "Step title", "sealed detail", "Unit 7", "Sealed pickup", mentor.Email, other.Email}
		for _, n := range names {
			if strings.Contains(body, n) {
				t.Errorf("the feed holds %q", n)
			}
		}
		if strings.Contains(a.logs.String(), strings.TrimPrefix(feed, "/calendar/")) {
			t.Errorf("the feed's address is in the log")
		}
		// Fetched again, the same events keep their UIDs.
		again, _ := a.readCalendar(feed)
		uids := func(c testsupport.ICalCalendar) []string {
			var out []string
			for _, e := range c.Events {
				out = append(out, e["UID"].Value)
			}
			slices.Sort(out)
			return out
		}
		if !slices.Equal(uids(cal), uids(again)) || len(uids(cal)) != 3 {
			t.Errorf("UIDs %v, then %v", uids(cal), uids(again))
		}

		// The coordinator's feed, made on a page in Czech: both cases, in Czech.
		coordFeed := a.makeCalendarFeed(coordSession, "Cookie", "lang=cs")
		cal, _ = a.readCalendar(coordFeed)
		got := summaries(t, cal)
		if len(got) != 5 || !slices.Contains(got, theirs.Code+": termín kroku plánu|;VALUE=DATE|http://example.com/cases/"+itoa(theirs.ID)) {
			t.Errorf("the coordinator's feed in Czech: %v", got)
		}

		// Revoked, the address answers as one that never was.
		a.session = mentorSession
		res, _ = a.postForm("/account/calendar-feed/revoke", url.Values{})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account?done=calendar_revoked#calendar" {
			t.Fatalf("revoke: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		a.session = ""
		revoked, revokedBody := a.do("GET", feed, nil)
		unknown, unknownBody := a.do("GET", "/calendar/hwc_"+strings.Repeat("A", 43)+".ics", nil)
		if revoked.StatusCode != http.StatusNotFound || unknown.StatusCode != http.StatusNotFound ||
			strings.Contains(revokedBody, "revoked") || len(revokedBody) != len(unknownBody) {
			t.Errorf("revoked: %d, unknown: %d; bodies differ: %v", revoked.StatusCode, unknown.StatusCode, len(revokedBody) != len(unknownBody))
		}
		// A disabled user's feed stops.
		if err := a.store.SetUserStatus(ctx, coord.ID, auth.StatusDisabled); err != nil {
			t.Fatal(err)
		}
		if res, _ := a.do("GET", coordFeed, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("a disabled user's feed: %d", res.StatusCode)
		}
		entries, _, _ := a.store.ListAudit(ctx, store.AuditFilter{ObjectType: "calendar_feed"}, store.Page{Limit: 10})
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		slices.Sort(actions)
		if !slices.Equal(actions, []string{"calendar_feed.create", "calendar_feed.create", "calendar_feed.revoke"}) {
			t.Errorf("audited: %v", actions)
		}
	})
}

// Only roles with a case list have a calendar feed; the others see no such
// section and may not make one.
func TestCalendarFeedIsForRolesWithACaseList(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.program("Roles")
	// The route sweep (role_route_test.go) tries the routes as every role.
	for role, has := range map[auth.Role]bool{auth.Coordinator: true, auth.Mentor: true, auth.Psychologist: true, auth.Viewer: false} {
		_, a.session = a.w1User(role, p.ID)
		_, page := a.do("GET", "/account", nil)
		res, _ := a.postForm("/account/calendar-feed", url.Values{})
		if strings.Contains(page, `id="calendar"`) != has || (res.StatusCode == http.StatusCreated) != has {
			t.Errorf("%s: section shown %v, make: %d; want %v", role, strings.Contains(page, `id="calendar"`), res.StatusCode, has)
		}
	}
}

// An address that keeps asking for unknown feeds is refused for a while,
// with when to try again.
func TestCalendarFeedThrottlesGuessing(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.session = ""
	for i := range store.CalendarMissLimit.Limit {
		if res, _ := a.do("GET", "/calendar/hwc_guess"+itoa(int64(i))+".ics", nil); res.StatusCode != http.StatusNotFound {
			t.Fatalf("guess %d: %d", i, res.StatusCode)
		}
	}
	res, _ := a.do("GET", "/calendar/hwc_one-more.ics", nil)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("over the limit: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
}
