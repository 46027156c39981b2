package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"homeward/internal/errs"

	"homeward/internal/auth"
	"homeward/internal/cases"
)

func init() {
	// A mentee's portal account, given through the API: a new email
	// address at every try.
	routeFixtures["POST /api/v1/mentees/{id}/portal"] = fixture{caseRecord, func(w *world, u auth.User, own bool) call {
		c := w.caseFor("POST /api/v1/mentees/{id}/portal", u, own, cases.Active)
		return call{method: "POST", path: path("/api/v1/mentees/%d/portal", c.MenteeID), json: fmt.Sprintf(`{"email":"portal%d@example.org"}`, w.next())}
	}}
	// The account's view, a new link and its status, on a person who has a
	// portal account (the fixture gives one when the person has none).
	routeFixtures["GET /api/v1/mentees/{id}/portal"] = portalAccountFixture("GET", "/api/v1/mentees/%d/portal", "")
	routeFixtures["POST /api/v1/mentees/{id}/portal/link"] = portalAccountFixture("POST", "/api/v1/mentees/%d/portal/link", "")
	routeFixtures["PUT /api/v1/mentees/{id}/portal/status"] = portalAccountFixture("PUT", "/api/v1/mentees/%d/portal/status", `{"status":"disabled"}`)
	routeFixtures["POST /mentees/{id}/portal/link"] = portalAccountFixture("POST", "/mentees/%d/portal/link", "")
	routeFixtures["POST /mentees/{id}/portal/status"] = portalAccountFixture("POST", "/mentees/%d/portal/status", "status=disabled")
}

// portalAccountFixture acts on a person of a case the fixture chooses,
// after giving them a portal account (as a coordinator of theirs would):
// json for an API call, a form (url-encoded) for a page's.
func portalAccountFixture(method, format, body string) fixture {
	return fixture{caseRecord, func(w *world, u auth.User, own bool) call {
		route := method + " " + strings.Replace(format, "%d", "{id}", 1)
		c := w.caseFor(route, u, own, cases.Active)
		if _, _, err := w.a.store.InviteMentee(context.Background(), c.MenteeID, auth.User{Email: fmt.Sprintf("portal%d@example.org", w.next())}, time.Hour); err != nil && !errs.Is(err, errs.KindConflict) {
			w.a.t.Fatal(err)
		}
		cl := call{method: method, path: path(format, c.MenteeID)}
		if strings.HasPrefix(format, "/api/") {
			cl.json = body
		} else {
			v, _ := url.ParseQuery(body)
			cl.form = v
		}
		return cl
	}}
}
