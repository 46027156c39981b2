package server_test

import (
	"context"
	"net/url"

	"homeward/internal/auth"
	"homeward/internal/cases"
)

// heldCase is a case of the roles' fixture put on hold from the retention
// by its program's coordinator, for the routes that lift a hold.
func (w *world) heldCase(key string, u auth.User, own bool) cases.Case {
	w.a.t.Helper()
	c := w.caseFor(key, u, own, cases.Active)
	p := w.mine
	if c.ProgramID == w.other.ID {
		p = w.other
	}
	if err := w.a.store.HoldRetention(context.Background(), c.ID, cases.HoldLegalClaim, w.coordinator(p).ID); err != nil {
		w.a.t.Fatal(err)
	}
	return c
}

func init() {
	const v = "/api/v1"
	f := map[string]fixture{
		"GET /retention": {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: "/retention"} }},
		"POST /cases/{id}/retention-hold": casePost("POST /cases/{id}/retention-hold", "/cases/%d/retention-hold", cases.Active, func(*world, cases.Case) url.Values {
			return form("reason", "legal_claim")
		}),
		"POST /cases/{id}/retention-hold/lift": {caseRecord, func(w *world, u auth.User, own bool) call {
			c := w.heldCase("POST /cases/{id}/retention-hold/lift", u, own)
			return call{method: "POST", path: path("/cases/%d/retention-hold/lift", c.ID), form: url.Values{}}
		}},

		"GET " + v + "/retention": {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: v + "/retention"} }},
		"PUT " + v + "/cases/{id}/retention-hold": caseAPI("PUT /api/v1/cases/{id}/retention-hold", "PUT", v+"/cases/%d/retention-hold", cases.Active,
			func(*world, cases.Case) string { return `{"reason":"complaint"}` }),
		"DELETE " + v + "/cases/{id}/retention-hold": {caseRecord, func(w *world, u auth.User, own bool) call {
			c := w.heldCase("DELETE /api/v1/cases/{id}/retention-hold", u, own)
			return call{method: "DELETE", path: path(v+"/cases/%d/retention-hold", c.ID)}
		}},
	}
	for k, fx := range f {
		routeFixtures[k] = fx
	}
}
