-- Jobs: work done in the background by every serve process, in the
-- database so that a job outlives the process that took it (see
-- internal/jobs). A job holds no personal data: its payload is a JSON object
-- of ids, numbers and short codes (the store refuses anything else), and its
-- last error a short code that classifies the failure.
--
-- state: queued (waits for run_at), running (leased to lease_owner until
-- lease_until; when the lease runs out another process takes the job over),
-- done, failed (gave up after max_attempts; shown to the admin, who may
-- retry it). unique_key makes an enqueue idempotent: recurring work is
-- enqueued by every node as kind:period, and only the first insert counts.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    unique_key   TEXT,
    state        TEXT NOT NULL DEFAULT 'queued',
    run_at       TIMESTAMP NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    last_error   TEXT NOT NULL DEFAULT '',
    lease_owner  TEXT NOT NULL DEFAULT '',
    lease_until  TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP
);
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key);
-- What is due: queued jobs by run_at, running ones by their lease's end.
CREATE INDEX jobs_queued ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE state = 'running';
-- The admin's list and the purge of old finished jobs.
CREATE INDEX jobs_state ON jobs (state, id);
