package jobs

import (
	"context"
	"fmt"
	"testing"
	"time"

	"homeward/internal/store"
)

// The look at what is due is scheduled by every node, once a day, and a
// run of it on a database with nothing due writes nothing and succeeds
// (what it writes, once per day even when run twice, is tested in
// internal/store, TestDueNotificationsAreWrittenOncePerDay).
func TestNotifyIsScheduledOncePerDay(t *testing.T) {
	t.Parallel()
	c := newCluster(t, store.Postgres, 2)
	ctx := context.Background()
	runners := make([]*Runner, len(c.nodes))
	for i, nd := range c.nodes {
		runners[i] = New(nd.st, testOptions(fmt.Sprintf("node%d", i)))
		RegisterNotify(runners[i], nd.st)
	}
	for _, r := range runners {
		r.schedule(ctx)
		r.schedule(ctx)
	}
	if n := c.counts()[store.JobQueued]; n != 1 {
		t.Fatalf("two nodes scheduled %d notify jobs for one day, want 1", n)
	}
	c.start(func(i int, _ *node) *Runner { return runners[i] })
	waitFor(t, "the day's notify job done", func() bool { return c.counts()[store.JobDone] == 1 })
	list, _, err := c.nodes[0].st.ListJobs(ctx, store.JobDone, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if want := PeriodKey(KindNotify, 24*time.Hour, c.clock.Now()); len(list) != 1 || list[0].UniqueKey != want {
		t.Errorf("done jobs %+v, want one keyed %s", list, want)
	}
}
