package jobs

import (
	"context"
	"errors"
	"testing"
	"time"

	"homeward/internal/store"
)

// jobState reads a job, failing the test on error.
func jobState(t *testing.T, st *store.Store, id int64) store.Job {
	t.Helper()
	j, err := st.GetJob(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// A job that keeps failing is tried again later and later, up to its
// attempts; then it is failed with its error code and waits until the
// admin retries it, after which it runs again from a fresh start.
func TestAFailingJobBacksOffThenFailsUntilRetried(t *testing.T) {
	t.Parallel()
	c := newCluster(t, store.SQLite, 1)
	st := c.nodes[0].st
	ctx := context.Background()
	id, _, err := st.EnqueueJob(ctx, store.NewJob{Kind: "test.flaky", Payload: store.JobPayload{"case_id": 7}, MaxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	healed := make(chan struct{})
	c.start(func(_ int, nd *node) *Runner {
		r := New(nd.st, testOptions("node0"))
		r.Handle("test.flaky", func(ctx context.Context, j store.Job) error {
			if n, _ := j.Payload.Int("case_id"); n != 7 {
				t.Errorf("payload case_id %d, want 7", n)
			}
			select {
			case <-healed:
				return nil
			default:
				return Coded("test.refused", errors.New("Ivan Petrov's mail server said no"))
			}
		})
		return r
	})
	var waits []time.Duration
	for attempt := 1; attempt <= 2; attempt++ {
		waitFor(t, "a failed attempt", func() bool {
			j := jobState(t, st, id)
			return j.State == store.JobQueued && j.Attempts == attempt
		})
		j := jobState(t, st, id)
		if j.LastError != "test.refused" {
			t.Errorf("attempt %d: last error %q, want the code test.refused alone", attempt, j.LastError)
		}
		waits = append(waits, j.RunAt.Sub(c.clock.Now()))
		c.clock.Add(j.RunAt.Sub(c.clock.Now()) + time.Second) // the retry is due
	}
	// Backoff 1 minute, then 2 (less up to a tenth of jitter).
	if waits[0] > time.Minute || waits[0] < 50*time.Second || waits[1] > 2*time.Minute || waits[1] < 100*time.Second {
		t.Errorf("waits before retries %v, want about 1m then 2m", waits)
	}
	waitFor(t, "the job failed for good", func() bool { return jobState(t, st, id).State == store.JobFailed })
	if j := jobState(t, st, id); j.Attempts != 3 || j.LastError != "test.refused" || j.LeaseOwner != "" {
		t.Errorf("failed job: %+v, want 3 attempts, the code and no lease", j)
	}
	close(healed)
	if err := st.RetryJob(ctx, id); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the retried job done", func() bool { return jobState(t, st, id).State == store.JobDone })
	if j := jobState(t, st, id); j.Attempts != 1 || j.LastError != "" {
		t.Errorf("retried job: %d attempts, error %q; want 1 and none", j.Attempts, j.LastError)
	}
	if err := st.RetryJob(ctx, id); err == nil {
		t.Error("a done job was retried")
	}
}

// A permanent failure fails the job at once; a handler that panics is
// recorded as "panic" and does not take the runner down.
func TestPermanentFailuresStopAtOnce(t *testing.T) {
	t.Parallel()
	c := newCluster(t, store.SQLite, 1)
	st := c.nodes[0].st
	ctx := context.Background()
	ids := map[string]int64{}
	for _, kind := range []string{"test.permanent", "test.panic"} {
		id, _, err := st.EnqueueJob(ctx, store.NewJob{Kind: kind})
		if err != nil {
			t.Fatal(err)
		}
		ids[kind] = id
	}
	c.start(func(_ int, nd *node) *Runner {
		r := New(nd.st, testOptions("node0"))
		r.Handle("test.permanent", func(context.Context, store.Job) error { return Permanent(errors.New("bad record")) })
		r.Handle("test.panic", func(context.Context, store.Job) error { panic("boom") })
		return r
	})
	waitFor(t, "both failed", func() bool {
		// The panicking job's attempt counts when it is taken, its code
		// when the attempt is over: wait for the code.
		return jobState(t, st, ids["test.permanent"]).State == store.JobFailed && jobState(t, st, ids["test.panic"]).LastError != ""
	})
	if j := jobState(t, st, ids["test.permanent"]); j.Attempts != 1 || j.LastError != "error" {
		t.Errorf("permanent failure: %d attempts, code %q; want 1 and error", j.Attempts, j.LastError)
	}
	if j := jobState(t, st, ids["test.panic"]); j.LastError != "panic" {
		t.Errorf("a panic's code %q, want panic", j.LastError)
	}
}

// On a clean shutdown a job being worked on is given back at once: no
// lease left to run out, and the interrupted attempt does not count.
func TestShutdownGivesBackUnfinishedJobs(t *testing.T) {
	t.Parallel()
	c := newCluster(t, store.SQLite, 1)
	st := c.nodes[0].st
	id, _, err := st.EnqueueJob(context.Background(), store.NewJob{Kind: "test.slow"})
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	c.start(func(_ int, nd *node) *Runner {
		r := New(nd.st, testOptions("node0"))
		r.Handle("test.slow", func(ctx context.Context, _ store.Job) error {
			close(started)
			<-ctx.Done()
			return ctx.Err()
		})
		return r
	})
	<-started
	if j := jobState(t, st, id); j.State != store.JobRunning || j.LeaseOwner != "node0" || j.LeaseUntil == nil {
		t.Fatalf("job being worked on: %+v, want running under node0's lease", j)
	}
	c.nodes[0].stop()
	<-c.nodes[0].done
	j := jobState(t, st, id)
	if j.State != store.JobQueued || j.Attempts != 0 || j.LeaseOwner != "" || j.LeaseUntil != nil || j.RunAt.After(c.clock.Now()) {
		t.Errorf("after shutdown: %+v, want queued, due now, no attempt counted, no lease", j)
	}
}

// Periods of recurring work: days for daily work, minutes for shorter.
func TestPeriodKey(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 6, 8, 42, 0, 0, time.FixedZone("CET", 3600))
	for _, tc := range []struct {
		every time.Duration
		want  string
	}{{24 * time.Hour, "digest:2026-12-06"}, {time.Hour, "digest:2026-12-06.0700"}, {15 * time.Minute, "digest:2026-12-06.0730"}} {
		if got := PeriodKey("digest", tc.every, at); got != tc.want {
			t.Errorf("PeriodKey every %v: %s, want %s", tc.every, got, tc.want)
		}
	}
}
