-- Retention per program: a person whose cases are all closed, with every
-- follow-up done, is erased (as an approved erasure does, store/erasure.go)
-- retention_months after their case was closed; 0 keeps them until someone
-- asks. A coordinator can hold a case from it (a legal hold), with a reason
-- from a short list (a code, no text), and lift the hold.
ALTER TABLE programs ADD COLUMN retention_months INTEGER NOT NULL DEFAULT 0;
CREATE TABLE retention_holds (
    case_id BIGINT PRIMARY KEY REFERENCES cases (id),
    reason  TEXT NOT NULL,
    held_by BIGINT REFERENCES users (id),
    held_at TIMESTAMPTZ NOT NULL
);
-- What falls due: a program's closed cases by when they were closed.
CREATE INDEX cases_program_state_since ON cases (program_id, state, state_since, id);
-- Key epochs: when each key-encryption key was first used with this
-- database (NULL for keys from before), so that the scheduled rotation
-- (internal/jobs, keys.rotate) rotates once the current key is a rotation
-- period old, not on a first start.
ALTER TABLE kek_probes ADD COLUMN created_at TIMESTAMPTZ;
