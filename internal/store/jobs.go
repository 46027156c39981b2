package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/errs"
)

// Job states.
const (
	JobQueued  = "queued"  // waits for its run_at
	JobRunning = "running" // leased to a process until lease_until
	JobDone    = "done"
	JobFailed  = "failed" // gave up; waits for the admin's retry
)

// DefaultMaxAttempts is how often a job is tried before it is failed.
const DefaultMaxAttempts = 8

// ErrLeaseLost says that a job's lease ran out and another process took the
// job over (or the admin moved it): this process must leave it alone.
var ErrLeaseLost = errors.New("job lease lost")

// Job is a unit of background work (see internal/jobs). It holds no
// personal data: a kind, a payload of ids and a short error code.
type Job struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	Payload     JobPayload `json:"payload"`
	UniqueKey   string     `json:"unique_key,omitempty"`
	State       string     `json:"state"`
	RunAt       time.Time  `json:"run_at"`
	Attempts    int        `json:"attempts"`
	MaxAttempts int        `json:"max_attempts"`
	LastError   string     `json:"last_error,omitempty"`
	LeaseOwner  string     `json:"lease_owner,omitempty"`
	LeaseUntil  *time.Time `json:"lease_until,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	FinishedAt  *time.Time `json:"finished_at,omitempty"`
}

// JobPayload is what a job works on: ids, numbers and short codes, never
// personal data. A handler reads the record it names from the database
// when it runs, under the rules that apply then.
type JobPayload map[string]any

// Int returns an integer of the payload (an id).
func (p JobPayload) Int(key string) (int64, bool) {
	switch v := p[key].(type) {
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	case int64:
		return v, true
	case int:
		return int64(v), true
	}
	return 0, false
}

// Code returns a short code of the payload.
func (p JobPayload) Code(key string) (string, bool) {
	v, ok := p[key].(string)
	return v, ok
}

// NewJob is a job to enqueue.
type NewJob struct {
	Kind    string
	Payload JobPayload
	// RunAt is when the job may run first; zero means now.
	RunAt time.Time
	// UniqueKey, when set, makes the enqueue idempotent: a second job with
	// the same key is not added (recurring work uses kind:period).
	UniqueKey   string
	MaxAttempts int // 0 means DefaultMaxAttempts
}

var (
	jobKindPattern = regexp.MustCompile(`^[a-z][a-z0-9_.]{0,39}$`)
	jobKeyPattern  = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	jobCodePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.:-]{0,63}$`)
	// A unique key is a code too, such as "purge:2026-12-06".
	jobUniquePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.:-]{0,99}$`)
	jobErrorPattern  = regexp.MustCompile(`^[a-z][a-z0-9_.]{0,39}$`)
)

// maxPayloadKeys and maxPayloadBytes bound a payload: ids, not documents.
const (
	maxPayloadKeys  = 16
	maxPayloadBytes = 1024
)

// encodeJobPayload checks a payload and returns its JSON. It refuses
// anything but a flat object whose keys are lower-case names and whose
// values are numbers, booleans or short lower-case codes (no spaces, no
// "@", no capitals): what a name, an e-mail address or a typed text needs is
// refused, so that personal data cannot slip into the jobs table.
func encodeJobPayload(p JobPayload) (string, error) {
	bad := errs.Invalid(map[string]string{"payload": "validation.job_payload"})
	if len(p) > maxPayloadKeys {
		return "", bad
	}
	raw, err := json.Marshal(p)
	if err != nil || len(raw) > maxPayloadBytes {
		return "", bad
	}
	if p == nil {
		raw = []byte("{}")
	}
	if _, err := decodeJobPayload(string(raw)); err != nil {
		return "", bad
	}
	return string(raw), nil
}

// decodeJobPayload reads and checks a stored payload.
func decodeJobPayload(raw string) (JobPayload, error) {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var p JobPayload
	if err := dec.Decode(&p); err != nil || p == nil {
		return nil, errors.New("payload is not a JSON object")
	}
	if dec.More() {
		return nil, errors.New("payload has trailing data")
	}
	for k, v := range p {
		if !jobKeyPattern.MatchString(k) {
			return nil, errors.New("payload key is not a short name")
		}
		switch v := v.(type) {
		case json.Number, bool:
		case string:
			if !jobCodePattern.MatchString(v) {
				return nil, errors.New("payload string is not a short code")
			}
		default:
			return nil, errors.New("payload value is not an id, a number or a code")
		}
	}
	return p, nil
}

// JobErrorCode turns a failure's code into what is stored: a short code
// such as "unavailable" or "smtp.refused", never a message that might carry
// personal data; anything else becomes "error".
func JobErrorCode(code string) string {
	if jobErrorPattern.MatchString(code) {
		return code
	}
	return "error"
}

// EnqueueJob adds a job. With a UniqueKey that is already taken it adds
// nothing and returns the existing job's id with created false, so that
// several processes may enqueue the same recurring work safely.
func (s *Store) EnqueueJob(ctx context.Context, j NewJob) (id int64, created bool, err error) {
	ids, made, err := s.EnqueueJobs(ctx, []NewJob{j})
	if err != nil {
		return 0, false, err
	}
	return ids[0], made[0], nil
}

// EnqueueJobs adds several jobs in one transaction: all or none.
func (s *Store) EnqueueJobs(ctx context.Context, list []NewJob) (ids []int64, created []bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		ids, created, err = s.enqueueJobsTx(ctx, tx, list)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return ids, created, nil
}

// enqueueJobsTx adds jobs inside tx, so that work the transaction's change
// calls for (an e-mail of a notification) is queued with it or not at all.
func (s *Store) enqueueJobsTx(ctx context.Context, tx *sql.Tx, list []NewJob) (ids []int64, created []bool, err error) {
	type row struct {
		NewJob
		payload string
	}
	rows := make([]row, len(list))
	now := s.now()
	for i, j := range list {
		if !jobKindPattern.MatchString(j.Kind) {
			return nil, nil, errs.Invalid(map[string]string{"kind": "validation.job_kind"})
		}
		if j.UniqueKey != "" && !jobUniquePattern.MatchString(j.UniqueKey) {
			return nil, nil, errs.Invalid(map[string]string{"unique_key": "validation.job_unique_key"})
		}
		p, err := encodeJobPayload(j.Payload)
		if err != nil {
			return nil, nil, err
		}
		if j.RunAt.IsZero() {
			j.RunAt = now
		}
		if j.MaxAttempts <= 0 {
			j.MaxAttempts = DefaultMaxAttempts
		}
		rows[i] = row{j, p}
	}
	ids, created = make([]int64, len(rows)), make([]bool, len(rows))
	for i, r := range rows {
		var key any
		if r.UniqueKey != "" {
			key = r.UniqueKey
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO jobs (kind, payload, unique_key, state, run_at, attempts, max_attempts, created_at)
			VALUES ($1, $2, $3, 'queued', $4, 0, $5, $6)
			ON CONFLICT (unique_key) DO NOTHING RETURNING id`,
			r.Kind, r.payload, key, s.ts(r.RunAt.UTC().Truncate(time.Microsecond)), r.MaxAttempts, s.ts(now)).Scan(&ids[i])
		switch {
		case err == nil:
			created[i] = true
		case errors.Is(err, sql.ErrNoRows):
			if err := tx.QueryRowContext(ctx, `SELECT id FROM jobs WHERE unique_key = $1`, r.UniqueKey).Scan(&ids[i]); err != nil {
				return nil, nil, s.wrap(err, "find enqueued job")
			}
		default:
			return nil, nil, s.wrap(err, "enqueue job")
		}
	}
	return ids, created, nil
}

const jobColumns = `id, kind, payload, COALESCE(unique_key, ''), state, run_at, attempts, max_attempts, last_error, lease_owner, lease_until, created_at, finished_at`

func scanJob(r scanner) (Job, error) {
	var j Job
	var payload string
	err := r.Scan(&j.ID, &j.Kind, &payload, &j.UniqueKey, &j.State, &j.RunAt, &j.Attempts, &j.MaxAttempts,
		&j.LastError, &j.LeaseOwner, &j.LeaseUntil, &j.CreatedAt, &j.FinishedAt)
	if err != nil {
		return j, err
	}
	j.RunAt, j.CreatedAt = j.RunAt.UTC(), j.CreatedAt.UTC()
	for _, t := range []*time.Time{j.LeaseUntil, j.FinishedAt} {
		if t != nil {
			*t = t.UTC()
		}
	}
	if j.Payload, err = decodeJobPayload(payload); err != nil {
		// Written by EnqueueJobs, so never; an edited row is not worked on.
		return j, errs.Internal(err)
	}
	return j, nil
}

// TakeJobs leases up to n due jobs of the given kinds to owner for lease:
// queued jobs whose run_at has come, and running jobs whose lease ran out
// (their process died or hung). Each take counts an attempt. A job whose
// lease ran out on its last attempt is failed ("lease_expired") instead of
// taken again, so that a job that kills its process stops.
//
// On PostgreSQL the rows are chosen FOR UPDATE SKIP LOCKED, so processes
// taking at the same time never take the same job and never wait on each
// other; on SQLite the one writer runs the statement alone.
func (s *Store) TakeJobs(ctx context.Context, owner string, kinds []string, n int, lease time.Duration) ([]Job, error) {
	if n <= 0 || len(kinds) == 0 {
		return nil, nil
	}
	now := s.now()
	skip := ""
	if s.engine == Postgres {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	args := []any{s.ts(now)}
	in := make([]string, len(kinds))
	for i, k := range kinds {
		args = append(args, k)
		in[i] = "$" + itoa(len(args))
	}
	kindIn := "kind IN (" + strings.Join(in, ", ") + ")"
	var out []Job
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'failed', last_error = 'lease_expired', lease_owner = '', lease_until = NULL, finished_at = $1
			WHERE id IN (SELECT id FROM jobs WHERE state = 'running' AND lease_until <= $1 AND attempts >= max_attempts AND `+kindIn+skip+`)`, args...); err != nil {
			return s.wrap(err, "fail jobs out of attempts")
		}
		targs := append(append([]any{}, args...), owner, s.ts(now.Add(lease)), n)
		k := len(args)
		rows, err := tx.QueryContext(ctx, `UPDATE jobs SET state = 'running', lease_owner = $`+itoa(k+1)+`, lease_until = $`+itoa(k+2)+`, attempts = attempts + 1
			WHERE id IN (SELECT id FROM jobs
				WHERE ((state = 'queued' AND run_at <= $1) OR (state = 'running' AND lease_until <= $1)) AND `+kindIn+`
				ORDER BY run_at, id LIMIT $`+itoa(k+3)+skip+`)
			RETURNING `+jobColumns, targs...)
		if err != nil {
			return s.wrap(err, "take jobs")
		}
		defer rows.Close()
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				return s.wrap(err, "read taken job")
			}
			out = append(out, j)
		}
		return s.wrap(rows.Err(), "take jobs")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// leaseHeld is the condition of every change by the process that took a
// job: the job is still running under that take (its owner and attempt).
const leaseHeld = `id = $1 AND state = 'running' AND lease_owner = $2 AND attempts = $3`

// changeLeased runs a change on a job this process holds; ErrLeaseLost when
// it holds it no longer.
func (s *Store) changeLeased(ctx context.Context, j Job, what, set string, args ...any) error {
	res, err := s.write.ExecContext(ctx, `UPDATE jobs SET `+set+` WHERE `+leaseHeld,
		append([]any{j.ID, j.LeaseOwner, j.Attempts}, args...)...)
	if err != nil {
		return s.wrap(err, what)
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.wrap(err, what)
	} else if n == 0 {
		return ErrLeaseLost
	}
	return nil
}

// RenewLease extends the lease of a job this process works on.
func (s *Store) RenewLease(ctx context.Context, j Job, lease time.Duration) error {
	return s.changeLeased(ctx, j, "renew job lease", `lease_until = $4`, s.ts(s.now().Add(lease)))
}

// FinishJob marks a job done.
func (s *Store) FinishJob(ctx context.Context, j Job) error {
	return s.changeLeased(ctx, j, "finish job",
		`state = 'done', finished_at = $4, lease_owner = '', lease_until = NULL, last_error = ''`, s.ts(s.now()))
}

// FailJob records a failed attempt with its error code (see JobErrorCode):
// the job waits until retryAt, or, when retryAt is zero or it has had all
// its attempts, is failed for good and shows on the admin's page.
func (s *Store) FailJob(ctx context.Context, j Job, code string, retryAt time.Time) (string, error) {
	code = JobErrorCode(code)
	if retryAt.IsZero() || j.Attempts >= j.MaxAttempts {
		return JobFailed, s.changeLeased(ctx, j, "fail job",
			`state = 'failed', last_error = $4, finished_at = $5, lease_owner = '', lease_until = NULL`, code, s.ts(s.now()))
	}
	return JobQueued, s.changeLeased(ctx, j, "requeue job",
		`state = 'queued', last_error = $4, run_at = $5, lease_owner = '', lease_until = NULL`, code, s.ts(retryAt.UTC().Truncate(time.Microsecond)))
}

// ReleaseJob gives back a job this process took but did not finish because
// it is shutting down: the job is due again at once and the interrupted
// attempt does not count.
func (s *Store) ReleaseJob(ctx context.Context, j Job) error {
	return s.changeLeased(ctx, j, "release job",
		`state = 'queued', attempts = attempts - 1, run_at = $4, lease_owner = '', lease_until = NULL`, s.ts(s.now()))
}

// RetryJob queues a failed job again with a fresh set of attempts, for the
// admin; errs.Conflict when the job is not failed (already retried).
func (s *Store) RetryJob(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'queued', attempts = 0, run_at = $1, finished_at = NULL
			WHERE id = $2 AND state = 'failed'`, s.ts(s.now()), id)
		if err != nil {
			return s.wrap(err, "retry job")
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.wrap(err, "retry job")
		} else if n == 0 {
			var state string
			err := tx.QueryRowContext(ctx, `SELECT state FROM jobs WHERE id = $1`, id).Scan(&state)
			if errors.Is(err, sql.ErrNoRows) {
				return errs.NotFound("job")
			}
			if err != nil {
				return s.wrap(err, "retry job")
			}
			return errs.Conflict("The job is not failed.", map[string]string{"job": "jobs.error.not_failed"})
		}
		return s.appendAudit(ctx, tx, "job.retry", "job", id, audit.OK)
	})
}

// GetJob reads one job.
func (s *Store) GetJob(ctx context.Context, id int64) (Job, error) {
	j, err := scanJob(s.read.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return j, errs.NotFound("job")
	}
	return j, s.wrap(err, "read job")
}

// ListJobs lists the jobs in a state, newest first, a page at a time.
func (s *Store) ListJobs(ctx context.Context, state string, p Page) ([]Job, string, error) {
	cur, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := p.limit()
	q := `SELECT ` + jobColumns + ` FROM jobs WHERE state = $1`
	args := []any{state}
	if cur.ID > 0 {
		q += ` AND id < $2`
		args = append(args, cur.ID)
	}
	args = append(args, limit+1)
	q += ` ORDER BY id DESC LIMIT $` + itoa(len(args))
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", s.wrap(err, "list jobs")
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, "", s.wrap(err, "list jobs")
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.wrap(err, "list jobs")
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = encodeCursor(cursorKey{ID: out[limit-1].ID})
	}
	return out, next, nil
}

// CountJobs counts the jobs by state.
func (s *Store) CountJobs(ctx context.Context) (map[string]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT state, count(*) FROM jobs GROUP BY state`)
	if err != nil {
		return nil, s.wrap(err, "count jobs")
	}
	defer rows.Close()
	out := map[string]int{JobQueued: 0, JobRunning: 0, JobDone: 0, JobFailed: 0}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, s.wrap(err, "count jobs")
		}
		out[state] = n
	}
	return out, s.wrap(rows.Err(), "count jobs")
}

// Purged counts what PurgeExpired removed.
type Purged struct {
	Sessions, Links, Throttles, Jobs, IdempotencyKeys int64
}

// PurgeExpired removes what has expired and can never be used again:
// sessions past their absolute lifetime, one-time links past their expiry,
// sign-in throttle rows idle for a day and not locked, jobs done more
// than keepJobs ago, and idempotency keys older than IdempotencyKeep. Each is one statement: running it twice removes
// nothing more.
func (s *Store) PurgeExpired(ctx context.Context, keepJobs time.Duration) (Purged, error) {
	defer s.usersChanged()
	now := s.now()
	var p Purged
	for _, d := range []struct {
		n    *int64
		what string
		q    string
		args []any
	}{
		{&p.Sessions, "purge sessions", `DELETE FROM sessions WHERE expires_at <= $1`, []any{s.ts(now)}},
		{&p.Links, "purge one-time links", `DELETE FROM one_time_links WHERE expires_at <= $1`, []any{s.ts(now)}},
		{&p.Throttles, "purge sign-in throttle", `DELETE FROM login_throttle WHERE window_start <= $1 AND (locked_until IS NULL OR locked_until <= $2)`,
			[]any{s.ts(now.Add(-24 * time.Hour)), s.ts(now)}},
		{&p.Jobs, "purge done jobs", `DELETE FROM jobs WHERE state = 'done' AND finished_at <= $1`, []any{s.ts(now.Add(-keepJobs))}},
		{&p.IdempotencyKeys, "purge idempotency keys", `DELETE FROM idempotency_keys WHERE created_at <= $1`, []any{s.ts(now.Add(-IdempotencyKeep))}},
	} {
		res, err := s.write.ExecContext(ctx, d.q, d.args...)
		if err != nil {
			return p, s.wrap(err, d.what)
		}
		if *d.n, err = res.RowsAffected(); err != nil {
			return p, s.wrap(err, d.what)
		}
	}
	return p, nil
}
