package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"time"

	"homeward/internal/errs"
)

// IdempotencyKeep is how long an idempotency key is remembered: a client
// retries within minutes; after a day the key is purged and may be reused.
const IdempotencyKeep = 24 * time.Hour

// IdempotentAnswer is the first answer to a write sent with an
// Idempotency-Key, as stored: its status and its answer sealed under a key
// the database does not hold (internal/api/idempotency.go).
type IdempotentAnswer struct {
	Status int
	Sealed []byte
}

// ClaimIdempotencyKey claims keyHash for the user's request (requestHash
// tells one request from another) before the request runs. It returns nil
// when the claim is new: the request runs, and FinishIdempotencyKey or
// ForgetIdempotencyKey follows. When the key is known, it returns the first
// answer for the same request; a conflict while the first request is still
// running or ended without an answer (its process died, so whether it took
// effect is unknown); and invalid input when the key was used for another
// request.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, keyHash, requestHash []byte, userID int64) (*IdempotentAnswer, error) {
	res, err := s.write.ExecContext(ctx, `INSERT INTO idempotency_keys (key_hash, user_id, request_hash, state, created_at)
		VALUES ($1, $2, $3, 'pending', $4) ON CONFLICT (key_hash) DO NOTHING`, keyHash, userID, requestHash, s.ts(s.now()))
	if err != nil {
		return nil, s.wrap(err, "claim idempotency key")
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, s.wrap(err, "claim idempotency key")
	} else if n == 1 {
		return nil, nil
	}
	var (
		owner  int64
		req    []byte
		state  string
		answer IdempotentAnswer
	)
	err = s.write.QueryRowContext(ctx, `SELECT user_id, request_hash, state, status, answer_sealed FROM idempotency_keys WHERE key_hash = $1`, keyHash).
		Scan(&owner, &req, &state, &answer.Status, &answer.Sealed)
	if errors.Is(err, sql.ErrNoRows) {
		// Purged between the two statements: a new claim.
		return s.ClaimIdempotencyKey(ctx, keyHash, requestHash, userID)
	}
	if err != nil {
		return nil, s.wrap(err, "read idempotency key")
	}
	switch {
	case owner != userID || !bytes.Equal(req, requestHash):
		return nil, errs.Invalid(map[string]string{"Idempotency-Key": "validation.idempotency_key_reused"})
	case state == "pending":
		return nil, &errs.Error{Kind: errs.KindConflict, Code: "idempotency_pending",
			Message: "A request with this Idempotency-Key is still running, or ended without an answer; check whether it took effect before you send it again with a new key."}
	}
	return &answer, nil
}

// FinishIdempotencyKey stores the first answer of a claimed key.
func (s *Store) FinishIdempotencyKey(ctx context.Context, keyHash []byte, answer IdempotentAnswer) error {
	_, err := s.write.ExecContext(ctx, `UPDATE idempotency_keys SET state = 'done', status = $1, answer_sealed = $2 WHERE key_hash = $3`,
		answer.Status, answer.Sealed, keyHash)
	return s.wrap(err, "finish idempotency key")
}

// ForgetIdempotencyKey drops a claim whose request took no effect (the
// service was unavailable), so that a retry under the same key runs again.
func (s *Store) ForgetIdempotencyKey(ctx context.Context, keyHash []byte) error {
	_, err := s.write.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE key_hash = $1 AND state = 'pending'`, keyHash)
	return s.wrap(err, "forget idempotency key")
}
