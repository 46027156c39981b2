package store_test

import (
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/store"
	"homeward/internal/zone"
)

// A mentor's home counts a plan step as overdue from the day after its day
// on the mentor's calendar: at 23:30 UTC on 10 March a step due on 10 March
// is overdue in Prague (already 11 March) and not yet in New York.
func TestMentorHomeStepsOverdueByTheMentorsToday(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		c := f.active(t, "OZ-0002")
		tenth := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
		if _, err := f.s.AddPlanStep(f.ctx, cases.PlanStep{CaseID: c.ID, Title: "See the doctor", Owner: cases.OwnerMentee, DueOn: &tenth}); err != nil {
			t.Fatal(err)
		}
		f.now = time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)
		for name, want := range map[string]int{"Europe/Prague": 1, "America/New_York": 0} {
			got, err := f.s.MentorMentees(zone.WithLocation(f.ctx, zone.Of(name)), f.mentor.ID)
			if err != nil || len(got) != 1 {
				t.Fatalf("%s: %+v, %v", name, got, err)
			}
			if got[0].OverdueSteps != want || got[0].DueSteps != 1 {
				t.Errorf("%s: %d overdue of %d due, want %d of 1", name, got[0].OverdueSteps, got[0].DueSteps, want)
			}
		}
	})
}
