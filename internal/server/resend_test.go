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

// The whole journey of a form sent after the session ended: the sign-in
// page keeps it, the second-factor page carries it, and the person sends it
// again once signed in.
func TestFormSentAfterTheSessionEndedIsKept(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	secret := a.withTOTP(a.user)
	typed := programForm("Kept")
	typed.Set("description", `Typed with care: "quotes" & <b>tags</b> + 50% more`)

	a.session = ""
	res, body := a.postForm("/programs", typed)
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "You were signed out while filling in a form.") || !strings.Contains(body, `action="/login"`) {
		t.Fatalf("form without a session: %d, want the 401 sign-in page with the hint\n%s", res.StatusCode, body)
	}
	kept := hiddenFields(body)
	if kept.Get("resend.action") != "/programs" {
		t.Fatalf("resend.action = %q, want /programs", kept.Get("resend.action"))
	}
	form, err := url.ParseQuery(kept.Get("resend.form"))
	if err != nil || !reflect.DeepEqual(form, typed) {
		t.Fatalf("resend.form holds %v (%v), want what was typed %v", form, err, typed)
	}
	if strings.Contains(body, "<b>tags</b>") {
		t.Errorf("the kept form's values reached the page unescaped")
	}
	if n, _ := a.store.CountPrograms(context.Background(), store.ProgramFilter{}); n != 0 {
		t.Fatalf("a form without a session saved a program")
	}

	// The password step: the kept form rides along on the second-factor page.
	login := url.Values{"email": {a.user.Email}, "password": {testPassword}, "next": {"/"},
		"resend.action": {kept.Get("resend.action")}, "resend.form": {kept.Get("resend.form")}}
	res, body = a.postForm("/login", login)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Confirm it is you") || !strings.Contains(body, "You were signed out while filling in a form.") {
		t.Fatalf("password step: %d, want the second-factor page with the hint", res.StatusCode)
	}
	onFactor := hiddenFields(body)
	if onFactor.Get("resend.action") != "/programs" || onFactor.Get("resend.form") != kept.Get("resend.form") {
		t.Fatalf("the second-factor page lost the kept form: %v", onFactor)
	}
	a.session = sessionCookie(res)

	// A wrong code keeps it too.
	res, body = a.postForm("/login/factor", url.Values{"code": {a.wrongCode(secret)}, "next": {"/"},
		"resend.action": {onFactor.Get("resend.action")}, "resend.form": {onFactor.Get("resend.form")}})
	if again := hiddenFields(body); res.StatusCode != http.StatusUnprocessableEntity || again.Get("resend.form") != kept.Get("resend.form") || again.Get("resend.action") != "/programs" {
		t.Errorf("a wrong code lost the kept form: %d %v", res.StatusCode, again)
	}

	a.tick()
	res, body = a.postForm("/login/factor", url.Values{"code": {a.code(secret)}, "next": {"/"},
		"resend.action": {onFactor.Get("resend.action")}, "resend.form": {onFactor.Get("resend.form")}})
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

// An expired session is treated like none: the form is kept.
func TestFormSentWithAnExpiredSessionIsKept(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	a.clock.Add(31 * time.Minute)
	res, body := a.postForm("/programs", programForm("Late"))
	if res.StatusCode != http.StatusUnauthorized || hiddenFields(body).Get("resend.action") != "/programs" {
		t.Errorf("form with an idle session: %d, want the sign-in page keeping it", res.StatusCode)
	}
	// Forms of signing in and of the account are not kept.
	a.session = ""
	for _, path := range []string{"/account/tokens", "/account/recovery-codes", "/logout"} {
		res, body := a.postForm(path, url.Values{"name": {"x"}, "days": {"7"}})
		if strings.Contains(body, "resend.action") || (res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusUnauthorized) {
			t.Errorf("POST %s without a session: %d, kept: %v", path, res.StatusCode, strings.Contains(body, "resend.action"))
		}
	}
	// An empty form is nothing to keep.
	if res, body := a.postForm("/programs", url.Values{}); res.StatusCode != http.StatusSeeOther || strings.Contains(body, "resend.action") {
		t.Errorf("empty form without a session: %d", res.StatusCode)
	}
}

// A kept form's action must be a local page that is not part of signing
// in; anything else is dropped, and the last step simply goes on.
func TestResendActionMustBeLocal(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	secret := a.withTOTP(a.user)
	form := programForm("Evil").Encode()
	for _, action := range []string{"https://evil.example/x", "//evil", "/\\evil.example", "/login", "/login/factor", "/logout", "/account/tokens", "/link/abc", "javascript:alert(1)", "programs"} {
		t.Run(action, func(t *testing.T) {
			a.session = ""
			res, body := a.postForm("/login", url.Values{"email": {a.user.Email}, "password": {testPassword}, "next": {"/programs"},
				"resend.action": {action}, "resend.form": {form}})
			if res.StatusCode != http.StatusOK || strings.Contains(body, "resend.action") || strings.Contains(body, "resend.form") {
				t.Errorf("password step with resend.action %q: %d; kept: %v", action, res.StatusCode, strings.Contains(body, "resend.action"))
			}
			a.session = sessionCookie(res)
			a.tick()
			res, body = a.postForm("/login/factor", url.Values{"code": {a.code(secret)}, "next": {"/programs"},
				"resend.action": {action}, "resend.form": {form}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/programs" || strings.Contains(body, "resend-form") {
				t.Errorf("second factor with resend.action %q: %d → %q, want a redirect to /programs", action, res.StatusCode, res.Header.Get("Location"))
			}
		})
	}
	// A kept form that is not a form encoding is dropped too.
	a.session = ""
	res, _ := a.postForm("/login", url.Values{"email": {a.user.Email}, "password": {testPassword}})
	a.session = sessionCookie(res)
	a.tick()
	res, _ = a.postForm("/login/factor", url.Values{"code": {a.code(secret)}, "next": {"/"}, "resend.action": {"/programs"}, "resend.form": {"%zz"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("resend.form %%zz: %d, want a redirect", res.StatusCode)
	}
	if n, _ := a.store.CountPrograms(context.Background(), store.ProgramFilter{}); n != 0 {
		t.Errorf("%d programs saved along the way", n)
	}
}

// A person who needs no second factor gets the kept form straight after the password.
func TestMenteeGetsTheKeptFormAfterThePassword(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.program("Mentee's")
	u, _ := a.signedIn("mentee-resend@example.org", auth.Mentee, p.ID)
	a.session = ""
	typed := url.Values{"name": {"Whatever"}, "note": {"typed & kept"}}
	res, body := a.postForm("/programs", typed)
	kept := hiddenFields(body)
	if res.StatusCode != http.StatusUnauthorized || kept.Get("resend.action") != "/programs" {
		t.Fatalf("form without a session: %d", res.StatusCode)
	}
	res, body = a.postForm("/login", url.Values{"email": {u.Email}, "password": {testPassword}, "next": {"/"},
		"resend.action": {kept.Get("resend.action")}, "resend.form": {kept.Get("resend.form")}})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Send your form") || sessionCookie(res) == "" {
		t.Fatalf("mentee's sign-in with a kept form: %d, want the resend page\n%s", res.StatusCode, body)
	}
	action, fields := resendFormOf(t, body)
	if action != "/programs" || !reflect.DeepEqual(fields, typed) {
		t.Errorf("resend form posts to %q with %v, want /programs with %v", action, fields, typed)
	}
}

// A form the server takes in one piece must survive signing in too: the
// kept form travels inside the sign-in forms, encoded once more.
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
	a.session = ""
	res, body := a.postForm("/programs", typed)
	kept := hiddenFields(body)
	if res.StatusCode != http.StatusUnauthorized || kept.Get("resend.action") != "/programs" {
		t.Fatalf("long form without a session: %d, want it kept", res.StatusCode)
	}
	res, body = a.postForm("/login", url.Values{"email": {a.user.Email}, "password": {testPassword}, "next": {"/"},
		"resend.action": {kept.Get("resend.action")}, "resend.form": {kept.Get("resend.form")}})
	if res.StatusCode != http.StatusOK || hiddenFields(body).Get("resend.form") != kept.Get("resend.form") {
		t.Fatalf("signing in with a long kept form: %d, want the second-factor page still holding it (the form is lost)", res.StatusCode)
	}
	a.session = sessionCookie(res)
	a.tick()
	res, body = a.postForm("/login/factor", url.Values{"code": {a.code(secret)}, "next": {"/"},
		"resend.action": {kept.Get("resend.action")}, "resend.form": {kept.Get("resend.form")}})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Send your form") {
		t.Fatalf("second factor with a long kept form: %d", res.StatusCode)
	}
	action, fields := resendFormOf(t, body)
	if res, _ := a.postForm(action, fields); res.StatusCode != http.StatusSeeOther {
		t.Errorf("sending the long kept form: %d", res.StatusCode)
	}
}

// The kept form's action is checked as the server will route it: an
// escaped or dot-segment path that reaches a form of signing in or of the
// account is dropped like the plain one.
func TestResendActionCannotReachExcludedFormsInDisguise(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	secret := a.withTOTP(a.user)
	// They do reach those forms.
	if res, _ := a.postForm("/%6cogin", url.Values{"email": {"x@example.org"}, "password": {"wrong password here"}}); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("POST /%%6cogin: %d, want the sign-in form's answer", res.StatusCode)
	}
	for _, action := range []string{"/%6cogin", "/%61ccount/tokens", "/programs/../login", "/programs/../account/tokens"} {
		t.Run(action, func(t *testing.T) {
			a.session = ""
			res, _ := a.postForm("/login", url.Values{"email": {a.user.Email}, "password": {testPassword}})
			a.session = sessionCookie(res)
			a.tick()
			res, body := a.postForm("/login/factor", url.Values{"code": {a.code(secret)}, "next": {"/"},
				"resend.action": {action}, "resend.form": {"name=Token&days=365"}})
			if res.StatusCode != http.StatusSeeOther || strings.Contains(body, "resend-form") {
				t.Errorf("resend.action %q was kept: %d, want a redirect", action, res.StatusCode)
			}
		})
	}
}
