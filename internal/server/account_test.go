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
)

// sessionID returns the id of the user's session with the user agent.
func (a *app) sessionID(userID int64, userAgent string) int64 {
	a.t.Helper()
	list, err := a.store.ListSessions(context.Background(), userID)
	if err != nil {
		a.t.Fatal(err)
	}
	for _, s := range list {
		if s.UserAgent == userAgent {
			return s.ID
		}
	}
	a.t.Fatalf("no session with user agent %q in %+v", userAgent, list)
	return 0
}

func TestAccountListsAndEndsSessions(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	u, mine := a.signedIn("sessions@example.org", auth.Mentor)
	other, err := a.store.CreateSession(ctx, u.ID, time.Hour, "198.51.100.23", "Other Browser/9.1")
	if err != nil {
		t.Fatal(err)
	}
	stranger, strangerToken := a.signedIn("stranger@example.org", auth.Viewer)
	strangerID := a.sessionID(stranger.ID, "test")
	mineID, otherID := a.sessionID(u.ID, "test"), a.sessionID(u.ID, "Other Browser/9.1")

	a.session = mine
	res, body := a.do("GET", "/account", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Where you are signed in") {
		t.Fatalf("account page: %d", res.StatusCode)
	}
	for _, want := range []string{
		"sessions@example.org", "Other Browser/9.1", "198.51.100.23", "192.0.2.1",
		`action="/account/sessions/` + itoa(mineID) + `/end"`, `action="/account/sessions/` + itoa(otherID) + `/end"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("account page lacks %q", want)
		}
	}
	if n := strings.Count(body, "(this browser)"); n != 1 || !regexp.MustCompile(`test <strong>\(this browser\)</strong>`).MatchString(body) {
		t.Errorf("this browser is marked %d times, or on the wrong row", n)
	}
	if strings.Contains(body, "stranger@example.org") || strings.Contains(body, `/account/sessions/`+itoa(strangerID)+`/end`) {
		t.Errorf("the account page shows someone else's session")
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("account page Cache-Control %q", res.Header.Get("Cache-Control"))
	}

	// Someone else's session cannot be ended from here, and keeps working.
	for _, id := range []string{itoa(strangerID), "999999", "abc"} {
		if res, _ := a.postForm("/account/sessions/"+id+"/end", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("end session %s: %d, want 404", id, res.StatusCode)
		}
	}
	a.session = strangerToken
	if res, _ := a.do("GET", "/programs", nil); res.StatusCode != http.StatusOK {
		t.Errorf("the stranger's session after someone tried to end it: %d", res.StatusCode)
	}

	// Ending the other session stops its token, and keeps this one.
	a.session = mine
	res, _ = a.postForm("/account/sessions/"+itoa(otherID)+"/end", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account#sessions" {
		t.Fatalf("end the other session: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	a.session = other
	if res, _ := a.do("GET", "/programs", nil); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("the ended session still works: %d", res.StatusCode)
	}
	a.session = mine
	res, body = a.do("GET", "/account", nil)
	if res.StatusCode != http.StatusOK || strings.Contains(body, "Other Browser/9.1") {
		t.Errorf("after ending the other session: %d; still listed: %v", res.StatusCode, strings.Contains(body, "Other Browser/9.1"))
	}
	if res, _ := a.postForm("/account/sessions/"+itoa(otherID)+"/end", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("end an ended session: %d, want 404", res.StatusCode)
	}

	// Ending this one signs out.
	res, _ = a.postForm("/account/sessions/"+itoa(mineID)+"/end", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" || !strings.Contains(res.Header.Get("Clear-Site-Data"), "cookies") {
		t.Fatalf("end this session: %d → %q, Clear-Site-Data %q", res.StatusCode, res.Header.Get("Location"), res.Header.Get("Clear-Site-Data"))
	}
	cleared := false
	for _, c := range res.Cookies() {
		cleared = cleared || (c.Name == "hw_session" && c.MaxAge < 0)
	}
	if !cleared {
		t.Errorf("the session cookie was not cleared: %v", res.Header["Set-Cookie"])
	}
	if res, _ := a.do("GET", "/account", nil); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("this session after ending it: %d", res.StatusCode)
	}
	a.session = strangerToken
	if res, _ := a.do("GET", "/programs", nil); res.StatusCode != http.StatusOK {
		t.Errorf("the stranger's session after the user signed out: %d", res.StatusCode)
	}
}

func TestNewRecoveryCodesReplaceTheOldOnes(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.freezeClock()
	u, mine := a.signedIn("new-codes@example.org", auth.Coordinator)
	a.session = mine
	_, page := a.enrolTOTPThroughPages("/account")
	old := recoveryCodesOn(page)
	if len(old) != 10 {
		t.Fatalf("first codes: %d", len(old))
	}
	res, body := a.do("GET", "/account", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "10 unused recovery codes left.") || !strings.Contains(body, `action="/account/recovery-codes"`) {
		t.Fatalf("account page with a factor: %d", res.StatusCode)
	}

	res, body = a.postForm("/account/recovery-codes", nil)
	fresh := recoveryCodesOn(body)
	if res.StatusCode != http.StatusOK || len(fresh) != 10 || !strings.Contains(body, "Recovery codes") || !strings.Contains(body, `href="/account"`) {
		t.Fatalf("new codes: %d, %d codes", res.StatusCode, len(fresh))
	}
	for _, c := range fresh {
		if !recoveryCodeShape.MatchString(c) || strings.Contains(strings.Join(old, " "), c) {
			t.Errorf("new code %q: malformed or one of the old ones", c)
		}
	}
	if n := a.auditCount("factor.recovery_codes", u.ID); n != 2 {
		t.Errorf("audited recovery code sets: %d, want 2", n)
	}
	// The page is not kept anywhere: GET shows no codes.
	if _, body := a.do("GET", "/account", nil); len(recoveryCodesOn(body)) != 0 || strings.Contains(body, fresh[0]) {
		t.Errorf("the account page shows recovery codes again")
	}

	a.passwordStep(u.Email, nil)
	if res, _ := a.postForm("/login/factor", url.Values{"code": {old[0]}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an old recovery code after new ones were made: %d, want 422", res.StatusCode)
	}
	if res, _ := a.postForm("/login/factor", url.Values{"code": {fresh[9]}, "next": {"/account"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account" {
		t.Errorf("a new recovery code: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := a.do("GET", "/account", nil); !strings.Contains(body, "9 unused recovery codes left.") {
		t.Errorf("the account page does not count 9 codes left")
	}
}

func TestNewRecoveryCodesNeedAFactor(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	u, mine := a.signedIn("mentee-codes@example.org", auth.Mentee)
	a.session = mine
	res, body := a.postForm("/account/recovery-codes", nil)
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "Set up a second factor first.") || len(recoveryCodesOn(body)) != 0 {
		t.Errorf("recovery codes without a factor: %d, want 409 with the reason\n%s", res.StatusCode, body)
	}
	if f, _ := a.store.UserFactors(context.Background(), u.ID); f.RecoveryLeft != 0 {
		t.Errorf("recovery codes made for a user without a factor: %d", f.RecoveryLeft)
	}
	// The mentee's account page offers the set-up and no recovery codes.
	_, body = a.do("GET", "/account", nil)
	if !strings.Contains(body, "No second factor yet.") || strings.Contains(body, `action="/account/recovery-codes"`) || strings.Contains(body, "Your role needs a second factor") {
		t.Errorf("mentee's account page without a factor is wrong")
	}
}
