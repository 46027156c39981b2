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

// The hourly report-months job counts the months that ended, so that the
// rollup holds every month up to the current one; a contact dated back
// into an ended month moves it back, and the next run counts again.
func TestReportMonthsJobCountsTheEndedMonths(t *testing.T) {
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
			p := program.New()
			p.Name, p.MentorChecks = "Counters", nil
			p, err := st.CreateProgram(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			coord := testsupport.User(t, st, "coord@example.org", auth.Coordinator, p.ID)
			_, c, err := st.CreateIntake(ctx, store.Intake{Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: "RM-1", FullName: "Rita Months", BirthYear: 1980}},
				ProgramID: p.ID, State: cases.Intake, ActorID: coord.ID})
			if err != nil {
				t.Fatal(err)
			}
			clock.Add(70 * 24 * time.Hour)
			now := clock.Now().UTC()
			thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)

			r := New(st, testOptions("node"))
			RegisterReportMonths(r, st)
			runCtx, stop := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() {
				defer close(done)
				_ = r.Run(runCtx)
			}()
			t.Cleanup(func() { stop(); <-done })
			waitFor(t, "the report-months job done", func() bool {
				counts, err := st.CountJobs(context.Background())
				return err == nil && counts[store.JobDone] >= 1
			})
			if until, err := st.ReportMonthsUntil(ctx); err != nil || !until.Equal(thisMonth) {
				t.Fatalf("after the job the rollup holds the months until %v (%v), want %v", until, err, thisMonth)
			}
			// A contact dated in the month of the intake moves the rollup back to it.
			at := c.OpenedAt.Add(time.Hour)
			if _, err := st.AddContact(ctx, cases.Contact{CaseID: c.ID, Channel: cases.Channels[0], At: at, RecordedBy: coord.ID}); err != nil {
				t.Fatal(err)
			}
			if until, err := st.ReportMonthsUntil(ctx); err != nil || !until.Equal(at.UTC()) {
				t.Fatalf("after a contact dated %v the rollup holds the months until %v (%v)", at, until, err)
			}
			if n, err := st.RollUpReportMonths(ctx); err != nil || n < 1 {
				t.Fatalf("the next run counted %d months (%v), want the months from the contact's", n, err)
			}
			if until, err := st.ReportMonthsUntil(ctx); err != nil || !until.Equal(thisMonth) {
				t.Fatalf("after the next run the rollup holds the months until %v (%v), want %v", until, err, thisMonth)
			}
		})
	}
}
