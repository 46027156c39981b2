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
	"homeward/internal/store"
)

var (
	shownLink   = regexp.MustCompile(`id="one-time-link" class="link-value" type="text" value="(/link/hwl_[A-Za-z0-9_-]+)"`)
	versionOf   = regexp.MustCompile(`name="version" value="([0-9]+)"`)
	rawKey      = regexp.MustCompile(`>[^<]*\b(?:users|audit)\.[a-z_]+(?:\.[a-z_]+)*[^<]*<`)
	programsBox = func(id int64, checked bool) *regexp.Regexp {
		c := ""
		if checked {
			c = " checked"
		}
		return regexp.MustCompile(fmt.Sprintf(`id="p-%d" name="programs" value="%d"%s>`, id, id, c))
	}
)

// linkOf returns the one-time link a page shows, or fails.
func linkOf(t *testing.T, body string) string {
	t.Helper()
	m := shownLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no one-time link on the page:\n%s", body)
	}
	return m[1]
}

// noRawKeys fails when a page shows a catalogue key instead of its text.
func noRawKeys(t *testing.T, what, body string) {
	t.Helper()
	if m := rawKey.FindString(body); m != "" {
		t.Errorf("%s shows a raw catalogue key: %s", what, m)
	}
}

func inviteForm(email, name string, role auth.Role, programs ...int64) url.Values {
	v := url.Values{"email": {email}, "name": {name}, "role": {string(role)}}
	for _, p := range programs {
		v.Add("programs", itoa(p))
	}
	return v
}

// editForm is the edit form of a user as the page shows it, with changes.
func (a *app) editForm(id int64, name string, role auth.Role, programs ...int64) url.Values {
	a.t.Helper()
	res, body := a.do("GET", "/admin/users/"+itoa(id), nil)
	m := versionOf.FindStringSubmatch(body)
	if res.StatusCode != 200 || m == nil {
		a.t.Fatalf("user page: %d, version %v", res.StatusCode, m)
	}
	v := url.Values{"name": {name}, "role": {string(role)}, "version": {m[1]}}
	for _, p := range programs {
		v.Add("programs", itoa(p))
	}
	return v
}

func TestInviteThroughThePages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	alpha, beta := a.program("Alpha"), a.program("Beta")

	res, body := a.do("GET", "/admin/users/new", nil)
	if res.StatusCode != 200 || !programsBox(alpha.ID, false).MatchString(body) || !programsBox(beta.ID, false).MatchString(body) {
		t.Fatalf("invitation form: %d\n%s", res.StatusCode, body)
	}
	noRawKeys(t, "the invitation form", body)

	res, body = a.postForm("/admin/users", inviteForm("New.Coordinator@example.org", "Nadzeya K.", auth.Coordinator, beta.ID))
	if res.StatusCode != 200 || res.Header.Get("Location") != "" {
		t.Fatalf("invite: %d %q, want the link page itself, not a redirect", res.StatusCode, res.Header.Get("Location"))
	}
	link := linkOf(t, body)
	for _, want := range []string{"Invitation link", "The invitation for New.Coordinator@example.org is created.", "shown only this once", "within 72 hours", "safe channel"} {
		if !strings.Contains(body, want) {
			t.Errorf("link page lacks %q", want)
		}
	}
	noRawKeys(t, "the link page", body)
	if !strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
		t.Errorf("the link page may be cached: %q", res.Header.Get("Cache-Control"))
	}
	token := strings.TrimPrefix(link, "/link/")
	if strings.Contains(a.logs.String(), token) {
		t.Errorf("the invitation token reached the log")
	}

	// The invited person opens the link (not signed in) and chooses a password.
	admin := a.session
	a.session = ""
	if res, body := a.do("GET", link, nil); res.StatusCode != 200 || !strings.Contains(body, "You were invited") {
		t.Fatalf("the invitation link: %d\n%s", res.StatusCode, body)
	}
	res, _ = a.postForm(link, url.Values{"password": {testPassword}, "password_again": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accepting the invitation: %d", res.StatusCode)
	}
	a.session = admin

	u, _, err := a.store.UserForLogin(context.Background(), "new.coordinator@example.org")
	if err != nil || u.Role != auth.Coordinator || u.Name != "Nadzeya K." || len(u.Programs) != 1 || u.Programs[0] != beta.ID || u.Status != auth.StatusActive {
		t.Fatalf("invited user %+v %v", u, err)
	}
	_, body = a.do("GET", "/admin/users", nil)
	row := regexp.MustCompile(`(?s)<tr>\s*<td data-label="Email address"><a href="/admin/users/` + itoa(u.ID) + `">New.Coordinator@example.org</a></td>.*?</tr>`).FindString(body)
	if row == "" || !strings.Contains(row, "Nadzeya K.") || !strings.Contains(row, "Coordinator") || !strings.Contains(row, "Active") || !strings.Contains(row, "Beta") || strings.Contains(row, "Alpha") {
		t.Errorf("the list's row of the invited user: %q", row)
	}
	noRawKeys(t, "the user list", body)

	// The audit log has the invitation, without the person's address or name.
	entries, _, _ := a.store.ListAudit(context.Background(), store.AuditFilter{ObjectType: "user", ObjectID: itoa(u.ID)}, store.Page{})
	actions := []string{}
	for _, e := range entries {
		actions = append(actions, e.Action)
		if strings.Contains(strings.ToLower(fmt.Sprint(e)), "coordinator@") || strings.Contains(fmt.Sprint(e), "Nadzeya") {
			t.Errorf("audit entry holds a personal value: %+v", e)
		}
	}
	if got := strings.Join(actions, " "); !strings.Contains(got, "user.create") || !strings.Contains(got, "link.create_invite") {
		t.Errorf("audit of the invitation: %s", got)
	}
}

func TestInviteWithBadInputKeepsWhatWasTypedAndSavesNothing(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.program("Alpha")
	ctx := context.Background()
	before, _ := a.store.CountUsers(ctx)
	head, _ := a.store.AuditHead(ctx)
	cases := []struct {
		name  string
		form  url.Values
		want  []string
		ticks bool // the program stays ticked
	}{
		{"bad email and no role", inviteForm("not an address", "Typed Name", "", p.ID),
			[]string{`id="e-email"`, "Enter an email address such as name@example.org.", `id="e-role"`, "Choose a role.", `value="not an address"`, `value="Typed Name"`}, true},
		{"administrator with programs", inviteForm("admin2@example.org", "", auth.Admin, p.ID),
			[]string{`id="e-programs"`, "Administrators are not assigned to programs.", `value="admin2@example.org"`, `<option value="admin" selected>`}, true},
		{"a program that is no number", url.Values{"email": {"x@example.org"}, "role": {"mentor"}, "programs": {"abc", itoa(p.ID)}},
			[]string{`id="e-programs"`, "One of the programs does not exist.", `value="x@example.org"`}, true},
		{"a program that does not exist", inviteForm("y@example.org", "Y", auth.Mentor, p.ID, 9999),
			[]string{`id="e-programs"`, "One of the programs does not exist.", `value="y@example.org"`, `<option value="mentor" selected>`}, true},
		{"an unknown role", inviteForm("z@example.org", "Z", "king"),
			[]string{`id="e-role"`, "Choose a role."}, false},
		{"a name too long", inviteForm("w@example.org", strings.Repeat("n", 121), auth.Mentor),
			[]string{`id="e-name"`, "This is too long."}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, body := a.postForm("/admin/users", c.form)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Some fields need attention") {
				t.Fatalf("status %d, want 422 with the form\n%s", res.StatusCode, body)
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("the form lacks %q", w)
				}
			}
			if programsBox(p.ID, true).MatchString(body) != c.ticks {
				t.Errorf("program tick kept: %v, want %v", !c.ticks, c.ticks)
			}
			if shownLink.MatchString(body) {
				t.Errorf("a refused invitation shows a link")
			}
			noRawKeys(t, "the refused form", body)
		})
	}
	if n, _ := a.store.CountUsers(ctx); n != before {
		t.Errorf("%d users saved from refused forms", n-before)
	}
	if h, _ := a.store.AuditHead(ctx); h != head {
		t.Errorf("refused invitations wrote audit entries (%d → %d)", head.Seq, h.Seq)
	}
}

func TestInviteTakenEmailIsShownOnTheField(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.signedIn("taken@example.org", auth.Mentor)
	before, _ := a.store.CountUsers(context.Background())
	res, body := a.postForm("/admin/users", inviteForm("TAKEN@example.org", "Someone", auth.Mentor))
	if res.StatusCode != 422 || !strings.Contains(body, `id="e-email"`) || !strings.Contains(body, "A user with this email address already exists.") ||
		!strings.Contains(body, `value="TAKEN@example.org"`) || !strings.Contains(body, `value="Someone"`) {
		t.Fatalf("taken email: %d\n%s", res.StatusCode, body)
	}
	if n, _ := a.store.CountUsers(context.Background()); n != before {
		t.Errorf("a user was saved")
	}
}

func TestUserListSearchesFiltersAndPages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	for i := range 55 {
		role := auth.Mentor
		if i%5 == 0 {
			role = auth.Coordinator
		}
		if _, err := a.store.CreateUser(ctx, auth.User{Email: fmt.Sprintf("person%02d@example.org", i), Name: fmt.Sprintf("Person %02d", i), Role: role}); err != nil {
			t.Fatal(err)
		}
	}
	a.signedIn("zz-viewer@example.org", auth.Viewer) // active; the others are invited
	_, body := a.do("GET", "/admin/users", nil)
	if !strings.Contains(body, "person00@example.org") || !strings.Contains(body, "person48@example.org") || strings.Contains(body, "person49@example.org") {
		t.Fatalf("first page: the admin and 49 people expected")
	}
	next := regexp.MustCompile(`href="(/admin/users\?cursor=[^"]+)" rel="next"`).FindStringSubmatch(body)
	if next == nil {
		t.Fatal("no next page link")
	}
	_, body = a.do("GET", strings.ReplaceAll(next[1], "&amp;", "&"), nil)
	if !strings.Contains(body, "person49@example.org") || !strings.Contains(body, "zz-viewer@example.org") || strings.Contains(body, "person48@example.org") ||
		strings.Contains(body, `rel="next"`) || !strings.Contains(body, `href="/admin/users">First page`) {
		t.Fatalf("second page wrong:\n%s", body)
	}

	count := func(body string) int { return strings.Count(body, `<td data-label="Email address">`) }
	for _, c := range []struct {
		query string
		n     int
		keep  []string
	}{
		{"q=PERSON+0", 10, []string{`id="q" name="q" type="search" value="PERSON 0"`}},
		{"q=person+05", 1, nil},
		{"role=coordinator", 11, []string{`<option value="coordinator" selected>`}},
		{"role=coordinator&q=person+1", 2, []string{`<option value="coordinator" selected>`, `value="person 1"`}},
		{"status=active", 2, []string{`<option value="active" selected>`}},
		{"status=invited&role=viewer", 0, []string{"No user matches your search."}},
		{"role=king&status=gone", 50, nil}, // unknown values filter nothing
		{"q=nobody", 0, []string{"No user matches your search.", `href="/admin/users">Clear`}},
	} {
		res, body := a.do("GET", "/admin/users?"+c.query, nil)
		if res.StatusCode != 200 || count(body) != c.n {
			t.Errorf("%s: %d, %d rows, want %d", c.query, res.StatusCode, count(body), c.n)
		}
		for _, k := range c.keep {
			if !strings.Contains(body, k) {
				t.Errorf("%s: the page lacks %q", c.query, k)
			}
		}
	}
	// The next page keeps the filters.
	_, body = a.do("GET", "/admin/users?role=mentor", nil)
	next = regexp.MustCompile(`href="(/admin/users\?[^"]+)" rel="next"`).FindStringSubmatch(body)
	if count(body) != 44 || next != nil {
		t.Errorf("44 mentors fit on one page: %d rows, next %v", count(body), next)
	}
	_, body = a.do("GET", "/admin/users?q=example", nil)
	next = regexp.MustCompile(`href="(/admin/users\?[^"]+)" rel="next"`).FindStringSubmatch(body)
	if next == nil || !strings.Contains(next[1], "q=example") {
		t.Fatalf("the next page of a search: %v", next)
	}
	_, body = a.do("GET", strings.ReplaceAll(next[1], "&amp;", "&"), nil)
	if count(body) != 7 || !strings.Contains(body, `value="example"`) {
		t.Errorf("second page of a search: %d rows", count(body))
	}
	if res, body := a.do("GET", "/admin/users?cursor=garbage", nil); res.StatusCode != 200 || !strings.Contains(body, "person00@example.org") {
		t.Errorf("a broken cursor should fall back to the first page: %d", res.StatusCode)
	}
}

func TestEditUserTakesEffectOnTheirNextRequest(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	progA, progB := a.program("Program A"), a.program("Program B")
	coord, coordSession := a.signedIn("coord@example.org", auth.Coordinator, progA.ID)
	admin := a.session
	as := func(session string, method, path string) int {
		a.session = session
		defer func() { a.session = admin }()
		res, _ := a.do(method, path, nil)
		return res.StatusCode
	}
	if got := as(coordSession, "GET", "/programs/"+itoa(progA.ID)); got != 200 {
		t.Fatalf("before: the coordinator sees program A: %d", got)
	}

	res, body := a.postForm("/admin/users/"+itoa(coord.ID), a.editForm(coord.ID, "Coordinator Moved", auth.Coordinator, progB.ID))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/users/"+itoa(coord.ID)+"?done=saved" {
		t.Fatalf("save: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
	}
	_, body = a.do("GET", res.Header.Get("Location"), nil)
	if !strings.Contains(body, "Saved.") || !strings.Contains(body, "Coordinator Moved") || !strings.Contains(body, "<li>Program B</li>") || strings.Contains(body, "<li>Program A</li>") {
		t.Errorf("the user page after saving:\n%s", body)
	}
	noRawKeys(t, "the user page", body)
	if got := as(coordSession, "GET", "/programs/"+itoa(progA.ID)); got != 404 {
		t.Errorf("after the move the coordinator still sees program A: %d, want 404", got)
	}
	if got := as(coordSession, "GET", "/programs/"+itoa(progB.ID)); got != 200 {
		t.Errorf("after the move the coordinator does not see program B: %d", got)
	}

	// A change of role ends their sessions: the next request goes to sign in.
	res, _ = a.postForm("/admin/users/"+itoa(coord.ID), a.editForm(coord.ID, "Coordinator Moved", auth.Mentor, progB.ID))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change of role: %d", res.StatusCode)
	}
	a.session = coordSession
	res, _ = a.do("GET", "/programs/"+itoa(progB.ID), nil)
	a.session = admin
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("after a change of role: %d %q, want a redirect to sign in", res.StatusCode, res.Header.Get("Location"))
	}
	u, _ := a.store.GetUser(context.Background(), coord.ID)
	if u.Role != auth.Mentor {
		t.Errorf("role %s", u.Role)
	}
}

func TestEditUserRefusals(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.program("Alpha")
	m, _ := a.signedIn("mentor@example.org", auth.Mentor, p.ID)
	path := "/admin/users/" + itoa(m.ID)
	stale := a.editForm(m.ID, "First edit", auth.Mentor, p.ID)
	if res, _ := a.postForm(path, stale); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first edit: %d", res.StatusCode)
	}
	// Someone who started from the same version is told, keeps their text and gets the newer version.
	stale.Set("name", "Stale edit")
	res, body := a.postForm(path, stale)
	fresh := versionOf.FindStringSubmatch(body)
	if res.StatusCode != 422 || !strings.Contains(body, "Someone else changed this user") || !strings.Contains(body, `value="Stale edit"`) ||
		fresh == nil || fresh[1] == stale.Get("version") {
		t.Fatalf("stale edit: %d %v\n%s", res.StatusCode, fresh, body)
	}
	if u, _ := a.store.GetUser(context.Background(), m.ID); u.Name != "First edit" {
		t.Errorf("the stale edit was saved: %q", u.Name)
	}
	stale.Set("version", fresh[1])
	if res, _ := a.postForm(path, stale); res.StatusCode != http.StatusSeeOther {
		t.Errorf("saving again with the newer version: %d", res.StatusCode)
	}

	head, _ := a.store.AuditHead(context.Background())
	for _, c := range []struct {
		name string
		form url.Values
		want []string
	}{
		{"no version", url.Values{"name": {"X"}, "role": {"mentor"}}, []string{"Send the version you last read"}},
		{"admin with programs", a.editForm(m.ID, "Typed", auth.Admin, p.ID), []string{`id="e-programs"`, `value="Typed"`}},
		{"unknown role", a.editForm(m.ID, "Typed", "king"), []string{`id="e-role"`, "Choose a role."}},
		{"unknown program", a.editForm(m.ID, "Typed", auth.Mentor, 9999), []string{`id="e-programs"`, "One of the programs does not exist."}},
	} {
		res, body := a.postForm(path, c.form)
		if res.StatusCode != 422 {
			t.Errorf("%s: %d, want 422", c.name, res.StatusCode)
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the page lacks %q", c.name, w)
			}
		}
		noRawKeys(t, c.name, body)
	}
	if h, _ := a.store.AuditHead(context.Background()); h != head {
		t.Errorf("refused edits wrote audit entries")
	}
	for _, p := range []string{"/admin/users/9999", "/admin/users/abc", "/admin/users/0", "/admin/users/-1"} {
		if res, _ := a.do("GET", p, nil); res.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", p, res.StatusCode)
		}
		if res, _ := a.postForm(p, url.Values{"name": {"x"}, "role": {"mentor"}, "version": {"1"}}); res.StatusCode != 404 {
			t.Errorf("POST %s: %d, want 404", p, res.StatusCode)
		}
	}
}

func TestAdminCannotDemoteOrDisableThemselves(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	self := "/admin/users/" + itoa(a.user.ID)
	_, body := a.do("GET", self, nil)
	if !strings.Contains(body, "This is your own account") || strings.Contains(body, `name="status" value="disabled"`) {
		t.Errorf("own page offers disabling, or does not explain why not")
	}
	res, body := a.postForm(self, a.editForm(a.user.ID, "Me", auth.Coordinator))
	if res.StatusCode != 422 || !strings.Contains(body, "You cannot take the administrator role from yourself.") || !strings.Contains(body, `value="Me"`) {
		t.Errorf("self-demotion: %d\n%s", res.StatusCode, body)
	}
	res, body = a.postForm(self+"/status", url.Values{"status": {"disabled"}})
	if res.StatusCode != 422 || !strings.Contains(body, "You cannot disable your own account.") {
		t.Errorf("self-disable: %d\n%s", res.StatusCode, body)
	}
	u, _ := a.store.GetUser(context.Background(), a.user.ID)
	if u.Role != auth.Admin || u.Status != auth.StatusActive || u.Name == "Me" {
		t.Fatalf("the admin changed: %+v", u)
	}
	if res, _ := a.do("GET", "/admin/users", nil); res.StatusCode != 200 {
		t.Errorf("the admin lost access: %d", res.StatusCode)
	}
	// Renaming oneself is fine.
	if res, _ := a.postForm(self, a.editForm(a.user.ID, "Me", auth.Admin)); res.StatusCode != http.StatusSeeOther {
		t.Errorf("renaming oneself: %d", res.StatusCode)
	}
}

func TestDisableEndsSessionsAndEnableRestores(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	m, mSession := a.signedIn("mentor@example.org", auth.Mentor)
	admin := a.session
	path := "/admin/users/" + itoa(m.ID)
	_, body := a.do("GET", path, nil)
	if !strings.Contains(body, "1 active session") || !strings.Contains(body, `name="status" value="disabled"`) {
		t.Fatalf("user page before:\n%s", body)
	}
	res, _ := a.postForm(path+"/status", url.Values{"status": {"disabled"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?done=disabled" {
		t.Fatalf("disable: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	a.session = mSession
	res, _ = a.do("GET", "/", nil)
	a.session = admin
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("the disabled user's next request: %d %q, want a redirect to sign in", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = a.do("GET", path+"?done=disabled", nil)
	if !strings.Contains(body, "The account is disabled") || !strings.Contains(body, "0 active sessions") ||
		!strings.Contains(body, `name="status" value="active"`) || strings.Contains(body, `action="`+path+`/reset-link"`) {
		t.Errorf("user page after disabling:\n%s", body)
	}
	// No reset link for a disabled account.
	res, body = a.postForm(path+"/reset-link", nil)
	if res.StatusCode != 422 || !strings.Contains(body, "The account is disabled. Enable it before creating a link for it.") || shownLink.MatchString(body) {
		t.Errorf("reset link of a disabled account: %d", res.StatusCode)
	}
	res, _ = a.postForm(path+"/status", url.Values{"status": {"active"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?done=enabled" {
		t.Fatalf("enable: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if u, _ := a.store.GetUser(context.Background(), m.ID); u.Status != auth.StatusActive {
		t.Errorf("status after enabling: %s", u.Status)
	}
	// Anything but the two statuses is refused; an invited person cannot be enabled.
	if res, _ := a.postForm(path+"/status", url.Values{"status": {"invited"}}); res.StatusCode != 422 {
		t.Errorf("status invited: %d, want 422", res.StatusCode)
	}
	inv, _ := a.store.CreateUser(context.Background(), auth.User{Email: "inv@example.org", Role: auth.Mentor})
	res, body = a.postForm("/admin/users/"+itoa(inv.ID)+"/status", url.Values{"status": {"active"}})
	if res.StatusCode != 422 || !strings.Contains(body, "has not accepted their invitation yet") {
		t.Errorf("enabling an invited person: %d", res.StatusCode)
	}
	if u, _ := a.store.GetUser(context.Background(), inv.ID); u.Status != auth.StatusInvited {
		t.Errorf("invited person's status: %s", u.Status)
	}
}

func TestResetAndInvitationLinks(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	m, _ := a.signedIn("mentor@example.org", auth.Mentor)
	path := "/admin/users/" + itoa(m.ID) + "/reset-link"
	res, body := a.postForm(path, nil)
	if res.StatusCode != 200 || !strings.Contains(body, "A password-reset link for mentor@example.org is ready.") {
		t.Fatalf("reset link: %d\n%s", res.StatusCode, body)
	}
	first := linkOf(t, body)
	if strings.Contains(a.logs.String(), strings.TrimPrefix(first, "/link/")) {
		t.Errorf("the reset token reached the log")
	}
	if res, body := a.do("GET", first, nil); res.StatusCode != 200 || !strings.Contains(body, "Choose a new password") {
		t.Errorf("the reset link: %d", res.StatusCode)
	}
	// A newer link replaces the earlier one.
	_, body = a.postForm(path, nil)
	second := linkOf(t, body)
	if res, _ := a.do("GET", first, nil); res.StatusCode != 404 {
		t.Errorf("the replaced link still works: %d", res.StatusCode)
	}
	if res, _ := a.do("GET", second, nil); res.StatusCode != 200 {
		t.Errorf("the new link: %d", res.StatusCode)
	}
	// Creating a link changes nothing else: the password and sessions still work.
	if n, _ := a.store.CountActiveSessions(context.Background(), m.ID, time.Hour); n != 1 {
		t.Errorf("sessions after making links: %d", n)
	}

	// A person who has not accepted their invitation gets a new invitation link instead.
	_, body = a.postForm("/admin/users", inviteForm("late@example.org", "", auth.Mentor))
	invite := linkOf(t, body)
	late, _, _ := a.store.UserForLogin(context.Background(), "late@example.org")
	_, body = a.do("GET", "/admin/users/"+itoa(late.ID), nil)
	if !strings.Contains(body, "New invitation link") {
		t.Errorf("an invited person's page does not offer a new invitation link")
	}
	res, body = a.postForm("/admin/users/"+itoa(late.ID)+"/reset-link", nil)
	if res.StatusCode != 200 || !strings.Contains(body, "The invitation for late@example.org is created.") {
		t.Fatalf("new invitation link: %d", res.StatusCode)
	}
	renewed := linkOf(t, body)
	if res, _ := a.do("GET", invite, nil); res.StatusCode != 404 {
		t.Errorf("the earlier invitation still works: %d", res.StatusCode)
	}
	if res, body := a.do("GET", renewed, nil); res.StatusCode != 200 || !strings.Contains(body, "You were invited") {
		t.Errorf("the renewed invitation: %d", res.StatusCode)
	}
	if res, _ := a.postForm("/admin/users/9999/reset-link", nil); res.StatusCode != 404 {
		t.Errorf("reset link of nobody: %d", res.StatusCode)
	}
}

func TestEndAllSessionsOfAUser(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	m, s1 := a.signedIn("mentor@example.org", auth.Mentor)
	if _, err := a.store.CreateSession(context.Background(), m.ID, time.Hour, "192.0.2.7", "phone"); err != nil {
		t.Fatal(err)
	}
	path := "/admin/users/" + itoa(m.ID)
	if _, body := a.do("GET", path, nil); !strings.Contains(body, "2 active sessions") {
		t.Fatalf("user page lacks the session count")
	}
	res, _ := a.postForm(path+"/sessions/end", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?done=sessions_ended" {
		t.Fatalf("end sessions: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := a.do("GET", path+"?done=sessions_ended", nil); !strings.Contains(body, "All sessions of this person have ended.") || !strings.Contains(body, "0 active sessions") {
		t.Errorf("user page after ending sessions")
	}
	admin := a.session
	a.session = s1
	res, _ = a.do("GET", "/", nil)
	a.session = admin
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("an ended session still works: %d", res.StatusCode)
	}
	if u, _ := a.store.GetUser(context.Background(), m.ID); u.Status != auth.StatusActive {
		t.Errorf("ending sessions changed the status: %s", u.Status)
	}
	if res, _ := a.postForm("/admin/users/9999/sessions/end", nil); res.StatusCode != 404 {
		t.Errorf("ending the sessions of nobody: %d", res.StatusCode)
	}
}

// adminRoutes returns every administration route of the pages with the
// target's id in the path, and a form that would be accepted from an admin.
func adminRoutes(a *app, target auth.User) []struct {
	method, path string
	form         url.Values
} {
	var out []struct {
		method, path string
		form         url.Values
	}
	for _, rt := range a.srv.RouteTables()["web"] {
		if !strings.HasPrefix(rt.Path, "/admin/") && rt.Path != "/admin" {
			continue
		}
		path := strings.ReplaceAll(rt.Path, "{id}", itoa(target.ID))
		form := url.Values{}
		switch {
		case rt.Method == "POST" && rt.Path == "/admin/users":
			form = inviteForm("sneaky@example.org", "Sneaky", auth.Admin)
		case rt.Method == "POST" && rt.Path == "/admin/users/{id}":
			form = url.Values{"name": {"Renamed"}, "role": {"admin"}, "version": {fmt.Sprint(target.UpdatedAt.UnixMicro())}}
		case strings.HasSuffix(rt.Path, "/status"):
			form = url.Values{"status": {"disabled"}}
		}
		out = append(out, struct {
			method, path string
			form         url.Values
		}{rt.Method, path, form})
	}
	return out
}

func TestOnlyAdministratorsReachTheAdministration(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.program("Alpha")
	target, _ := a.signedIn("target@example.org", auth.Mentor, p.ID)
	routes := adminRoutes(a, target)
	if len(routes) < 9 {
		t.Fatalf("found only %d administration routes", len(routes))
	}
	_, body := a.do("GET", "/", nil)
	if !strings.Contains(body, `href="/admin/users"`) || !strings.Contains(body, `href="/admin/audit"`) {
		t.Errorf("the admin's menu lacks the administration")
	}
	ctx := context.Background()
	head, _ := a.store.AuditHead(ctx)
	users, _ := a.store.CountUsers(ctx)
	for _, role := range auth.Roles {
		if role == auth.Admin {
			continue
		}
		t.Run(string(role), func(t *testing.T) {
			_, a.session = a.signedIn(string(role)+"-x@example.org", role, p.ID)
			users++
			head, _ = a.store.AuditHead(ctx)
			_, body := a.do("GET", "/", nil)
			if strings.Contains(body, `href="/admin/`) {
				t.Errorf("the menu of a %s links to the administration", role)
			}
			for _, rt := range routes {
				var res *http.Response
				var body string
				if rt.method == "POST" {
					res, body = a.postForm(rt.path, rt.form)
				} else {
					res, body = a.do(rt.method, rt.path, nil)
				}
				if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Not allowed") {
					t.Errorf("%s %s: %d, want 403", rt.method, rt.path, res.StatusCode)
				}
				if shownLink.MatchString(body) || strings.Contains(body, "target@example.org") {
					t.Errorf("%s %s revealed a link or the user", rt.method, rt.path)
				}
			}
			// Even paths that name no user are refused, not "not found".
			for _, path := range []string{"/admin/users/9999", "/admin/users/abc"} {
				if res, _ := a.do("GET", path, nil); res.StatusCode != http.StatusForbidden {
					t.Errorf("GET %s: %d, want 403", path, res.StatusCode)
				}
			}
			if h, _ := a.store.AuditHead(ctx); h != head {
				t.Errorf("refused requests changed something (audit %d → %d)", head.Seq, h.Seq)
			}
		})
	}
	if n, _ := a.store.CountUsers(ctx); n != users {
		t.Errorf("refused invitations saved %d users", n-users)
	}
	u, _ := a.store.GetUser(ctx, target.ID)
	if u.Status != auth.StatusActive || u.Role != auth.Mentor || u.Name == "Renamed" {
		t.Errorf("the target changed: %+v", u)
	}
	if n, _ := a.store.CountActiveSessions(ctx, target.ID, time.Hour); n != 1 {
		t.Errorf("the target's session ended")
	}
}

func TestAdministrationRefusesCrossSitePosts(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	target, _ := a.signedIn("target@example.org", auth.Mentor)
	ctx := context.Background()
	head, _ := a.store.AuditHead(ctx)
	n := 0
	for _, rt := range adminRoutes(a, target) {
		if rt.method != "POST" {
			continue
		}
		n++
		res, body := a.postForm(rt.path, rt.form, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Not allowed") || shownLink.MatchString(body) {
			t.Errorf("cross-site POST %s: %d, want 403", rt.path, res.StatusCode)
		}
	}
	if n < 5 {
		t.Fatalf("only %d administration forms found", n)
	}
	if h, _ := a.store.AuditHead(ctx); h != head {
		t.Errorf("cross-site posts changed something (audit %d → %d)", head.Seq, h.Seq)
	}
	if u, _ := a.store.GetUser(ctx, target.ID); u.Status != auth.StatusActive || u.Role != auth.Mentor {
		t.Errorf("the target changed: %+v", u)
	}
	// The same form from the site itself goes through.
	res, _ := a.postForm("/admin/users/"+itoa(target.ID)+"/status", url.Values{"status": {"disabled"}}, "Sec-Fetch-Site", "same-origin")
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("same-origin post: %d, want 303", res.StatusCode)
	}
}
