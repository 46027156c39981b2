package server_test

import (
	"context"
	"fmt"
	"net/url"

	"homeward/internal/auth"
	"homeward/internal/cases"
)

// erasureFor returns a waiting erasure request of the person of a case
// that the fixture's program coordinator asked for: of a case shared by
// the roles trying one route (key), or of a new case each time when fresh
// (an approval erases the person).
func (w *world) erasureFor(key string, u auth.User, own, fresh bool) cases.ErasureRequest {
	w.a.t.Helper()
	if fresh {
		key = fmt.Sprintf("%s|%d", key, w.next())
	}
	c := w.caseFor(key, u, own, cases.Active)
	ctx := context.Background()
	e, err := w.a.store.LatestErasure(ctx, c.MenteeID)
	if err != nil {
		w.a.t.Fatal(err)
	}
	if e != nil && e.Status == cases.ErasurePending {
		return *e
	}
	p := w.mine
	if c.ProgramID == w.other.ID {
		p = w.other
	}
	asked, err := w.a.store.AskErasure(ctx, c.ID, cases.ErasurePersonAsked, w.coordinator(p).ID)
	if err != nil {
		w.a.t.Fatal(err)
	}
	return asked
}

func init() {
	const v = "/api/v1"
	decide := func(method, format string, fresh bool, body string) func(w *world, u auth.User, own bool) call {
		return func(w *world, u auth.User, own bool) call {
			e := w.erasureFor(format, u, own, fresh)
			return call{method: method, path: path(format, e.ID), json: body}
		}
	}
	f := map[string]fixture{
		"GET /mentees/{id}/export":      menteeGet("GET /mentees/{id}/export", "/mentees/%d/export"),
		"GET /mentees/{id}/export.json": menteeGet("GET /mentees/{id}/export.json", "/mentees/%d/export.json"),
		"GET /cases/{id}/erasure":       caseGet("GET /cases/{id}/erasure", "/cases/%d/erasure", cases.Active),
		"POST /cases/{id}/erasure": casePost("POST /cases/{id}/erasure", "/cases/%d/erasure", cases.Active, func(*world, cases.Case) url.Values {
			return form("reason", "person_asked")
		}),
		"GET /erasures": {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: "/erasures"} }},
		"POST /erasures/{id}/approve": {caseRecord, func(w *world, u auth.User, own bool) call {
			e := w.erasureFor("POST /erasures/{id}/approve", u, own, true)
			return call{method: "POST", path: path("/erasures/%d/approve", e.ID), form: url.Values{}}
		}},
		"POST /erasures/{id}/refuse": {caseRecord, func(w *world, u auth.User, own bool) call {
			e := w.erasureFor("POST /erasures/{id}/refuse", u, own, true)
			return call{method: "POST", path: path("/erasures/%d/refuse", e.ID), form: url.Values{}}
		}},

		"GET " + v + "/mentees/{id}/export": menteeAPI("GET /api/v1/mentees/{id}/export", "GET", v+"/mentees/%d/export", ""),
		"GET " + v + "/cases/{id}/erasure": {caseRecord, func(w *world, u auth.User, own bool) call {
			e := w.erasureFor("GET /api/v1/cases/{id}/erasure", u, own, false)
			return call{method: "GET", path: path(v+"/cases/%d/erasure", e.CaseID)}
		}},
		"POST " + v + "/cases/{id}/erasure": caseAPI("POST /api/v1/cases/{id}/erasure", "POST", v+"/cases/%d/erasure", cases.Active,
			func(*world, cases.Case) string { return `{"reason":"consent_withdrawn"}` }),
		"GET " + v + "/erasures":               {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: v + "/erasures"} }},
		"POST " + v + "/erasures/{id}/approve": {caseRecord, decide("POST", v+"/erasures/%d/approve", true, "")},
		"POST " + v + "/erasures/{id}/refuse":  {caseRecord, decide("POST", v+"/erasures/%d/refuse", true, "")},
	}
	for k, fx := range f {
		routeFixtures[k] = fx
	}
}
