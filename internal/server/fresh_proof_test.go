package server_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/identity"
	"homeward/internal/store"
)

// staleProof lets more than ten minutes pass since the session last proved
// its person (the session itself is still within its idle timeout).
func (a *app) staleProof() { a.clock.Add(auth.FreshProofWindow + time.Minute) }

// askedToConfirm checks that a request was answered with the "confirm it
// is you" page, and returns the fields it keeps for the confirmation.
func (a *app) askedToConfirm(what string, res *http.Response, body string) url.Values {
	a.t.Helper()
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Confirm it is you") || !strings.Contains(body, `action="/account/confirm"`) {
		a.t.Fatalf("%s without a fresh proof: %d, want the confirm page\n%s", what, res.StatusCode, body)
	}
	return hiddenFields(body)
}

// confirm sends the "confirm it is you" form with the password and code,
// and the fields the page kept.
func (a *app) confirm(kept url.Values, password, code string) (*http.Response, string) {
	a.t.Helper()
	v := url.Values{"password": {password}, "code": {code}}
	for k, x := range kept {
		v[k] = x
	}
	return a.postForm("/account/confirm", v)
}

// Each sensitive step of the account is refused to a session that has not
// proved its person within ten minutes: the "confirm it is you" page asks
// for the password and the second factor, keeps what was sent, and once
// confirmed the step goes through.
func TestSensitiveAccountStepsNeedAFreshProof(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	u, _ := a.signedIn("fresh@example.org", auth.Coordinator)
	secret := a.withTOTP(u)
	a.signInWithTOTP(u.Email, secret)
	ctx := context.Background()

	// Just signed in: fresh, a token is made at once.
	if res, body := a.postForm("/account/tokens", url.Values{"name": {"at once"}, "days": {"7"}}); res.StatusCode != http.StatusCreated || !strings.Contains(body, "hwt_") {
		t.Fatalf("a token right after signing in: %d", res.StatusCode)
	}

	// An API token, eleven minutes later: confirm first, then send the kept form.
	a.staleProof()
	typed := url.Values{"name": {"monthly report"}, "days": {"30"}}
	res, body := a.postForm("/account/tokens", typed)
	kept := a.askedToConfirm("creating an API token", res, body)
	if tokens, _ := a.store.APITokens(ctx, u.ID); len(tokens) != 1 {
		t.Fatalf("%d tokens after a refused one, want 1", len(tokens))
	}
	if kept.Get("resend.sealed") == "" || strings.Contains(body, "monthly report") {
		t.Errorf("the confirm page does not keep the form sealed: %v", kept)
	}
	// A wrong password, and a wrong code, prove nothing.
	a.tick()
	if res, body := a.confirm(kept, "not the password at all", a.code(secret)); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "The password is not right.") {
		t.Errorf("confirm with a wrong password: %d", res.StatusCode)
	}
	a.tick()
	if res, _ := a.confirm(kept, testPassword, a.wrongCode(secret)); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("confirm with a wrong code: %d", res.StatusCode)
	}
	if res, body := a.postForm("/account/tokens", typed); res.StatusCode != http.StatusForbidden {
		t.Fatalf("a token after failed confirmations: %d\n%s", res.StatusCode, body)
	}
	a.tick()
	res, body = a.confirm(kept, testPassword, a.code(secret))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Send your form") {
		t.Fatalf("confirmed: %d, want the kept form\n%s", res.StatusCode, body)
	}
	action, fields := resendFormOf(t, body)
	if action != "/account/tokens" || !reflect.DeepEqual(fields, typed) {
		t.Fatalf("kept form posts to %q with %v, want /account/tokens with %v", action, fields, typed)
	}
	if res, body := a.postForm(action, fields); res.StatusCode != http.StatusCreated || !strings.Contains(body, "hwt_") {
		t.Fatalf("the kept token form after confirming: %d", res.StatusCode)
	}
	if n := a.auditCount("session.proved_totp", u.ID); n != 1 {
		t.Errorf("audited confirmations: %d, want 1", n)
	}

	// New recovery codes.
	a.staleProof()
	res, body = a.postForm("/account/recovery-codes", url.Values{})
	kept = a.askedToConfirm("new recovery codes", res, body)
	if n := a.auditCount("factor.recovery_codes", u.ID); n != 0 {
		t.Fatalf("recovery codes were made without a fresh proof (%d)", n)
	}
	a.tick()
	res, body = a.confirm(kept, testPassword, a.code(secret))
	action, fields = resendFormOf(t, body)
	if res, body := a.postForm(action, fields); res.StatusCode != http.StatusOK || len(recoveryCodesOn(body)) != 10 {
		t.Fatalf("new recovery codes after confirming: %d", res.StatusCode)
	}

	// Adding a passkey: the script is sent to the confirm page and back.
	a.staleProof()
	res, body = a.do("POST", "/account/passkeys/options", strings.NewReader("{}"), "Content-Type", "application/json")
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, `"confirm":"/account/confirm?next=%2Faccount"`) {
		t.Errorf("passkey options without a fresh proof: %d %s", res.StatusCode, body)
	}
	// Removing the authenticator app (refused anyway as the only factor of
	// a coordinator, but the proof is asked first).
	res, body = a.postForm("/account/totp/remove", url.Values{})
	kept = a.askedToConfirm("removing the authenticator app", res, body)
	a.tick()
	res, body = a.confirm(kept, testPassword, a.code(secret))
	action, fields = resendFormOf(t, body)
	if res, body := a.postForm(action, fields); res.StatusCode != http.StatusConflict || !strings.Contains(body, "only second factor") {
		t.Errorf("removing the only factor after confirming: %d, want the last-factor refusal", res.StatusCode)
	}
	if res, _ := a.do("POST", "/account/passkeys/options", strings.NewReader("{}"), "Content-Type", "application/json"); res.StatusCode != http.StatusOK {
		t.Errorf("passkey options after confirming: %d", res.StatusCode)
	}

	// The page asked for directly comes back to where it was sent from.
	res, body = a.do("GET", "/account/confirm?next=/account", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `name="next" value="/account"`) {
		t.Errorf("the confirm page: %d", res.StatusCode)
	}
}

// A person without a second factor (a mentee whose program does not ask
// for one) confirms with the password alone; removing and adding a factor
// each need the proof.
func TestFactorChangesNeedAFreshProof(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	p := a.program("Fresh")
	u, token := a.signedIn("fresh-mentee@example.org", auth.Mentee, p.ID)
	secret := a.withTOTP(u)
	a.session = token
	a.signInWithTOTP(u.Email, secret)

	a.staleProof()
	res, body := a.postForm("/account/totp/remove", url.Values{})
	kept := a.askedToConfirm("removing a factor", res, body)
	if f, _ := a.store.UserFactors(context.Background(), u.ID); !f.TOTP {
		t.Fatal("the factor went without a fresh proof")
	}
	a.tick()
	res, body = a.confirm(kept, testPassword, a.code(secret))
	action, fields := resendFormOf(t, body)
	if res, _ := a.postForm(action, fields); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("removing the factor after confirming: %d", res.StatusCode)
	}
	if f, _ := a.store.UserFactors(context.Background(), u.ID); f.Any() {
		t.Fatal("the factor is still there")
	}

	// Adding one again, later: the password alone confirms (there is no factor).
	a.staleProof()
	res, body = a.postForm("/account/totp/begin", url.Values{"next": {"/account"}})
	kept = a.askedToConfirm("adding a factor", res, body)
	if strings.Contains(body, `name="code"`) {
		t.Errorf("the confirm page asks a code of a person without a factor")
	}
	res, body = a.confirm(kept, testPassword, "")
	action, fields = resendFormOf(t, body)
	if res, body := a.postForm(action, fields); res.StatusCode != http.StatusOK || !secretOnPage.MatchString(body) {
		t.Fatalf("adding a factor after confirming: %d", res.StatusCode)
	}
	if n := a.auditCount("session.proved_password", u.ID); n != 1 {
		t.Errorf("audited password confirmations: %d, want 1", n)
	}
}

// An API token never counts as a fresh proof, and a session that has not
// passed its second factor has none.
func TestFreshProofIsASessionsOwn(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	now := a.store.Now()
	full := auth.Session{Stage: auth.StageFull, ProvedAt: now}
	for name, c := range map[string]identity.Current{
		"API token":      {User: a.user, Session: full, Token: &store.APIToken{ID: 1}},
		"second factor":  {User: a.user, Session: auth.Session{Stage: auth.StageChallenge, ProvedAt: now}},
		"never proved":   {User: a.user, Session: auth.Session{Stage: auth.StageFull}},
		"eleven minutes": {User: a.user, Session: auth.Session{Stage: auth.StageFull, ProvedAt: now.Add(-11 * time.Minute)}},
	} {
		if err := a.ids.RequireFreshProof(c); err == nil {
			t.Errorf("%s: counted as a fresh proof", name)
		}
	}
	if err := a.ids.RequireFreshProof(identity.Current{User: a.user, Session: full}); err != nil {
		t.Errorf("a session that proved itself just now: %v", err)
	}
}
