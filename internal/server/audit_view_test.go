package server_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/cases"
)

// auditRows counts the entries an audit page lists.
func auditRows(body string) int { return strings.Count(body, `<td data-label="Time (UTC)">`) }

// seedAudit writes entries at given times as given actors, then puts the
// store's clock back.
func (a *app) seedAudit(who string, at time.Time, n int, objectType string, objectID int64) {
	a.t.Helper()
	a.store.SetClock(func() time.Time { return at })
	defer a.store.SetClock(time.Now)
	ctx := audit.WithActor(context.Background(), audit.Actor{Who: who, RequestID: "req-" + who, Address: "198.51.100.7"})
	for range n {
		if err := a.store.Audit(ctx, "test.event", objectType, objectID, audit.OK); err != nil {
			a.t.Fatal(err)
		}
	}
}

func TestAuditViewerFiltersAndPages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	day := func(d, h int) time.Time { return time.Date(2024, 3, d, h, 0, 0, 0, time.UTC) }
	// (Signing the admin in wrote entries of today before these.)
	a.seedAudit("user:7", day(2, 10), 120, "thing", 5)
	a.seedAudit("user:9", day(4, 12), 1, "user", 3)   // an object with a page
	a.seedAudit("user:8", day(5, 0), 2, "program", 9) // the first hour of 5 March
	a.seedAudit("user:8", day(5, 23), 1, "thing", 5)  // the last hour of 5 March
	a.seedAudit("user:8", day(6, 0), 1, "program", 9) // 6 March
	a.seedAudit("system", day(7, 12), 1, "", 0)       // no object

	res, body := a.do("GET", "/admin/audit", nil)
	if res.StatusCode != 200 || auditRows(body) != 100 {
		t.Fatalf("first page: %d, %d rows, want 100", res.StatusCode, auditRows(body))
	}
	noRawKeys(t, "the audit page", body)
	for _, want := range []string{`<code class="hint">test.event</code>`, `<a href="/admin/users/8">user:8</a>`, "198.51.100.7", "<code>req-user:8</code>", "Done"} {
		if !strings.Contains(body, want) {
			t.Errorf("the audit page lacks %q", want)
		}
	}
	// Newest first: the entries of 7 March come before those of 2 March.
	if strings.Index(body, "2024-03-07 12:00:00") > strings.Index(body, "2024-03-02 10:00:00") {
		t.Errorf("entries are not newest first")
	}
	next := regexp.MustCompile(`href="(/admin/audit\?cursor=[^"]+)" rel="next"`).FindStringSubmatch(body)
	if next == nil {
		t.Fatal("no next page link")
	}
	_, body = a.do("GET", strings.ReplaceAll(next[1], "&amp;", "&"), nil)
	if n, _ := a.store.AuditHead(context.Background()); auditRows(body) != int(n.Seq)-100 || !strings.Contains(body, `href="/admin/audit">First page`) {
		t.Errorf("second page: %d rows of %d entries", auditRows(body), n.Seq)
	}

	cases := []struct {
		query string
		rows  int
		keep  []string
	}{
		{"actor=user:8", 4, []string{`id="actor" name="actor" type="text" value="user:8"`}},
		{"actor=user:8&object_type=program", 3, []string{`value="program"`}},
		{"object_type=thing&object_id=5", 100, []string{`<option value="thing" selected>thing</option>`}}, // 121 entries, a page of 100
		{"object_type=user&object_id=3", 1, []string{`<a href="/admin/users/3">User 3</a>`, `<option value="user" selected>User</option>`}},
		// Days are whole and both ends are included, in UTC.
		{"from=2024-03-05&to=2024-03-05", 3, []string{`id="from" name="from" type="date" value="2024-03-05"`, `id="to" name="to" type="date" value="2024-03-05"`}},
		{"from=2024-03-05&to=2024-12-31", 5, nil},
		{"to=2024-03-04", 100, nil},
		{"from=2024-03-03&to=2024-03-04", 1, nil},
		{"actor=user:8&from=2024-03-06", 1, nil},
		{"actor=nobody", 0, []string{"No entries match these filters.", `href="/admin/audit">Clear`}},
	}
	for _, c := range cases {
		res, body := a.do("GET", "/admin/audit?"+c.query, nil)
		if res.StatusCode != 200 || auditRows(body) != c.rows {
			t.Errorf("%s: %d, %d rows, want %d", c.query, res.StatusCode, auditRows(body), c.rows)
		}
		for _, k := range c.keep {
			if !strings.Contains(body, k) {
				t.Errorf("%s: the page lacks %q", c.query, k)
			}
		}
	}

	// "From" alone is open to today: only the entries of signing the admin in.
	_, body = a.do("GET", "/admin/audit?from=2024-03-08", nil)
	if auditRows(body) == 0 || strings.Contains(body, "<time datetime=\"2024-") {
		t.Errorf("from 8 March 2024: %d rows", auditRows(body))
	}

	// The next page keeps the filters, and the filter holds on it.
	_, body = a.do("GET", "/admin/audit?actor=user:7&to=2024-03-02", nil)
	next = regexp.MustCompile(`href="(/admin/audit\?[^"]+)" rel="next"`).FindStringSubmatch(body)
	if auditRows(body) != 100 || next == nil {
		t.Fatalf("filtered first page: %d rows, next %v", auditRows(body), next)
	}
	nextURL := strings.ReplaceAll(next[1], "&amp;", "&")
	q, _ := url.ParseQuery(strings.SplitN(nextURL, "?", 2)[1])
	if q.Get("actor") != "user:7" || q.Get("to") != "2024-03-02" || q.Get("cursor") == "" || q.Has("from") {
		t.Errorf("next page link %q", nextURL)
	}
	_, body = a.do("GET", nextURL, nil)
	if auditRows(body) != 20 || strings.Contains(body, "user:8") || !strings.Contains(body, `value="user:7"`) {
		t.Errorf("filtered second page: %d rows", auditRows(body))
	}
	if res, body := a.do("GET", "/admin/audit?cursor=garbage", nil); res.StatusCode != 200 || auditRows(body) != 100 {
		t.Errorf("a broken cursor should fall back to the first page: %d", res.StatusCode)
	}
}

func TestAuditViewerRefusesBadDates(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, c := range []struct {
		query, field, message, kept string
	}{
		{"from=yesterday", "from", "Enter a date such as 2026-03-01.", `value="yesterday"`},
		{"to=2024-02-30", "to", "Enter a date such as 2026-03-01.", `value="2024-02-30"`},
		{"from=2024-03-05&to=2024-03-04", "to", "The end date is before the start date.", `value="2024-03-04"`},
		{"from=" + url.QueryEscape("<script>"), "from", "Enter a date", `value="&lt;script&gt;"`},
	} {
		res, body := a.do("GET", "/admin/audit?"+c.query+"&actor=user:1", nil)
		if res.StatusCode != 422 || !strings.Contains(body, `id="e-`+c.field+`"`) || !strings.Contains(body, c.message) ||
			!strings.Contains(body, c.kept) || !strings.Contains(body, `value="user:1"`) || auditRows(body) != 0 {
			t.Errorf("%s: %d, %d rows\n%s", c.query, res.StatusCode, auditRows(body), body)
		}
	}
	// One day is a valid range.
	if res, _ := a.do("GET", "/admin/audit?from=2024-03-05&to=2024-03-05", nil); res.StatusCode != 200 {
		t.Errorf("a one-day range: %d", res.StatusCode)
	}
}

// The audit viewer shows what was done, never the values: inviting a person
// through the pages leaves entries that name neither their address nor their name.
func TestAuditViewerShowsNoPersonalValues(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	res, _ := a.postForm("/admin/users", inviteForm("private.person@example.org", "Private Person", auth.Mentor))
	if res.StatusCode != 200 {
		t.Fatalf("invite: %d", res.StatusCode)
	}
	u, _, _ := a.store.UserForLogin(context.Background(), "private.person@example.org")
	_, body := a.do("GET", "/admin/audit?object_type=user&object_id="+itoa(u.ID), nil)
	if auditRows(body) != 2 || !strings.Contains(body, "user.create") || !strings.Contains(body, "link.create_invite") {
		t.Fatalf("audit of the invitation: %d rows\n%s", auditRows(body), body)
	}
	if strings.Contains(body, "private.person") || strings.Contains(body, "Private Person") || strings.Contains(body, "hwl_") {
		t.Errorf("the audit page shows a personal value or a token")
	}
	if !strings.Contains(body, `<a href="/admin/users/`+itoa(a.user.ID)+`">`+a.user.Email+`</a>`) {
		t.Errorf("the actor is not the signed-in admin, or has no link")
	}
}

// The audit viewer says who did what in words: a staff member by name, an
// action in the reader's language with its code beside it and on hover, a
// case by its case code and never the mentee's name; a mentee who acted is
// called a mentee. It filters by a person's e-mail address and by a case
// code, and its pages keep the filters.
func TestAuditViewerSaysWhoDidWhatInWords(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	prog := a.program("Audit words")
	coord, err := a.store.CreateUser(ctx, auth.User{Email: "cora@example.org", Name: "Cora Coordinator", Role: auth.Coordinator, Programs: []int64{prog.ID}})
	if err != nil {
		t.Fatal(err)
	}
	mentee, err := a.store.CreateUser(ctx, auth.User{Email: "secret.mentee@example.org", Name: "Secret Mentee", Role: auth.Mentee})
	if err != nil {
		t.Fatal(err)
	}
	c := a.makeCase(caseSetup{Program: prog, By: coord, State: cases.Intake})
	as := func(u auth.User) context.Context {
		return audit.WithActor(ctx, audit.Actor{Who: "user:" + itoa(u.ID)})
	}
	for range 101 {
		if err := a.store.Audit(as(coord), "case.notes_read", "case", c.ID, audit.OK); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.store.Audit(as(mentee), "mentee.export", "mentee", c.MenteeID, audit.OK); err != nil {
		t.Fatal(err)
	}

	_, body := a.do("GET", "/admin/audit", nil)
	for _, want := range []string{
		`<a href="/admin/users/` + itoa(coord.ID) + `">Cora Coordinator</a>`, "cora@example.org",
		`title="case.notes_read">Opened a case&#39;s notes<br><code class="hint">case.notes_read</code>`,
		"Case " + c.Code, "Mentee " + c.Code, `title="mentee.export">Downloaded own data`,
		`<a href="/admin/users/` + itoa(mentee.ID) + `">A mentee</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the audit page lacks %q", want)
		}
	}
	for _, never := range []string{"Test Person", "Secret Mentee", "secret.mentee@example.org"} {
		if strings.Contains(body, never) {
			t.Errorf("the audit page shows %q", never)
		}
	}
	noRawKeys(t, "the audit page", body)

	// In Czech.
	_, body = a.do("GET", "/admin/audit", nil, "Accept-Language", "cs")
	if !strings.Contains(body, "Otevření poznámek případu") || !strings.Contains(body, "Případ "+c.Code) {
		t.Errorf("the Czech audit page does not say the action or the record in Czech")
	}

	// A person by their e-mail address, over two pages that keep the filter.
	_, body = a.do("GET", "/admin/audit?actor=Cora%40example.org", nil)
	next := regexp.MustCompile(`href="(/admin/audit\?[^"]+)" rel="next"`).FindStringSubmatch(body)
	if auditRows(body) != 100 || next == nil || strings.Contains(body, "A mentee") {
		t.Fatalf("the coordinator's entries: %d rows, next %v", auditRows(body), next)
	}
	_, body = a.do("GET", strings.ReplaceAll(next[1], "&amp;", "&"), nil)
	if auditRows(body) != 1 || !strings.Contains(body, `value="Cora@example.org"`) {
		t.Errorf("the coordinator's second page: %d rows", auditRows(body))
	}

	// A record by its case code: the case's entries, not the mentee's.
	_, body = a.do("GET", "/admin/audit?object_type=case&object_id="+url.QueryEscape(strings.ToLower(c.Code)), nil)
	if auditRows(body) != 100 || strings.Contains(body, "mentee.export") || !strings.Contains(body, `<option value="case" selected>Case</option>`) {
		t.Errorf("case %s by its code: %d rows", c.Code, auditRows(body))
	}
	_, body = a.do("GET", "/admin/audit?object_type=mentee&object_id="+url.QueryEscape(c.Code), nil)
	if auditRows(body) < 2 || !strings.Contains(body, "mentee.export") || strings.Contains(body, "case.notes_read") {
		t.Errorf("the mentee by their case code: %d rows", auditRows(body))
	}
	// Only a case and a mentee have codes.
	res, body := a.do("GET", "/admin/audit?object_type=user&object_id="+url.QueryEscape(c.Code), nil)
	if res.StatusCode != 422 || !strings.Contains(body, `id="e-object_id"`) || auditRows(body) != 0 || !strings.Contains(body, `value="`+c.Code+`"`) {
		t.Errorf("a case code for a user: %d, %d rows", res.StatusCode, auditRows(body))
	}
}
