package server_test

import (
	"context"
	"fmt"
	"net/url"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/policy"
	"homeward/internal/program"
)

// caseFor returns the case a caseRecord fixture of a route acts on, by
// world.variant, and sets world.ref to it as it is now. The mentor and the
// psychologist get a case of their own (matched, assigned); every other
// role's "own" case is a case of their program that they do not work on.
// Cases are shared by the roles trying one route (key), except those.
func (w *world) caseFor(key string, u auth.User, own bool, state cases.State) cases.Case {
	w.a.t.Helper()
	variant := w.variant
	if own {
		variant = theirCase
	}
	var c cases.Case
	switch {
	case variant == theirCase && (u.Role == auth.Mentor || u.Role == auth.Psychologist):
		setup := caseSetup{Program: w.mine, By: w.coordinator(w.mine), State: state,
			MentorID: w.staff(w.mine, auth.Mentor).ID, Psychologist: w.staff(w.mine, auth.Psychologist).ID}
		if u.Role == auth.Mentor {
			setup.MentorID = u.ID
		} else {
			setup.Psychologist = u.ID
		}
		c = w.a.makeCase(setup)
	default:
		p := w.mine
		if variant == elsewhereCase {
			p = w.other
		}
		k := fmt.Sprintf("%s|%d|%s", key, p.ID, state)
		id, ok := w.cases[k]
		if !ok {
			id = w.a.makeCase(caseSetup{Program: p, By: w.coordinator(p), State: state,
				MentorID: w.staff(p, auth.Mentor).ID, Psychologist: w.staff(p, auth.Psychologist).ID}).ID
			w.cases[k] = id
		}
		c = w.a.getCase(id)
	}
	w.ref = policy.RefOf(c)
	return c
}

// coordinator returns the program's coordinator who records the fixtures.
func (w *world) coordinator(p program.Program) auth.User {
	w.a.t.Helper()
	k := fmt.Sprintf("coordinator|%d", p.ID)
	if u, ok := w.users[k]; ok {
		return u
	}
	u, _ := w.a.signedIn(fmt.Sprintf("fixture-coordinator-%d@example.org", w.next()), auth.Coordinator, p.ID)
	w.users[k] = u
	return u
}

// staff makes a new mentor or psychologist of a program (a new one each
// time, so that no mentor's capacity fills).
func (w *world) staff(p program.Program, role auth.Role) auth.User {
	w.a.t.Helper()
	u, _ := w.a.signedIn(fmt.Sprintf("fixture-%s-%d@example.org", role, w.next()), role, p.ID)
	return u
}

// portalCase links a mentee user to a mentee with an active case and
// returns the case; for other roles it only makes the case.
func (w *world) portalCase(u auth.User) cases.Case {
	w.a.t.Helper()
	c := w.a.makeCase(caseSetup{Program: w.mine, By: w.coordinator(w.mine), State: cases.Active,
		MentorID: w.staff(w.mine, auth.Mentor).ID})
	if u.Role == auth.Mentee {
		if err := w.a.store.LinkMenteeUser(context.Background(), c.MenteeID, u.ID); err != nil {
			w.a.t.Fatal(err)
		}
	}
	return c
}

// firstStep returns the first plan step of a case.
func (w *world) firstStep(c cases.Case) cases.PlanStep {
	w.a.t.Helper()
	steps, err := w.a.store.PlanSteps(context.Background(), c.ID)
	if err != nil || len(steps) == 0 {
		w.a.t.Fatalf("plan steps of case %d: %v", c.ID, err)
	}
	return steps[0]
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// caseGet is a fixture reading a page of a case in a state.
func caseGet(route, format string, state cases.State) fixture {
	return fixture{caseRecord, func(w *world, u auth.User, own bool) call {
		return call{method: "GET", path: path(format, w.caseFor(route, u, own, state).ID)}
	}}
}

// casePost is a fixture posting a form to a case in a state.
func casePost(route, format string, state cases.State, v func(w *world, c cases.Case) url.Values) fixture {
	return fixture{caseRecord, func(w *world, u auth.User, own bool) call {
		c := w.caseFor(route, u, own, state)
		return call{method: "POST", path: path(format, c.ID), form: v(w, c)}
	}}
}

// menteeGet is a fixture reading a page of the mentee of a case.
func menteeGet(route, format string) fixture {
	return fixture{caseRecord, func(w *world, u auth.User, own bool) call {
		return call{method: "GET", path: path(format, w.caseFor(route, u, own, cases.Active).MenteeID)}
	}}
}

// menteePost is a fixture posting a form about the mentee of a case.
func menteePost(route, format string, v func(w *world, c cases.Case) url.Values) fixture {
	return fixture{caseRecord, func(w *world, u auth.User, own bool) call {
		c := w.caseFor(route, u, own, cases.Active)
		return call{method: "POST", path: path(format, c.MenteeID), form: v(w, c)}
	}}
}

func init() {
	none := func(*world, cases.Case) url.Values { return url.Values{} }
	f := map[string]fixture{
		"GET /cases": {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: "/cases"} }},
		"POST /cases": {noRecord, func(*world, auth.User, bool) call {
			return call{method: "POST", path: "/cases", form: form("q", "route")}
		}},
		"GET /cases/export": {noRecord, func(*world, auth.User, bool) call {
			return call{method: "GET", path: "/cases/export?format=csv"}
		}},
		"GET /mentees/new": {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: "/mentees/new"} }},
		"POST /mentees/check": {noRecord, func(w *world, _ auth.User, _ bool) call {
			n := w.next()
			return call{method: "POST", path: "/mentees/check", form: form("program_id", fmt.Sprint(w.mine.ID), "case_code", fmt.Sprintf("RR-%d", n), "full_name", fmt.Sprintf("Route Person %d", n))}
		}},
		"POST /mentees": {noRecord, func(w *world, _ auth.User, _ bool) call {
			n := w.next()
			return call{method: "POST", path: "/mentees", form: form("program_id", fmt.Sprint(w.mine.ID), "case_code", fmt.Sprintf("RR-%d", n), "full_name", fmt.Sprintf("Route Person %d", n), "confirmed", "1")}
		}},
		"GET /mentees/{id}":              menteeGet("GET /mentees/{id}", "/mentees/%d"),
		"GET /mentees/{id}/edit":         menteeGet("GET /mentees/{id}/edit", "/mentees/%d/edit"),
		"GET /mentees/{id}/history":      menteeGet("GET /mentees/{id}/history", "/mentees/%d/history"),
		"GET /mentees/{id}/history/edit": menteeGet("GET /mentees/{id}/history/edit", "/mentees/%d/history/edit"),
		"POST /mentees/{id}": menteePost("POST /mentees/{id}", "/mentees/%d", func(_ *world, c cases.Case) url.Values {
			return form("case_code", c.Code, "full_name", "Renamed Person", "version", "1")
		}),
		"POST /mentees/{id}/history": menteePost("POST /mentees/{id}/history", "/mentees/%d/history", func(*world, cases.Case) url.Values {
			return form("health", "Asthma", "version", "1")
		}),
		"POST /mentees/{id}/sharing": menteePost("POST /mentees/{id}/sharing", "/mentees/%d/sharing", func(*world, cases.Case) url.Values {
			return form("shared", "health", "version", "1")
		}),
		"POST /mentees/{id}/consents": menteePost("POST /mentees/{id}/consents", "/mentees/%d/consents", func(*world, cases.Case) url.Values {
			return form("kind", "reporting", "given", "1")
		}),
		"POST /mentees/{id}/portal": menteePost("POST /mentees/{id}/portal", "/mentees/%d/portal", func(w *world, _ cases.Case) url.Values {
			return form("email", fmt.Sprintf("portal%d@example.org", w.next()))
		}),

		"GET /cases/{id}": caseGet("GET /cases/{id}", "/cases/%d", cases.Active),
		"POST /cases/{id}/transitions": casePost("POST /cases/{id}/transitions", "/cases/%d/transitions", cases.Active, func(*world, cases.Case) url.Values {
			return form("to", "closing", "reason", "ready")
		}),
		"POST /cases/{id}/match": casePost("POST /cases/{id}/match", "/cases/%d/match", cases.Waiting, func(w *world, c cases.Case) url.Values {
			p := w.mine
			if c.ProgramID == w.other.ID {
				p = w.other
			}
			return form("mentor_id", fmt.Sprint(w.staff(p, auth.Mentor).ID))
		}),
		"POST /cases/{id}/match/end": casePost("POST /cases/{id}/match/end", "/cases/%d/match/end", cases.Active, func(*world, cases.Case) url.Values {
			return form("reason", "moved")
		}),
		"POST /cases/{id}/psychologist": casePost("POST /cases/{id}/psychologist", "/cases/%d/psychologist", cases.Active, func(w *world, c cases.Case) url.Values {
			return form("psychologist_id", fmt.Sprint(c.PsychologistID))
		}),
		"POST /cases/{id}/custody": casePost("POST /cases/{id}/custody", "/cases/%d/custody", cases.Active, func(*world, cases.Case) url.Values {
			return form("phase", "in_custody", "facility_detail", "Unit 3")
		}),
		"GET /cases/{id}/needs": caseGet("GET /cases/{id}/needs", "/cases/%d/needs", cases.Active),
		"POST /cases/{id}/needs": casePost("POST /cases/{id}/needs", "/cases/%d/needs", cases.Active, func(*world, cases.Case) url.Values {
			return form("severity.housing", "critical", "status.housing", "in_progress")
		}),
		"POST /cases/{id}/plan-steps": casePost("POST /cases/{id}/plan-steps", "/cases/%d/plan-steps", cases.Active, func(*world, cases.Case) url.Values {
			return form("title", "Open a bank account", "owner", "mentee")
		}),
		"POST /cases/{id}/plan-steps/{step}": {caseRecord, func(w *world, u auth.User, own bool) call {
			c := w.caseFor("POST /cases/{id}/plan-steps/{step}", u, own, cases.Active)
			st := w.firstStep(c)
			return call{method: "POST", path: fmt.Sprintf("/cases/%d/plan-steps/%d", c.ID, st.ID), form: form("status", "done", "version", fmt.Sprint(st.Version))}
		}},
		"GET /cases/{id}/contacts": caseGet("GET /cases/{id}/contacts", "/cases/%d/contacts", cases.Active),
		"POST /cases/{id}/contacts": casePost("POST /cases/{id}/contacts", "/cases/%d/contacts", cases.Active, func(*world, cases.Case) url.Values {
			return form("at", "2020-01-02T10:00", "channel", "call", "minutes", "30", "summary", "Talked")
		}),
		"GET /cases/{id}/requests": caseGet("GET /cases/{id}/requests", "/cases/%d/requests", cases.Active),
		"POST /cases/{id}/requests": casePost("POST /cases/{id}/requests", "/cases/%d/requests", cases.Active, func(*world, cases.Case) url.Values {
			return form("domain", "housing", "urgency", "soon", "text", "Needs a room")
		}),
		"POST /cases/{id}/requests/{request}": {caseRecord, func(w *world, u auth.User, own bool) call {
			c := w.caseFor("POST /cases/{id}/requests/{request}", u, own, cases.Active)
			r, err := w.a.store.AddRequest(context.Background(), cases.Request{CaseID: c.ID, Domain: "housing", Urgency: cases.Soon, Status: cases.RequestOpen, Text: "Needs a room", RecordedBy: w.coordinator(w.mine).ID})
			if err != nil {
				w.a.t.Fatal(err)
			}
			return call{method: "POST", path: fmt.Sprintf("/cases/%d/requests/%d", c.ID, r.ID), form: form("status", "resolved", "resolution", "Found", "version", fmt.Sprint(r.Version))}
		}},
		"GET /cases/{id}/notes": caseGet("GET /cases/{id}/notes", "/cases/%d/notes", cases.Active),
		"POST /cases/{id}/notes": casePost("POST /cases/{id}/notes", "/cases/%d/notes", cases.Active, func(*world, cases.Case) url.Values {
			return form("visibility", "mentor", "body", "A note")
		}),
		"GET /cases/{id}/closing":                caseGet("GET /cases/{id}/closing", "/cases/%d/closing", cases.Closing),
		"POST /cases/{id}/closing/agreement":     casePost("POST /cases/{id}/closing/agreement", "/cases/%d/closing/agreement", cases.Closing, none),
		"POST /cases/{id}/closing/final-meeting": casePost("POST /cases/{id}/closing/final-meeting", "/cases/%d/closing/final-meeting", cases.Closing, none),
		"POST /cases/{id}/feedback": casePost("POST /cases/{id}/feedback", "/cases/%d/feedback", cases.Closing, func(*world, cases.Case) url.Values {
			return form("support", "5", "text", "Thank you")
		}),
		"POST /cases/{id}/outcomes": casePost("POST /cases/{id}/outcomes", "/cases/%d/outcomes", cases.Active, func(*world, cases.Case) url.Values {
			return form("kind", "job_found")
		}),
		"POST /cases/{id}/follow-ups/{followup}": {caseRecord, func(w *world, u auth.User, own bool) call {
			c := w.caseFor("POST /cases/{id}/follow-ups/{followup}", u, own, cases.Closed)
			fus, err := w.a.store.FollowUps(context.Background(), c.ID)
			if err != nil || len(fus) == 0 {
				w.a.t.Fatalf("follow-ups of case %d: %v", c.ID, err)
			}
			return call{method: "POST", path: fmt.Sprintf("/cases/%d/follow-ups/%d", c.ID, fus[0].ID), form: form("work_kept", "yes", "housing", "yes", "rearrested", "no", "version", fmt.Sprint(fus[0].Version))}
		}},

		"GET /my": {noRecord, func(w *world, u auth.User, _ bool) call {
			w.portalCase(u)
			return call{method: "GET", path: "/my"}
		}},
		"POST /my/data": {noRecord, func(w *world, u auth.User, _ bool) call {
			w.portalCase(u)
			return call{method: "POST", path: "/my/data", form: url.Values{}}
		}},
		"POST /my/requests": {noRecord, func(w *world, u auth.User, _ bool) call {
			w.portalCase(u)
			return call{method: "POST", path: "/my/requests", form: form("domain", "housing", "urgency", "soon", "text", "I need a room")}
		}},
		"POST /my/agreement": {noRecord, func(w *world, u auth.User, _ bool) call {
			w.portalCase(u)
			return call{method: "POST", path: "/my/agreement", form: url.Values{}}
		}},
		"POST /my/feedback": {noRecord, func(w *world, u auth.User, _ bool) call {
			w.portalCase(u)
			return call{method: "POST", path: "/my/feedback", form: form("support", "4", "text", "Good")}
		}},
		"POST /my/steps/{id}/done": {ownRecord, func(w *world, u auth.User, own bool) call {
			var c cases.Case
			if own {
				c = w.portalCase(u)
			} else {
				c = w.portalCase(auth.User{}) // someone else's case
			}
			return call{method: "POST", path: path("/my/steps/%d/done", w.firstStep(c).ID), form: url.Values{}}
		}},
	}
	for k, v := range f {
		routeFixtures[k] = v
	}
}
