package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"homeward/internal/auth"
)

// The secret of an authenticator app being set up belongs to the session
// that began: another session of the same person (someone else who knows
// the password) never sees it, cannot confirm it, and cannot plant one for
// the first session to confirm.
func TestPendingSecretBelongsToItsSession(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	u, _ := a.signedIn("new-coordinator@example.org", auth.Coordinator)
	password := func() string {
		a.session = ""
		res, _ := a.postForm("/login", url.Values{"email": {u.Email}, "password": {testPassword}})
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/login/enrol?next=%2F" {
			t.Fatalf("password step: %d %q", res.StatusCode, loc)
		}
		return sessionCookie(res)
	}
	victim, attacker := password(), password()

	// The attacker begins first, hoping the victim will be shown their secret.
	a.session = attacker
	_, body := a.postForm("/account/totp/begin", url.Values{})
	planted := secretOnPage.FindStringSubmatch(body)
	a.session = victim
	_, body = a.postForm("/account/totp/begin", url.Values{})
	shown := secretOnPage.FindStringSubmatch(body)
	if planted == nil || shown == nil || planted[1] == shown[1] {
		t.Fatalf("the victim was shown the secret another session began")
	}
	// The attacker's session cannot see or confirm the victim's secret.
	a.session = attacker
	a.tick()
	// Its own set-up was replaced: it is told so and shown a new code, never
	// the victim's.
	res, body := a.postForm("/account/totp", url.Values{"code": {a.code(shown[1])}})
	fresh := secretOnPage.FindStringSubmatch(body)
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "replaced by a newer one") || fresh == nil || fresh[1] == shown[1] || fresh[1] == planted[1] {
		t.Fatalf("another session confirming with the victim's code: %d, want 409 with a new code of its own", res.StatusCode)
	}
	if res, _ := a.postForm("/account/totp", url.Values{"code": {a.code(planted[1])}}); res.StatusCode == http.StatusOK {
		t.Fatalf("a secret replaced by the victim's set-up was confirmed: %d", res.StatusCode)
	}
	_, body = a.postForm("/account/totp/begin", url.Values{})
	if again := secretOnPage.FindStringSubmatch(body); again != nil && again[1] == shown[1] {
		t.Fatalf("another session was shown the victim's secret")
	}
	// The victim began again after the attacker: their confirmation of the
	// secret they were shown last works, and ends the attacker's session.
	a.session = victim
	_, body = a.postForm("/account/totp/begin", url.Values{})
	mine := secretOnPage.FindStringSubmatch(body)
	a.tick()
	if res, body := a.postForm("/account/totp", url.Values{"code": {a.code(mine[1])}}); res.StatusCode != http.StatusOK {
		t.Fatalf("the victim's own confirmation: %d\n%s", res.StatusCode, body)
	}
	a.session = attacker
	if res, _ := a.do("GET", "/login/enrol", nil); res.StatusCode == http.StatusOK {
		t.Errorf("the other session survived the set-up: %d", res.StatusCode)
	}
	if f, _ := a.store.UserFactors(context.Background(), u.ID); !f.TOTP {
		t.Errorf("no authenticator after the set-up")
	}
}
