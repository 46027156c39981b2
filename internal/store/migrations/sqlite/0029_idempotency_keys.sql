-- Idempotency keys: an API client that sends a write with an
-- Idempotency-Key header and retries it after a lost answer gets the first
-- answer again, and nothing is stored twice (internal/api/idempotency.go).
-- key_hash is a hash of the user and the key, never the key itself; the
-- stored answer is sealed under a key derived from the client's key, which
-- the database does not hold, so a stolen database reads no answer (an
-- answer may carry what a person typed). request_hash tells a retry from
-- another request under the same key. A row is 'pending' while the first
-- request runs; one left pending by a process that died stays so, and a
-- retry is told the outcome is unknown rather than run twice. Rows are
-- purged a day after they were made.
CREATE TABLE idempotency_keys (
    key_hash     BLOB NOT NULL PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    request_hash BLOB NOT NULL,
    state        TEXT NOT NULL, -- pending or done
    status       INTEGER NOT NULL DEFAULT 0,
    answer_sealed BLOB,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
CREATE INDEX idempotency_keys_user ON idempotency_keys (user_id);
