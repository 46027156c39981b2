package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"homeward/internal/auth"
)

// A signed-in user kept for a few seconds (the user cache) loses access with
// the very next request: when they leave a program, lose their token, are
// disabled, or sign out.
func TestCachedUserLosesAccessWithTheNextRequest(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		j := newAPIJourney(t, a)
		other := a.program(fmt.Sprintf("Elsewhere %d", appCount.Add(1)))
		body := j.call(j.coord, http.StatusCreated, "POST", "/api/v1/mentees", fmt.Sprintf(
			`{"case_code":"uc-001","full_name":"Kept Person","birth_year":1990,"gender":"female","languages":["be"],"program_id":%d}`, j.prog.ID))
		c := decodeJSON[struct {
			Case apiCase `json:"case"`
		}](t, body).Case
		u, _ := a.signedIn(fmt.Sprintf("kept-%d@example.org", appCount.Add(1)), auth.Coordinator, j.prog.ID, other.ID)
		kept := apiPerson{User: u, token: j.token(u.ID)}
		warm := func() {
			t.Helper()
			for range 2 {
				j.call(kept, 200, "GET", apiCasePath(c.ID, ""), "")
			}
		}

		// Out of the case's program: the case is gone from the next request.
		warm()
		me := decodeJSON[apiUser](t, j.call(j.admin, 200, "GET", "/api/v1/users/"+itoa(u.ID), ""))
		j.call(j.admin, 200, "PATCH", "/api/v1/users/"+itoa(u.ID), fmt.Sprintf(`{"programs":[%d],"version":%d}`, other.ID, me.Version))
		if res, _ := a.withBearer(kept.token, "GET", apiCasePath(c.ID, ""), ""); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
			t.Errorf("the case after leaving its program: %d", res.StatusCode)
		}
		me = decodeJSON[apiUser](t, j.call(j.admin, 200, "GET", "/api/v1/users/"+itoa(u.ID), ""))
		j.call(j.admin, 200, "PATCH", "/api/v1/users/"+itoa(u.ID), fmt.Sprintf(`{"programs":[%d,%d],"version":%d}`, j.prog.ID, other.ID, me.Version))

		// A revoked token.
		warm()
		tokens, err := a.store.APITokens(ctx, u.ID)
		if err != nil || len(tokens) != 1 {
			t.Fatalf("tokens: %d %v", len(tokens), err)
		}
		if err := a.store.RevokeAPIToken(ctx, u.ID, tokens[0].ID); err != nil {
			t.Fatal(err)
		}
		if res, _ := a.withBearer(kept.token, "GET", apiCasePath(c.ID, ""), ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("a revoked token: %d", res.StatusCode)
		}

		// Disabled.
		kept.token = j.token(u.ID)
		warm()
		j.call(j.admin, 200, "PUT", "/api/v1/users/"+itoa(u.ID)+"/status", `{"status":"disabled"}`)
		if res, _ := a.withBearer(kept.token, "GET", apiCasePath(c.ID, ""), ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("a disabled user's token: %d", res.StatusCode)
		}

		// Signing out of the web: the session is refused at once.
		_, session := a.signedIn(fmt.Sprintf("leaving-%d@example.org", appCount.Add(1)), auth.Coordinator, j.prog.ID)
		keep := a.session
		defer func() { a.session = keep }()
		a.session = session
		for range 2 {
			if res, _ := a.do("GET", "/cases", nil); res.StatusCode != http.StatusOK {
				t.Fatalf("the case list before signing out: %d", res.StatusCode)
			}
		}
		if res, _ := a.postForm("/logout", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", res.StatusCode)
		}
		if res, _ := a.do("GET", "/cases", nil); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("the session after signing out: %d → %q", res.StatusCode, res.Header.Get("Location"))
		}
	})
}
