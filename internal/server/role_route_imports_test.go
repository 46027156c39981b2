package server_test

import (
	"net/url"

	"homeward/internal/auth"
)

// The import of existing cases: tried on the user's program and on
// another, which only that program's coordinators may import into. The
// posts carry no file (refused as such, 422, once the policy let them by).
func init() {
	routeFixtures["GET /programs/{id}/import"] = fixture{programRecord, func(w *world, _ auth.User, own bool) call {
		return call{method: "GET", path: path("/programs/%d/import", w.program(own).ID)}
	}}
	routeFixtures["POST /programs/{id}/import"] = fixture{programRecord, func(w *world, _ auth.User, own bool) call {
		return call{method: "POST", path: path("/programs/%d/import", w.program(own).ID), form: url.Values{"action": {"check"}}}
	}}
	routeFixtures["POST /api/v1/programs/{id}/import"] = fixture{programRecord, func(w *world, _ auth.User, own bool) call {
		return call{method: "POST", path: path("/api/v1/programs/%d/import?dry_run=true", w.program(own).ID)}
	}}
}
