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
	"homeward/internal/store"
)

var newTokenOnPage = regexp.MustCompile(`id="new-token">([^<]*)<`)

// createToken makes an API token on the account page, for the session
// requests carry, and returns it and its id.
func (a *app) createToken(name, days string) (string, int64) {
	a.t.Helper()
	res, body := a.postForm("/account/tokens", url.Values{"name": {name}, "days": {days}})
	m := newTokenOnPage.FindStringSubmatch(body)
	if res.StatusCode != http.StatusCreated || m == nil {
		a.t.Fatalf("create token: %d\n%s", res.StatusCode, body)
	}
	sess, _, _ := a.ids.Resume(context.Background(), a.session)
	toks, err := a.store.APITokens(context.Background(), sess.UserID)
	if err != nil || len(toks) == 0 || toks[0].Name != strings.TrimSpace(name) {
		a.t.Fatalf("token not stored: %+v %v", toks, err)
	}
	return m[1], toks[0].ID
}

// withBearer sends a request with an API token and no session cookie.
func (a *app) withBearer(token, method, target, body string) (*http.Response, string) {
	a.t.Helper()
	keep := a.session
	a.session = ""
	defer func() { a.session = keep }()
	return a.do(method, target, strings.NewReader(body), "Authorization", "Bearer "+token, "Content-Type", "application/json")
}

func TestAPITokenIsShownOnceAndWorksForTheAPIOnly(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.program("Visible")
	res, body := a.postForm("/account/tokens", url.Values{"name": {"  Reporting script  "}, "days": {"30"}})
	m := newTokenOnPage.FindStringSubmatch(body)
	if res.StatusCode != http.StatusCreated || m == nil || !strings.HasPrefix(m[1], "hwt_") || len(m[1]) < 30 {
		t.Fatalf("create token: %d %v\n%s", res.StatusCode, m, body)
	}
	token := m[1]
	if !strings.Contains(body, "shown only now") || !strings.Contains(body, "Reporting script") || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the page with the new token lacks the warning, the name or no-store")
	}
	res, body = a.do("GET", "/account", nil)
	if res.StatusCode != http.StatusOK || strings.Contains(body, token) || strings.Contains(body, `id="new-token"`) || !strings.Contains(body, "Reporting script") {
		t.Errorf("the account page afterwards: %d; shows the token again: %v", res.StatusCode, strings.Contains(body, token))
	}
	if n := strings.Count(body, `action="/account/tokens/`); n != 1 {
		t.Errorf("revoke buttons: %d, want 1", n)
	}
	toks, _ := a.store.APITokens(context.Background(), a.user.ID)
	if len(toks) != 1 || toks[0].Name != "Reporting script" {
		t.Fatalf("stored tokens: %+v", toks)
	}
	if got := toks[0].ExpiresAt.Sub(toks[0].CreatedAt); got != 30*24*time.Hour {
		t.Errorf("lifetime %v, want 30 days", got)
	}

	res, body = a.withBearer(token, "GET", "/api/v1/programs", "")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `"name":"Visible"`) {
		t.Fatalf("API with the token: %d %s", res.StatusCode, body)
	}
	if toks, _ := a.store.APITokens(context.Background(), a.user.ID); toks[0].LastUsedAt == nil {
		t.Errorf("the token's use was not recorded")
	}
	for _, scheme := range []string{"bearer ", "BEARER "} {
		a.session = ""
		if res, _ := a.do("GET", "/api/v1/programs", nil, "Authorization", scheme+token); res.StatusCode != http.StatusOK {
			t.Errorf("scheme %q: %d", scheme, res.StatusCode)
		}
	}
	// A write with the token is audited as the user.
	res, body = a.withBearer(token, "POST", "/api/v1/programs", `{"name":"By token"}`)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create with the token: %d %s", res.StatusCode, body)
	}
	entries, _, _ := a.store.ListAudit(context.Background(), store.AuditFilter{ObjectType: "program"}, store.Page{})
	if len(entries) == 0 || entries[0].Action != "program.create" ||
		(entries[0].Actor != "user:"+itoa(a.user.ID) && entries[0].Actor != "token:"+itoa(toks[0].ID)) {
		t.Errorf("a write with the token is audited as %+v, want the user or the token", entries)
	}
	// A page does not take the token: it sends the person to sign in.
	for _, path := range []string{"/programs", "/account", "/"} {
		res, _ := a.withBearer(token, "GET", path, "")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
			t.Errorf("page %s with a bearer token: %d → %q, want sign in", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	// Nor can a token make another token through the page.
	if res, _ := a.withBearer(token, "POST", "/account/tokens", ""); res.StatusCode == http.StatusCreated {
		t.Errorf("a bearer token made a token through the account page")
	}
	if toks, _ := a.store.APITokens(context.Background(), a.user.ID); len(toks) != 1 {
		t.Errorf("tokens: %d, want 1", len(toks))
	}
}

// A token has the rights of its user and no more.
func TestAPITokenHasNoMoreRightsThanItsUser(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	mine := a.program("Mine")
	other := a.program("Other")
	admin := a.session
	_, a.session = a.signedIn("coord-token@example.org", auth.Coordinator, mine.ID)
	token, _ := a.createToken("coordinator script", "7")

	if res, body := a.withBearer(token, "POST", "/api/v1/programs", `{"name":"Coordinator's own"}`); res.StatusCode != http.StatusForbidden || !strings.Contains(body, `"code":"forbidden"`) {
		t.Errorf("coordinator's token creates a program: %d %s, want 403", res.StatusCode, body)
	}
	if res, _ := a.withBearer(token, "GET", "/api/v1/programs/"+itoa(other.ID), ""); res.StatusCode != http.StatusNotFound {
		t.Errorf("coordinator's token reads another program: %d, want 404", res.StatusCode)
	}
	if res, _ := a.withBearer(token, "GET", "/api/v1/programs/"+itoa(mine.ID), ""); res.StatusCode != http.StatusOK {
		t.Errorf("coordinator's token reads their program: %d, want 200", res.StatusCode)
	}
	_, body := a.withBearer(token, "GET", "/api/v1/programs", "")
	if !strings.Contains(body, `"name":"Mine"`) || strings.Contains(body, `"name":"Other"`) {
		t.Errorf("coordinator's token lists: %s", body)
	}
	// With an administrator's session cookie sent along, the token still
	// decides: the cookie never adds rights to a token request.
	a.session = admin
	if res, _ := a.do("POST", "/api/v1/programs", strings.NewReader(`{"name":"Mixed"}`), "Authorization", "Bearer "+token); res.StatusCode != http.StatusForbidden {
		t.Errorf("coordinator's token with an admin cookie creates a program: %d, want 403", res.StatusCode)
	}
	if res, _ := a.do("GET", "/api/v1/programs/"+itoa(other.ID), nil, "Authorization", "Bearer "+token); res.StatusCode != http.StatusNotFound {
		t.Errorf("coordinator's token with an admin cookie reads another program: %d, want 404", res.StatusCode)
	}
}

// A revoked or expired token, or one of a disabled user, stops working;
// nobody revokes another person's token.
func TestAPITokenEnds(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	now := time.Now()
	a.store.SetClock(func() time.Time { return now.Add(a.clock.Skew()) })
	u, mine := a.signedIn("token-owner@example.org", auth.Viewer)
	admin := a.session
	a.session = mine
	revoked, revokedID := a.createToken("to revoke", "30")
	short, _ := a.createToken("one week", "7")
	long, _ := a.createToken("one year", "365")
	for _, tok := range []string{revoked, short, long} {
		if res, _ := a.withBearer(tok, "GET", "/api/v1/programs", ""); res.StatusCode != http.StatusOK {
			t.Fatalf("fresh token: %d", res.StatusCode)
		}
	}

	// Someone else cannot revoke it: not found, and it keeps working.
	a.session = admin
	res, _ := a.postForm("/account/tokens/"+itoa(revokedID)+"/revoke", nil)
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("revoke another user's token: %d, want 404", res.StatusCode)
	}
	if res, _ := a.withBearer(revoked, "GET", "/api/v1/programs", ""); res.StatusCode != http.StatusOK {
		t.Errorf("another user's revoke attempt ended the token: %d", res.StatusCode)
	}
	for _, bad := range []string{"abc", "999999", "-1"} {
		if res, _ := a.postForm("/account/tokens/"+bad+"/revoke", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("revoke token %q: %d, want 404", bad, res.StatusCode)
		}
	}

	a.session = mine
	res, _ = a.postForm("/account/tokens/"+itoa(revokedID)+"/revoke", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account#tokens" {
		t.Fatalf("revoke: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, body := a.withBearer(revoked, "GET", "/api/v1/programs", ""); res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"code":"unauthorized"`) {
		t.Errorf("revoked token: %d %s, want 401", res.StatusCode, body)
	}
	if res, _ := a.postForm("/account/tokens/"+itoa(revokedID)+"/revoke", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("revoke twice: %d, want 404", res.StatusCode)
	}
	if _, body := a.do("GET", "/account", nil); !strings.Contains(body, "Revoked") {
		t.Errorf("the account page does not mark the token revoked")
	}

	// Expiry: the week-long token works after six days, not after eight.
	a.clock.Add(6 * 24 * time.Hour)
	if res, _ := a.withBearer(short, "GET", "/api/v1/programs", ""); res.StatusCode != http.StatusOK {
		t.Errorf("a 7-day token after 6 days: %d", res.StatusCode)
	}
	a.clock.Add(2 * 24 * time.Hour)
	if res, _ := a.withBearer(short, "GET", "/api/v1/programs", ""); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a 7-day token after 8 days: %d, want 401", res.StatusCode)
	}
	if res, _ := a.withBearer(long, "GET", "/api/v1/programs", ""); res.StatusCode != http.StatusOK {
		t.Errorf("a year-long token after 8 days: %d", res.StatusCode)
	}

	// Disabling the user ends every token.
	if err := a.store.SetUserStatus(ctx, u.ID, auth.StatusDisabled); err != nil {
		t.Fatal(err)
	}
	if res, _ := a.withBearer(long, "GET", "/api/v1/programs", ""); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("token of a disabled user: %d, want 401", res.StatusCode)
	}
}

func TestAPITokenFormKeepsInput(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	res, body := a.postForm("/account/tokens", url.Values{"name": {"   "}, "days": {"90"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "This field is required.") ||
		!strings.Contains(body, `id="e-name"`) || !strings.Contains(body, `<option value="90" selected>`) ||
		strings.Contains(body, `<option value="30" selected>`) || strings.Contains(body, `id="new-token"`) {
		t.Errorf("empty name: %d, want 422 with the field message and 90 days kept\n%s", res.StatusCode, body)
	}
	for _, days := range []string{"0", "1000", "-7", "abc", "", "367"} {
		res, body := a.postForm("/account/tokens", url.Values{"name": {"Kept name"}, "days": {days}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose how long the token is valid") ||
			!strings.Contains(body, `value="Kept name"`) || strings.Contains(body, `id="new-token"`) {
			t.Errorf("days=%q: %d, want 422 with the message and the name kept", days, res.StatusCode)
		}
	}
	long := strings.Repeat("x", 81)
	if res, body := a.postForm("/account/tokens", url.Values{"name": {long}, "days": {"7"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="`+long+`"`) {
		t.Errorf("81-character name: %d", res.StatusCode)
	}
	if toks, _ := a.store.APITokens(context.Background(), a.user.ID); len(toks) != 0 {
		t.Errorf("%d tokens made from bad input", len(toks))
	}
}

// A token the server does not know is refused with 401 JSON, and never
// falls back to the session cookie sent along.
func TestUnknownBearerTokenNeverFallsBackToTheCookie(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, _ = a.createToken("real", "7")
	// a.session (an admin's full session) rides along as a cookie.
	for _, h := range []string{
		"Bearer garbage",
		"Bearer hwt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"Bearer hws_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"Bearer " + a.session, // a session token is not an API token
		"Bearer ",
		"Bearer \x7f",
	} {
		res, body := a.do("GET", "/api/v1/programs", nil, "Authorization", h)
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"code":"unauthorized"`) ||
			!strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || !strings.Contains(res.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("Authorization %q with a valid cookie: %d %s, want 401 JSON", h, res.StatusCode, body)
		}
		res, _ = a.do("POST", "/api/v1/programs", strings.NewReader(`{"name":"Through the cookie"}`), "Authorization", h, "Content-Type", "application/json")
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("POST with Authorization %q and a valid cookie: %d, want 401", h, res.StatusCode)
		}
	}
	if res, _ := a.do("GET", "/api/v1/programs", nil); res.StatusCode != http.StatusOK {
		t.Errorf("the cookie alone: %d, want 200", res.StatusCode)
	}
}

// Disabling an account revokes its API tokens for good: enabling it again
// does not bring them back.
func TestDisablingRevokesTokensForGood(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	u, _ := a.signedIn("coordinator-tokens@example.org", auth.Coordinator)
	plain, _, err := a.store.CreateAPIToken(ctx, u.ID, "script", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	a.session = ""
	if res, _ := a.do("GET", "/api/v1/programs", nil, "Authorization", "Bearer "+plain); res.StatusCode != 200 {
		t.Fatalf("the token before disabling: %d", res.StatusCode)
	}
	if err := a.store.SetUserStatus(ctx, u.ID, auth.StatusDisabled); err != nil {
		t.Fatal(err)
	}
	if err := a.store.SetUserStatus(ctx, u.ID, auth.StatusActive); err != nil {
		t.Fatal(err)
	}
	if res, _ := a.do("GET", "/api/v1/programs", nil, "Authorization", "Bearer "+plain); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a token of a disabled and re-enabled account: %d, want 401", res.StatusCode)
	}
}
