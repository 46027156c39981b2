package store

import (
	"context"
	"database/sql"
	"time"

	"homeward/internal/audit"
)

// Throttle says how many failed sign-ins a key (an account, an address) may
// have within Window before it is locked for Lockout.
type Throttle struct {
	Limit   int
	Window  time.Duration
	Lockout time.Duration
}

// LoginLockedUntil returns the latest time until which any of the keys is
// locked, or the zero time when none is.
func (s *Store) LoginLockedUntil(ctx context.Context, keys ...string) (time.Time, error) {
	var until time.Time
	now := s.now()
	for _, k := range keys {
		var t sql.NullTime
		err := s.read.QueryRowContext(ctx, `SELECT locked_until FROM login_throttle WHERE key = $1`, k).Scan(&t)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return until, s.wrap(err, "read login throttle")
		}
		if t.Valid && t.Time.After(now) && t.Time.After(until) {
			until = t.Time.UTC()
		}
	}
	return until, nil
}

// RecordLoginFailure counts a failed sign-in against each key with its
// throttle, audits it (with the account's id when known, never the typed
// address or password), and returns until when the sign-in is now locked.
func (s *Store) RecordLoginFailure(ctx context.Context, userID int64, keys map[string]Throttle) (time.Time, error) {
	var until time.Time
	now := s.now()
	lock := ""
	if s.engine == Postgres {
		lock = " FOR UPDATE"
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for k, th := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_throttle (key, failures, window_start) VALUES ($1, 0, $2)
				ON CONFLICT (key) DO NOTHING`, k, s.ts(now)); err != nil {
				return s.wrap(err, "login throttle")
			}
			var failures int
			var start time.Time
			if err := tx.QueryRowContext(ctx, `SELECT failures, window_start FROM login_throttle WHERE key = $1`+lock, k).Scan(&failures, &start); err != nil {
				return s.wrap(err, "login throttle")
			}
			if now.Sub(start) > th.Window {
				failures, start = 0, now
			}
			failures++
			var lockedUntil any
			if failures >= th.Limit {
				t := now.Add(th.Lockout)
				lockedUntil = s.ts(t)
				if t.After(until) {
					until = t
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE login_throttle SET failures = $1, window_start = $2, locked_until = $3 WHERE key = $4`,
				failures, s.ts(start), lockedUntil, k); err != nil {
				return s.wrap(err, "login throttle")
			}
		}
		return s.appendAudit(ctx, tx, "login.failure", "user", userID, audit.Failed)
	})
	return until, err
}

// ClearLoginFailures forgets the failures of a key after a successful sign-in.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := s.write.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = $1`, key)
	return s.wrap(err, "clear login throttle")
}
