package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"homeward/internal/auth"
	"homeward/internal/identity"
	"homeward/internal/testsupport"
)

// tick moves the store's clock on by one TOTP step, so that a new code is
// accepted (a code is never accepted twice).
func (a *app) tick() { a.clock.Tick() }

// withTOTP sets up an authenticator app for the user, as enrolment would,
// and returns its secret.
func (a *app) withTOTP(u auth.User) string {
	a.t.Helper()
	return testsupport.WithTOTP(a.t, a.store, a.clock, u)
}

// code is the authenticator app's code at the store's time.
func (a *app) code(secret string) string {
	a.t.Helper()
	return testsupport.Code(a.t, a.store, secret)
}

// sessionCookie returns the session token a response sets, or "".
func sessionCookie(res *http.Response) string {
	for _, c := range res.Cookies() {
		if c.Name == identity.CookieName(false) {
			return c.Value
		}
	}
	return ""
}

// signInWithTOTP signs in through the pages with a password and a code,
// and makes the new session the one requests carry.
func (a *app) signInWithTOTP(email, secret string) {
	a.t.Helper()
	a.session = ""
	res, body := a.postForm("/login", url.Values{"email": {email}, "password": {testPassword}})
	if res.StatusCode != 200 || !strings.Contains(body, "Confirm it is you") {
		a.t.Fatalf("password step: %d", res.StatusCode)
	}
	a.session = sessionCookie(res)
	a.tick()
	res, _ = a.postForm("/login/factor", url.Values{"code": {a.code(secret)}, "next": {"/"}})
	if res.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("second-factor step: %d", res.StatusCode)
	}
}

var secretOnPage = regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`)

// enrolTOTPThroughPages sets up an authenticator app through the set-up
// pages, for the session requests carry, and returns the secret and the
// page that follows (the recovery codes).
func (a *app) enrolTOTPThroughPages(next string) (secret, page string) {
	a.t.Helper()
	res, body := a.postForm("/account/totp/begin", url.Values{"next": {next}})
	m := secretOnPage.FindStringSubmatch(body)
	if res.StatusCode != 200 || m == nil || !strings.Contains(body, "<svg") {
		a.t.Fatalf("set-up page: %d\n%s", res.StatusCode, body)
	}
	a.tick()
	res, body = a.postForm("/account/totp", url.Values{"code": {a.code(m[1])}, "next": {next}})
	if res.StatusCode != 200 {
		a.t.Fatalf("confirm the authenticator: %d\n%s", res.StatusCode, body)
	}
	return m[1], body
}
