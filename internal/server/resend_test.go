package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/program"
	"homeward/internal/store"
)

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)

// hiddenFields returns the hidden inputs of a page, unescaped.
func hiddenFields(body string) url.Values {
	v := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(body, -1) {
		v.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return v
}

// resendFormOf returns the hidden inputs inside the page's resend form, and
// where it posts to.
func resendFormOf(t *testing.T, body string) (action string, fields url.Values) {
	t.Helper()
	m := regexp.MustCompile(`(?s)<form method="post" action="([^"]*)" class="form" id="resend-form">(.*?)</form>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no resend form on the page\n%s", body)
	}
	return html.UnescapeString(m[1]), hiddenFields(m[2])
}

// expireSession lets the session requests carry end by idling past the
// timeout, as when a person leaves a form open: the browser still sends
// its cookie.
func (a *app) expireSession() {
	a.t.Helper()
	a.clock.Add(31 * time.Minute)
}

// The whole journey of a form sent after the session ended: the sign-in
// page keeps it, sealed for the session's user (nothing of it readable in
// the page), the second-factor page carries it, and the person sends it
// again once signed in.
func TestFormSentAfterTheSessionEndedIsKept(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	secret := a.withTOTP(a.user)
	typed := programForm("Kept")
	typed.Set("description", `Typed with care: "quotes" & <b>tags</b> + 50% more`)

	a.session = a.newExpiredSession() // setting up the factor ended the first
	res, body := a.postForm("/programs", typed)
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "You were signed out while filling in a form.") || !strings.Contains(body, `action="/login"`) {
		t.Fatalf("form with an ended session: %d, want the 401 sign-in page with the hint\n%s", res.StatusCode, body)
	}
	kept := hiddenFields(body)
	if kept.Get("resend.sealed") == "" {
		t.Fatalf("no kept form on the sign-in page: %v", kept)
	}
	for _, typedText := range []string{"Typed with care", "quotes", "tags", "Kept"} {
		if strings.Contains(body, typedText) || strings.Contains(html.UnescapeString(body), typedText) {
			t.Errorf("the sign-in page shows %q of the kept form: it must be sealed", typedText)
		}
	}
	if n, _ := a.store.CountPrograms(context.Background(), store.ProgramFilter{}); n != 0 {
		t.Fatalf("a form without a session saved a program")
	}

	// The password step: the kept form rides along on the second-factor page.
	a.session = ""
	login := url.Values{"email": {a.user.Email}, "password": {testPassword}, "next": {"/"}, "resend.sealed": {kept.Get("resend.sealed")}}
	res, body = a.postForm("/login", login)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Confirm it is you") || !strings.Contains(body, "You were signed out while filling in a form.") {
		t.Fatalf("password step: %d, want the second-factor page with the hint", res.StatusCode)
	}
	onFactor := hiddenFields(body)
	if onFactor.Get("resend.sealed") != kept.Get("resend.sealed") {
		t.Fatalf("the second-factor page lost the kept form: %v", onFactor)
	}
	a.session = sessionCookie(res)

	// A wrong code keeps it too.
	res, body = a.postForm("/login/factor", url.Values{"code": {a.wrongCode(secret)}, "next": {"/"}, "resend.sealed": {onFactor.Get("resend.sealed")}})
	if again := hiddenFields(body); res.StatusCode != http.StatusUnprocessableEntity || again.Get("resend.sealed") != kept.Get("resend.sealed") {
		t.Errorf("a wrong code lost the kept form: %d %v", res.StatusCode, again)
	}

	a.tick()
	res, body = a.postForm("/login/factor", url.Values{"code": {a.code(secret)}, "next": {"/"}, "resend.sealed": {onFactor.Get("resend.sealed")}})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Send your form") || !strings.Contains(body, `href="/"`) {
		t.Fatalf("second factor with a kept form: %d, want the resend page\n%s", res.StatusCode, body)
	}
	action, fields := resendFormOf(t, body)
	if action != "/programs" || !reflect.DeepEqual(fields, typed) {
		t.Fatalf("resend form posts to %q with %v, want /programs with %v", action, fields, typed)
	}
	if strings.Contains(body, "<b>tags</b>") {
		t.Errorf("the resend page shows the kept values unescaped")
	}
	if n, _ := a.store.CountPrograms(context.Background(), store.ProgramFilter{}); n != 0 {
		t.Fatalf("the resend page saved the form by itself")
	}

	// Sending it with the new session saves what was typed.
	res, body = a.postForm(action, fields)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send the kept form: %d\n%s", res.StatusCode, body)
	}
	res, body = a.do("GET", res.Header.Get("Location"), nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "<h1>Kept</h1>") || !strings.Contains(body, "Typed with care: &#34;quotes&#34; &amp; &lt;b&gt;tags&lt;/b&gt; &#43; 50% more") {
		t.Errorf("the program made from the kept form: %d\n%s", res.StatusCode, body)
	}
}

// A form kept after a session ended is sealed to that session's user: the
// next person at a shared computer who signs in with the page still open
// gets nothing of it, and it is not opened for them.
func TestKeptFormIsNotShownToAnotherUser(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	next, _ := a.signedIn("next-person@example.org", auth.Admin)
	secret := a.withTOTP(next)
	typed := programForm("Someone else's")
	typed.Set("description", "Private words of the first person")

	a.expireSession()
	res, body := a.postForm("/programs", typed)
	kept := hiddenFields(body).Get("resend.sealed")
	if res.StatusCode != http.StatusUnauthorized || kept == "" {
		t.Fatalf("form with an ended session: %d, want it kept", res.StatusCode)
	}
	a.session = ""
	res, body = a.postForm("/login", url.Values{"email": {next.Email}, "password": {testPassword}, "next": {"/"}, "resend.sealed": {kept}})
	if res.StatusCode != http.StatusOK || strings.Contains(body, "Private words") {
		t.Fatalf("another person's password step: %d", res.StatusCode)
	}
	a.session = sessionCookie(res)
	a.tick()
	res, body = a.postForm("/login/factor", url.Values{"code": {a.code(secret)}, "next": {"/"}, "resend.sealed": {kept}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" || strings.Contains(body, "resend-form") || strings.Contains(body, "Private words") {
		t.Errorf("another person signed in with the kept form: %d → %q, want straight on without it\n%s", res.StatusCode, res.Header.Get("Location"), body)
	}
	if n := a.auditCount("kept_form.open", next.ID); n != 0 {
		t.Errorf("the kept form was opened for another person (%d)", n)
	}
	if n, _ := a.store.CountPrograms(context.Background(), store.ProgramFilter{}); n != 0 {
		t.Errorf("%d programs saved along the way", n)
	}
}

// An expired session is treated like none, but only a session that names
// its user keeps the form: without one, nobody could be trusted with it.
func TestFormSentWithAnExpiredSessionIsKept(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	a.expireSession()
	res, body := a.postForm("/programs", programForm("Late"))
	if res.StatusCode != http.StatusUnauthorized || hiddenFields(body).Get("resend.sealed") == "" {
		t.Errorf("form with an idle session: %d, want the sign-in page keeping it", res.StatusCode)
	}
	// Forms of signing in and of the account are not kept.
	for _, path := range []string{"/account/tokens", "/account/recovery-codes", "/logout"} {
		a.session = a.newExpiredSession()
		res, body := a.postForm(path, url.Values{"name": {"x"}, "days": {"7"}})
		if strings.Contains(body, "resend.sealed") || (res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusUnauthorized) {
			t.Errorf("POST %s without a session: %d, kept: %v", path, res.StatusCode, strings.Contains(body, "resend.sealed"))
		}
	}
	// An empty form is nothing to keep.
	a.session = a.newExpiredSession()
	if res, body := a.postForm("/programs", url.Values{}); res.StatusCode != http.StatusSeeOther || strings.Contains(body, "resend.sealed") {
		t.Errorf("empty form with an ended session: %d", res.StatusCode)
	}
	// Without any session, or with one that was ended and is gone, there is
	// nobody to keep it for.
	a.session = ""
	if res, body := a.postForm("/programs", programForm("Nobody's")); res.StatusCode != http.StatusSeeOther || strings.Contains(body, "resend.sealed") {
		t.Errorf("form without a session: %d, kept %v; want the sign-in page without it", res.StatusCode, strings.Contains(body, "resend.sealed"))
	}
	a.session = "hws_not-a-session"
	if res, body := a.postForm("/programs", programForm("Nobody's")); res.StatusCode != http.StatusSeeOther || strings.Contains(body, "resend.sealed") {
		t.Errorf("form with an unknown session: %d, kept %v", res.StatusCode, strings.Contains(body, "resend.sealed"))
	}
}

// newExpiredSession starts a session of the app's user and lets it end by
// idling.
func (a *app) newExpiredSession() string {
	a.t.Helper()
	token, err := a.store.CreateSession(context.Background(), a.user.ID, time.Hour*12, "192.0.2.1", "test")
	if err != nil {
		a.t.Fatal(err)
	}
	a.expireSession()
	return token
}

// A kept form can be neither forged nor moved: the fields of the old,
// readable form are not read, and a sealed form that was altered is
// dropped; the last step simply goes on.
func TestKeptFormCannotBeForged(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	secret := a.withTOTP(a.user)
	a.session = a.newExpiredSession() // setting up the factor ended the first
	_, body := a.postForm("/programs", programForm("Real"))
	real := hiddenFields(body).Get("resend.sealed")
	if real == "" {
		t.Fatal("no kept form")
	}
	altered := []byte(real)
	altered[len(altered)/2] ^= 1
	for name, fields := range map[string]url.Values{
		"readable fields": {"resend.action": {"/programs"}, "resend.form": {programForm("Evil").Encode()}},
		"altered seal":    {"resend.sealed": {string(altered)}},
		"not base64":      {"resend.sealed": {"%zz"}},
	} {
		t.Run(name, func(t *testing.T) {
			a.session = ""
			v := url.Values{"email": {a.user.Email}, "password": {testPassword}, "next": {"/programs"}}
			for k, x := range fields {
				v[k] = x
			}
			res, _ := a.postForm("/login", v)
			a.session = sessionCookie(res)
			a.tick()
			f := url.Values{"code": {a.code(secret)}, "next": {"/programs"}}
			for k, x := range fields {
				f[k] = x
			}
			res, body := a.postForm("/login/factor", f)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/programs" || strings.Contains(body, "resend-form") {
				t.Errorf("second factor with %s: %d → %q, want a redirect to /programs", name, res.StatusCode, res.Header.Get("Location"))
			}
		})
	}
	if n, _ := a.store.CountPrograms(context.Background(), store.ProgramFilter{}); n != 0 {
		t.Errorf("%d programs saved along the way", n)
	}
}

// A person who needs no second factor gets the kept form straight after the password.
func TestMenteeGetsTheKeptFormAfterThePassword(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	p := a.program("Mentee's")
	u, token := a.signedIn("mentee-resend@example.org", auth.Mentee, p.ID)
	a.session = token
	a.expireSession()
	typed := url.Values{"name": {"Whatever"}, "note": {"typed & kept"}}
	res, body := a.postForm("/programs", typed)
	kept := hiddenFields(body)
	if res.StatusCode != http.StatusUnauthorized || kept.Get("resend.sealed") == "" {
		t.Fatalf("form with an ended session: %d", res.StatusCode)
	}
	a.session = ""
	res, body = a.postForm("/login", url.Values{"email": {u.Email}, "password": {testPassword}, "next": {"/"}, "resend.sealed": {kept.Get("resend.sealed")}})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Send your form") || sessionCookie(res) == "" {
		t.Fatalf("mentee's sign-in with a kept form: %d, want the resend page\n%s", res.StatusCode, body)
	}
	action, fields := resendFormOf(t, body)
	if action != "/programs" || !reflect.DeepEqual(fields, typed) {
		t.Errorf("resend form posts to %q with %v, want /programs with %v", action, fields, typed)
	}
}

// A form the server takes in one piece must survive signing in too: the
// kept form travels inside the sign-in forms, sealed and encoded once more.
func TestLongKeptFormSurvivesSigningIn(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	secret := a.withTOTP(a.user)
	typed := programForm("Long")
	typed.Set("description", strings.Repeat("🙂", program.MaxDescription)) // valid: 4000 characters
	if len(typed.Encode()) >= 64<<10 {
		t.Fatalf("the form itself is too large for the test: %d bytes", len(typed.Encode()))
	}
	a.session = a.newExpiredSession() // setting up the factor ended the first
	res, body := a.postForm("/programs", typed)
	kept := hiddenFields(body)
	if res.StatusCode != http.StatusUnauthorized || kept.Get("resend.sealed") == "" {
		t.Fatalf("long form with an ended session: %d, want it kept", res.StatusCode)
	}
	a.session = ""
	res, body = a.postForm("/login", url.Values{"email": {a.user.Email}, "password": {testPassword}, "next": {"/"}, "resend.sealed": {kept.Get("resend.sealed")}})
	if res.StatusCode != http.StatusOK || hiddenFields(body).Get("resend.sealed") != kept.Get("resend.sealed") {
		t.Fatalf("signing in with a long kept form: %d, want the second-factor page still holding it (the form is lost)", res.StatusCode)
	}
	a.session = sessionCookie(res)
	a.tick()
	res, body = a.postForm("/login/factor", url.Values{"code": {a.code(secret)}, "next": {"/"}, "resend.sealed": {kept.Get("resend.sealed")}})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Send your form") {
		t.Fatalf("second factor with a long kept form: %d", res.StatusCode)
	}
	action, fields := resendFormOf(t, body)
	if res, _ := a.postForm(action, fields); res.StatusCode != http.StatusSeeOther {
		t.Errorf("sending the long kept form: %d", res.StatusCode)
	}
}

// A form is kept only for a path as the server routes it: an escaped path
// that reaches a form of signing in or of the account is not kept, like
// the plain one.
func TestFormsOfSigningInAreNotKeptInDisguise(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	for _, path := range []string{"/%6cogin", "/%61ccount/tokens", "/logou%74"} {
		t.Run(path, func(t *testing.T) {
			a.session = a.newExpiredSession()
			res, body := a.postForm(path, url.Values{"name": {"Token"}, "days": {"365"}, "email": {"x@example.org"}, "password": {"wrong password here"}})
			if strings.Contains(body, "resend.sealed") {
				t.Errorf("POST %s with an ended session kept the form: %d", path, res.StatusCode)
			}
		})
	}
}
