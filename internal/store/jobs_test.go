package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/store"
	"homeward/internal/testsupport"
)

// A job's payload holds ids, numbers and short codes: names, e-mail
// addresses, typed text and nested documents are refused, and nothing of a
// refused batch is saved.
func TestJobPayloadHoldsNoPersonalData(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		good := store.JobPayload{"case_id": 12, "count": 3, "period": "2026-12-06", "kind": "contact.overdue", "urgent": true}
		id, created, err := s.EnqueueJob(ctx, store.NewJob{Kind: "notify", Payload: good})
		if err != nil || !created {
			t.Fatalf("ids and codes: %v, created %v", err, created)
		}
		j, err := s.GetJob(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if n, ok := j.Payload.Int("case_id"); !ok || n != 12 {
			t.Errorf("case_id read back as %v %v", n, ok)
		}
		if c, ok := j.Payload.Code("kind"); !ok || c != "contact.overdue" {
			t.Errorf("kind read back as %q %v", c, ok)
		}
		nested := store.JobPayload{"case": map[string]any{"id": 1}}
		for what, p := range map[string]store.JobPayload{
			"a name":         {"name": "Ivan Petrov"},
			"a lower name":   {"name": "ivan petrov"},
			"a capital":      {"who": "Ivan"},
			"an e-mail":      {"to": "ivan@example.org"},
			"cyrillic":       {"who": "иван"},
			"a list":         {"ids": []int{1, 2}},
			"nested":         nested,
			"a null":         {"case_id": nil},
			"a long code":    {"code": string(make([]byte, 70))},
			"a strange key":  {"Case ID": 1},
			"a sentence key": {"mentee said": 1},
		} {
			_, _, err := s.EnqueueJobs(ctx, []store.NewJob{{Kind: "notify", Payload: good}, {Kind: "notify", Payload: p}})
			if e := errs.As(err); e.Kind != errs.KindInvalid || e.Fields["payload"] == "" {
				b, _ := json.Marshal(p)
				t.Errorf("%s (%s) was not refused as an invalid payload: %v", what, b, err)
			}
		}
		for _, bad := range []store.NewJob{{Kind: "Notify Ivan"}, {Kind: "notify", UniqueKey: "digest:Ivan Petrov"}} {
			if _, _, err := s.EnqueueJob(ctx, bad); !errs.Is(err, errs.KindInvalid) {
				t.Errorf("%+v was not refused: %v", bad, err)
			}
		}
		if counts, err := s.CountJobs(ctx); err != nil || counts[store.JobQueued] != 1 {
			t.Errorf("jobs queued after the refusals: %v (%v), want only the first", counts, err)
		}
		// What is stored of an error is its code.
		if got := store.JobErrorCode("smtp: 550 no such user ivan@example.org"); got != "error" {
			t.Errorf("an error message was kept as %q", got)
		}
	})
}

// Enqueueing with a unique key is idempotent: the second enqueue returns
// the first job.
func TestJobUniqueKeyEnqueuesOnce(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		a, made, err := s.EnqueueJob(ctx, store.NewJob{Kind: "purge", UniqueKey: "purge:2026-12-06"})
		if err != nil || !made {
			t.Fatalf("first: %v %v", made, err)
		}
		b, made, err := s.EnqueueJob(ctx, store.NewJob{Kind: "purge", UniqueKey: "purge:2026-12-06"})
		if err != nil || made || b != a {
			t.Fatalf("second: job %d made %v (%v), want job %d not made", b, made, err, a)
		}
		if _, made, _ := s.EnqueueJob(ctx, store.NewJob{Kind: "purge", UniqueKey: "purge:2026-12-07"}); !made {
			t.Error("the next day's job was not made")
		}
	})
}

// The daily purge removes expired sessions, one-time links, idle throttle
// rows and old done jobs, and keeps everything still in use.
func TestPurgeExpired(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		clock := (&testsupport.Clock{}).Use(s)
		u := mustUser(t, s, auth.User{Email: "purge@example.org", Role: auth.Mentor}, auth.StatusActive)
		short, err := s.CreateSession(ctx, u.ID, time.Hour, "192.0.2.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateLink(ctx, store.LinkReset, u.ID, time.Hour); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CountLoginAttempt(ctx, map[string]store.Throttle{"account:x": {Limit: 5, Window: time.Minute, Lockout: time.Minute}}); err != nil {
			t.Fatal(err)
		}
		id, _, err := s.EnqueueJob(ctx, store.NewJob{Kind: "test.done"})
		if err != nil {
			t.Fatal(err)
		}
		taken, err := s.TakeJobs(ctx, "node", []string{"test.done"}, 1, time.Minute)
		if err != nil || len(taken) != 1 {
			t.Fatalf("take: %v %v", taken, err)
		}
		if err := s.FinishJob(ctx, taken[0]); err != nil {
			t.Fatal(err)
		}
		if p, err := s.PurgeExpired(ctx, 30*24*time.Hour); err != nil || p != (store.Purged{}) {
			t.Fatalf("nothing expired yet, purged %+v (%v)", p, err)
		}
		clock.Add(2 * time.Hour)
		long, err := s.CreateSession(ctx, u.ID, 30*24*time.Hour, "192.0.2.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(25 * time.Hour)
		p, err := s.PurgeExpired(ctx, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if p != (store.Purged{Sessions: 1, Links: 1, Throttles: 1, Jobs: 1}) {
			t.Errorf("purged %+v, want one of each", p)
		}
		if _, _, err := s.SessionUser(ctx, short, 365*24*time.Hour); err == nil {
			t.Error("the expired session still works")
		}
		if _, _, err := s.SessionUser(ctx, long, 365*24*time.Hour); err != nil {
			t.Errorf("the session still in its lifetime was purged: %v", err)
		}
		if _, err := s.GetJob(ctx, id); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("the old done job: %v, want purged", err)
		}
		if p, err := s.PurgeExpired(ctx, 24*time.Hour); err != nil || p != (store.Purged{}) {
			t.Errorf("a second purge removed %+v (%v), want nothing", p, err)
		}
	})
}

// A lease that runs out hands the job to the next process that looks; the
// process that lost it can neither renew nor finish it. A job whose lease
// runs out on its last attempt is failed instead of taken again.
func TestJobLeaseRunsOutAndIsTakenOver(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		clock := (&testsupport.Clock{}).Use(s)
		kinds := []string{"test.work"}
		id, _, err := s.EnqueueJob(ctx, store.NewJob{Kind: "test.work", MaxAttempts: 2})
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.TakeJobs(ctx, "node-a", kinds, 5, time.Minute)
		if err != nil || len(a) != 1 || a[0].ID != id || a[0].Attempts != 1 {
			t.Fatalf("node a took %+v (%v)", a, err)
		}
		if b, err := s.TakeJobs(ctx, "node-b", kinds, 5, time.Minute); err != nil || len(b) != 0 {
			t.Fatalf("node b took a leased job: %+v (%v)", b, err)
		}
		clock.Add(30 * time.Second)
		if err := s.RenewLease(ctx, a[0], time.Minute); err != nil {
			t.Fatalf("renew: %v", err)
		}
		clock.Add(61 * time.Second) // no renewal since: the lease ran out
		b, err := s.TakeJobs(ctx, "node-b", kinds, 5, time.Minute)
		if err != nil || len(b) != 1 || b[0].Attempts != 2 || b[0].LeaseOwner != "node-b" {
			t.Fatalf("node b took over %+v (%v)", b, err)
		}
		if err := s.RenewLease(ctx, a[0], time.Minute); !errors.Is(err, store.ErrLeaseLost) {
			t.Errorf("node a renewed a lease it lost: %v", err)
		}
		if err := s.FinishJob(ctx, a[0]); !errors.Is(err, store.ErrLeaseLost) {
			t.Errorf("node a finished a job it lost: %v", err)
		}
		// Node b dies too, on the last attempt: the job is failed.
		clock.Add(2 * time.Minute)
		if c, err := s.TakeJobs(ctx, "node-c", kinds, 5, time.Minute); err != nil || len(c) != 0 {
			t.Fatalf("node c took a job out of attempts: %+v (%v)", c, err)
		}
		if j, _ := s.GetJob(ctx, id); j.State != store.JobFailed || j.LastError != "lease_expired" || j.LeaseOwner != "" {
			t.Errorf("a job whose last lease ran out: %+v, want failed with lease_expired", j)
		}
	})
}
