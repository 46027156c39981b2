// Package jobs runs Homeward's background work: the Job of the glossary,
// stored in the database (internal/store, jobs.go) so that it survives the
// process that took it. Every serve process runs a Runner; on PostgreSQL
// several processes share the work, on SQLite the one process does it all.
//
// How a job goes:
//
//   - Something enqueues it (store.EnqueueJob): a kind and a payload of ids,
//     numbers and short codes, never personal data.
//   - A runner takes it when it is due and leases it for Options.Lease, and
//     renews the lease while the handler works (a heartbeat).
//   - The handler returns nil (the job is done) or an error: the job is tried
//     again later, backing off exponentially up to Options.MaxBackoff, until
//     it has had its attempts; then it is failed and waits on the admin's
//     page (/admin/jobs) for a retry. A Permanent error fails it at once.
//   - When a process dies, its leases run out and another process takes its
//     jobs over. When it shuts down cleanly it gives its jobs back at once.
//
// The contract of a handler: it may run twice (a process can die after the
// work and before it marked the job done, or lose its lease while working),
// so it must be idempotent, with the effect of running once: write with
// unique keys, check what is already done, or make the second run harmless.
// It must honour its context, which is cancelled on shutdown and when the
// lease is lost. An error's text goes to the log only; what is stored is a
// short code (Coded, or the kind of a domain error), never personal data.
//
// Recurring work (Every) is enqueued by every runner once per period, under
// the unique key kind:period, so that it runs once per period across all
// nodes, never once per node.
package jobs

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"time"

	"homeward/internal/errs"
	"homeward/internal/store"
)

// Handler does one job. See the package comment for its contract.
type Handler func(ctx context.Context, j store.Job) error

// Options tune a runner; the zero value of each field takes the default.
type Options struct {
	// Node names this process in the leases it holds (default host-pid-random).
	Node string
	// Concurrency is how many jobs this process works on at once (default 2).
	Concurrency int
	// Poll is how often the runner looks for due jobs when idle (default 2s),
	// with up to a fifth of jitter either way so nodes do not poll in step.
	Poll time.Duration
	// Lease is how long a taken job stays this process's without a renewal
	// (default 1 minute); the heartbeat renews it every third of that.
	Lease time.Duration
	// Timeout bounds one run of a handler (default 10 minutes).
	Timeout time.Duration
	// Backoff is the wait after a first failure, doubled after each further
	// one up to MaxBackoff (defaults 30 seconds and 1 hour).
	Backoff, MaxBackoff time.Duration
	// Log receives what the runner does; errors' texts go only here.
	Log *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Node == "" {
		host, _ := os.Hostname()
		b := make([]byte, 3)
		_, _ = crand.Read(b)
		o.Node = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 2
	}
	if o.Poll <= 0 {
		o.Poll = 2 * time.Second
	}
	if o.Lease <= 0 {
		o.Lease = time.Minute
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Minute
	}
	if o.Backoff <= 0 {
		o.Backoff = 30 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Hour
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

// recurring is work enqueued once per period.
type recurring struct {
	kind  string
	every time.Duration
	last  string // the period this runner last enqueued
}

// Runner takes due jobs and runs their handlers.
type Runner struct {
	st        *store.Store
	o         Options
	handlers  map[string]Handler
	recurring []*recurring
	schedMu   sync.Mutex // guards the recurring kinds' last periods
	metrics   *metrics
	running   sync.Mutex // held while Run runs
}

// New makes a runner on the store; register handlers before Run.
func New(st *store.Store, o Options) *Runner {
	return &Runner{st: st, o: o.withDefaults(), handlers: map[string]Handler{}, metrics: newMetrics()}
}

// Node is the name this runner's leases carry.
func (r *Runner) Node() string { return r.o.Node }

// Handle registers the handler of a kind of job.
func (r *Runner) Handle(kind string, h Handler) {
	if _, dup := r.handlers[kind]; dup {
		panic("jobs: two handlers for " + kind)
	}
	r.handlers[kind] = h
}

// Every registers recurring work: a job of kind is enqueued once per
// period of length every (a whole number of minutes that divides a day,
// or whole days; periods start at midnight UTC), under the unique key
// kind:period, by whichever runner comes first. The job is due at the
// period's start; a handler that must act at a local time (a digest at
// 08:00 in each user's zone) runs hourly and picks its users.
func (r *Runner) Every(kind string, every time.Duration, h Handler) {
	r.Handle(kind, h)
	r.recurring = append(r.recurring, &recurring{kind: kind, every: every})
}

// PeriodKey is the unique key of the period of recurring work that t falls
// in: "purge:2026-12-06" for daily work, "digest:2026-12-06.0800" for work
// more often than daily.
func PeriodKey(kind string, every time.Duration, t time.Time) string {
	start := t.UTC().Truncate(every)
	if every%(24*time.Hour) == 0 {
		return kind + ":" + start.Format("2006-01-02")
	}
	return kind + ":" + start.Format("2006-01-02.1504")
}

// Run works on jobs until ctx is cancelled, then gives back the jobs it
// has not finished (their handlers' contexts are cancelled) and returns.
func (r *Runner) Run(ctx context.Context) error {
	if !r.running.TryLock() {
		return errors.New("jobs: the runner is already running")
	}
	defer r.running.Unlock()
	kinds := make([]string, 0, len(r.handlers))
	for k := range r.handlers {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	r.o.Log.Info("jobs: runner started", "node", r.o.Node, "kinds", kinds, "concurrency", r.o.Concurrency)

	var wg sync.WaitGroup
	free := make(chan struct{}, r.o.Concurrency) // a worker finished
	busy := 0
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			r.o.Log.Info("jobs: runner stopped", "node", r.o.Node)
			return nil
		case <-free:
			busy--
		case <-timer.C:
		}
		r.schedule(ctx)
		full := false
		if n := r.o.Concurrency - busy; n > 0 && ctx.Err() == nil {
			taken, err := r.st.TakeJobs(ctx, r.o.Node, kinds, n, r.o.Lease)
			if err != nil && ctx.Err() == nil {
				r.o.Log.Error("jobs: take due jobs", "err", err)
			}
			for _, j := range taken {
				busy++
				wg.Add(1)
				go func() {
					defer wg.Done()
					r.work(ctx, j)
					free <- struct{}{}
				}()
			}
			full = len(taken) == n
		}
		// Wait a poll (with jitter), or not at all when a whole batch was
		// due (there may be more).
		wait := r.o.Poll + time.Duration((rand.Float64()*0.4-0.2)*float64(r.o.Poll))
		if full {
			wait = 0
		}
		timer.Reset(wait)
	}
}

// schedule enqueues the current period of each recurring kind once per
// runner and period; the unique key makes it once across all nodes.
func (r *Runner) schedule(ctx context.Context) {
	r.schedMu.Lock()
	defer r.schedMu.Unlock()
	now := r.st.Now()
	for _, rec := range r.recurring {
		key := PeriodKey(rec.kind, rec.every, now)
		if key == rec.last {
			continue
		}
		_, created, err := r.st.EnqueueJob(ctx, store.NewJob{Kind: rec.kind, UniqueKey: key, RunAt: now.Truncate(rec.every)})
		if err != nil {
			if ctx.Err() == nil {
				r.o.Log.Error("jobs: schedule recurring work", "kind", rec.kind, "err", err)
			}
			continue
		}
		rec.last = key
		if created {
			r.o.Log.Info("jobs: recurring work scheduled", "kind", rec.kind, "key", key)
		}
	}
}

// work runs one taken job: the handler under a heartbeat, then its outcome.
func (r *Runner) work(ctx context.Context, j store.Job) {
	log := r.o.Log.With("job", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	hctx, cancel := context.WithTimeoutCause(ctx, r.o.Timeout, errTimeout)
	defer cancel()
	lost := make(chan struct{})
	stop := make(chan struct{})
	beat := make(chan struct{})
	go func() {
		defer close(beat)
		r.heartbeat(hctx, j, stop, func() { close(lost); cancel() }, log)
	}()
	err := r.call(hctx, j)
	close(stop)
	<-beat

	// The outcome is recorded even when ctx is cancelled (shutdown).
	octx, ocancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer ocancel()
	select {
	case <-lost:
		// Another process has the job now; its result is the one that counts.
		log.Warn("jobs: lease lost while working; another process took the job over", "err", err)
		r.metrics.count(j.Kind, "lease_lost")
		return
	default:
	}
	switch {
	case err == nil:
		if ferr := r.st.FinishJob(octx, j); ferr != nil {
			log.Warn("jobs: done, but the job could not be marked done", "err", ferr)
			r.metrics.count(j.Kind, "lease_lost")
			return
		}
		r.metrics.count(j.Kind, "done")
	case ctx.Err() != nil && !errors.Is(context.Cause(hctx), errTimeout):
		// Shutting down: give the job back for another process, or the next start.
		if rerr := r.st.ReleaseJob(octx, j); rerr != nil {
			log.Warn("jobs: could not give back an unfinished job; it is taken over when its lease runs out", "err", rerr)
			return
		}
		log.Info("jobs: unfinished job given back on shutdown")
		r.metrics.count(j.Kind, "released")
	default:
		code := Code(err)
		if errors.Is(context.Cause(hctx), errTimeout) {
			code = "timeout"
		}
		var retry time.Time
		if !isPermanent(err) {
			retry = r.st.Now().Add(r.backoff(j.Attempts))
		}
		state, ferr := r.st.FailJob(octx, j, code, retry)
		if ferr != nil {
			log.Warn("jobs: could not record a failure", "code", code, "err", ferr)
			return
		}
		if state == store.JobFailed {
			log.Error("jobs: job failed for good; retry it from /admin/jobs", "code", code, "err", err)
			r.metrics.count(j.Kind, "failed")
		} else {
			log.Warn("jobs: job failed; it will be tried again", "code", code, "retry_at", retry, "err", err)
			r.metrics.count(j.Kind, "retry")
		}
	}
}

var errTimeout = errors.New("job timed out")

// call runs the handler, turning a panic into an error.
func (r *Runner) call(ctx context.Context, j store.Job) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = Coded("panic", fmt.Errorf("panic: %v", v))
		}
	}()
	h := r.handlers[j.Kind]
	if h == nil {
		return Permanent(Coded("unknown_kind", errors.New("no handler for this kind")))
	}
	return h(ctx, j)
}

// heartbeat renews the job's lease every third of it until stop; when the
// lease is lost it calls onLost (which cancels the handler).
func (r *Runner) heartbeat(ctx context.Context, j store.Job, stop <-chan struct{}, onLost func(), log *slog.Logger) {
	t := time.NewTicker(r.o.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := r.st.RenewLease(ctx, j, r.o.Lease)
		switch {
		case errors.Is(err, store.ErrLeaseLost):
			onLost()
			return
		case err != nil && ctx.Err() == nil:
			// The database may be back before the lease runs out; if not,
			// another process takes the job over and the finish is refused.
			log.Warn("jobs: renew lease", "err", err)
		}
	}
}

// backoff is the wait after the attempt-th failure: Backoff doubled per
// earlier failure, at most MaxBackoff, less up to a tenth of jitter.
func (r *Runner) backoff(attempt int) time.Duration {
	d := r.o.Backoff
	for i := 1; i < attempt && d < r.o.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, r.o.MaxBackoff)
	return d - time.Duration(rand.Float64()*0.1*float64(d))
}

// codedError gives a failure the short code that is stored with the job.
type codedError struct {
	code string
	err  error
}

func (e *codedError) Error() string { return e.code + ": " + e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

// Coded gives err the short code stored with the job and shown to the
// admin, such as "smtp.refused": lower-case letters, digits, "_" and ".".
// It must not carry personal data; err's text goes only to the log.
func Coded(code string, err error) error { return &codedError{code: code, err: err} }

type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

// Permanent marks a failure that trying again cannot mend: the job is
// failed at once, for the admin to look at.
func Permanent(err error) error { return permanentError{err} }

func isPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// Code classifies a failure for the jobs table: a Coded code, else the
// code of a domain error ("unavailable", "not_found", …), "timeout" or
// "canceled" for a context's end, else "error".
func Code(err error) string {
	var c *codedError
	if errors.As(err, &c) {
		return store.JobErrorCode(c.code)
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	var e *errs.Error
	if errors.As(err, &e) && e.Code != "" {
		return store.JobErrorCode(e.Code)
	}
	return "error"
}
