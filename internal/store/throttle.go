package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"slices"
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

// AddressGroup is the key a client address is counted under: an IPv6
// address by its /64 (one subscriber's network: anyone given one holds
// 2^64 addresses to rotate through), any other address as it is.
func AddressGroup(address string) string {
	a, err := netip.ParseAddr(address)
	if err != nil || !a.Is6() || a.Is4In6() {
		return address
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// throttleKey is how a key is stored: hashed, so that what someone typed
// into the email field (sometimes their password) is never kept.
func throttleKey(k string) string {
	h := sha256.Sum256([]byte("homeward-throttle\x00" + k))
	return hex.EncodeToString(h[:])
}

// CountLoginAttempt counts one sign-in attempt against each key before the
// password is checked, atomically, so that parallel guesses cannot all pass
// the check before any failure is recorded. It returns until when the
// sign-in is locked (zero when it may go ahead). A successful sign-in then
// calls ForgetLoginAttempts for the account.
func (s *Store) CountLoginAttempt(ctx context.Context, keys map[string]Throttle) (time.Time, error) {
	var until time.Time
	now := s.now()
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		th := keys[k]
		// One statement per key: no transaction holds two rows, so no deadlock.
		var failures int
		var locked *time.Time
		err := s.write.QueryRowContext(ctx, `INSERT INTO login_throttle (key, failures, window_start) VALUES ($1, 1, $2)
			ON CONFLICT (key) DO UPDATE SET
				failures = CASE WHEN login_throttle.window_start < $3 THEN 1 ELSE login_throttle.failures + 1 END,
				window_start = CASE WHEN login_throttle.window_start < $3 THEN $2 ELSE login_throttle.window_start END
			RETURNING failures, locked_until`, throttleKey(k), s.ts(now), s.ts(now.Add(-th.Window))).Scan(&failures, &locked)
		if err != nil {
			return until, s.wrap(err, "count login attempt")
		}
		if locked != nil && locked.After(now) {
			if locked.After(until) {
				until = locked.UTC()
			}
			continue
		}
		if failures > th.Limit {
			t := now.Add(th.Lockout)
			if _, err := s.write.ExecContext(ctx, `UPDATE login_throttle SET locked_until = $1, failures = 0, window_start = $2 WHERE key = $3`,
				s.ts(t), s.ts(now), throttleKey(k)); err != nil {
				return until, s.wrap(err, "lock sign-in")
			}
			if t.After(until) {
				until = t
			}
		}
	}
	return until, nil
}

// ForgetLoginAttempts resets a key's count after a successful sign-in.
func (s *Store) ForgetLoginAttempts(ctx context.Context, key string) error {
	_, err := s.write.ExecContext(ctx, `UPDATE login_throttle SET failures = 0 WHERE key = $1`, throttleKey(key))
	return s.wrap(err, "reset login throttle")
}

// AuditLoginFailure records a failed sign-in on a known account. Failures on
// unknown accounts are not audited: bots would fill the log with addresses
// of people who have nothing to do with the program.
func (s *Store) AuditLoginFailure(ctx context.Context, userID int64) error {
	if userID == 0 {
		return nil
	}
	return s.Audit(ctx, "login.failure", "user", userID, audit.Failed)
}
