package server_test

import (
	"fmt"
	"net/url"

	"homeward/internal/auth"
)

// The outcomes report's routes: tried on the user's program and on another
// program, which only that program's coordinators and viewers may report on.
func init() {
	report := func(p string) fixture {
		return fixture{programRecord, func(w *world, _ auth.User, own bool) call {
			return call{method: "GET", path: fmt.Sprintf("%s?program_id=%d&preset=last_year", p, w.program(own).ID)}
		}}
	}
	for _, p := range []string{"/reports/outcomes", "/reports/outcomes.csv", "/reports/outcomes.xlsx",
		"/api/v1/reports/outcomes", "/api/v1/reports/outcomes.csv", "/api/v1/reports/outcomes.xlsx"} {
		routeFixtures["GET "+p] = report(p)
	}
	routeFixtures["GET /programs/{id}/funder-table"] = fixture{programRecord, func(w *world, _ auth.User, own bool) call {
		return call{method: "GET", path: path("/programs/%d/funder-table", w.program(own).ID)}
	}}
	routeFixtures["POST /programs/{id}/funder-table"] = fixture{programRecord, func(w *world, _ auth.User, own bool) call {
		// The version is stale after the first save: a refused stale save
		// (409) still passed the policy.
		return call{method: "POST", path: path("/programs/%d/funder-table", w.program(own).ID),
			form: url.Values{"figure": {"entered"}, "label.entered": {"People who came"}, "version": {"1"}}}
	}}
}
