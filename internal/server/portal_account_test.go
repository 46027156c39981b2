package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/cases"
)

// A mentee's portal account is their coordinators' to manage, on the
// person's profile: a new link (an invitation, then a password reset),
// disabling and enabling. The person signs in with their e-mail address,
// found through its keyed hash; a disabled account fails as a wrong
// address does. The admin neither lists the account nor reaches it, and a
// coordinator of another program cannot manage it.
func TestCoordinatorsManageAMenteesPortalAccount(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.session
	p := a.w1Program("Portal accounts", 1)
	elsewhere := a.w1Program("Elsewhere", 1)
	coord, s := a.w1User(auth.Coordinator, p.ID)
	_, other := a.w1User(auth.Coordinator, elsewhere.ID)
	c := a.makeCase(caseSetup{Program: p, By: coord, State: cases.Intake})
	profile := w1Mentee(c)
	const email = "Hanna.Portal@example.org"
	res, body := a.w1Post(s, profile+"/portal", url.Values{"email": {email}})
	if res.StatusCode != 200 {
		t.Fatalf("portal invite: %d", res.StatusCode)
	}
	acct, err := a.store.PortalAccount(context.Background(), c.MenteeID)
	if err != nil {
		t.Fatal(err)
	}
	linkOf := func(body string) string {
		t.Helper()
		m := regexp.MustCompile(`value="(/link/[^"]+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no link on the page:\n%s", body)
		}
		return m[1]
	}
	first := linkOf(body)

	// A new invitation replaces the first.
	res, body = a.w1Post(s, profile+"/portal/link", url.Values{})
	if res.StatusCode != 200 || !strings.Contains(body, "A new invitation link for "+email) {
		t.Fatalf("a new invitation link: %d", res.StatusCode)
	}
	invite := linkOf(body)
	a.session = ""
	if res, _ := a.do("GET", first, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("the first invitation after a new one: %d, want 404", res.StatusCode)
	}
	if res, _ := a.postForm(invite, url.Values{"password": {testPassword}, "password_again": {testPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("choosing a password: %d", res.StatusCode)
	}
	signIn := func(address string) int {
		t.Helper()
		a.session = ""
		res, _ := a.postForm("/login", url.Values{"email": {address}, "password": {testPassword}, "next": {"/my"}}, "X-Forwarded-For", "198.51.100.7")
		return res.StatusCode
	}
	if got := signIn(strings.ToUpper(email)); got != http.StatusSeeOther {
		t.Errorf("the person signing in with their address: %d, want 303", got)
	}
	wrong := signIn("hanna.other@example.org")
	if wrong != http.StatusUnauthorized && wrong != http.StatusOK {
		t.Errorf("signing in with a wrong address: %d", wrong)
	}

	// A reset link once the person has a password.
	res, body = a.w1Post(s, profile+"/portal/link", url.Values{})
	if res.StatusCode != 200 || !strings.Contains(body, "A password reset link for "+email) {
		t.Errorf("a reset link: %d", res.StatusCode)
	}
	// Disabled: the person cannot sign in, as with an address nobody has.
	if res, _ := a.w1Post(s, profile+"/portal/status", url.Values{"status": {"disabled"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disabling: %d", res.StatusCode)
	}
	if got := signIn(email); got != wrong {
		t.Errorf("signing in to a disabled account: %d, want %d as for a wrong address", got, wrong)
	}
	body = a.w1Get(s, profile+"?done=portal_disabled", 200)
	if !strings.Contains(body, "The portal account is disabled.") || !strings.Contains(body, `action="`+profile+`/portal/status"`) || !strings.Contains(body, email) {
		t.Errorf("the profile of a disabled account")
	}
	if res, body := a.w1Post(s, profile+"/portal/link", url.Values{}); res.StatusCode != http.StatusConflict || !strings.Contains(body, "enable it first") {
		t.Errorf("a link for a disabled account: %d", res.StatusCode)
	}
	if res, _ := a.w1Post(s, profile+"/portal/status", url.Values{"status": {"active"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("enabling: %d", res.StatusCode)
	}
	if got := signIn(email); got != http.StatusSeeOther {
		t.Errorf("signing in once enabled: %d", got)
	}

	// A coordinator of another program does not reach the account.
	for _, path := range []string{"/portal/link", "/portal/status"} {
		if res, _ := a.w1Post(other, profile+path, url.Values{"status": {"disabled"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("another program's coordinator: POST %s: %d, want 404", path, res.StatusCode)
		}
	}
	if got, _ := a.store.GetUser(context.Background(), acct.ID); got.Status != auth.StatusActive {
		t.Errorf("the account after another program's coordinator tried: %s", got.Status)
	}

	// The admin: not in the user list, not reachable by its id.
	body = a.w1Get(admin, "/admin/users?q=hanna", 200)
	if strings.Contains(strings.ToLower(body), "hanna.portal") || strings.Contains(body, "/admin/users/"+itoa(acct.ID)) {
		t.Error("the admin's user list shows the mentee's account")
	}
	a.session = admin
	if res, _ := a.do("GET", "/admin/users/"+itoa(acct.ID), nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("the admin opening the mentee's account: %d, want 404", res.StatusCode)
	}
	token := newAPIJourney(t, a).admin.token
	if res, body := a.withBearer(token, "GET", "/api/v1/users?limit=100", ""); res.StatusCode != 200 || strings.Contains(body, `"id":`+itoa(acct.ID)+`,`) || strings.Contains(body, `"role":"mentee"`) {
		t.Errorf("the API's user list: %d %s", res.StatusCode, body)
	}
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/api/v1/users/" + itoa(acct.ID), ""},
		{"PUT", "/api/v1/users/" + itoa(acct.ID) + "/status", `{"status":"disabled"}`},
		{"POST", "/api/v1/users/" + itoa(acct.ID) + "/link", ""},
		{"POST", "/api/v1/mentees/" + itoa(c.MenteeID) + "/portal/link", ""},
	} {
		if res, _ := a.withBearer(token, r.method, r.path, r.body); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
			t.Errorf("the admin: %s %s: %d, want 403 or 404", r.method, r.path, res.StatusCode)
		}
	}
	if res, body := a.withBearer(token, "POST", "/api/v1/users", `{"email":"new.mentee@example.org","role":"mentee"}`); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("the admin making a mentee account: %d %s", res.StatusCode, body)
	}
	if n := a.w1Audited("mentee.portal_link", c.MenteeID); n != 2 {
		t.Errorf("%d new links audited, want 2", n)
	}
	if n := a.w1Audited("mentee.portal_disabled", c.MenteeID); n != 1 {
		t.Errorf("%d disablings audited, want 1", n)
	}
}

// The coordinators' API: the account with its address, a new link, its status.
func TestAPIPortalAccount(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	j := newAPIJourney(t, a)
	c := a.makeCase(caseSetup{Program: j.prog, By: j.coord.User, State: cases.Intake})
	id := itoa(c.MenteeID)
	j.call(j.coord, 201, "POST", "/api/v1/mentees/"+id+"/portal", `{"email":"api.person@example.org"}`)
	body := j.call(j.coord, 200, "GET", "/api/v1/mentees/"+id+"/portal", "")
	if !strings.Contains(body, `"email":"api.person@example.org"`) || !strings.Contains(body, `"status":"invited"`) {
		t.Errorf("the account: %s", body)
	}
	body = j.call(j.coord, 201, "POST", "/api/v1/mentees/"+id+"/portal/link", "")
	if !strings.Contains(body, `"purpose":"invite"`) || !strings.Contains(body, `"path":"/link/`) {
		t.Errorf("a new link: %s", body)
	}
	body = j.call(j.coord, 200, "PUT", "/api/v1/mentees/"+id+"/portal/status", `{"status":"disabled"}`)
	if !strings.Contains(body, `"status":"disabled"`) {
		t.Errorf("disabled: %s", body)
	}
	j.call(j.coord, 409, "POST", "/api/v1/mentees/"+id+"/portal/link", "")
	j.call(j.coord, 422, "PUT", "/api/v1/mentees/"+id+"/portal/status", `{"status":"gone"}`)
	j.call(j.mentor, 404, "GET", "/api/v1/mentees/"+id+"/portal", "") // not matched to the case
}
