package server_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"homeward/internal/auth"
)

// apiMentor is a mentor's standing as the mentors API answers, as far as
// the tests read it.
type apiMentor struct {
	Mentor struct {
		ID          int64   `json:"id"`
		Stage       string  `json:"stage"`
		Capacity    int     `json:"capacity"`
		PausedUntil *string `json:"paused_until"`
		Version     int     `json:"version"`
	} `json:"mentor"`
	Ready   bool `json:"ready"`
	Reasons []struct {
		Key    string `json:"key"`
		Detail string `json:"detail"`
	} `json:"reasons"`
	Application *struct {
		FullName string `json:"full_name"`
	} `json:"application"`
}

// api sends a JSON request as whoever is signed in and fails the test
// unless the answer has the status.
func (w *mentorWorld) api(method, path, body string, want int) string {
	w.t.Helper()
	res, got := w.a.do(method, path, strings.NewReader(body), "Content-Type", "application/json")
	if res.StatusCode != want {
		w.t.Fatalf("%s %s %s: %d, want %d\n%s", method, path, body, res.StatusCode, want, got)
	}
	return got
}

// refusedFields sends a JSON request that must be refused with the status,
// and returns the fields the error names.
func (w *mentorWorld) refusedFields(method, path, body string, want int) map[string]string {
	w.t.Helper()
	e := decodeJSON[apiError](w.t, w.api(method, path, body, want))
	if e.Error.Message == "" {
		w.t.Errorf("%s %s: an error without a message", method, path)
	}
	return e.Error.Fields
}

func pausedOn(m apiMentor) string {
	if m.Mentor.PausedUntil == nil {
		return ""
	}
	return (*m.Mentor.PausedUntil)[:10]
}

// A PATCH changes what it names and keeps the rest: capacity alone keeps a
// pause, a pause alone keeps the capacity, null ends the pause; two kinds
// of change at once are refused whole.
func TestAPIMentorPatchKeepsWhatItLeavesOut(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		w := newMentorWorld(t, a)
		_, _, id := w.readyMentor("anna.api@example.org")
		path := fmt.Sprintf("/api/v1/mentors/%d", id)
		patch := func(change string) apiMentor {
			t.Helper()
			return decodeJSON[apiMentor](t, w.api("PATCH", path, fmt.Sprintf(`{"version":%s,%s}`, w.version(id), change), http.StatusOK))
		}
		soon, later := w.day(30), w.day(60)
		m := patch(fmt.Sprintf(`"paused_until":%q`, soon))
		if pausedOn(m) != soon || m.Ready {
			t.Fatalf("paused: until %q, ready %v", pausedOn(m), m.Ready)
		}
		if m = patch(`"capacity":3`); m.Mentor.Capacity != 3 || pausedOn(m) != soon {
			t.Errorf("capacity alone: capacity %d, paused until %q; want 3 and %s", m.Mentor.Capacity, pausedOn(m), soon)
		}
		if m = patch(fmt.Sprintf(`"paused_until":%q`, later)); m.Mentor.Capacity != 3 || pausedOn(m) != later {
			t.Errorf("pause alone: capacity %d, paused until %q; want 3 and %s", m.Mentor.Capacity, pausedOn(m), later)
		}
		if m = patch(`"paused_until":null`); m.Mentor.Capacity != 3 || m.Mentor.PausedUntil != nil || !m.Ready {
			t.Errorf("null pause: capacity %d, paused until %q, ready %v; want 3, none, ready", m.Mentor.Capacity, pausedOn(m), m.Ready)
		}

		before := w.standing(id).Mentor
		f := w.refusedFields("PATCH", path, fmt.Sprintf(`{"version":%d,"stage":"retired","capacity":2}`, before.Version), http.StatusUnprocessableEntity)
		if !strings.HasPrefix(f["stage"], "Change one thing at a time") || !strings.HasPrefix(f["capacity"], "Change one thing at a time") {
			t.Errorf("two kinds at once: fields %v", f)
		}
		f = w.refusedFields("PATCH", path, fmt.Sprintf(`{"version":%d,"paused_until":"next week"}`, before.Version), http.StatusUnprocessableEntity)
		if f["paused_until"] != "Enter a date such as 2025-03-31." {
			t.Errorf("a pause that is no date: fields %v", f)
		}
		w.refusedFields("PATCH", path, fmt.Sprintf(`{"version":%d,"capacity":1}`, before.Version-1), http.StatusConflict)
		if now := w.standing(id).Mentor; now.Version != before.Version || now.Stage != before.Stage || now.Capacity != 3 {
			t.Errorf("refused patches changed the mentor: %s, capacity %d, v%d", now.Stage, now.Capacity, now.Version)
		}
	})
}

// Training through the API: a module needs its program; a completion needs
// an explicit status, so that an empty body withdraws nothing; a mentor
// reports, only a coordinator confirms.
func TestAPITrainingCompletionNeedsAStatus(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		w := newMentorWorld(t, a)
		f := w.refusedFields("POST", "/api/v1/training-modules", `{"title":"Safety"}`, http.StatusUnprocessableEntity)
		if f["program_id"] != "This field is required." {
			t.Errorf("a module without its program: fields %v", f)
		}
		if mods, _ := a.store.Modules(t.Context(), w.p.ID); len(mods) != 0 {
			t.Fatalf("a refused module was stored: %v", mods)
		}
		created := func(body string) int64 {
			t.Helper()
			return decodeJSON[struct {
				ID int64 `json:"id"`
			}](t, w.api("POST", "/api/v1/training-modules", fmt.Sprintf(`{"program_id":%d,%s}`, w.p.ID, body), http.StatusCreated)).ID
		}
		required := created(`"title":"Safety and confidentiality"`) // required unless it says otherwise
		optional := created(`"title":"Legalisation","required":false`)

		mentor, session, id := w.mentor("oleg.trained@example.org")
		completion := func(module int64) string {
			t.Helper()
			list := decodeJSON[apiList[struct {
				Module struct {
					ID int64 `json:"id"`
				} `json:"module"`
				Completion struct {
					Status string `json:"status"`
				} `json:"completion"`
			}]](t, w.api("GET", fmt.Sprintf("/api/v1/mentors/%d/training", id), "", http.StatusOK))
			for _, p := range list.Items {
				if p.Module.ID == module {
					return p.Completion.Status
				}
			}
			t.Fatalf("module %d not in the mentor's training", module)
			return ""
		}
		put := func(module int64) string { return fmt.Sprintf("/api/v1/mentors/%d/training/%d", id, module) }

		w.api("PUT", put(required), `{"status":"confirmed"}`, http.StatusOK)
		for _, empty := range []string{`{}`, ``} {
			if f := w.refusedFields("PUT", put(required), empty, http.StatusUnprocessableEntity); empty == `{}` && f["status"] != "This field is required." {
				t.Errorf("PUT %q: fields %v", empty, f)
			}
		}
		if got := completion(required); got != "confirmed" {
			t.Fatalf("after empty bodies the module is %q, want still confirmed", got)
		}

		a.session = session
		w.api("PUT", put(optional), `{"status":"reported"}`, http.StatusOK)
		if f := w.refusedFields("PUT", put(optional), `{"status":"confirmed"}`, http.StatusUnprocessableEntity); f["status"] == "" {
			t.Errorf("a mentor confirming their own module: fields %v", f)
		}
		if f := w.refusedFields("PUT", put(required), `{"status":""}`, http.StatusConflict); f["status"] != "A coordinator has confirmed this module already." {
			t.Errorf("a mentor withdrawing a confirmed module: fields %v", f)
		}
		if got := completion(optional); got != "reported" {
			t.Errorf("%s's own report is %q, want reported", mentor.Email, got)
		}
		if got := completion(required); got != "confirmed" {
			t.Errorf("the confirmed module is %q after the mentor's attempt", got)
		}
	})
}

// Suggestions and bulk matching through the API leave out every mentor who
// may not take a case; a confirmation with one of them is refused whole,
// naming the case.
func TestAPIMatchingLeavesOutUnreadyMentors(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		pl := newMatchPool(t, a)
		cs := pl.waiting(2)
		type suggestion struct {
			MentorID int64 `json:"mentor_id"`
			Score    struct {
				Items []struct {
					Key string `json:"key"`
				} `json:"items"`
			} `json:"score"`
		}
		s := decodeJSON[struct {
			Items []suggestion `json:"items"`
		}](t, pl.api("GET", fmt.Sprintf("/api/v1/cases/%d/match-suggestions", cs[0].ID), "", http.StatusOK))
		var ids []int64
		for _, it := range s.Items {
			ids = append(ids, it.MentorID)
			if len(it.Score.Items) != 6 {
				t.Errorf("mentor %d's score explains %d items, want 6", it.MentorID, len(it.Score.Items))
			}
		}
		if len(ids) != 2 || ids[0] != pl.rita.ID || ids[1] != pl.boris.ID {
			t.Errorf("suggestions %v, want Rita (%d) then Boris (%d)", ids, pl.rita.ID, pl.boris.ID)
		}

		preview := decodeJSON[struct {
			Assigned int `json:"assigned"`
			Pairs    []struct {
				CaseID       int64        `json:"case_id"`
				Mentor       *suggestion  `json:"mentor"`
				Alternatives []suggestion `json:"alternatives"`
			} `json:"pairs"`
		}](t, pl.api("POST", "/api/v1/matching/preview", fmt.Sprintf(`{"program_id":%d}`, pl.p.ID), http.StatusOK))
		given := map[int64]int{}
		for _, p := range preview.Pairs {
			offered := p.Alternatives
			if p.Mentor != nil {
				offered = append(offered, *p.Mentor)
				given[p.Mentor.MentorID]++
			}
			for _, o := range offered {
				if slices.ContainsFunc(pl.excluded, func(u auth.User) bool { return u.ID == o.MentorID }) {
					t.Errorf("the preview offers mentor %d for case %d", o.MentorID, p.CaseID)
				}
			}
		}
		if preview.Assigned != 2 || given[pl.rita.ID] != 1 || given[pl.boris.ID] != 1 {
			t.Errorf("preview assigns %d: %v; want Rita and Boris once each", preview.Assigned, given)
		}

		untrained := pl.excluded[0]
		e := decodeJSON[apiError](t, pl.api("POST", "/api/v1/matching/confirm", fmt.Sprintf(
			`{"program_id":%d,"pairs":[{"case_id":%d,"mentor_id":%d},{"case_id":%d,"mentor_id":%d}]}`,
			pl.p.ID, cs[0].ID, pl.rita.ID, cs[1].ID, untrained.ID), http.StatusConflict))
		if want := fmt.Sprintf("case:%d", cs[1].ID); e.Error.Code != "conflict" || len(e.Error.Fields) != 1 || !strings.HasPrefix(e.Error.Fields[want], "This mentor is not ready for matching") {
			t.Errorf("confirmation with %s: %s %v, want %s named", untrained.Email, e.Error.Code, e.Error.Fields, want)
		}
		pl.stillWaiting("after a refused API confirmation", cs)

		pl.api("POST", "/api/v1/matching/confirm", fmt.Sprintf(`{"program_id":%d,"pairs":[{"case_id":%d,"mentor_id":%d},{"case_id":%d,"mentor_id":%d}]}`,
			pl.p.ID, cs[0].ID, pl.rita.ID, cs[1].ID, pl.boris.ID), http.StatusOK)
		if c := a.getCase(cs[1].ID); c.State != "matched" || c.MentorID != pl.boris.ID {
			t.Errorf("after the confirmation case %s is %s with mentor %d", c.Code, c.State, c.MentorID)
		}
	})
}

// Reading a mentor's application or notes through the API is audited.
func TestAPIMentorReadsAreAudited(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		w := newMentorWorld(t, a)
		id := w.apply("Nadia Audited", "nadia.audited@example.org")
		w.api("POST", fmt.Sprintf("/api/v1/mentors/%d/notes", id), `{"body":"Knows the courts in Hrodna"}`, http.StatusCreated)

		reads := a.audited("mentor.read", "mentor", id)
		m := decodeJSON[apiMentor](t, w.api("GET", fmt.Sprintf("/api/v1/mentors/%d", id), "", http.StatusOK))
		if m.Application == nil || m.Application.FullName != "Nadia Audited" {
			t.Fatalf("the coordinator does not get the application: %+v", m.Application)
		}
		if n := a.audited("mentor.read", "mentor", id) - reads; n != 1 {
			t.Errorf("reading the application audited %d times, want once", n)
		}
		notesRead := a.audited("mentor.notes_read", "mentor", id)
		if body := w.api("GET", fmt.Sprintf("/api/v1/mentors/%d/notes", id), "", http.StatusOK); !strings.Contains(body, "Knows the courts in Hrodna") {
			t.Errorf("notes: %s", body)
		}
		if n := a.audited("mentor.notes_read", "mentor", id) - notesRead; n != 1 {
			t.Errorf("reading the notes audited %d times, want once", n)
		}
	})
}
