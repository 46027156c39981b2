package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/cases"
)

func TestCaseTransitionsThroughTheOverview(t *testing.T) {
	t.Parallel()
	overviewEngines(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		w := newOverviewWorld(t, a, false, 1)
		c := a.makeCase(caseSetup{Program: w.prog, By: w.coord, State: cases.Intake})
		body := w.page(t, w.coord, c, http.StatusOK)
		// Closing has its own form, folded until asked for.
		ovHas(t, "intake case", body, `<option value="waiting">Waiting for a mentor</option>`, `<details class="overview-more" id="close-case">`,
			`<input type="hidden" name="to" value="closed">`)
		ovLacks(t, "intake case", body, `<option value="active">`, `<option value="matched">`, `<option value="closed">`)
		history := func() []cases.Transition {
			t.Helper()
			tr, err := a.store.CaseTransitions(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			return tr
		}
		moves := len(history())

		// Refused: the consent is missing. The page says what must happen
		// first, keeps the reason typed, and nothing changes.
		v := url.Values{"to": {"waiting"}, "reason": {"Intake interview done on Tuesday"}}
		_, body = w.post(t, w.coord, c, "/transitions", v, http.StatusConflict)
		ovHas(t, "refused move", body, "Record the mentee's consent to data processing first.",
			"Intake interview done on Tuesday", `<option value="waiting" selected>`)
		if got := a.getCase(c.ID); got.State != cases.Intake || got.Version != c.Version || len(history()) != moves {
			t.Fatalf("a refused move changed the case: %s v%d, %d moves", got.State, got.Version, len(history()))
		}

		// Refused: no needs assessed yet.
		if _, err := a.store.RecordConsent(ctx, cases.Consent{MenteeID: c.MenteeID, Kind: cases.ConsentProcessing, Given: true, RecordedBy: w.coord.ID}); err != nil {
			t.Fatal(err)
		}
		_, body = w.post(t, w.coord, c, "/transitions", v, http.StatusConflict)
		ovHas(t, "refused move", body, "Assess the mentee's needs first.", "Intake interview done on Tuesday")

		// Bad input: no state, or one the journey does not know.
		_, body = w.post(t, w.coord, c, "/transitions", url.Values{"reason": {"kept"}}, http.StatusUnprocessableEntity)
		ovHas(t, "move without a state", body, "This field is required.", ">kept</textarea>")
		w.post(t, w.coord, c, "/transitions", url.Values{"to": {"elsewhere"}}, http.StatusUnprocessableEntity)
		// Matching belongs to the match form.
		_, body = w.post(t, w.coord, c, "/transitions", url.Values{"to": {"matched"}}, http.StatusConflict)
		ovHas(t, "move to matched", body, "Assign a mentor to match the case.")

		// Allowed: with the needs assessed, the case waits for a mentor.
		if err := a.store.AssessNeeds(ctx, c.ID, []cases.Assessment{{Domain: w.prog.NeedDomains[0], Severity: cases.Critical, Status: cases.NotStarted}}, w.coord.ID); err != nil {
			t.Fatal(err)
		}
		res, _ := w.post(t, w.coord, c, "/transitions", v, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/cases/"+itoa(c.ID)+"?done=moved#state" {
			t.Errorf("after a move: %q", loc)
		}
		body = w.follow(t, w.coord, res)
		ovHas(t, "moved case", body, "The case moved.", "Intake → Waiting for a mentor", "Intake interview done on Tuesday", w.coord.Email)
		if got := a.getCase(c.ID); got.State != cases.Waiting {
			t.Fatalf("state %s, want waiting", got.State)
		}

		// Closing for a reason other than completion needs a reason; an
		// early "completed" is refused with what must happen first.
		_, body = w.post(t, w.coord, c, "/transitions", url.Values{"to": {"closed"}, "closure_reason": {"withdrawn"}}, http.StatusUnprocessableEntity)
		ovHas(t, "closure without a reason", body, "Say why the case is closed.", `<option value="withdrawn" selected>`,
			`<details class="overview-more" id="close-case" open>`)
		_, body = w.post(t, w.coord, c, "/transitions", url.Values{"to": {"closed"}, "closure_reason": {"completed"}, "outcomes": {"job_found"}}, http.StatusConflict)
		ovHas(t, "early completion", body, "Ask the mentee about readiness to finish first", `value="job_found" checked`)
		_, body = w.post(t, w.coord, c, "/transitions", url.Values{"to": {"closed"}}, http.StatusUnprocessableEntity)
		ovHas(t, "closure without its reason", body, "This field is required.")
		_, body = w.post(t, w.coord, c, "/transitions", url.Values{"to": {"closed"}, "closure_reason": {"withdrawn"},
			"reason": {"Moved abroad"}, "outcomes": {"other"}}, http.StatusUnprocessableEntity)
		ovHas(t, "other outcome without a note", body, "This field is required.", "Moved abroad", `value="other" checked`)
		if got := a.getCase(c.ID); got.State != cases.Waiting {
			t.Fatalf("refused closures moved the case to %s", got.State)
		}

		// Closed as withdrawn, with outcomes; a note typed ticks "other".
		w.post(t, w.coord, c, "/transitions", url.Values{"to": {"closed"}, "closure_reason": {"withdrawn"},
			"reason": {"Moved abroad"}, "outcomes": {"job_found"}, "outcome_note": {"Found family abroad"}}, http.StatusSeeOther)
		got := a.getCase(c.ID)
		if got.State != cases.Closed || got.ClosureReason != cases.Withdrawn {
			t.Fatalf("after closing: %s %s", got.State, got.ClosureReason)
		}
		outcomes, err := a.store.Outcomes(ctx, c.ID)
		if err != nil || len(outcomes) != 2 || outcomes[0].Kind != cases.JobFound || outcomes[1].Kind != cases.OtherOutcome || outcomes[1].Note != "Found family abroad" {
			t.Errorf("outcomes: %+v %v", outcomes, err)
		}
		body = w.page(t, w.coord, c, http.StatusOK)
		ovHas(t, "closed case", body, "Waiting for a mentor → Closed", "Closed · withdrawn", "Moved abroad", "Reopen (intake, a new period)")
		ovLacks(t, "closed case", body, `action="/cases/`+itoa(c.ID)+`/plan-steps"`, "When closing")

		// Work on a closed case is refused with the reason.
		_, body = w.post(t, w.coord, c, "/plan-steps", url.Values{"title": {"Late step"}, "owner": {"mentee"}}, http.StatusConflict)
		ovHas(t, "step on a closed case", body, "The case is closed. Reopen it first.")

		// Reopened: a new period, history kept.
		w.post(t, w.coord, c, "/transitions", url.Values{"to": {"intake"}, "reason": {"Came back"}}, http.StatusSeeOther)
		got = a.getCase(c.ID)
		if got.State != cases.Intake || got.Period != 2 {
			t.Fatalf("after reopening: %s, period %d", got.State, got.Period)
		}
		body = w.page(t, w.coord, c, http.StatusOK)
		ovHas(t, "reopened case", body, "Closed → Intake", "Came back", "Moved abroad", "Period 2")
	})
}

func TestCaseMatchThroughTheOverview(t *testing.T) {
	t.Parallel()
	overviewEngines(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		w := newOverviewWorld(t, a, false, 1)
		w.active(t) // the world's mentor is now full (capacity 1)
		c := a.makeCase(caseSetup{Program: w.prog, By: w.coord, State: cases.Waiting})

		body := w.page(t, w.coord, c, http.StatusOK)
		ovHas(t, "match form", body, `action="/cases/`+itoa(c.ID)+`/match"`, w.mentor.Email+" — full: 1 of 1", w.other.Email+" — 0 of 1<",
			"No mentor yet: the case is waiting for a match.")
		ovLacks(t, "match form", body, w.psy.Email+" — ", `/match/end"`)

		// A full mentor is refused with a clear message; nothing changes.
		_, body = w.post(t, w.coord, c, "/match", url.Values{"mentor_id": {itoa(w.mentor.ID)}}, http.StatusConflict)
		ovHas(t, "full mentor", body, "This mentor already supports as many mentees as the program allows.")
		if !ovSelected(body, "mentor_id", itoa(w.mentor.ID)) {
			t.Errorf("the refused choice is not kept")
		}
		if got := a.getCase(c.ID); got.State != cases.Waiting || got.MentorID != 0 {
			t.Fatalf("a refused match changed the case: %s, mentor %d", got.State, got.MentorID)
		}
		_, body = w.post(t, w.coord, c, "/match", url.Values{"mentor_id": {""}}, http.StatusUnprocessableEntity)
		ovHas(t, "no mentor chosen", body, "Choose a mentor.")
		_, body = w.post(t, w.coord, c, "/match", url.Values{"mentor_id": {itoa(w.psy.ID)}}, http.StatusUnprocessableEntity)
		ovHas(t, "a psychologist as mentor", body, "Choose an active mentor of the case")
		w.post(t, w.other, c, "/match", url.Values{"mentor_id": {itoa(w.other.ID)}}, http.StatusNotFound)

		// A mentor with a free place is matched.
		res, _ := w.post(t, w.coord, c, "/match", url.Values{"mentor_id": {itoa(w.other.ID)}}, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/cases/"+itoa(c.ID)+"?done=matched#match" {
			t.Errorf("after matching: %q", loc)
		}
		body = w.follow(t, w.other, res)
		ovHas(t, "matched case", body, "The mentor is matched to the case.", w.other.Email+", matched since", "Matched")
		body = w.page(t, w.coord, c, http.StatusOK)
		ovHas(t, "matched case", body, `action="/cases/`+itoa(c.ID)+`/match/end"`, "End the match")
		ovLacks(t, "matched case", body, `action="/cases/`+itoa(c.ID)+`/match"`)
		// Matching again is refused: the case no longer waits.
		_, body = w.post(t, w.coord, c, "/match", url.Values{"mentor_id": {itoa(w.other.ID)}}, http.StatusConflict)
		ovHas(t, "second match", body, "Only a case waiting for a mentor can be matched.")

		// Ending the match needs a reason, which is kept in the history.
		_, body = w.post(t, w.coord, c, "/match/end", url.Values{"reason": {"  "}}, http.StatusUnprocessableEntity)
		ovHas(t, "end without a reason", body, "This field is required.", `<details class="overview-more" open>`)
		w.post(t, w.other, c, "/match/end", url.Values{"reason": {"Mine"}}, http.StatusForbidden)
		res, _ = w.post(t, w.coord, c, "/match/end", url.Values{"reason": {"Languages did not fit"}}, http.StatusSeeOther)
		body = w.follow(t, w.coord, res)
		got := a.getCase(c.ID)
		if got.State != cases.Waiting || got.MentorID != 0 {
			t.Fatalf("after ending the match: %s, mentor %d", got.State, got.MentorID)
		}
		w.page(t, w.other, c, http.StatusNotFound)
		ovHas(t, "match history", body, "Matches", w.other.Email, "Languages did not fit", "The match ended.")
		matches, err := a.store.CaseMatches(ctx, c.ID)
		if err != nil || len(matches) != 1 || matches[0].EndedAt == nil {
			t.Errorf("matches: %+v %v", matches, err)
		}
		// The freed mentor shows a free place again.
		ovHas(t, "freed mentor", body, w.other.Email+" — 0 of 1<")
	})
}

// A transition form sent by a mentor, a psychologist or someone of another
// program changes nothing and shows nothing of the case.
func TestCaseActionsRefusedForOthers(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	w := newOverviewWorld(t, a, true, 1)
	c := w.active(t)
	before, _ := a.store.AuditHead(context.Background())
	for _, path := range []string{"/transitions", "/match", "/match/end", "/psychologist", "/custody", "/needs"} {
		for _, u := range w.nonManagers() {
			res, body := w.as(u).postForm("/cases/"+itoa(c.ID)+path, url.Values{"to": {"closing"}, "reason": {"x"}, "mentor_id": {itoa(w.other.ID)},
				"psychologist_id": {"0"}, "facility_detail": {"x"}, "phase": {"in_custody"}})
			if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s as %s: %d", path, u.Role, res.StatusCode)
			}
			if strings.Contains(body, c.Code) {
				t.Errorf("POST %s as %s shows the case", path, u.Role)
			}
		}
	}
	if after, _ := a.store.AuditHead(context.Background()); after != before {
		t.Errorf("refused posts changed something: audit %v → %v", before, after)
	}
	if got := a.getCase(c.ID); got.Version != c.Version {
		t.Errorf("refused posts changed the case")
	}
}

// nonManagers are the world's people who may not manage its case.
func (w *overviewWorld) nonManagers() []auth.User {
	return []auth.User{w.mentor, w.psy, w.other, w.otherPs, w.admin, w.viewer, w.partner}
}
