package server_test

import (
	"context"
	"fmt"
	"net/url"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/mentors"
	"homeward/internal/program"
	"homeward/internal/store"
)

// mentorFor returns the mentor a mentorRecord fixture acts on, by
// world.variant, and sets world.mref: a mentor's own record (their account
// made it in their program); for other roles, or the colleague variant, a
// new mentor of the user's program; one of the other program otherwise.
func (w *world) mentorFor(u auth.User, own bool) store.MentorRef {
	w.a.t.Helper()
	ctx := context.Background()
	variant := w.variant
	if own {
		variant = theirCase
	}
	var user auth.User
	switch {
	case variant == theirCase && u.Role == auth.Mentor:
		user = u
	case variant == elsewhereCase:
		user = w.staff(w.other, auth.Mentor)
	default:
		user = w.staff(w.mine, auth.Mentor)
	}
	mine, err := w.a.store.MyMentors(ctx, user.ID)
	if err != nil || len(mine) == 0 {
		w.a.t.Fatalf("mentor records of %s: %v %v", user.Email, mine, err)
	}
	m := mine[0].Mentor
	w.mref = store.MentorRef{ID: m.ID, ProgramID: m.ProgramID, UserID: m.UserID}
	return w.mref
}

// module returns an optional training module of a program, made once (a
// required one would make the fixture mentors of that program unready).
func (w *world) module(programID int64) mentors.Module {
	w.a.t.Helper()
	k := fmt.Sprintf("module|%d", programID)
	if u, ok := w.users[k]; ok {
		return mentors.Module{ID: u.ID, ProgramID: programID}
	}
	m, err := w.a.store.CreateModule(context.Background(), mentors.Module{ProgramID: programID, Title: "Basics"})
	if err != nil {
		w.a.t.Fatal(err)
	}
	w.users[k] = auth.User{ID: m.ID}
	return m
}

// mentorPost is a fixture posting a form to a mentor's path.
func mentorPost(format string, v func(w *world, m store.MentorRef) url.Values) fixture {
	return fixture{mentorRecord, func(w *world, u auth.User, own bool) call {
		m := w.mentorFor(u, own)
		return call{method: "POST", path: path(format, m.ID), form: v(w, m)}
	}}
}

// mentorCall is a fixture sending a request (a GET, or JSON) to a mentor's path.
func mentorCall(method, format string, body func(w *world, m store.MentorRef) string) fixture {
	return fixture{mentorRecord, func(w *world, u auth.User, own bool) call {
		m := w.mentorFor(u, own)
		js := ""
		if body != nil {
			js = body(w, m)
		}
		return call{method: method, path: path(format, m.ID), json: js}
	}}
}

// programCall is a fixture sending a request about a program (the user's,
// or another).
func programCall(method string, target func(w *world, p program.Program) (string, url.Values, string)) fixture {
	return fixture{programRecord, func(w *world, _ auth.User, own bool) call {
		p, f, js := target(w, w.program(own))
		return call{method: method, path: p, form: f, json: js}
	}}
}

func init() {
	const v = "/api/v1"
	none := func(*world, store.MentorRef) url.Values { return url.Values{} }
	version := func(*world, store.MentorRef) url.Values { return form("version", "1") }
	f := map[string]fixture{
		"GET /mentors": programCall("GET", func(_ *world, p program.Program) (string, url.Values, string) {
			return path("/mentors?program=%d", p.ID), nil, ""
		}),
		"GET /mentors/board": programCall("GET", func(_ *world, p program.Program) (string, url.Values, string) {
			return path("/mentors/board?program=%d", p.ID), nil, ""
		}),
		"GET /mentors/{id}":      mentorCall("GET", "/mentors/%d", nil),
		"GET /mentors/{id}/edit": mentorCall("GET", "/mentors/%d/edit", nil),
		"POST /mentors/{id}": mentorPost("/mentors/%d", func(*world, store.MentorRef) url.Values {
			return form("languages", "be", "country", "LT", "hours_per_week", "3", "times", "weekends", "version", "1")
		}),
		"POST /mentors/{id}/stage": mentorPost("/mentors/%d/stage", func(*world, store.MentorRef) url.Values {
			return form("stage", "interview", "version", "1")
		}),
		"POST /mentors/{id}/accept": mentorPost("/mentors/%d/accept", version),
		"POST /mentors/{id}/invite": mentorPost("/mentors/%d/invite", none),
		"POST /mentors/{id}/notes": mentorPost("/mentors/%d/notes", func(*world, store.MentorRef) url.Values {
			return form("body", "Called twice, no answer.")
		}),
		"POST /mentors/{id}/checks": mentorPost("/mentors/%d/checks", func(*world, store.MentorRef) url.Values {
			return form("kind", "reference", "result", "passed", "done_on", "2026-01-05")
		}),
		"POST /mentors/{id}/availability": mentorPost("/mentors/%d/availability", func(*world, store.MentorRef) url.Values {
			return form("capacity", "2", "version", "1")
		}),
		"POST /mentors/{id}/training/{module}": {mentorRecord, func(w *world, u auth.User, own bool) call {
			m := w.mentorFor(u, own)
			status := "confirmed"
			if u.Role == auth.Mentor {
				status = "reported"
			}
			return call{method: "POST", path: fmt.Sprintf("/mentors/%d/training/%d", m.ID, w.module(m.ProgramID).ID), form: form("status", status)}
		}},
		"GET /programs/{id}/training": programCall("GET", func(_ *world, p program.Program) (string, url.Values, string) {
			return path("/programs/%d/training", p.ID), nil, ""
		}),
		"POST /programs/{id}/training": programCall("POST", func(_ *world, p program.Program) (string, url.Values, string) {
			return path("/programs/%d/training", p.ID), form("title", "Boundaries", "position", "2"), ""
		}),
		"POST /training-modules/{id}": programCall("POST", func(w *world, p program.Program) (string, url.Values, string) {
			return path("/training-modules/%d", w.module(p.ID).ID), form("title", "Basics, renamed", "position", "1", "version", "1"), ""
		}),
		"GET /cases/{id}/suggestions": caseGet("GET /cases/{id}/suggestions", "/cases/%d/suggestions", cases.Waiting),
		"POST /cases/{id}/match-profile": casePost("POST /cases/{id}/match-profile", "/cases/%d/match-profile", cases.Waiting, func(*world, cases.Case) url.Values {
			return form("wishes", "woman", "background", "prison")
		}),
		"GET /programs/{id}/matching": programCall("GET", func(_ *world, p program.Program) (string, url.Values, string) {
			return path("/programs/%d/matching", p.ID), nil, ""
		}),
		"POST /programs/{id}/matching": programCall("POST", func(_ *world, p program.Program) (string, url.Values, string) {
			return path("/programs/%d/matching", p.ID), url.Values{}, ""
		}),

		"GET " + v + "/mentors": programCall("GET", func(_ *world, p program.Program) (string, url.Values, string) {
			return path(v+"/mentors?program_id=%d", p.ID), nil, ""
		}),
		"GET " + v + "/mentors/{id}":   mentorCall("GET", v+"/mentors/%d", nil),
		"PATCH " + v + "/mentors/{id}": mentorCall("PATCH", v+"/mentors/%d", func(*world, store.MentorRef) string { return `{"capacity":2,"version":1}` }),
		"POST " + v + "/mentors/{id}/acceptance": mentorCall("POST", v+"/mentors/%d/acceptance", func(*world, store.MentorRef) string {
			return `{"version":1}`
		}),
		"POST " + v + "/mentors/{id}/invitation": mentorCall("POST", v+"/mentors/%d/invitation", func(*world, store.MentorRef) string { return `{}` }),
		"GET " + v + "/mentors/{id}/checks":      mentorCall("GET", v+"/mentors/%d/checks", nil),
		"POST " + v + "/mentors/{id}/checks": mentorCall("POST", v+"/mentors/%d/checks", func(*world, store.MentorRef) string {
			return `{"kind":"reference","result":"passed","done_on":"2026-01-05"}`
		}),
		"GET " + v + "/mentors/{id}/notes":    mentorCall("GET", v+"/mentors/%d/notes", nil),
		"POST " + v + "/mentors/{id}/notes":   mentorCall("POST", v+"/mentors/%d/notes", func(*world, store.MentorRef) string { return `{"body":"Met at the café."}` }),
		"GET " + v + "/mentors/{id}/training": mentorCall("GET", v+"/mentors/%d/training", nil),
		"PUT " + v + "/mentors/{id}/training/{module}": {mentorRecord, func(w *world, u auth.User, own bool) call {
			m := w.mentorFor(u, own)
			status := "confirmed"
			if u.Role == auth.Mentor {
				status = "reported"
			}
			return call{method: "PUT", path: fmt.Sprintf(v+"/mentors/%d/training/%d", m.ID, w.module(m.ProgramID).ID), json: `{"status":"` + status + `"}`}
		}},
		"GET " + v + "/training-modules": programCall("GET", func(_ *world, p program.Program) (string, url.Values, string) {
			return path(v+"/training-modules?program_id=%d", p.ID), nil, ""
		}),
		"POST " + v + "/training-modules": programCall("POST", func(_ *world, p program.Program) (string, url.Values, string) {
			return v + "/training-modules", nil, fmt.Sprintf(`{"program_id":%d,"title":"Boundaries","required":false}`, p.ID)
		}),
		"PATCH " + v + "/training-modules/{id}": programCall("PATCH", func(w *world, p program.Program) (string, url.Values, string) {
			return path(v+"/training-modules/%d", w.module(p.ID).ID), nil, `{"title":"Basics, renamed","version":1}`
		}),
		"GET " + v + "/cases/{id}/match-suggestions": caseAPI("GET /api/v1/cases/{id}/match-suggestions", "GET", v+"/cases/%d/match-suggestions", cases.Waiting, nil),
		"GET " + v + "/cases/{id}/match-profile":     caseAPI("GET /api/v1/cases/{id}/match-profile", "GET", v+"/cases/%d/match-profile", cases.Waiting, nil),
		"PUT " + v + "/cases/{id}/match-profile": caseAPI("PUT /api/v1/cases/{id}/match-profile", "PUT", v+"/cases/%d/match-profile", cases.Waiting, func(*world, cases.Case) string {
			return `{"wishes":["woman"],"background":["prison"]}`
		}),
		"POST " + v + "/matching/preview": programCall("POST", func(_ *world, p program.Program) (string, url.Values, string) {
			return v + "/matching/preview", nil, fmt.Sprintf(`{"program_id":%d}`, p.ID)
		}),
		"POST " + v + "/matching/confirm": programCall("POST", func(_ *world, p program.Program) (string, url.Values, string) {
			return v + "/matching/confirm", nil, fmt.Sprintf(`{"program_id":%d,"pairs":[]}`, p.ID)
		}),
	}
	for k, fx := range f {
		routeFixtures[k] = fx
	}
}
