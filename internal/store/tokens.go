package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/errs"
)

// APIToken is a named, expiring token a user's programs call the API with.
type APIToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// MaxTokenLifetime bounds how long an API token may live.
const MaxTokenLifetime = 366 * 24 * time.Hour

// Active reports whether the token still works at now.
func (t APIToken) Active(now time.Time) bool { return t.RevokedAt == nil && now.Before(t.ExpiresAt) }

// CreateAPIToken makes a token for the user and returns it in plain, once.
func (s *Store) CreateAPIToken(ctx context.Context, userID int64, name string, lifetime time.Duration) (string, APIToken, error) {
	defer s.usersChanged()
	name = strings.TrimSpace(name)
	f := map[string]string{}
	if name == "" {
		f["name"] = "validation.required"
	} else if utf8.RuneCountInString(name) > 80 || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		f["name"] = "validation.too_long"
	}
	if lifetime <= 0 || lifetime > MaxTokenLifetime {
		f["expires"] = "validation.token_lifetime"
	}
	if len(f) > 0 {
		return "", APIToken{}, errs.Invalid(f)
	}
	plain, hash := auth.NewToken(auth.APIToken)
	now := s.now()
	t := APIToken{UserID: userID, Name: name, CreatedAt: now, ExpiresAt: now.Add(lifetime)}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM users WHERE id = $1`, userID).Scan(&status); errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("user")
		} else if err != nil {
			return s.wrap(err, "check token user")
		}
		if status != auth.StatusActive {
			return errs.Conflict("Only an active user may have API tokens.", nil)
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, userID, name, hash, s.ts(now), s.ts(t.ExpiresAt)).Scan(&t.ID)
		if err != nil {
			return s.wrap(err, "create API token")
		}
		return s.appendAudit(ctx, tx, "token.create", "api_token", t.ID, audit.OK)
	})
	return plain, t, err
}

const tokenColumns = `id, user_id, name, created_at, expires_at, last_used_at, revoked_at`

func scanToken(r scanner) (APIToken, error) {
	var t APIToken
	var used, revoked sql.NullTime
	err := r.Scan(&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &t.ExpiresAt, &used, &revoked)
	t.CreatedAt, t.ExpiresAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC()
	if used.Valid {
		u := used.Time.UTC()
		t.LastUsedAt = &u
	}
	if revoked.Valid {
		r := revoked.Time.UTC()
		t.RevokedAt = &r
	}
	return t, err
}

// APITokens lists the user's tokens, newest first, revoked and expired ones too.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, s.wrap(err, "list API tokens")
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, s.wrap(err, "scan API token")
		}
		out = append(out, t)
	}
	return out, s.wrap(rows.Err(), "list API tokens")
}

// RevokeAPIToken revokes one of the user's tokens (userID 0: any user's,
// for the command line).
func (s *Store) RevokeAPIToken(ctx context.Context, userID, id int64) error {
	defer s.usersChanged()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND ($3 = 0 OR user_id = $3) AND revoked_at IS NULL`,
			s.ts(s.now()), id, userID)
		if err != nil {
			return s.wrap(err, "revoke API token")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("API token")
		}
		return s.appendAudit(ctx, tx, "token.revoke", "api_token", id, audit.OK)
	})
}

// TokenUser returns the token a plain token names and its user, when the
// token is neither revoked nor expired and the user is active; errs.NotFound
// otherwise. It marks the token as used (at most once a minute).
//
// A user read a moment ago is answered from the store's user cache
// (user_cache.go) while nothing about them changed, unless the token has
// expired since or is due to be marked as used.
func (s *Store) TokenUser(ctx context.Context, plain string) (APIToken, auth.User, error) {
	now := s.now()
	hash := auth.HashToken(plain)
	if t, u, ok := s.users.token(string(hash), now); ok && t.Active(now) && !tokenDueTouch(t, now) {
		return t, u, nil
	}
	st := s.users.stamp() // before the reads: a write meanwhile makes the entry stale
	s.users.reads.Add(1)
	t, err := scanToken(s.read.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = $1`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return t, auth.User{}, errs.NotFound("API token")
	}
	if err != nil {
		return t, auth.User{}, s.wrap(err, "get API token")
	}
	if !t.Active(now) {
		return t, auth.User{}, errs.NotFound("API token")
	}
	u, err := s.GetUser(ctx, t.UserID)
	if err != nil || u.Status != auth.StatusActive {
		return t, auth.User{}, errs.NotFound("API token")
	}
	if tokenDueTouch(t, now) {
		if _, err := s.write.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, s.ts(now), t.ID); err != nil {
			return t, u, s.wrap(err, "touch API token")
		}
		t.LastUsedAt = &now
	}
	s.users.keepToken(string(hash), st, now, t, u)
	return t, u, nil
}

// tokenDueTouch reports whether the token is to be marked as used at now.
func tokenDueTouch(t APIToken, now time.Time) bool {
	return t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute
}

// revokeUserTokens revokes every API token of the user, and their calendar
// feed: whatever cuts a person's sessions (a new password, a new role,
// "sign out everywhere", disabling) cuts their tokens too, and they do not
// come back.
func (s *Store) revokeUserTokens(ctx context.Context, tx *sql.Tx, userID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, s.ts(s.now()), userID)
	if err != nil {
		return s.wrap(err, "revoke API tokens")
	}
	return s.revokeUserCalendarFeeds(ctx, tx, userID)
}
