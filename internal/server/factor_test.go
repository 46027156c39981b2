package server_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
	"github.com/pquerna/otp/totp"

	"homeward/internal/auth"
	"homeward/internal/identity"
	"homeward/internal/program"
	"homeward/internal/store"
)

// freezeClock stops the store's clock in the middle of a TOTP step, so that
// a code from "the step before" or "the step after" cannot slide out of the
// window while a test runs; tick still moves it on.
func (a *app) freezeClock() {
	base := time.Unix(time.Now().Unix()/30*30+15, 0)
	a.store.SetClock(func() time.Time { return base.Add(a.clock.Skew()) })
}

// codeAt is the authenticator app's code at the store's time moved by d.
func (a *app) codeAt(secret string, d time.Duration) string {
	a.t.Helper()
	c, err := totp.GenerateCode(secret, a.store.Now().Add(d))
	if err != nil {
		a.t.Fatal(err)
	}
	return c
}

// wrongCode is six digits that no step of the window accepts.
func (a *app) wrongCode(secret string) string {
	a.t.Helper()
	near := map[string]bool{}
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		near[a.codeAt(secret, d)] = true
	}
	for _, c := range []string{"000000", "111111", "222222"} {
		if !near[c] {
			return c
		}
	}
	a.t.Fatal("no wrong code found")
	return ""
}

// passwordStep signs in with the password, anonymously, expects the
// second-factor page, and makes the new (half signed-in) session the one
// requests carry. It returns the page.
func (a *app) passwordStep(email string, extra url.Values) string {
	a.t.Helper()
	a.session = ""
	v := url.Values{"email": {email}, "password": {testPassword}, "next": {"/programs"}}
	for k, x := range extra {
		v[k] = x
	}
	res, body := a.postForm("/login", v)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Confirm it is you") || !strings.Contains(body, `action="/login/factor"`) {
		a.t.Fatalf("password step: %d, want the second-factor page\n%s", res.StatusCode, body)
	}
	a.session = sessionCookie(res)
	if a.session == "" {
		a.t.Fatal("the password step set no session cookie")
	}
	return body
}

// auditCount counts the audit entries of an action about a user.
func (a *app) auditCount(action string, userID int64) int {
	a.t.Helper()
	entries, _, err := a.store.ListAudit(context.Background(), store.AuditFilter{ObjectType: "user", ObjectID: itoa(userID)}, store.Page{Limit: store.MaxLimit})
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

// stillAtFactorStep checks that the session requests carry is held at the
// second-factor step: a page sends it there, the API refuses it.
func (a *app) stillAtFactorStep(t *testing.T) {
	t.Helper()
	if res, _ := a.do("GET", "/programs", nil); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login/factor") {
		t.Errorf("the session got past the second factor: GET /programs %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := a.do("GET", "/api/v1/programs", nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the session got past the second factor: API %d", res.StatusCode)
	}
}

var (
	recoveryCodeOnPage = regexp.MustCompile(`<li><code>([^<]*)</code></li>`)
	recoveryCodeShape  = regexp.MustCompile(`^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$`)
	pausedUntil        = regexp.MustCompile(`paused until (\d\d:\d\d) UTC`)
)

// recoveryCodesOn returns the recovery codes a page shows.
func recoveryCodesOn(body string) []string {
	var out []string
	for _, m := range recoveryCodeOnPage.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// Every staff role must set up a second factor before anything else: the
// password alone gives a session that only reaches the set-up page.
func TestStaffWithoutFactorMustEnrol(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, role := range []auth.Role{auth.Admin, auth.Coordinator, auth.Mentor, auth.Psychologist, auth.Partner, auth.Viewer} {
		t.Run(string(role), func(t *testing.T) {
			u, _ := a.signedIn(string(role)+"-enrol@example.org", role)
			a.session = ""
			res, _ := a.postForm("/login", url.Values{"email": {u.Email}, "password": {testPassword}, "next": {"/programs?q=x"}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login/enrol?next=%2Fprograms%3Fq%3Dx" {
				t.Fatalf("password step: %d → %q, want the set-up page", res.StatusCode, res.Header.Get("Location"))
			}
			a.session = sessionCookie(res)
			if a.session == "" {
				t.Fatal("no session cookie")
			}
			for _, path := range []string{"/programs", "/account", "/", "/admin/users"} {
				if res, _ := a.do("GET", path, nil); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login/enrol?next=") {
					t.Errorf("GET %s before a second factor: %d → %q, want /login/enrol", path, res.StatusCode, res.Header.Get("Location"))
				}
			}
			if res, body := a.do("GET", "/api/v1/programs", nil); res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"code":"unauthorized"`) {
				t.Errorf("API before a second factor: %d %s", res.StatusCode, body)
			}
			// Nothing but the set-up: no program is made, no code is proven.
			if res, _ := a.postForm("/programs", programForm("By "+string(role))); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login/enrol") {
				t.Errorf("POST /programs before a second factor: %d → %q", res.StatusCode, res.Header.Get("Location"))
			}
			if res, _ := a.postForm("/login/factor", url.Values{"code": {"123456"}}); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login/enrol") {
				t.Errorf("POST /login/factor at the set-up stage: %d → %q", res.StatusCode, res.Header.Get("Location"))
			}
			if res, _ := a.do("GET", "/login/factor", nil); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login/enrol") {
				t.Errorf("GET /login/factor at the set-up stage: %d → %q", res.StatusCode, res.Header.Get("Location"))
			}
			res, body := a.do("GET", "/login/enrol?next=%2Fprograms", nil)
			if res.StatusCode != http.StatusOK || !strings.Contains(body, "Set up a second factor") ||
				!strings.Contains(body, `action="/account/totp/begin"`) || !strings.Contains(body, `name="next" value="/programs"`) {
				t.Errorf("set-up page: %d", res.StatusCode)
			}
			res, _ = a.postForm("/logout", nil)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" || !strings.Contains(res.Header.Get("Clear-Site-Data"), "cookies") {
				t.Errorf("logout at the set-up stage: %d → %q", res.StatusCode, res.Header.Get("Location"))
			}
			if res, _ := a.do("GET", "/login/enrol", nil); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?") {
				t.Errorf("the session still works after logout: %d → %q", res.StatusCode, res.Header.Get("Location"))
			}
		})
	}
	if n, _ := a.store.CountPrograms(context.Background(), store.ProgramFilter{}); n != 0 {
		t.Errorf("%d programs made by sessions without a second factor", n)
	}
}

// A mentee needs no second factor, unless one of their programs says so.
func TestMenteeSecondFactorFollowsTheProgram(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	plain := a.program("Plain")
	p := program.New()
	p.Name = "Strict"
	p.MenteeSecondFactor = true
	strict, err := a.store.CreateProgram(ctx, p)
	if err != nil {
		t.Fatal(err)
	}

	free, _ := a.signedIn("mentee-free@example.org", auth.Mentee, plain.ID)
	a.session = ""
	res, _ := a.postForm("/login", url.Values{"email": {free.Email}, "password": {testPassword}, "next": {"/programs"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/programs" {
		t.Fatalf("mentee without a second factor: %d → %q, want signed in at once", res.StatusCode, res.Header.Get("Location"))
	}
	a.session = sessionCookie(res)
	if res, _ := a.do("GET", "/programs", nil); res.StatusCode != http.StatusOK {
		t.Errorf("mentee's page after sign-in: %d", res.StatusCode)
	}

	held, _ := a.signedIn("mentee-strict@example.org", auth.Mentee, plain.ID, strict.ID)
	a.session = ""
	res, _ = a.postForm("/login", url.Values{"email": {held.Email}, "password": {testPassword}, "next": {"/programs"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login/enrol?next=%2Fprograms" {
		t.Fatalf("mentee of a program that requires a second factor: %d → %q, want the set-up page", res.StatusCode, res.Header.Get("Location"))
	}
	a.session = sessionCookie(res)
	if res, _ := a.do("GET", "/programs", nil); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login/enrol") {
		t.Errorf("held mentee reached a page: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := a.do("GET", "/api/v1/programs", nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("held mentee reached the API: %d", res.StatusCode)
	}
	// Setting one up lets them in.
	_, codes := a.enrolTOTPThroughPages("/programs")
	if n := len(recoveryCodesOn(codes)); n != 10 {
		t.Errorf("recovery codes after set-up: %d, want 10", n)
	}
	if res, _ := a.do("GET", "/programs", nil); res.StatusCode != http.StatusOK {
		t.Errorf("mentee after set-up: %d", res.StatusCode)
	}
}

// Codes of the step before and after are accepted (clocks drift); two steps
// off are not; a code is never accepted twice, nor one older than the newest
// used.
func TestTOTPWindowAndReplay(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	u, _ := a.signedIn("window@example.org", auth.Mentor)
	secret := a.withTOTP(u)

	a.tick()
	a.tick()
	a.passwordStep(u.Email, nil)
	if res, body := a.postForm("/login/factor", url.Values{"code": {a.codeAt(secret, -30*time.Second)}, "next": {"/programs"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/programs" {
		t.Fatalf("code of the step before: %d → %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
	}
	if res, _ := a.do("GET", "/programs", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("signed in with the step before: %d", res.StatusCode)
	}

	a.passwordStep(u.Email, nil)
	if res, body := a.postForm("/login/factor", url.Values{"code": {a.codeAt(secret, 30*time.Second)}, "next": {"/programs"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("code of the step after: %d\n%s", res.StatusCode, body)
	}

	for range 4 {
		a.tick()
	}
	a.passwordStep(u.Email, nil)
	for _, d := range []time.Duration{-60 * time.Second, 60 * time.Second, -90 * time.Second, 90 * time.Second} {
		res, body := a.postForm("/login/factor", url.Values{"code": {a.codeAt(secret, d)}, "next": {"/programs"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "This code is not right.") {
			t.Errorf("code %v off: %d, want 422 not right", d, res.StatusCode)
		}
	}
	a.stillAtFactorStep(t)
	now := a.code(secret)
	if res, body := a.postForm("/login/factor", url.Values{"code": {" " + now[:3] + " " + now[3:] + " "}, "next": {"/programs"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("current code (typed with spaces) after wrong ones: %d\n%s", res.StatusCode, body)
	}

	// Replay: the same code, within the same step, in another sign-in.
	a.passwordStep(u.Email, nil)
	res, body := a.postForm("/login/factor", url.Values{"code": {now}, "next": {"/programs"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "This code was used already") || !strings.Contains(body, `id="e-code"`) {
		t.Fatalf("replayed code: %d, want 422 used already\n%s", res.StatusCode, body)
	}
	// An older step inside the window is refused too once a newer one was used.
	res, body = a.postForm("/login/factor", url.Values{"code": {a.codeAt(secret, -30*time.Second)}, "next": {"/programs"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "This code was used already") {
		t.Errorf("code older than the newest used: %d, want 422 used already", res.StatusCode)
	}
	a.stillAtFactorStep(t)
	a.tick()
	if res, _ := a.postForm("/login/factor", url.Values{"code": {a.code(secret)}, "next": {"/programs"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the next step's code after a replay: %d", res.StatusCode)
	}
	if n := a.auditCount("login.second_factor_failure", u.ID); n != 6 {
		t.Errorf("audited second-factor failures: %d, want 6", n)
	}
}

// A wrong code keeps the person on the factor page; five wrong codes pause
// the second factor, and then even the right code is refused until when the
// page says.
func TestWrongCodesPauseTheSecondFactor(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	u, _ := a.signedIn("guesser@example.org", auth.Coordinator)
	secret := a.withTOTP(u)
	a.tick()
	a.passwordStep(u.Email, nil)
	wrong := a.wrongCode(secret)
	for i := range 5 {
		res, body := a.postForm("/login/factor", url.Values{"code": {wrong}, "next": {"/programs"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "This code is not right.") ||
			!strings.Contains(body, `action="/login/factor"`) || !strings.Contains(body, `name="next" value="/programs"`) ||
			!strings.Contains(body, `aria-invalid="true"`) || strings.Contains(body, `value="`+wrong+`"`) {
			t.Fatalf("wrong code %d: %d, want the factor page again with the error\n%s", i+1, res.StatusCode, body)
		}
		if sessionCookie(res) != "" {
			t.Errorf("a wrong code changed the session cookie")
		}
	}
	res, body := a.postForm("/login/factor", url.Values{"code": {a.code(secret)}, "next": {"/programs"}})
	m := pausedUntil.FindStringSubmatch(body)
	if res.StatusCode != http.StatusTooManyRequests || m == nil {
		t.Fatalf("the right code after 5 wrong ones: %d, want 429 with the time\n%s", res.StatusCode, body)
	}
	if want := a.store.Now().Add(15 * time.Minute).UTC().Format("15:04"); m[1] != want {
		t.Errorf("paused until %s, want %s", m[1], want)
	}
	a.stillAtFactorStep(t)
	// A recovery code does not get around the pause either.
	if res, _ := a.postForm("/login/factor", url.Values{"code": {"AAAA-BBBB-CCCC-DDDD"}}); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("recovery code during the pause: %d, want 429", res.StatusCode)
	}
	// After the pause, the right code works.
	a.clock.Add(16 * time.Minute)
	a.passwordStep(u.Email, nil)
	if res, body := a.postForm("/login/factor", url.Values{"code": {a.code(secret)}, "next": {"/programs"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the right code after the pause: %d\n%s", res.StatusCode, body)
	}
}

// Recovery codes: ten are shown once after the set-up, each signs in once,
// typed in any case, with or without dashes; the TOTP secret is stored
// sealed, and each read of it is audited.
func TestRecoveryCodesAndSealedSecret(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	ctx := context.Background()
	u, _ := a.signedIn("recover@example.org", auth.Psychologist)
	a.session = ""
	res, _ := a.postForm("/login", url.Values{"email": {u.Email}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login/enrol") {
		t.Fatalf("password step without a factor: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	a.session = sessionCookie(res)
	enrolling := a.session
	secret, page := a.enrolTOTPThroughPages("/programs")
	codes := recoveryCodesOn(page)
	if len(codes) != 10 || !strings.Contains(page, "Recovery codes") || !strings.Contains(page, `href="/programs"`) {
		t.Fatalf("codes page: %d codes\n%s", len(codes), page)
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if !recoveryCodeShape.MatchString(c) || seen[c] {
			t.Errorf("recovery code %q: not XXXX-XXXX-XXXX-XXXX of base32, or twice", c)
		}
		seen[c] = true
	}
	if res, _ := a.do("GET", "/programs", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("the enrolling session after set-up: %d, want signed in", res.StatusCode)
	}
	// Signed in past enrolment under a new token: the password's is dead.
	if a.session == enrolling {
		t.Errorf("setting up the first factor kept the session token")
	}
	if _, _, err := a.ids.Resume(context.Background(), enrolling); err == nil {
		t.Errorf("the token from before the first factor still resumes a session")
	}

	// Sealed: neither the secret's text nor its bytes are in the column.
	var sealed []byte
	for _, db := range a.store.Pools() {
		if err := db.QueryRowContext(ctx, `SELECT secret_sealed FROM totp_factors WHERE user_id = $1`, u.ID).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		break
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(secret, "="))
	if err != nil {
		t.Fatal(err)
	}
	if len(sealed) == 0 || strings.Contains(string(sealed), secret) || strings.Contains(string(sealed), string(raw)) ||
		strings.Contains(strings.ToUpper(string(sealed)), secret[:16]) {
		t.Errorf("the TOTP secret is stored in the clear: %q", sealed)
	}

	// A recovery code, lower case and without dashes, signs in once.
	reads := a.auditCount("totp.secret_read", u.ID)
	a.passwordStep(u.Email, nil)
	first := strings.ToLower(strings.ReplaceAll(codes[0], "-", ""))
	if res, body := a.postForm("/login/factor", url.Values{"code": {first}, "next": {"/programs"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/programs" {
		t.Fatalf("recovery code: %d → %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
	}
	if res, _ := a.do("GET", "/programs", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("signed in with a recovery code: %d", res.StatusCode)
	}
	if n := a.auditCount("factor.recovery_code_used", u.ID); n != 1 {
		t.Errorf("audited recovery code uses: %d, want 1", n)
	}
	a.passwordStep(u.Email, nil)
	for _, again := range []string{codes[0], first} {
		if res, body := a.postForm("/login/factor", url.Values{"code": {again}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "This code is not right.") {
			t.Errorf("a used recovery code %q: %d, want 422", again, res.StatusCode)
		}
	}
	a.stillAtFactorStep(t)
	// Another code, with spaces for dashes and mixed case, still works.
	second := strings.ReplaceAll(codes[1], "-", " ")
	second = strings.ToLower(second[:8]) + second[8:]
	if res, body := a.postForm("/login/factor", url.Values{"code": {second}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("second recovery code %q: %d\n%s", second, res.StatusCode, body)
	}
	if _, body := a.do("GET", "/account", nil); !strings.Contains(body, "8 unused recovery codes left.") {
		t.Errorf("the account page does not count 8 recovery codes left")
	}

	// A code from the app reads the secret once, and the read is audited.
	if n := a.auditCount("totp.secret_read", u.ID); n != reads {
		t.Errorf("recovery codes read the TOTP secret: %d audited reads, want %d", n, reads)
	}
	a.tick()
	a.passwordStep(u.Email, nil)
	if res, _ := a.postForm("/login/factor", url.Values{"code": {a.code(secret)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("code from the app: %d", res.StatusCode)
	}
	if n := a.auditCount("totp.secret_read", u.ID); n != reads+1 {
		t.Errorf("audited secret reads: %d, want %d", n, reads+1)
	}
	entries, _, _ := a.store.ListAudit(ctx, store.AuditFilter{}, store.Page{Limit: store.MaxLimit})
	for _, e := range entries {
		if strings.Contains(fmt.Sprint(e), secret) || strings.Contains(strings.ToUpper(fmt.Sprint(e)), strings.ReplaceAll(codes[2], "-", "")) {
			t.Errorf("an audit entry holds a secret: %+v", e)
		}
	}
	if strings.Contains(a.logs.String(), secret) || strings.Contains(a.logs.String(), codes[2]) {
		t.Errorf("the logs hold a secret")
	}
}

// Setting up a factor ends the user's other sessions and keeps this one.
func TestSettingUpAFactorEndsOtherSessions(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	ctx := context.Background()
	u, mine := a.signedIn("two-browsers@example.org", auth.Mentor)
	other, err := a.store.CreateSession(ctx, u.ID, time.Hour, "198.51.100.2", "other browser")
	if err != nil {
		t.Fatal(err)
	}
	a.session = other
	if res, _ := a.do("GET", "/programs", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("other session before: %d", res.StatusCode)
	}
	a.session = mine
	_, page := a.enrolTOTPThroughPages("")
	if !strings.Contains(page, `href="/account"`) {
		t.Errorf("after a set-up from the account page, the codes page should lead back to it")
	}
	if res, _ := a.do("GET", "/programs", nil); res.StatusCode != http.StatusOK {
		t.Errorf("this session after the set-up: %d, want kept", res.StatusCode)
	}
	a.session = other
	if res, _ := a.do("GET", "/programs", nil); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("the other session after the set-up: %d, want ended", res.StatusCode)
	}
	if n := a.auditCount("factor.totp_add", u.ID); n != 1 {
		t.Errorf("audited factor additions: %d, want 1", n)
	}
	// A second authenticator cannot be started over the first.
	a.session = mine
	if res, _ := a.postForm("/account/totp/begin", url.Values{}); res.StatusCode != http.StatusConflict {
		t.Errorf("begin a second authenticator: %d, want 409", res.StatusCode)
	}
}

// A wrong code while setting up the authenticator keeps the set-up page.
func TestTOTPSetUpWithAWrongCode(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	u, mine := a.signedIn("setup-wrong@example.org", auth.Viewer)
	a.session = mine
	res, body := a.postForm("/account/totp/begin", url.Values{"next": {"/programs"}})
	m := secretOnPage.FindStringSubmatch(body)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("set-up page: %d", res.StatusCode)
	}
	res, body = a.postForm("/account/totp", url.Values{"code": {a.wrongCode(m[1])}, "next": {"/programs"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "This code is not right.") ||
		!strings.Contains(body, `id="totp-secret">`+m[1]+`<`) || !strings.Contains(body, `name="next" value="/programs"`) {
		t.Fatalf("wrong set-up code: %d, want the same secret again with the error\n%s", res.StatusCode, body)
	}
	if f, _ := a.store.UserFactors(context.Background(), u.ID); f.Any() {
		t.Errorf("a wrong code confirmed the authenticator")
	}
}

// The only second factor of a user whose role needs one cannot be removed;
// a mentee may remove theirs, and a staff user one of two.
func TestRemovingTheOnlyFactor(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	ctx := context.Background()

	staff, _ := a.signedIn("only-factor@example.org", auth.Mentor)
	a.withTOTP(staff)
	a.session, _ = a.store.CreateSession(ctx, staff.ID, time.Hour, "192.0.2.1", "test")
	res, body := a.postForm("/account/totp/remove", nil)
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "This is your only second factor") || !strings.Contains(body, "Your account") {
		t.Fatalf("remove the only factor of a mentor: %d, want 409 on the account page\n%s", res.StatusCode, body)
	}
	if f, _ := a.store.UserFactors(ctx, staff.ID); !f.TOTP {
		t.Fatal("the only factor was removed")
	}

	// With a passkey besides, the authenticator may go.
	both, _ := a.signedIn("two-factors@example.org", auth.Coordinator)
	a.withTOTP(both)
	if err := a.store.AddPasskey(ctx, both.ID, "Laptop", []byte("credential-id"), "{}", 0, false); err != nil {
		t.Fatal(err)
	}
	a.session, _ = a.store.CreateSession(ctx, both.ID, time.Hour, "192.0.2.1", "test")
	if res, body := a.postForm("/account/totp/remove", nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account" {
		t.Errorf("remove the authenticator beside a passkey: %d\n%s", res.StatusCode, body)
	}
	if f, _ := a.store.UserFactors(ctx, both.ID); f.TOTP || f.Passkeys != 1 {
		t.Errorf("factors after removing the authenticator: %+v", f)
	}
	keys, _ := a.store.Passkeys(ctx, both.ID)
	if res, body := a.postForm("/account/passkeys/"+itoa(keys[0].ID)+"/remove", nil); res.StatusCode != http.StatusConflict || !strings.Contains(body, "This is your only second factor") {
		t.Errorf("remove the only passkey: %d", res.StatusCode)
	}

	mentee, _ := a.signedIn("mentee-factor@example.org", auth.Mentee)
	a.withTOTP(mentee)
	a.session, _ = a.store.CreateSession(ctx, mentee.ID, time.Hour, "192.0.2.1", "test")
	if res, body := a.postForm("/account/totp/remove", nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account" {
		t.Fatalf("a mentee removes their factor: %d\n%s", res.StatusCode, body)
	}
	if f, _ := a.store.UserFactors(ctx, mentee.ID); f.Any() {
		t.Errorf("the mentee's factor is still there: %+v", f)
	}
	if res, _ := a.postForm("/account/totp/remove", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("remove an authenticator that is not there: %d, want 404", res.StatusCode)
	}
}

// The passkey endpoints, server side: options that require user
// verification for this site, and garbage refused without storing anything.
func TestPasskeyEndpoints(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	ctx := context.Background()
	res, body := a.do("POST", "/account/passkeys/options", strings.NewReader(""), "Content-Type", "application/json")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("registration options: %d %s", res.StatusCode, body)
	}
	var opts struct {
		PublicKey struct {
			Challenge string `json:"challenge"`
			RP        struct {
				ID string `json:"id"`
			} `json:"rp"`
			User struct {
				Name string `json:"name"`
			} `json:"user"`
			AuthenticatorSelection struct {
				UserVerification string `json:"userVerification"`
			} `json:"authenticatorSelection"`
		} `json:"publicKey"`
	}
	if err := json.Unmarshal([]byte(body), &opts); err != nil {
		t.Fatalf("options are not JSON: %v\n%s", err, body)
	}
	if opts.PublicKey.AuthenticatorSelection.UserVerification != "required" || opts.PublicKey.RP.ID != "localhost" ||
		opts.PublicKey.Challenge == "" || opts.PublicKey.User.Name != "Homeward" || strings.Contains(body, a.user.Email) {
		t.Errorf("registration options: %s", body)
	}

	for _, garbage := range []string{
		`{"name":"Laptop","credential":{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oA"}}}`,
		`not json at all`,
		`{"name":"Laptop","credential":null}`,
	} {
		// A fresh ceremony each time, so that the garbage is what is refused.
		a.do("POST", "/account/passkeys/options", strings.NewReader(""))
		res, body := a.do("POST", "/account/passkeys", strings.NewReader(garbage), "Content-Type", "application/json")
		var e struct {
			Error string `json:"error"`
		}
		if res.StatusCode < 400 || res.StatusCode >= 500 || json.Unmarshal([]byte(body), &e) != nil || e.Error == "" {
			t.Errorf("garbage credential %.30q: %d %s, want a 4xx JSON error", garbage, res.StatusCode, body)
		}
	}
	if keys, _ := a.store.Passkeys(ctx, a.user.ID); len(keys) != 0 {
		t.Errorf("garbage stored %d passkeys", len(keys))
	}

	// Proving a passkey: refused for a session that needs none, and for one
	// whose user has none.
	if res, body := a.do("POST", "/login/passkey/options", strings.NewReader("")); res.StatusCode != http.StatusConflict || !strings.Contains(body, `"error"`) {
		t.Errorf("passkey options for a signed-in session: %d %s", res.StatusCode, body)
	}
	if res, _ := a.do("POST", "/login/passkey", strings.NewReader("{}")); res.StatusCode != http.StatusConflict {
		t.Errorf("passkey login for a signed-in session: %d, want 409", res.StatusCode)
	}
	u, _ := a.signedIn("no-passkey@example.org", auth.Mentor)
	secret := a.withTOTP(u)
	a.passwordStep(u.Email, nil)
	if res, body := a.do("POST", "/login/passkey/options", strings.NewReader("")); res.StatusCode != http.StatusConflict || !strings.Contains(body, `"error"`) {
		t.Errorf("passkey options for a user without a passkey: %d %s", res.StatusCode, body)
	}
	// Garbage answers count as failed attempts: the sixth is paused, and so
	// is the right code from the app.
	for i := range 5 {
		res, body := a.do("POST", "/login/passkey", strings.NewReader(`{"id":"AAAA","type":"public-key","response":{}}`), "Content-Type", "application/json")
		if res.StatusCode < 400 || res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests || !strings.Contains(body, `"error"`) {
			t.Fatalf("garbage passkey answer %d: %d %s", i+1, res.StatusCode, body)
		}
	}
	res, body = a.do("POST", "/login/passkey", strings.NewReader(`{}`), "Content-Type", "application/json")
	if res.StatusCode != http.StatusTooManyRequests || !pausedUntil.MatchString(body) {
		t.Errorf("sixth passkey attempt: %d %s, want 429 with the time", res.StatusCode, body)
	}
	a.tick()
	if res, _ := a.postForm("/login/factor", url.Values{"code": {a.code(secret)}}); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the right code after 5 failed passkey attempts: %d, want 429", res.StatusCode)
	}
	a.stillAtFactorStep(t)
	if n := a.auditCount("login.second_factor_failure", u.ID); n != 5 {
		t.Errorf("audited passkey failures: %d, want 5", n)
	}
}

// A cross-site POST to the second-factor forms is refused and changes nothing.
func TestCrossSiteFactorPostsAreRefused(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	ctx := context.Background()
	u, _ := a.signedIn("cross@example.org", auth.Mentor)
	secret := a.withTOTP(u)
	a.tick()
	a.passwordStep(u.Email, nil)
	if res, _ := a.postForm("/login/factor", url.Values{"code": {a.code(secret)}}, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site /login/factor: %d, want 403", res.StatusCode)
	}
	a.stillAtFactorStep(t)

	v, mine := a.signedIn("cross-enrol@example.org", auth.Viewer)
	a.session = mine
	res, body := a.postForm("/account/totp/begin", url.Values{})
	m := secretOnPage.FindStringSubmatch(body)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("set-up page: %d", res.StatusCode)
	}
	a.tick()
	if res, _ := a.postForm("/account/totp", url.Values{"code": {a.code(m[1])}}, "Sec-Fetch-Site", "cross-site"); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site /account/totp: %d, want 403", res.StatusCode)
	}
	if f, _ := a.store.UserFactors(ctx, v.ID); f.Any() {
		t.Errorf("a cross-site post confirmed the authenticator")
	}
	a.do("POST", "/account/passkeys/options", strings.NewReader(""))
	if res, _ := a.do("POST", "/account/passkeys", strings.NewReader(`{"name":"x","credential":{}}`), "Content-Type", "application/json", "Sec-Fetch-Site", "cross-site"); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site /account/passkeys: %d, want 403", res.StatusCode)
	}
	for _, path := range []string{"/account/passkeys/options", "/account/totp/remove", "/account/recovery-codes", "/login/passkey"} {
		if res, _ := a.do("POST", path, strings.NewReader(""), "Sec-Fetch-Site", "cross-site"); res.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site %s: %d, want 403", path, res.StatusCode)
		}
	}
}

// A session held at the second-factor step has a factor to prove: it may
// not get around it by setting up a factor of its own choosing (whoever
// has only the password would be signed in, and the owner's other sessions
// would end).
func TestAddingAFactorAtTheChallengeStepIsRefused(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	ctx := context.Background()

	// A user whose only factor is a passkey; someone knows the password.
	u, _ := a.signedIn("passkey-only@example.org", auth.Mentor)
	if err := a.store.AddPasskey(ctx, u.ID, "Laptop", []byte("credential-id"), "{}", 0, false); err != nil {
		t.Fatal(err)
	}
	owner, err := a.store.CreateSession(ctx, u.ID, time.Hour, "192.0.2.1", "owner's browser")
	if err != nil {
		t.Fatal(err)
	}
	a.passwordStep(u.Email, nil)
	res, body := a.postForm("/account/totp/begin", url.Values{"next": {"/programs"}})
	m := secretOnPage.FindStringSubmatch(body)
	if res.StatusCode == http.StatusOK || m != nil {
		t.Errorf("a session held at the second-factor step began setting up an authenticator: %d", res.StatusCode)
	}
	if m != nil {
		a.tick()
		if res, _ := a.postForm("/account/totp", url.Values{"code": {a.code(m[1])}, "next": {"/programs"}}); res.StatusCode == http.StatusOK {
			t.Errorf("a session held at the second-factor step confirmed an authenticator of its own: it is now signed in with the password alone")
		}
	}
	a.stillAtFactorStep(t)
	if f, _ := a.store.UserFactors(ctx, u.ID); f.TOTP {
		t.Errorf("a session held at the second-factor step added an authenticator")
	}
	a.session = owner
	if res, _ := a.do("GET", "/programs", nil); res.StatusCode != http.StatusOK {
		t.Errorf("the owner's session was ended by a session that never proved a factor: %d", res.StatusCode)
	}

	// A user with an authenticator app: no passkey may be registered at the
	// second-factor step either.
	v, _ := a.signedIn("totp-only@example.org", auth.Mentor)
	a.withTOTP(v)
	a.passwordStep(v.Email, nil)
	res, body = a.do("POST", "/account/passkeys/options", strings.NewReader(""))
	if res.StatusCode == http.StatusOK {
		t.Errorf("a session held at the second-factor step got passkey registration options")
		// A software authenticator answers them: the session is signed in.
		cred := softPasskeyCreation(t, body)
		res, body = a.do("POST", "/account/passkeys", strings.NewReader(`{"name":"not mine","credential":`+cred+`}`), "Content-Type", "application/json")
		if res.StatusCode == http.StatusOK {
			t.Errorf("a session held at the second-factor step registered a passkey of its own: %s", body)
		}
	}
	a.stillAtFactorStep(t)
	if keys, _ := a.store.Passkeys(ctx, v.ID); len(keys) != 0 {
		t.Errorf("a session held at the second-factor step added %d passkeys", len(keys))
	}
}

// softPasskeyCreation answers registration options as an authenticator
// with "none" attestation would, for the relying party localhost, and
// returns the credential as the page's script sends it.
func softPasskeyCreation(t *testing.T, options string) string {
	t.Helper()
	var opts struct {
		PublicKey struct {
			Challenge string `json:"challenge"`
		} `json:"publicKey"`
	}
	if err := json.Unmarshal([]byte(options), &opts); err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := key.PublicKey.Bytes() // 0x04 | X | Y
	if err != nil {
		t.Fatal(err)
	}
	cose, err := webauthncbor.Marshal(webauthncose.EC2PublicKeyData{
		PublicKeyData: webauthncose.PublicKeyData{KeyType: 2, Algorithm: -7}, Curve: 1, XCoord: pub[1:33], YCoord: pub[33:]})
	if err != nil {
		t.Fatal(err)
	}
	credID := make([]byte, 16)
	rand.Read(credID)
	rpHash := sha256.Sum256([]byte("localhost"))
	authData := append(rpHash[:], 0x45, 0, 0, 0, 0)  // user present and verified, attested data; counter 0
	authData = append(authData, make([]byte, 16)...) // AAGUID
	authData = binary.BigEndian.AppendUint16(authData, uint16(len(credID)))
	authData = append(append(authData, credID...), cose...)
	att, err := webauthncbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": authData})
	if err != nil {
		t.Fatal(err)
	}
	client, _ := json.Marshal(map[string]string{"type": "webauthn.create", "challenge": opts.PublicKey.Challenge, "origin": "http://localhost"})
	b64 := base64.RawURLEncoding.EncodeToString
	out, _ := json.Marshal(map[string]any{"id": b64(credID), "rawId": b64(credID), "type": "public-key",
		"response": map[string]string{"clientDataJSON": b64(client), "attestationObject": b64(att)}})
	return string(out)
}

// Authenticator apps and passkey managers show a neutral label, by default
// "Homeward" or the one set, as issuer and account: never the person's
// e-mail address, on a phone others may see.
func TestAuthenticatorLabelsAreNeutral(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	u, _ := a.signedIn("label.person@example.org", auth.Coordinator)
	for _, label := range []string{"", "Reading club"} {
		cfg := identity.DefaultConfig()
		cfg.AuthenticatorLabel = label
		ids, err := identity.New(a.store, testHasher, cfg)
		if err != nil {
			t.Fatal(err)
		}
		want := label
		if want == "" {
			want = "Homeward"
		}
		token, err := a.store.StartSession(ctx, u.ID, auth.StageEnrol, time.Hour, "192.0.2.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		sess, _, err := ids.Resume(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		c := identity.Current{User: u, Session: sess}
		first, err := ids.BeginTOTP(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ids.BeginTOTP(ctx, c) // the kept secret, its URL made again
		if err != nil || again.Secret != first.Secret {
			t.Fatalf("resumed set-up: %v", err)
		}
		for _, e := range []identity.TOTPEnrolment{first, again} {
			link, err := url.Parse(e.URL)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(e.URL, "label.person") || strings.Contains(e.URL, "example.org") {
				t.Errorf("the otpauth URL names the person: %s", e.URL)
			}
			if link.Path != "/"+want+":"+want || link.Query().Get("issuer") != want {
				t.Errorf("otpauth URL %s: want issuer and account %q", e.URL, want)
			}
		}
		opts, err := ids.BeginPasskeyRegistration(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(opts), "label.person") || !strings.Contains(string(opts), `"name":"`+want+`","displayName":"`+want+`"`) {
			t.Errorf("passkey options name the person, or not %q: %s", want, opts)
		}
	}
}
