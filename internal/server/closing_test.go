package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"homeward/internal/cases"
	"homeward/internal/store"
)

// stepsInOrder checks that the closing page lists the steps in their order.
func stepsInOrder(t *testing.T, body string) {
	t.Helper()
	last := -1
	for _, s := range []string{"Readiness to finish asked", "The mentee agreed to close", "The psychologist&#39;s final meeting",
		"The mentee&#39;s feedback", "Closure reason and outcomes"} {
		i := strings.Index(body, s)
		if i < 0 || i < last {
			t.Fatalf("the closing steps are not all there in order (%q at %d)", s, i)
		}
		last = i
	}
}

// currentStep returns the text of the step marked as the one to take next.
func currentStep(body string) string {
	m := regexp.MustCompile(`aria-current="step">\s*<strong>([^<]+)</strong>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestClosingStepByStep(t *testing.T) {
	t.Parallel()
	workEngines(t, func(t *testing.T, a *app) {
		tm := newWorkTeam(a, cases.Active)
		ctx := context.Background()

		// Before the closing: every step is ahead, and the steps are refused.
		res, body := tm.as(tm.coord).do("GET", tm.tab("closing"), nil)
		wantPage(t, "closing of an active case", res, body, 200, "Ask the mentee whether they are ready to finish", "Go to the overview")
		stepsInOrder(t, body)
		if currentStep(body) != "Readiness to finish asked" {
			t.Errorf("current step %q, want readiness", currentStep(body))
		}
		if strings.Contains(body, "/closing/agreement") || strings.Contains(body, `action="/cases/`+itoa(tm.c.ID)+`/feedback"`) {
			t.Error("an active case offers closing steps")
		}
		notClosing := "Move the case to closing first"
		res, body = a.postForm(tm.tab("closing/agreement"), url.Values{})
		wantPage(t, "agreement outside closing", res, body, http.StatusConflict, notClosing)
		res, body = tm.as(tm.psych).postForm(tm.tab("closing/final-meeting"), url.Values{})
		wantPage(t, "final meeting outside closing", res, body, http.StatusConflict, notClosing)
		res, body = tm.as(tm.coord).postForm(tm.tab("feedback"), url.Values{"support": {"4"}, "text": {"Kept after refusal"}})
		wantPage(t, "feedback outside closing", res, body, http.StatusConflict, notClosing)
		if st, _ := a.store.ClosingOf(ctx, tm.c.ID, tm.c.Period); st.AgreedAt != nil || st.FinalMeetingAt != nil {
			t.Fatal("a refused closing step was recorded")
		}

		// Readiness is asked on the overview page (a transition).
		if _, err := a.store.Transition(ctx, store.TransitionInput{CaseID: tm.c.ID, To: cases.Closing, Reason: "ready", ActorID: tm.coord.ID}); err != nil {
			t.Fatal(err)
		}
		res, body = a.do("GET", tm.tab("closing"), nil)
		wantPage(t, "closing begun", res, body, 200, "Record the mentee&#39;s agreement", "Record the final meeting", tm.coord.Email,
			"The mentee agrees to close")
		if currentStep(body) != "The mentee agreed to close" {
			t.Errorf("current step %q, want the agreement", currentStep(body))
		}

		// The mentor may see the closing, but records neither step.
		res, body = tm.as(tm.mentor).do("GET", tm.tab("closing"), nil)
		wantPage(t, "closing for the mentor", res, body, 200, "Readiness to finish asked")
		if strings.Contains(body, "/closing/agreement") || strings.Contains(body, "/closing/final-meeting") || strings.Contains(body, `name="support"`) {
			t.Error("the mentor is offered a closing step")
		}
		for _, step := range []string{"closing/agreement", "closing/final-meeting", "feedback", "outcomes"} {
			if res, _ := a.postForm(tm.tab(step), url.Values{"support": {"5"}, "kind": {"job_found"}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("the mentor posts %s: %d, want 403", step, res.StatusCode)
			}
		}

		// The coordinator records the agreement; the psychologist sees their button only.
		res, body = tm.as(tm.coord).postForm(tm.tab("closing/agreement"), url.Values{})
		wantRedirect(t, "agreement", res, body, tm.tab("closing")+"?done=agreement")
		res, body = tm.as(tm.psych).do("GET", tm.tab("closing"), nil)
		wantPage(t, "closing for the psychologist", res, body, 200, "Record the final meeting", "The psychologist holds the final meeting")
		if strings.Contains(body, "/closing/agreement") || strings.Contains(body, `name="support"`) {
			t.Error("the psychologist is offered the coordinator's steps")
		}
		res, body = a.postForm(tm.tab("closing/final-meeting"), url.Values{})
		wantRedirect(t, "final meeting", res, body, tm.tab("closing")+"?done=final_meeting")
		res, body = a.do("GET", tm.tab("closing")+"?done=final_meeting", nil)
		wantPage(t, "after the final meeting", res, body, 200, "The final meeting is recorded.", tm.psych.Email, "Record the mentee&#39;s feedback, or that they declined")
		if strings.Contains(body, "Record the final meeting</button>") {
			t.Error("the final meeting is offered again")
		}

		// Feedback: bad input keeps what was typed; nothing is saved.
		tm.as(tm.coord)
		res, body = a.postForm(tm.tab("feedback"), url.Values{"support": {"9"}, "mentor": {"4"}, "text": {"The mentor listened"}})
		wantPage(t, "bad feedback", res, body, http.StatusUnprocessableEntity, "Some fields need attention", "Choose a number from 1 to 5.",
			"The mentor listened", `name="mentor" value="4" checked`)
		res, body = a.postForm(tm.tab("feedback"), url.Values{"text": {"  "}})
		wantPage(t, "empty feedback", res, body, http.StatusUnprocessableEntity, "Answer at least one question")
		if fb, _ := a.store.FeedbackOf(ctx, tm.c.ID, tm.c.Period); fb != nil {
			t.Fatal("refused feedback was saved")
		}
		res, body = a.postForm(tm.tab("feedback"), url.Values{"support": {"5"}, "mentor": {"4"}, "plan": {"3"}, "recommend": {"5"}, "text": {"The mentor listened"}})
		wantRedirect(t, "feedback", res, body, tm.tab("closing")+"?done=feedback")
		res, body = a.do("GET", tm.tab("closing"), nil)
		wantPage(t, "feedback recorded", res, body, 200, "5 / 5", "4 / 5", "3 / 5", "The mentor listened",
			"Close the case as completed with its outcomes", "Change the recorded feedback", `name="plan" value="3" checked`)
		if n := a.auditedOnCase("case.feedback_read", tm.c.ID); n == 0 {
			t.Error("reading the feedback left no audit entry")
		}
		_, body = tm.as(tm.mentor).do("GET", tm.tab("closing"), nil)
		if strings.Contains(body, "The mentor listened") || !strings.Contains(body, "The mentee&#39;s feedback is recorded.") {
			t.Error("the mentor reads the mentee's feedback, or is not told it is there")
		}

		// Outcomes: "other" needs a note.
		tm.as(tm.coord)
		res, body = a.postForm(tm.tab("outcomes"), url.Values{"kind": {"other"}, "note": {""}})
		wantPage(t, "other without a note", res, body, http.StatusUnprocessableEntity, `id="e-note"`, "This field is required.",
			`<option value="other" selected>Other</option>`)
		res, body = a.postForm(tm.tab("outcomes"), url.Values{"kind": {"job_found"}, "note": {"Welder at the shipyard"}})
		wantRedirect(t, "outcome", res, body, tm.tab("closing")+"?done=outcome")
		res, body = a.do("GET", tm.tab("closing"), nil)
		wantPage(t, "outcome recorded", res, body, 200, "Job found", "Welder at the shipyard")

		// An outcome's day: a bad one keeps what was typed and names the
		// field; one before the case's period is refused; today with
		// "after release" ticked is shown so.
		today := cases.Day(a.store.Now()).Format("2006-01-02")
		if !strings.Contains(body, `name="occurred_on" type="date" value="`+today+`"`) {
			t.Error("the outcome form does not offer today's date")
		}
		res, body = a.postForm(tm.tab("outcomes"), url.Values{"kind": {"housing_secured"}, "note": {"Room in a shared flat"}, "occurred_on": {"31.12.2026"}})
		wantPage(t, "an outcome with a bad date", res, body, http.StatusUnprocessableEntity, `id="e-occurred_on"`,
			"Enter a date such as 2025-03-31.", `value="31.12.2026"`, `<option value="housing_secured" selected>`, "Room in a shared flat")
		res, body = a.postForm(tm.tab("outcomes"), url.Values{"kind": {"housing_secured"}, "occurred_on": {"2001-02-03"}})
		wantPage(t, "an outcome before the case", res, body, http.StatusUnprocessableEntity, `id="e-occurred_on"`,
			"This is before the case&#39;s current period began.", `value="2001-02-03"`)
		res, body = a.postForm(tm.tab("outcomes"), url.Values{"kind": {"housing_secured"}, "occurred_on": {today}, "after_release": {"1"}})
		wantRedirect(t, "an outcome after release", res, body, tm.tab("closing")+"?done=outcome")
		res, body = a.do("GET", tm.tab("closing"), nil)
		wantPage(t, "outcome after release", res, body, 200, "Housing secured", `<time datetime="`+today+`">`, "after release")

		// Closed as completed (on the overview page): the follow-ups are due.
		if _, err := a.store.Transition(ctx, store.TransitionInput{CaseID: tm.c.ID, To: cases.Closed, ClosureReason: cases.Completed, ActorID: tm.coord.ID}); err != nil {
			t.Fatal(err)
		}
		res, body = a.do("GET", tm.tab("closing"), nil)
		wantPage(t, "closed", res, body, 200, "Follow-ups are due 6 and 12 months after the closure", "6 months after closure",
			"12 months after closure", "completed")
		if currentStep(body) != "" {
			t.Errorf("a closed case has a current step: %q", currentStep(body))
		}
		res, body = a.postForm(tm.tab("closing/agreement"), url.Values{})
		wantPage(t, "agreement after closure", res, body, http.StatusConflict, notClosing)
	})
}

func TestFollowUpAfterACompletedClosure(t *testing.T) {
	t.Parallel()
	workEngines(t, func(t *testing.T, a *app) {
		tm := newWorkTeam(a, cases.Closed)
		ctx := context.Background()
		fus, err := a.store.FollowUps(ctx, tm.c.ID)
		if err != nil || len(fus) != 2 {
			t.Fatalf("follow-ups of a completed closure: %v %v", fus, err)
		}
		six := fus[0]
		target := fmt.Sprintf("%s/%d", tm.tab("follow-ups"), six.ID)
		version := fmt.Sprint(six.Version)

		res, body := tm.as(tm.coord).do("GET", tm.tab("closing"), nil)
		wantPage(t, "closed case", res, body, 200, "Follow-ups", "Record the answers", "Still in work", "Still housed", "Re-arrested",
			six.DueOn.Format("2006-01-02"))

		res, body = a.postForm(target, url.Values{"work_kept": {"maybe"}, "housing": {"yes"}, "rearrested": {"no"}, "note": {"Works at the shipyard"}, "version": {version}})
		wantPage(t, "bad answer", res, body, http.StatusUnprocessableEntity, "Choose one of the options.", "Works at the shipyard",
			fmt.Sprintf(`id="f-fu%d-housing-yes" name="housing" value="yes" checked`, six.ID))

		res, body = a.postForm(target, url.Values{"work_kept": {"yes"}, "housing": {"yes"}, "rearrested": {"no"}, "note": {"Works at the shipyard"}, "version": {version}})
		wantRedirect(t, "follow-up", res, body, tm.tab("closing")+"?done=follow_up")
		res, body = a.do("GET", tm.tab("closing")+"?done=follow_up", nil)
		wantPage(t, "follow-up recorded", res, body, 200, "The follow-up is recorded.", "Works at the shipyard", "Recorded", tm.coord.Email)
		if n := a.auditedOnCase("case.follow_ups_read", tm.c.ID); n == 0 {
			t.Error("reading the follow-ups left no audit entry")
		}

		// Sent again from the older version: told, typed answers kept.
		res, body = a.postForm(target, url.Values{"work_kept": {"no"}, "housing": {"unknown"}, "rearrested": {"no"}, "note": {"Lost the job"}, "version": {version}})
		wantPage(t, "stale follow-up", res, body, http.StatusConflict, "Someone else recorded this follow-up", "Lost the job",
			fmt.Sprintf(`id="f-fu%d-work_kept-no" name="work_kept" value="no" checked`, six.ID))
		if got, _ := a.store.FollowUps(ctx, tm.c.ID); got[0].WorkKept != cases.Yes {
			t.Error("a stale follow-up replaced the recorded one")
		}

		// A closed case takes no contacts or requests: no forms, and a post is refused with why.
		for _, tab := range []string{"contacts", "requests"} {
			res, body := a.do("GET", tm.tab(tab), nil)
			wantPage(t, tab+" of a closed case", res, body, 200)
			if strings.Contains(body, `method="post"`+` action="`+tm.tab(tab)) {
				t.Errorf("a closed case offers the %s form", tab)
			}
		}
		res, body = a.postForm(tm.tab("contacts"), url.Values{"at": {"2020-01-02T10:00"}, "channel": {"call"}, "summary": {"After the end"}})
		wantPage(t, "contact on a closed case", res, body, http.StatusConflict, "The case is closed. Reopen it first.", "After the end")

		// The mentor's match ended with the closure; the case is no longer theirs.
		if res, _ := tm.as(tm.mentor).postForm(target, url.Values{"work_kept": {"no"}, "housing": {"no"}, "rearrested": {"yes"}, "version": {"2"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("the former mentor records a follow-up: %d, want 404", res.StatusCode)
		}
		// A follow-up of another case is not found through this one.
		other := newWorkTeam(a, cases.Closed)
		ofus, _ := a.store.FollowUps(ctx, other.c.ID)
		res, _ = tm.as(tm.coord).postForm(fmt.Sprintf("%s/%d", tm.tab("follow-ups"), ofus[0].ID), url.Values{"work_kept": {"yes"}, "housing": {"yes"}, "rearrested": {"no"}, "version": {"1"}})
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("a follow-up through a case it is not on: %d, want 404", res.StatusCode)
		}
	})
}

func TestFollowUpsRefusedBeforeClosure(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tm := newWorkTeam(a, cases.Active)
	closed := newWorkTeam(a, cases.Closed)
	fus, _ := a.store.FollowUps(context.Background(), closed.c.ID)
	// The coordinator of one program posts a follow-up id through an active
	// case of theirs: no such follow-up on it.
	res, _ := tm.as(tm.coord).postForm(fmt.Sprintf("%s/%d", tm.tab("follow-ups"), fus[0].ID), url.Values{"work_kept": {"yes"}, "housing": {"yes"}, "rearrested": {"no"}, "version": {"1"}})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("a follow-up on an active case: %d, want 404", res.StatusCode)
	}
	res, body := a.do("GET", tm.tab("closing"), nil)
	wantPage(t, "active case", res, body, 200)
	if strings.Contains(body, "Follow-ups") {
		t.Error("an active case shows follow-ups")
	}
}
