package server_test

import (
	"context"
	"fmt"

	"homeward/internal/auth"
	"homeward/internal/cases"
)

// caseAPI is a fixture sending a request to an API path of a case in a state.
func caseAPI(route, method, format string, state cases.State, body func(w *world, c cases.Case) string) fixture {
	return fixture{caseRecord, func(w *world, u auth.User, own bool) call {
		c := w.caseFor(route, u, own, state)
		js := ""
		if body != nil {
			js = body(w, c)
		}
		return call{method: method, path: path(format, c.ID), json: js}
	}}
}

// menteeAPI is a fixture sending a request to an API path of the mentee of a case.
func menteeAPI(route, method, format string, body string) fixture {
	return fixture{caseRecord, func(w *world, u auth.User, own bool) call {
		c := w.caseFor(route, u, own, cases.Active)
		return call{method: method, path: path(format, c.MenteeID), json: body}
	}}
}

func init() {
	const v = "/api/v1"
	lit := func(s string) func(*world, cases.Case) string { return func(*world, cases.Case) string { return s } }
	f := map[string]fixture{
		"GET " + v + "/mentees": {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: v + "/mentees"} }},
		"POST " + v + "/mentees": {noRecord, func(w *world, _ auth.User, _ bool) call {
			n := w.next()
			return call{method: "POST", path: v + "/mentees", json: fmt.Sprintf(`{"program_id":%d,"case_code":"AP-%d","full_name":"Api Person %d","confirm_new":true}`, w.mine.ID, n, n)}
		}},
		"GET " + v + "/mentees/{id}":                 menteeAPI("GET /api/v1/mentees/{id}", "GET", v+"/mentees/%d", ""),
		"PUT " + v + "/mentees/{id}":                 menteeAPI("PUT /api/v1/mentees/{id}", "PUT", v+"/mentees/%d", `{"occupation":"Welder","version":1}`),
		"GET " + v + "/mentees/{id}/history":         menteeAPI("GET /api/v1/mentees/{id}/history", "GET", v+"/mentees/%d/history", ""),
		"PUT " + v + "/mentees/{id}/history":         menteeAPI("PUT /api/v1/mentees/{id}/history", "PUT", v+"/mentees/%d/history", `{"parts":{"health":"Asthma"},"version":1}`),
		"PUT " + v + "/mentees/{id}/history/sharing": menteeAPI("PUT /api/v1/mentees/{id}/history/sharing", "PUT", v+"/mentees/%d/history/sharing", `{"shared":["health"],"version":1}`),
		"GET " + v + "/mentees/{id}/consents":        menteeAPI("GET /api/v1/mentees/{id}/consents", "GET", v+"/mentees/%d/consents", ""),
		"POST " + v + "/mentees/{id}/consents":       menteeAPI("POST /api/v1/mentees/{id}/consents", "POST", v+"/mentees/%d/consents", `{"kind":"reporting","given":true}`),

		"GET " + v + "/cases":      {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: v + "/cases"} }},
		"GET " + v + "/cases/{id}": caseAPI("GET /api/v1/cases/{id}", "GET", v+"/cases/%d", cases.Active, nil),
		"PUT " + v + "/cases/{id}/psychologist": caseAPI("PUT /api/v1/cases/{id}/psychologist", "PUT", v+"/cases/%d/psychologist", cases.Active, func(_ *world, c cases.Case) string {
			return fmt.Sprintf(`{"psychologist_id":%d}`, c.PsychologistID)
		}),
		"GET " + v + "/cases/{id}/custody": caseAPI("GET /api/v1/cases/{id}/custody", "GET", v+"/cases/%d/custody", cases.Active, nil),
		"PUT " + v + "/cases/{id}/custody": caseAPI("PUT /api/v1/cases/{id}/custody", "PUT", v+"/cases/%d/custody", cases.Active,
			lit(`{"phase":"in_custody","facility_detail":"Unit 3"}`)),
		"GET " + v + "/cases/{id}/transitions":  caseAPI("GET /api/v1/cases/{id}/transitions", "GET", v+"/cases/%d/transitions", cases.Active, nil),
		"POST " + v + "/cases/{id}/transitions": caseAPI("POST /api/v1/cases/{id}/transitions", "POST", v+"/cases/%d/transitions", cases.Active, lit(`{"to":"closing","reason":"ready"}`)),
		"GET " + v + "/cases/{id}/needs":        caseAPI("GET /api/v1/cases/{id}/needs", "GET", v+"/cases/%d/needs", cases.Active, nil),
		"POST " + v + "/cases/{id}/needs":       caseAPI("POST /api/v1/cases/{id}/needs", "POST", v+"/cases/%d/needs", cases.Active, lit(`[{"domain":"housing","severity":"critical","status":"in_progress"}]`)),
		"GET " + v + "/cases/{id}/plan-steps":   caseAPI("GET /api/v1/cases/{id}/plan-steps", "GET", v+"/cases/%d/plan-steps", cases.Active, nil),
		"POST " + v + "/cases/{id}/plan-steps":  caseAPI("POST /api/v1/cases/{id}/plan-steps", "POST", v+"/cases/%d/plan-steps", cases.Active, lit(`{"title":"Open a bank account","owner":"mentee"}`)),
		"PATCH " + v + "/cases/{id}/plan-steps/{step}": {caseRecord, func(w *world, u auth.User, own bool) call {
			c := w.caseFor("PATCH /api/v1/cases/{id}/plan-steps/{step}", u, own, cases.Active)
			st := w.firstStep(c)
			return call{method: "PATCH", path: fmt.Sprintf(v+"/cases/%d/plan-steps/%d", c.ID, st.ID), json: fmt.Sprintf(`{"status":"done","version":%d}`, st.Version)}
		}},
		"GET " + v + "/cases/{id}/contacts":  caseAPI("GET /api/v1/cases/{id}/contacts", "GET", v+"/cases/%d/contacts", cases.Active, nil),
		"POST " + v + "/cases/{id}/contacts": caseAPI("POST /api/v1/cases/{id}/contacts", "POST", v+"/cases/%d/contacts", cases.Active, lit(`{"at":"2020-01-02T10:00:00Z","channel":"call","minutes":30,"summary":"Talked"}`)),
		"GET " + v + "/cases/{id}/requests":  caseAPI("GET /api/v1/cases/{id}/requests", "GET", v+"/cases/%d/requests", cases.Active, nil),
		"POST " + v + "/cases/{id}/requests": caseAPI("POST /api/v1/cases/{id}/requests", "POST", v+"/cases/%d/requests", cases.Active, lit(`{"domain":"housing","urgency":"soon","text":"Needs a room"}`)),
		"PATCH " + v + "/cases/{id}/requests/{request}": {caseRecord, func(w *world, u auth.User, own bool) call {
			c := w.caseFor("PATCH /api/v1/cases/{id}/requests/{request}", u, own, cases.Active)
			r, err := w.a.store.AddRequest(context.Background(), cases.Request{CaseID: c.ID, Domain: "housing", Urgency: cases.Soon, Status: cases.RequestOpen, Text: "Needs a room", RecordedBy: w.coordinator(w.mine).ID})
			if err != nil {
				w.a.t.Fatal(err)
			}
			return call{method: "PATCH", path: fmt.Sprintf(v+"/cases/%d/requests/%d", c.ID, r.ID), json: fmt.Sprintf(`{"status":"resolved","resolution":"Found","version":%d}`, r.Version)}
		}},
		"GET " + v + "/cases/{id}/notes":  caseAPI("GET /api/v1/cases/{id}/notes", "GET", v+"/cases/%d/notes", cases.Active, nil),
		"POST " + v + "/cases/{id}/notes": caseAPI("POST /api/v1/cases/{id}/notes", "POST", v+"/cases/%d/notes", cases.Active, lit(`{"visibility":"mentor","body":"A note"}`)),
		"GET " + v + "/cases/{id}/match":  caseAPI("GET /api/v1/cases/{id}/match", "GET", v+"/cases/%d/match", cases.Active, nil),
		"PUT " + v + "/cases/{id}/match": caseAPI("PUT /api/v1/cases/{id}/match", "PUT", v+"/cases/%d/match", cases.Waiting, func(w *world, c cases.Case) string {
			p := w.mine
			if c.ProgramID == w.other.ID {
				p = w.other
			}
			return fmt.Sprintf(`{"mentor_id":%d}`, w.staff(p, auth.Mentor).ID)
		}),
		"DELETE " + v + "/cases/{id}/match":               caseAPI("DELETE /api/v1/cases/{id}/match", "DELETE", v+"/cases/%d/match", cases.Active, lit(`{"reason":"moved"}`)),
		"GET " + v + "/cases/{id}/signals":                caseAPI("GET /api/v1/cases/{id}/signals", "GET", v+"/cases/%d/signals", cases.Active, nil),
		"GET " + v + "/cases/{id}/closing":                caseAPI("GET /api/v1/cases/{id}/closing", "GET", v+"/cases/%d/closing", cases.Closing, nil),
		"POST " + v + "/cases/{id}/closing/agreement":     caseAPI("POST /api/v1/cases/{id}/closing/agreement", "POST", v+"/cases/%d/closing/agreement", cases.Closing, lit(`{}`)),
		"POST " + v + "/cases/{id}/closing/final-meeting": caseAPI("POST /api/v1/cases/{id}/closing/final-meeting", "POST", v+"/cases/%d/closing/final-meeting", cases.Closing, lit(`{}`)),
		"GET " + v + "/cases/{id}/feedback":               caseAPI("GET /api/v1/cases/{id}/feedback", "GET", v+"/cases/%d/feedback", cases.Closing, nil),
		"PUT " + v + "/cases/{id}/feedback":               caseAPI("PUT /api/v1/cases/{id}/feedback", "PUT", v+"/cases/%d/feedback", cases.Closing, lit(`{"support":5,"text":"Thank you"}`)),
		"GET " + v + "/cases/{id}/outcomes":               caseAPI("GET /api/v1/cases/{id}/outcomes", "GET", v+"/cases/%d/outcomes", cases.Active, nil),
		"POST " + v + "/cases/{id}/outcomes":              caseAPI("POST /api/v1/cases/{id}/outcomes", "POST", v+"/cases/%d/outcomes", cases.Active, lit(`{"kind":"job_found"}`)),
		"GET " + v + "/cases/{id}/follow-ups":             caseAPI("GET /api/v1/cases/{id}/follow-ups", "GET", v+"/cases/%d/follow-ups", cases.Closed, nil),
		"PUT " + v + "/cases/{id}/follow-ups/{followup}": {caseRecord, func(w *world, u auth.User, own bool) call {
			c := w.caseFor("PUT /api/v1/cases/{id}/follow-ups/{followup}", u, own, cases.Closed)
			fus, err := w.a.store.FollowUps(context.Background(), c.ID)
			if err != nil || len(fus) == 0 {
				w.a.t.Fatalf("follow-ups of case %d: %v", c.ID, err)
			}
			return call{method: "PUT", path: fmt.Sprintf(v+"/cases/%d/follow-ups/%d", c.ID, fus[0].ID), json: fmt.Sprintf(`{"work_kept":"yes","housing":"yes","rearrested":"no","version":%d}`, fus[0].Version)}
		}},
	}
	for k, fx := range f {
		routeFixtures[k] = fx
	}
}
