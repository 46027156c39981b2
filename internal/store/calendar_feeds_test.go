package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// A calendar feed's address works until it is revoked, replaced by a new
// one, or its user is disabled; each making and revoking is audited.
func TestCalendarFeedAddress(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		first, f1, err := j.s.CreateCalendarFeed(j.ctx, j.mentor.ID, "cs")
		j.fatal(err)
		feed, u, err := j.s.CalendarFeedUser(j.ctx, first)
		if err != nil || u.ID != j.mentor.ID || feed.Language != "cs" || feed.LastUsedAt == nil || len(u.Programs) != 1 {
			t.Fatalf("the new feed: %+v %+v %v", feed, u, err)
		}
		if _, _, err := j.s.CalendarFeedUser(j.ctx, first+"x"); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("an unknown token: %v", err)
		}
		second, f2, err := j.s.CreateCalendarFeed(j.ctx, j.mentor.ID, "en")
		j.fatal(err)
		if _, _, err := j.s.CalendarFeedUser(j.ctx, first); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("the replaced address still works: %v", err)
		}
		if cur, err := j.s.CalendarFeedOf(j.ctx, j.mentor.ID); err != nil || cur == nil || cur.ID != f2.ID {
			t.Errorf("the working feed: %+v %v", cur, err)
		}
		j.fatal(j.s.RevokeCalendarFeed(j.ctx, j.mentor.ID))
		if _, _, err := j.s.CalendarFeedUser(j.ctx, second); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("the revoked address still works: %v", err)
		}
		if err := j.s.RevokeCalendarFeed(j.ctx, j.mentor.ID); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("revoking nothing: %v", err)
		}
		if cur, err := j.s.CalendarFeedOf(j.ctx, j.mentor.ID); err != nil || cur != nil {
			t.Errorf("a feed after revoking: %+v %v", cur, err)
		}
		if j.audits("calendar_feed.create", "calendar_feed", f1.ID) != 1 || j.audits("calendar_feed.revoke", "calendar_feed", f1.ID) != 1 ||
			j.audits("calendar_feed.create", "calendar_feed", f2.ID) != 1 || j.audits("calendar_feed.revoke", "calendar_feed", f2.ID) != 1 {
			t.Errorf("making and revoking are not each audited once")
		}

		// Disabling the user stops the feed, and enabling them again does not bring it back.
		third, _, err := j.s.CreateCalendarFeed(j.ctx, j.mentor2.ID, "en")
		j.fatal(err)
		j.fatal(j.s.SetUserStatus(j.ctx, j.mentor2.ID, auth.StatusDisabled))
		if _, _, err := j.s.CalendarFeedUser(j.ctx, third); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("a disabled user's feed works: %v", err)
		}
		if _, _, err := j.s.CreateCalendarFeed(j.ctx, j.mentor2.ID, "en"); !errs.Is(err, errs.KindConflict) {
			t.Errorf("a disabled user made a feed: %v", err)
		}
		j.fatal(j.s.SetUserStatus(j.ctx, j.mentor2.ID, auth.StatusActive))
		if _, _, err := j.s.CalendarFeedUser(j.ctx, third); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("the feed came back with the account: %v", err)
		}
	})
}

// The feed's dates: each kind, within the window, scoped like the case
// list, at most the limit with the nearest to come first.
func TestCalendarEvents(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		day := func(d int) *time.Time { x := cases.Day(j.now()).AddDate(0, 0, d); return &x }
		// The mentor's active case: its next contact, a step due in 3
		// days, one with no due day, one done, one far ahead.
		mine := j.active(j.waiting("CAL-1", "Alena Kalenda"), j.mentor.ID)
		for _, st := range []cases.PlanStep{
			{Title: "Passport", DueOn: day(3)}, {Title: "No day"}, {Title: "Done", DueOn: day(4), Status: cases.StepDone},
			{Title: "Far", DueOn: day(400)}, {Title: "Last month", DueOn: day(-20), Status: cases.StepInProgress},
		} {
			st.CaseID, st.Owner = mine.ID, cases.OwnerMentor
			_, err := j.s.AddPlanStep(j.ctx, st)
			j.fatal(err)
		}
		// Another mentor's case, with the psychologist, closed as completed
		// after its final meeting: its follow-ups fall due 6 and 12 months
		// on. Once closed it leaves its mentor's list, and their calendar.
		theirs := j.active(j.waiting("CAL-2", "Boris Kalenda"), j.mentor2.ID)
		_, err := j.s.AssignPsychologist(j.ctx, theirs.ID, j.psych.ID, j.coord.ID)
		j.fatal(err)
		j.move(theirs.ID, cases.Closing)
		j.fatal(j.s.RecordAgreement(j.ctx, theirs.ID, j.coord.ID, false))
		j.fatal(j.s.RecordFinalMeeting(j.ctx, theirs.ID, j.coord.ID))
		j.fatal(j.s.SaveFeedback(j.ctx, cases.Feedback{CaseID: theirs.ID, Support: 5, RecordedBy: j.coord.ID}))
		_, err = j.s.Transition(j.ctx, store.TransitionInput{CaseID: theirs.ID, To: cases.Closed, ClosureReason: cases.Completed, ActorID: j.coord.ID})
		j.fatal(err)
		// A case in custody in the other program, released in 10 days.
		_, inCustody := j.intake(j.other.ID, person("CAL-3", "Cyril Kalenda", 1985), cases.Intake)
		j.fatal(j.s.SaveCustody(j.ctx, inCustody.ID, cases.Custody{Phase: cases.InCustody, ExpectedRelease: day(10)}, j.coord.ID))

		now := j.now()
		window := func(u auth.User, at time.Time, limit int) []string {
			t.Helper()
			list, err := j.s.CalendarEvents(j.ctx, policy.CaseScope(u), at.AddDate(0, 0, -30), at.AddDate(0, 0, 180), at, limit)
			j.fatal(err)
			var out []string
			for _, e := range list {
				out = append(out, fmt.Sprintf("%s %s %s %v", e.CaseCode, e.Kind, e.At.Format("2006-01-02T15:04"), e.AllDay))
			}
			return out
		}
		due := *j.getCase(mine.ID).ContactDueAt
		f := func(t time.Time) string { return t.Format("2006-01-02T15:04") }
		wantMentor := []string{
			"CAL-1 plan_step " + f(*day(-20)) + " true",
			"CAL-1 plan_step " + f(*day(3)) + " true",
		}
		wantMentor = append(wantMentor, "CAL-1 contact_due "+f(due)+" false")
		slices.SortFunc(wantMentor, func(a, b string) int { return compareAt(a, b) })
		if got := window(j.mentor, now, 100); !slices.Equal(got, wantMentor) {
			t.Errorf("the mentor's dates:\n%v\nwant\n%v", got, wantMentor)
		}
		if got := window(j.psych, now, 100); len(got) != 1 || got[0] != "CAL-2 final_meeting "+f(now)+" false" {
			t.Errorf("the psychologist's dates: %v (the final meeting of their case only)", got)
		}
		for _, u := range []auth.User{j.mentor2, j.oMentor} {
			if got := window(u, now, 100); len(got) != 0 {
				t.Errorf("%s sees %v", u.Email, got)
			}
		}
		all := window(j.coord, now, 100)
		if len(all) != 5 || !slices.Contains(all, "CAL-3 release "+f(*day(10))+" true") {
			t.Errorf("the coordinator of both programs: %v", all)
		}
		// The limit keeps the nearest to come.
		if got := window(j.coord, now, 2); len(got) != 2 || got[0] != "CAL-2 final_meeting "+f(now)+" false" || got[1] != "CAL-1 plan_step "+f(*day(3))+" true" {
			t.Errorf("the first two: %v", got)
		}
		// Five months on, the 6-month follow-up is in the window; the final meeting is not.
		later := window(j.coord, now.AddDate(0, 5, 0), 100)
		if !slices.Contains(later, "CAL-2 follow_up "+f(cases.FollowUpDue(cases.Day(now), 6))+" true") || slices.ContainsFunc(later, func(s string) bool { return strings.Contains(s, "final_meeting") }) {
			t.Errorf("five months on: %v", later)
		}
		for _, u := range []auth.User{{ID: 1, Role: auth.Mentee, Status: auth.StatusActive, Programs: []int64{j.prog.ID}}, {ID: 1, Role: auth.Admin, Status: auth.StatusActive}} {
			if got := window(u, now, 100); len(got) != 0 {
				t.Errorf("a %s sees %v", u.Role, got)
			}
		}
	})
}

// compareAt orders the lines of TestCalendarEvents by their time.
func compareAt(a, b string) int {
	at := func(s string) string {
		var code, kind, when string
		fmt.Sscan(s, &code, &kind, &when)
		return when
	}
	switch x, y := at(a), at(b); {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
