package server_test

import (
	"fmt"

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
}
