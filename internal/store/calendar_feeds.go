package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/errs"
)

// CalendarFeed is a user's secret address of an iCalendar feed of their
// cases' dates (calendar_events.go). Like an API token, only its hash is
// stored: the address is shown once, when it is made.
type CalendarFeed struct {
	ID         int64
	UserID     int64
	Language   string // the language the events are titled in
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

const calendarFeedColumns = `id, user_id, language, created_at, last_used_at`

func scanCalendarFeed(r scanner) (CalendarFeed, error) {
	var f CalendarFeed
	var used sql.Null[time.Time]
	err := r.Scan(&f.ID, &f.UserID, &f.Language, &f.CreatedAt, &used)
	f.CreatedAt, f.LastUsedAt = f.CreatedAt.UTC(), nullTime(used)
	return f, err
}

// CreateCalendarFeed makes the user's calendar feed, titled in language,
// and returns its token in plain, once. A feed the user had stops working:
// a user has one address at a time. Only an active user may have one.
func (s *Store) CreateCalendarFeed(ctx context.Context, userID int64, language string) (string, CalendarFeed, error) {
	plain, hash := auth.NewToken(auth.CalendarToken)
	now := s.now()
	f := CalendarFeed{UserID: userID, Language: language, CreatedAt: now}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM users WHERE id = $1`, userID).Scan(&status); errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("user")
		} else if err != nil {
			return s.wrap(err, "check calendar feed user")
		}
		if status != auth.StatusActive {
			return errs.Conflict("Only an active user may have a calendar feed.", nil)
		}
		if err := s.revokeCalendarFeed(ctx, tx, userID); err != nil && !errs.Is(err, errs.KindNotFound) {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO calendar_feeds (user_id, token_hash, language, created_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, userID, hash, language, s.ts(now)).Scan(&f.ID)
		if err != nil {
			return s.wrap(err, "create calendar feed")
		}
		return s.appendAudit(ctx, tx, "calendar_feed.create", "calendar_feed", f.ID, audit.OK)
	})
	return plain, f, err
}

// CalendarFeedOf returns the user's working calendar feed, or nil.
func (s *Store) CalendarFeedOf(ctx context.Context, userID int64) (*CalendarFeed, error) {
	f, err := scanCalendarFeed(s.read.QueryRowContext(ctx, `SELECT `+calendarFeedColumns+` FROM calendar_feeds
		WHERE user_id = $1 AND revoked_at IS NULL`, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.wrap(err, "get calendar feed")
	}
	return &f, nil
}

// RevokeCalendarFeed revokes the user's calendar feed: its address stops
// working at once. errs.NotFound when the user has none.
func (s *Store) RevokeCalendarFeed(ctx context.Context, userID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.revokeCalendarFeed(ctx, tx, userID) })
}

// revokeCalendarFeed revokes the user's working feed inside tx, audited.
func (s *Store) revokeCalendarFeed(ctx context.Context, tx *sql.Tx, userID int64) error {
	var id int64
	err := tx.QueryRowContext(ctx, `UPDATE calendar_feeds SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL RETURNING id`,
		s.ts(s.now()), userID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.NotFound("calendar feed")
	}
	if err != nil {
		return s.wrap(err, "revoke calendar feed")
	}
	return s.appendAudit(ctx, tx, "calendar_feed.revoke", "calendar_feed", id, audit.OK)
}

// revokeUserCalendarFeeds revokes the user's calendar feed along with
// their API tokens (revokeUserTokens), unaudited like them: whatever cuts
// a person's sessions cuts the feed too, and it does not come back.
func (s *Store) revokeUserCalendarFeeds(ctx context.Context, tx *sql.Tx, userID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE calendar_feeds SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, s.ts(s.now()), userID)
	return s.wrap(err, "revoke calendar feeds")
}

// CalendarFeedUser returns the feed a plain token names and its user, when
// the feed is not revoked and the user is active; errs.NotFound otherwise,
// whichever it was. It marks the feed as used (at most once an hour:
// calendar apps fetch often).
func (s *Store) CalendarFeedUser(ctx context.Context, plain string) (CalendarFeed, auth.User, error) {
	now := s.now()
	f, err := scanCalendarFeed(s.read.QueryRowContext(ctx, `SELECT `+calendarFeedColumns+` FROM calendar_feeds
		WHERE token_hash = $1 AND revoked_at IS NULL`, auth.HashToken(plain)))
	if errors.Is(err, sql.ErrNoRows) {
		return f, auth.User{}, errs.NotFound("calendar feed")
	}
	if err != nil {
		return f, auth.User{}, s.wrap(err, "get calendar feed")
	}
	u, err := s.GetUser(ctx, f.UserID)
	if errs.Is(err, errs.KindNotFound) || (err == nil && u.Status != auth.StatusActive) {
		return f, auth.User{}, errs.NotFound("calendar feed")
	}
	if err != nil {
		return f, auth.User{}, err
	}
	if f.LastUsedAt == nil || now.Sub(*f.LastUsedAt) > time.Hour {
		if _, err := s.write.ExecContext(ctx, `UPDATE calendar_feeds SET last_used_at = $1 WHERE id = $2`, s.ts(now), f.ID); err != nil {
			return f, u, s.wrap(err, "touch calendar feed")
		}
		f.LastUsedAt = &now
	}
	return f, u, nil
}

// CalendarMissLimit is how many unknown feed addresses one client address
// may ask for within its window; then it is refused, even with a right
// one, until the lockout ends.
var CalendarMissLimit = Throttle{Limit: 20, Window: 15 * time.Minute, Lockout: 15 * time.Minute}

// calendarMissKey is the throttle key of a client address's misses.
func calendarMissKey(address string) string { return "calendar:" + AddressGroup(address) }

// CountCalendarMiss counts an unknown feed address asked for by a client
// address against CalendarMissLimit (the sign-in throttle's table and rule,
// under a key of its own), and returns until when the client address is
// refused (zero while it is not).
func (s *Store) CountCalendarMiss(ctx context.Context, address string) (time.Time, error) {
	return s.CountLoginAttempt(ctx, map[string]Throttle{calendarMissKey(address): CalendarMissLimit})
}

// CalendarMissLocked returns until when a client address is refused after
// too many unknown feed addresses (zero when it is not), counting nothing.
func (s *Store) CalendarMissLocked(ctx context.Context, address string) (time.Time, error) {
	var locked sql.Null[time.Time]
	err := s.read.QueryRowContext(ctx, `SELECT locked_until FROM login_throttle WHERE key = $1`, throttleKey(calendarMissKey(address))).Scan(&locked)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (!locked.Valid || !locked.V.After(s.now()))) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, s.wrap(err, "read calendar throttle")
	}
	return locked.V.UTC(), nil
}
