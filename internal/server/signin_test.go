package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/identity"
	"homeward/internal/policy"
	"homeward/internal/route"
	"homeward/internal/store"
)

// concrete turns a route pattern's path into a path a request can use.
func concrete(path string) string {
	path = strings.ReplaceAll(path, "{$}", "")
	return regexp.MustCompile(`\{[a-z]+\}`).ReplaceAllString(path, "1")
}

// Every route but the public ones refuses an anonymous request: the API with
// 401, a page by sending the person to sign in.
func TestAnonymousIsRefusedEverywhereButPublicRoutes(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.program("Exists")
	a.session = ""
	for name, table := range a.srv.RouteTables() {
		for _, rt := range table {
			method := rt.Method
			if method == "" {
				method = "GET"
			}
			path := concrete(rt.Path)
			if rt.Method == "" {
				path += "no-such-page"
			}
			res, body := a.do(method, path, strings.NewReader(""))
			loc := res.Header.Get("Location")
			toLogin := res.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/login")
			// POST /login answers 401 to a wrong password; that is its job, not a refusal.
			refused := toLogin || (name == "api" && res.StatusCode == http.StatusUnauthorized)
			switch {
			case rt.Access == route.Public && refused:
				t.Errorf("%s %s is public but refused an anonymous request: %d", name, rt.Pattern(), res.StatusCode)
			case rt.Access != route.Public && name == "api" && (res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"code":"unauthorized"`)):
				t.Errorf("%s %s answered an anonymous request with %d, want 401", name, rt.Pattern(), res.StatusCode)
			case rt.Access != route.Public && name != "api" && !toLogin:
				t.Errorf("%s %s answered an anonymous request with %d %q, want a redirect to sign in", name, rt.Pattern(), res.StatusCode, loc)
			}
		}
	}
}

// A route table entry without an access declaration stops the server from starting.
func TestRouteWithoutAccessIsRefused(t *testing.T) {
	t.Parallel()
	err := route.Mount(http.NewServeMux(), []route.Route{{Method: "GET", Path: "/x", Handler: http.NotFoundHandler()}},
		func(_ route.Route, h http.Handler) http.Handler { return h })
	if err == nil || !strings.Contains(err.Error(), "declares no access") {
		t.Fatalf("mount: %v", err)
	}
	// A signed-in route must also name its permission.
	for _, action := range []policy.Action{"", "program.delete-everything"} {
		err = route.Mount(http.NewServeMux(), []route.Route{{Method: "GET", Path: "/x", Access: route.SignedIn, Action: action, Handler: http.NotFoundHandler()}},
			func(_ route.Route, h http.Handler) http.Handler { return h })
		if err == nil || !strings.Contains(err.Error(), "declares no permission") {
			t.Errorf("mount with action %q: %v", action, err)
		}
	}
}

// No GET or HEAD changes state: every change is audited, so walking every
// GET route signed in must leave the audit head where it was.
func TestNoGetChangesState(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.program("Exists")
	ctx := context.Background()
	before, _ := a.store.AuditHead(ctx)
	for _, table := range a.srv.RouteTables() {
		for _, rt := range table {
			if rt.Method == "GET" || rt.Method == "" {
				for _, m := range []string{"GET", "HEAD"} {
					a.do(m, concrete(rt.Path), nil)
				}
			}
		}
	}
	// A GET may record in the audit log that it exported something (every
	// export is audited), and write nothing else.
	after, _ := a.store.AuditHead(ctx)
	if after.Seq == before.Seq {
		return
	}
	entries, _, err := a.store.ListAudit(ctx, store.AuditFilter{}, store.Page{Limit: int(after.Seq - before.Seq)})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Action, ".export") {
			t.Errorf("a GET request wrote %q to the audit log", e.Action)
		}
	}
}

func TestSignInAndOut(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	secret := a.withTOTP(a.user)
	a.session = ""
	res, body := a.postForm("/login", url.Values{"email": {a.user.Email}, "password": {"wrong password here"}, "next": {"/programs"}})
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "The email address or the password is not right.") || !strings.Contains(body, `value="`+a.user.Email+`"`) {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
	_, unknown := a.postForm("/login", url.Values{"email": {"nobody@example.org"}, "password": {"wrong password here"}})
	if !strings.Contains(unknown, "The email address or the password is not right.") {
		t.Error("an unknown account is answered differently from a wrong password")
	}
	res, body = a.postForm("/login", url.Values{"email": {strings.ToUpper(a.user.Email)}, "password": {testPassword}, "next": {"/programs"}})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Confirm it is you") || !strings.Contains(body, `name="next" value="/programs"`) {
		t.Fatalf("password step: %d, want the second-factor page", res.StatusCode)
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == identity.CookieName(false) {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || !strings.HasPrefix(cookie.Value, "hws_") {
		t.Fatalf("session cookie %+v", cookie)
	}
	a.session = cookie.Value
	// Half signed in: nothing but the second-factor step.
	if res, _ := a.do("GET", "/programs", nil); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login/factor") {
		t.Fatalf("a page before the second factor: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := a.do("GET", "/api/v1/programs", nil); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the API before the second factor: %d, want 401", res.StatusCode)
	}
	res, body = a.postForm("/login/factor", url.Values{"code": {"000000"}, "next": {"/programs"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "This code is not right.") {
		t.Fatalf("a wrong code: %d", res.StatusCode)
	}
	a.tick()
	preFactor := a.session
	res, _ = a.postForm("/login/factor", url.Values{"code": {a.code(secret)}, "next": {"/programs"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/programs" {
		t.Fatalf("second factor: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	// The second factor gives the session a new token; the one the
	// password gave (seen by whoever watched that step) is dead.
	if now := sessionCookie(res); now == "" || now == preFactor || a.session != now {
		t.Fatalf("the second factor kept the session token (set %q)", now)
	}
	if _, _, err := a.ids.Resume(context.Background(), preFactor); err == nil {
		t.Errorf("the token from before the second factor still resumes a session")
	}
	withOld := *a
	withOld.session = preFactor
	if res, _ := withOld.do("GET", "/programs", nil); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("a page with the token from before the second factor: %d → %q, want sign-in", res.StatusCode, res.Header.Get("Location"))
	}
	res, body = a.do("GET", "/programs", nil)
	if res.StatusCode != 200 || !strings.Contains(body, a.user.Email) || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("signed-in page: %d", res.StatusCode)
	}
	// An open redirect through next= is not possible; signing in again ends
	// the session the browser came with.
	old := a.session
	res, body = a.postForm("/login", url.Values{"email": {a.user.Email}, "password": {testPassword}, "next": {"//evil.example/"}})
	if !strings.Contains(body, `name="next" value="/"`) {
		t.Errorf("next=//evil.example/ was kept: %d", res.StatusCode)
	}
	a.session = sessionCookie(res)
	if a.session == old {
		t.Fatal("signing in again kept the old session token")
	}
	if _, _, err := a.ids.Resume(context.Background(), old); err == nil {
		t.Error("the replaced session still works")
	}
	a.tick()
	if res, _ := a.postForm("/login/factor", url.Values{"code": {a.code(secret)}, "next": {"//evil.example/"}}); res.Header.Get("Location") != "/" {
		t.Errorf("next=//evil.example/ redirected to %q", res.Header.Get("Location"))
	}
	res, _ = a.postForm("/logout", nil)
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Clear-Site-Data"), "cookies") {
		t.Fatalf("logout: %d %q", res.StatusCode, res.Header.Get("Clear-Site-Data"))
	}
	if res, _ := a.do("GET", "/programs", nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the session still works after logout: %d", res.StatusCode)
	}
}

func TestLockoutAfterRepeatedFailures(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.session = ""
	for i := range 5 {
		res, _ := a.postForm("/login", url.Values{"email": {a.user.Email}, "password": {"wrong password " + string(rune('a'+i))}})
		if i < 4 && res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, res.StatusCode)
		}
	}
	res, body := a.postForm("/login", url.Values{"email": {a.user.Email}, "password": {testPassword}})
	if res.StatusCode != http.StatusTooManyRequests || !regexp.MustCompile(`paused until \d\d:\d\d UTC`).MatchString(body) {
		t.Fatalf("after 5 failures the right password got %d, want 429 with the time to retry", res.StatusCode)
	}
	// The lock is per account: someone else still signs in.
	other, _ := a.signedIn("other@example.org", auth.Mentor)
	if res, _ := a.postForm("/login", url.Values{"email": {other.Email}, "password": {testPassword}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login/enrol?next=%2F" {
		t.Errorf("another account is locked too: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestFirstAdminSetupLink(t *testing.T) {
	t.Parallel()
	a := newBareApp(t, store.Options{DataDir: t.TempDir()})
	ctx := context.Background()
	token, err := a.ids.SetupLink(ctx)
	if err != nil || token == "" {
		t.Fatalf("setup link: %q %v", token, err)
	}
	res, body := a.do("GET", "/link/"+token, nil)
	if res.StatusCode != 200 || !strings.Contains(body, "Set up Homeward") {
		t.Fatalf("setup page: %d", res.StatusCode)
	}
	res, body = a.postForm("/link/"+token, url.Values{"email": {"admin@example.org"}, "name": {"Ada"}, "password": {"short"}, "password_again": {"short"}})
	if res.StatusCode != 422 || !strings.Contains(body, "Use 12 to 128 characters.") || !strings.Contains(body, `value="admin@example.org"`) {
		t.Fatalf("short password: %d", res.StatusCode)
	}
	res, _ = a.postForm("/link/"+token, url.Values{"email": {"admin@example.org"}, "name": {"Ada"}, "password": {testPassword}, "password_again": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup: %d", res.StatusCode)
	}
	u, _, err := a.store.UserForLogin(ctx, "admin@example.org")
	if err != nil || u.Role != auth.Admin || u.Status != auth.StatusActive {
		t.Fatalf("first admin: %+v %v", u, err)
	}
	if res, body := a.do("GET", "/link/"+token, nil); res.StatusCode != 404 || !strings.Contains(body, "This link no longer works") {
		t.Errorf("a used setup link: %d", res.StatusCode)
	}
	if again, _ := a.ids.SetupLink(ctx); again != "" {
		t.Errorf("a setup link was made although an admin exists")
	}
}

func TestInvitationAndDisabling(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	u, token, err := a.ids.Invite(ctx, auth.User{Email: "mentor@example.org", Role: auth.Mentor})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.ids.SignIn(ctx, u.Email, testPassword, "192.0.2.9", "t"); err == nil {
		t.Fatal("an invited user signed in before choosing a password")
	}
	a.session = ""
	res, _ := a.postForm("/link/"+token, url.Values{"password": {testPassword}, "password_again": {testPassword}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login/enrol" {
		t.Fatalf("accept invitation: %d → %q, want the second-factor set-up", res.StatusCode, res.Header.Get("Location"))
	}
	a.session = sessionCookie(res)
	if res, _ := a.do("GET", "/", nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login/enrol?next=%2F" {
		t.Fatalf("home before a second factor: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, body := a.do("GET", "/login/enrol", nil); res.StatusCode != 200 || !strings.Contains(body, "Set up a second factor") {
		t.Fatalf("set-up page: %d", res.StatusCode)
	}
	_, codes := a.enrolTOTPThroughPages("/")
	if n := strings.Count(codes, "<li><code>"); n != 10 {
		t.Errorf("recovery codes shown after set-up: %d, want 10", n)
	}
	if res, _ := a.do("GET", "/", nil); res.StatusCode != 200 {
		t.Fatalf("home after the set-up: %d", res.StatusCode)
	}
	if err := a.store.SetUserStatus(ctx, u.ID, auth.StatusDisabled); err != nil {
		t.Fatal(err)
	}
	if res, _ := a.do("GET", "/", nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a disabled user's session still works: %d", res.StatusCode)
	}
}

func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	now := time.Now()
	a.store.SetClock(func() time.Time { return now })
	ctx := context.Background()
	// A mentee needs no second factor (unless the program says so).
	mentee, _ := a.signedIn("mentee-t@example.org", auth.Mentee)
	token, _, err := a.ids.SignIn(ctx, mentee.Email, testPassword, "192.0.2.7", "t")
	if err != nil {
		t.Fatal(err)
	}
	a.session = token
	now = now.Add(29 * time.Minute)
	if res, _ := a.do("GET", "/account", nil); res.StatusCode != 200 {
		t.Fatalf("within the idle timeout: %d", res.StatusCode)
	}
	now = now.Add(29 * time.Minute) // used 29 minutes ago: still alive
	if res, _ := a.do("GET", "/account", nil); res.StatusCode != 200 {
		t.Fatalf("activity must extend the session: %d", res.StatusCode)
	}
	now = now.Add(31 * time.Minute)
	if res, _ := a.do("GET", "/account", nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after 31 idle minutes: %d, want sign in", res.StatusCode)
	}
	token, _, _ = a.ids.SignIn(ctx, mentee.Email, testPassword, "192.0.2.7", "t")
	a.session = token
	for range 25 { // active every 29 minutes for 12 hours and more
		now = now.Add(29 * time.Minute)
		a.do("GET", "/account", nil)
	}
	if res, _ := a.do("GET", "/account", nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after the absolute lifetime: %d, want sign in", res.StatusCode)
	}
}
