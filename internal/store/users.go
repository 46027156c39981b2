package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/zone"
)

// userColumns are read from users; the last is the time zone of the user's
// first program, read with the user so that showing a time needs no query.
const userColumns = `id, email, name, role, status, password_hash, created_at, updated_at, COALESCE(partner_id, 0), time_zone,
	COALESCE((SELECT p.time_zone FROM user_programs up JOIN programs p ON p.id = up.program_id
		WHERE up.user_id = users.id ORDER BY up.program_id LIMIT 1), '')`

func scanUser(r scanner) (auth.User, string, error) {
	var u auth.User
	var role, phc string
	err := r.Scan(&u.ID, &u.Email, &u.Name, &role, &u.Status, &phc, &u.CreatedAt, &u.UpdatedAt, &u.PartnerID, &u.TimeZone, &u.ProgramTimeZone)
	u.Role = auth.Role(role)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, phc, err
}

// CountUsers counts every user; zero means the first admin is still to be set up.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, s.wrap(err, "count users")
}

// CreateUser stores a new, invited user with their programs.
func (s *Store) CreateUser(ctx context.Context, u auth.User) (auth.User, error) {
	defer s.usersChanged()
	u.Normalize()
	if err := u.Validate(); err != nil {
		return u, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = s.createUserTx(ctx, tx, u)
		return err
	})
	return u, err
}

func (s *Store) createUserTx(ctx context.Context, tx *sql.Tx, u auth.User) (auth.User, error) {
	now := s.now()
	u.Status, u.CreatedAt, u.UpdatedAt = auth.StatusInvited, now, now
	if err := s.userPartnerExists(ctx, tx, u.PartnerID); err != nil {
		return u, err
	}
	var err error
	if u.ID, err = s.insertUserTx(ctx, tx, u, now); err != nil {
		return u, err
	}
	if err := s.setUserPrograms(ctx, tx, u.ID, u.Programs); err != nil {
		return u, err
	}
	if err := s.appendAudit(ctx, tx, "user.create", "user", u.ID, audit.OK); err != nil {
		return u, err
	}
	return u, s.ensureMentors(ctx, tx, u.ID)
}

func (s *Store) setUserPrograms(ctx context.Context, tx *sql.Tx, userID int64, programs []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_programs WHERE user_id = $1`, userID); err != nil {
		return s.wrap(err, "clear user programs")
	}
	for _, p := range programs {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM programs WHERE id = $1`, p).Scan(&exists); err != nil {
			return s.wrap(err, "check program")
		}
		if !exists {
			return errs.Invalid(map[string]string{"programs": "validation.no_such_program"})
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_programs (user_id, program_id) VALUES ($1, $2)`, userID, p); err != nil {
			return s.wrap(err, "add user program")
		}
	}
	return nil
}

// GetUser returns a user with their programs.
func (s *Store) GetUser(ctx context.Context, id int64) (auth.User, error) {
	u, _, err := s.userWhere(ctx, `id = $1`, id)
	return u, err
}

// UserForLogin returns the user with this email address and their password
// hash; errs.NotFound when there is none. A staff user is found by their
// folded address, a mentee by its keyed hash: one query either way.
func (s *Store) UserForLogin(ctx context.Context, email string) (auth.User, string, error) {
	staff, mentee, err := s.loginKeys(ctx, nil, email)
	if err != nil {
		return auth.User{}, "", err
	}
	if mentee == "" {
		mentee = staff
	}
	return s.userWhere(ctx, `email_key IN ($1, $2) ORDER BY id LIMIT 1`, staff, mentee)
}

func (s *Store) userWhere(ctx context.Context, cond string, args ...any) (auth.User, string, error) {
	u, phc, err := scanUser(s.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return u, "", errs.NotFound("user")
	}
	if err != nil {
		return u, "", s.wrap(err, "get user")
	}
	one := []auth.User{u}
	err = s.addPrograms(ctx, one)
	return one[0], phc, err
}

// SetPassword stores a new password hash, activates an invited user and ends
// every session of the user: a password change signs out everywhere.
func (s *Store) SetPassword(ctx context.Context, userID int64, phc string) error {
	defer s.usersChanged()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.setPasswordTx(ctx, tx, userID, phc)
	})
}

func (s *Store) setPasswordTx(ctx context.Context, tx *sql.Tx, userID int64, phc string) error {
	res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2,
		status = CASE WHEN status = 'invited' THEN 'active' ELSE status END WHERE id = $3`, phc, s.ts(s.now()), userID)
	if err != nil {
		return s.wrap(err, "set password")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.NotFound("user")
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return s.wrap(err, "end sessions")
	}
	if err := s.revokeUserTokens(ctx, tx, userID); err != nil {
		return err
	}
	return s.appendAudit(ctx, tx, "user.password_set", "user", userID, audit.OK)
}

// SetUserTimeZone sets the user's own time zone (an IANA name), or "" to
// follow their program's. An unknown name is refused (errs.Invalid).
func (s *Store) SetUserTimeZone(ctx context.Context, userID int64, name string) error {
	defer s.usersChanged()
	name = strings.TrimSpace(name)
	if name != "" && !zone.Valid(name) {
		return errs.Invalid(map[string]string{"time_zone": "validation.time_zone"})
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET time_zone = $1 WHERE id = $2`, name, userID)
		if err != nil {
			return s.wrap(err, "set time zone")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("user")
		}
		return s.appendAudit(ctx, tx, "user.time_zone", "user", userID, audit.OK)
	})
}

// SetUserStatus disables or re-enables a user; disabling ends their sessions at once.
func (s *Store) SetUserStatus(ctx context.Context, userID int64, status string) error {
	defer s.usersChanged()
	if status != auth.StatusActive && status != auth.StatusDisabled {
		return errs.Invalid(map[string]string{"status": "validation.status"})
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if status == auth.StatusDisabled {
			// Never leave the installation without an active admin, even when
			// two admins disable each other at the same moment.
			cur, others, err := s.lockUserAndAdmins(ctx, tx, userID)
			if err != nil {
				return err
			}
			if cur.Role == auth.Admin && cur.Status == auth.StatusActive && others == 0 {
				return errs.Conflict("The last active administrator cannot be disabled.", map[string]string{"status": "users.error.last_admin"})
			}
		}
		// An invited user may be disabled too (their link then stops working);
		// re-enabling needs a password, so an invited user stays invited.
		res, err := tx.ExecContext(ctx, `UPDATE users SET status = $1, updated_at = $2 WHERE id = $3 AND (status <> 'invited' OR $1 = 'disabled')`, status, s.ts(s.now()), userID)
		if err != nil {
			return s.wrap(err, "set user status")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("user")
		}
		if status == auth.StatusDisabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
				return s.wrap(err, "end sessions")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE one_time_links SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL`, s.ts(s.now()), userID); err != nil {
				return s.wrap(err, "retire links")
			}
			// Tokens do not come back when the account is enabled again.
			if err := s.revokeUserTokens(ctx, tx, userID); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, "user."+status, "user", userID, audit.OK)
	})
}

// Link purposes.
const (
	LinkSetup  = "setup"  // set up the first admin
	LinkInvite = "invite" // an invited user chooses a password
	LinkReset  = "reset"  // a user chooses a new password
)

// CreateLink makes a one-time link for the user (none for setup) and returns
// its token; earlier unused links of the same user and purpose stop working.
func (s *Store) CreateLink(ctx context.Context, purpose string, userID int64, ttl time.Duration) (string, error) {
	var plain string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		plain, err = s.createLinkTx(ctx, tx, purpose, userID, ttl)
		return err
	})
	return plain, err
}

// pgSetupLock is the advisory lock key that serialises making and using the
// first admin's setup link when several app processes start at once on one
// PostgreSQL database (SQLite has one writer anyway).
const pgSetupLock = 72530_0002

// lockSetup holds the setup lock until tx ends.
func (s *Store) lockSetup(ctx context.Context, tx *sql.Tx) error {
	if s.engine != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, pgSetupLock)
	return s.wrap(err, "lock the first admin's setup")
}

// CreateSetupLink makes the one-time link that sets up the first admin and
// returns its token, or "" once any user exists. It replaces any earlier
// setup link: of several processes starting at once, one after the other
// under a lock, so exactly one link (the last made) is valid.
func (s *Store) CreateSetupLink(ctx context.Context, ttl time.Duration) (string, error) {
	var plain string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockSetup(ctx, tx); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
			return s.wrap(err, "count users")
		}
		if n > 0 {
			return nil
		}
		var err error
		plain, err = s.createLinkTx(ctx, tx, LinkSetup, 0, ttl)
		return err
	})
	return plain, err
}

// createLinkTx is CreateLink inside tx.
func (s *Store) createLinkTx(ctx context.Context, tx *sql.Tx, purpose string, userID int64, ttl time.Duration) (string, error) {
	plain, hash := auth.NewToken(auth.LinkToken)
	now := s.now()
	var uid any
	if userID != 0 {
		uid = userID
	}
	if _, err := tx.ExecContext(ctx, `UPDATE one_time_links SET used_at = $1 WHERE used_at IS NULL AND purpose = $2
		AND (user_id = $3 OR ($3 IS NULL AND user_id IS NULL))`, s.ts(now), purpose, uid); err != nil {
		return "", s.wrap(err, "retire earlier links")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO one_time_links (token_hash, purpose, user_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, hash, purpose, uid, s.ts(now), s.ts(now.Add(ttl))); err != nil {
		return "", s.wrap(err, "create link")
	}
	return plain, s.appendAudit(ctx, tx, "link.create_"+purpose, "user", userID, audit.OK)
}

// Link is a one-time link that is still valid.
type Link struct {
	ID      int64
	Purpose string
	UserID  int64 // 0 for setup
}

var errLinkInvalid = &errs.Error{Kind: errs.KindNotFound, Code: "link_invalid", Message: "This link is not valid: it was used already, it expired, or it was replaced by a newer one."}

// CheckLink returns the link a token names if it is unused and unexpired.
func (s *Store) CheckLink(ctx context.Context, plain string) (Link, error) {
	var l Link
	var uid sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT id, purpose, user_id FROM one_time_links
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`, auth.HashToken(plain), s.ts(s.now())).Scan(&l.ID, &l.Purpose, &uid)
	if errors.Is(err, sql.ErrNoRows) {
		return l, errLinkInvalid
	}
	l.UserID = uid.Int64
	return l, s.wrap(err, "check link")
}

// UseLink spends a one-time link and, in the same transaction, sets the
// password: of the link's user, or, for the setup link, of a new first admin
// (refused once any user exists). It returns the user.
func (s *Store) UseLink(ctx context.Context, plain string, newAdmin *auth.User, phc string) (auth.User, error) {
	defer s.usersChanged()
	var userID int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var linkID int64
		var purpose string
		var uid sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT id, purpose, user_id FROM one_time_links
			WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`, auth.HashToken(plain), s.ts(s.now())).Scan(&linkID, &purpose, &uid)
		if errors.Is(err, sql.ErrNoRows) {
			return errLinkInvalid
		}
		if err != nil {
			return s.wrap(err, "use link")
		}
		res, err := tx.ExecContext(ctx, `UPDATE one_time_links SET used_at = $1 WHERE id = $2 AND used_at IS NULL`, s.ts(s.now()), linkID)
		if err != nil {
			return s.wrap(err, "use link")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errLinkInvalid
		}
		userID = uid.Int64
		if purpose != LinkSetup {
			var status string
			if err := tx.QueryRowContext(ctx, `SELECT status FROM users WHERE id = $1`, userID).Scan(&status); err != nil {
				return s.wrap(err, "check link user")
			}
			if status == auth.StatusDisabled {
				return errLinkInvalid
			}
		}
		if purpose == LinkSetup {
			// Under the setup lock, so that two setup links used at the same
			// moment cannot make two first admins.
			if err := s.lockSetup(ctx, tx); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
				return s.wrap(err, "count users")
			}
			if n > 0 || newAdmin == nil {
				return errLinkInvalid
			}
			a := *newAdmin
			a.Role, a.Programs = auth.Admin, nil
			a.Normalize()
			if err := a.Validate(); err != nil {
				return err
			}
			if a, err = s.createUserTx(ctx, tx, a); err != nil {
				return err
			}
			userID = a.ID
		}
		if err := s.setPasswordTx(ctx, tx, userID, phc); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "link.use_"+purpose, "user", userID, audit.OK)
	})
	if err != nil {
		return auth.User{}, err
	}
	return s.GetUser(ctx, userID)
}

// CreateSession starts a full session for the user and returns its token.
func (s *Store) CreateSession(ctx context.Context, userID int64, lifetime time.Duration, address, userAgent string) (string, error) {
	return s.StartSession(ctx, userID, auth.StageFull, lifetime, address, userAgent)
}

// StartSession starts a session at a stage of signing in (auth.Stage…) and
// returns its token. A session that still has to pass a second factor is
// audited as a password success, a full one as a sign-in.
func (s *Store) StartSession(ctx context.Context, userID int64, stage string, lifetime time.Duration, address, userAgent string) (string, error) {
	defer s.usersChanged()
	plain, hash := auth.NewToken(auth.SessionToken)
	now := s.now()
	if len(userAgent) > 200 {
		userAgent = userAgent[:200]
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// A session signed in at once proved its person with the password
		// alone (they have no second factor); the others prove it later.
		var proved any
		if stage == auth.StageFull {
			proved = s.ts(now)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, address, user_agent, stage, proved_at)
			VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8)`, hash, userID, s.ts(now), s.ts(now.Add(lifetime)), address, strings.ToValidUTF8(userAgent, ""), stage, proved); err != nil {
			return s.wrap(err, "create session")
		}
		action := "login.success"
		if stage != auth.StageFull {
			action = "login.password_ok"
		}
		return s.appendAudit(ctx, tx, action, "user", userID, audit.OK)
	})
	return plain, err
}

const sessionColumns = `id, user_id, created_at, last_seen_at, expires_at, address, user_agent, stage, ceremony, proved_at`

func scanSession(r scanner) (auth.Session, error) {
	var x auth.Session
	var proved sql.NullTime
	err := r.Scan(&x.ID, &x.UserID, &x.CreatedAt, &x.LastSeenAt, &x.ExpiresAt, &x.Address, &x.UserAgent, &x.Stage, &x.Ceremony, &proved)
	x.CreatedAt, x.LastSeenAt, x.ExpiresAt = x.CreatedAt.UTC(), x.LastSeenAt.UTC(), x.ExpiresAt.UTC()
	if proved.Valid {
		x.ProvedAt = proved.Time.UTC()
	}
	return x, err
}

// SessionUser returns the session a token names and its user, when the
// session is within its absolute lifetime, has been used within idle, and
// the user is active. It marks the session as seen (at most once a minute,
// to spare the database a write per request).
//
// A user read a moment ago is answered from the store's user cache
// (user_cache.go) while nothing about them or the session changed, unless
// the session has expired since or is due to be marked as seen.
func (s *Store) SessionUser(ctx context.Context, plain string, idle time.Duration) (auth.Session, auth.User, error) {
	now := s.now()
	hash := auth.HashToken(plain)
	if sess, u, ok := s.users.session(string(hash), now); ok && sessionLive(sess, now, idle) && !sessionDueTouch(sess, now) {
		return sess, u, nil
	}
	st := s.users.stamp() // before the reads: a write meanwhile makes the entry stale
	s.users.reads.Add(1)
	sess, err := scanSession(s.read.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE token_hash = $1`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return sess, auth.User{}, errs.NotFound("session")
	}
	if err != nil {
		return sess, auth.User{}, s.wrap(err, "get session")
	}
	if !sessionLive(sess, now, idle) {
		_ = s.EndSession(ctx, sess.UserID, sess.ID)
		return sess, auth.User{}, errs.NotFound("session")
	}
	u, err := s.GetUser(ctx, sess.UserID)
	if err != nil || u.Status != auth.StatusActive {
		return sess, auth.User{}, errs.NotFound("session")
	}
	if sessionDueTouch(sess, now) {
		if _, err := s.write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, s.ts(now), sess.ID); err != nil {
			return sess, u, s.wrap(err, "touch session")
		}
		sess.LastSeenAt = now
	}
	s.users.keepSession(string(hash), st, now, sess, u)
	return sess, u, nil
}

// sessionLive reports whether the session is within its absolute lifetime
// and has been used within idle at now.
func sessionLive(sess auth.Session, now time.Time, idle time.Duration) bool {
	return now.Before(sess.ExpiresAt) && now.Before(sess.LastSeenAt.Add(idle))
}

// sessionDueTouch reports whether the session is to be marked as seen at now.
func sessionDueTouch(sess auth.Session, now time.Time) bool {
	return now.Sub(sess.LastSeenAt) > time.Minute
}

// EndSession ends one session of the user (logout, or "sign out there").
func (s *Store) EndSession(ctx context.Context, userID, sessionID int64) error {
	defer s.usersChanged()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1 AND user_id = $2`, sessionID, userID)
		if err != nil {
			return s.wrap(err, "end session")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("session")
		}
		return s.appendAudit(ctx, tx, "session.end", "session", sessionID, audit.OK)
	})
}

// ListSessions lists the user's sessions, newest first.
func (s *Store) ListSessions(ctx context.Context, userID int64) ([]auth.Session, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, s.wrap(err, "list sessions")
	}
	defer rows.Close()
	var out []auth.Session
	for rows.Next() {
		x, err := scanSession(rows)
		if err != nil {
			return nil, s.wrap(err, "scan session")
		}
		out = append(out, x)
	}
	return out, s.wrap(rows.Err(), "list sessions")
}

// userPartnerExists checks a partner user's organisation (0: none).
func (s *Store) userPartnerExists(ctx context.Context, tx *sql.Tx, id int64) error {
	if id == 0 {
		return nil
	}
	return s.partnerExists(ctx, tx, id)
}
