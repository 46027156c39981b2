package jobs

import (
	"context"
	"testing"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/program"
	"homeward/internal/store"
	"homeward/internal/testdb"
	"homeward/internal/testsupport"
)

// The daily retention job erases the person of a case closed 24 months
// ago with its follow-ups done, in a program that erases after 24 months.
func TestRetentionJobErasesWhatIsDue(t *testing.T) {
	t.Parallel()
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			opts := store.Options{DataDir: t.TempDir()}
			if engine == store.Postgres {
				opts = store.Options{DatabaseURL: testdb.Postgres(t)}
			}
			st := testsupport.OpenStore(t, opts)
			clock := (&testsupport.Clock{}).Use(st)
			ctx := audit.WithActor(context.Background(), audit.Actor{Who: "test"})
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			p := program.New()
			p.Name, p.MentorChecks, p.RetentionMonths = "Keepers", nil, 24
			p, err := st.CreateProgram(ctx, p)
			must(err)
			coord := testsupport.User(t, st, "coord@example.org", auth.Coordinator, p.ID)
			mentor := testsupport.User(t, st, "mentor@example.org", auth.Mentor, p.ID)
			_, c, err := st.CreateIntake(ctx, store.Intake{Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: "RJ-1", FullName: "Rada Job", BirthYear: 1980}},
				ProgramID: p.ID, State: cases.Intake, ActorID: coord.ID})
			must(err)
			move := func(to cases.State, reason cases.ClosureReason) {
				t.Helper()
				_, err := st.Transition(ctx, store.TransitionInput{CaseID: c.ID, To: to, ClosureReason: reason, ActorID: coord.ID})
				must(err)
			}
			_, err = st.RecordConsent(ctx, cases.Consent{MenteeID: c.MenteeID, Kind: cases.ConsentProcessing, Given: true, RecordedBy: coord.ID})
			must(err)
			must(st.AssessNeeds(ctx, c.ID, []cases.Assessment{{Domain: p.NeedDomains[0], Severity: cases.High, Status: cases.NotStarted}}, coord.ID))
			move(cases.Waiting, "")
			_, err = st.Match(ctx, c.ID, mentor.ID, coord.ID)
			must(err)
			_, err = st.AddPlanStep(ctx, cases.PlanStep{CaseID: c.ID, Title: "Find a room", Owner: cases.OwnerMentee})
			must(err)
			move(cases.Active, "")
			move(cases.Closing, "")
			must(st.RecordAgreement(ctx, c.ID, coord.ID, false))
			must(st.RecordFinalMeeting(ctx, c.ID, coord.ID))
			must(st.SaveFeedback(ctx, cases.Feedback{CaseID: c.ID, Support: 4, RecordedBy: coord.ID}))
			move(cases.Closed, cases.Completed)
			closed, err := st.GetCase(ctx, c.ID)
			must(err)

			clock.Add(13 * 31 * 24 * time.Hour)
			fus, err := st.FollowUps(ctx, c.ID)
			must(err)
			for _, fu := range fus {
				fu.WorkKept, fu.Housing, fu.Rearrested, fu.RecordedBy = cases.Yes, cases.Yes, cases.No, coord.ID
				_, err := st.RecordFollowUp(ctx, fu)
				must(err)
			}
			clock.Add(cases.RetentionDueOn(closed.StateSince, 24).Add(time.Hour).Sub(clock.Now()))

			r := New(st, testOptions("node"))
			RegisterRetention(r, st)
			runCtx, stop := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() {
				defer close(done)
				_ = r.Run(runCtx)
			}()
			t.Cleanup(func() { stop(); <-done })
			waitFor(t, "the retention job done", func() bool {
				counts, err := st.CountJobs(context.Background())
				return err == nil && counts[store.JobDone] == 1
			})
			if erased, err := st.MenteeErased(ctx, c.MenteeID); err != nil || !erased {
				t.Fatalf("after the job: erased %v %v, want the person erased", erased, err)
			}
		})
	}
}
