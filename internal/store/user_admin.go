package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/errs"
)

// UserFilter narrows the user list of the administration pages.
type UserFilter struct {
	// Query matches users whose email address or name contains it,
	// ignoring case (folded in Go, so the same on both engines and for
	// every alphabet).
	Query string
	// Role and Status keep only users of that role or status; "" keeps all.
	Role   auth.Role
	Status string
}

// userListColumns are the columns of a listed user: never the password hash.
const userListColumns = `id, email, name, role, status, created_at, updated_at`

// SearchUsers returns one page of the users that match the filter, ordered
// by email address, each with their programs, and the cursor of the next
// page ("" on the last). The query matches a part of the email address or
// the name, folded to lower case in Go as the program search does.
func (s *Store) SearchUsers(ctx context.Context, f UserFilter, p Page) ([]auth.User, string, error) {
	k, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	if f.Role != "" && !f.Role.Valid() {
		return nil, "", errs.Invalid(map[string]string{"role": "validation.role"})
	}
	switch f.Status {
	case "", auth.StatusInvited, auth.StatusActive, auth.StatusDisabled:
	default:
		return nil, "", errs.Invalid(map[string]string{"status": "validation.status"})
	}
	limit := p.limit()
	// Mentees' portal accounts are not the administration's: their
	// coordinators manage them on the person's profile.
	where, args := []string{"role <> 'mentee'"}, []any{}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Role != "" {
		add("role = $%d", string(f.Role))
	}
	if f.Status != "" {
		add("status = $%d", f.Status)
	}
	if q := nameKey(f.Query); q != "" {
		// Folded in Go on both sides, as the program search does, so both
		// engines match Cyrillic and Latin alike.
		add(`(email_key LIKE $%[1]d ESCAPE '\' OR name_key LIKE $%[1]d ESCAPE '\')`, "%"+escapeLike(q)+"%")
	}
	if err := s.count(ctx, p.Total, "users", where, args); err != nil {
		return nil, "", err
	}
	if p.Cursor != "" {
		// email_key is unique, so it alone is the keyset position.
		add("email_key > $%d", k.S)
	}
	args = append(args, limit+1)
	q := fmt.Sprintf(`SELECT %s FROM users WHERE %s ORDER BY email_key LIMIT $%d`, userListColumns, strings.Join(where, " AND "), len(args))
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", s.wrap(err, "list users")
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		var u auth.User
		var role string
		if err := rows.Scan(&u.ID, &u.Email, &u.Name, &role, &u.Status, &u.CreatedAt, &u.UpdatedAt); err != nil {
			return nil, "", s.wrap(err, "scan user")
		}
		u.Role = auth.Role(role)
		u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.wrap(err, "list users")
	}
	rows.Close()
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = encodeCursor(cursorKey{S: auth.EmailKey(last.Email), ID: last.ID})
	}
	return out, next, s.addPrograms(ctx, out)
}

// addPrograms fills in the programs of listed users, with one query for the page.
func (s *Store) addPrograms(ctx context.Context, users []auth.User) error {
	if len(users) == 0 {
		return nil
	}
	marks, args, at := make([]string, len(users)), make([]any, len(users)), map[int64]int{}
	for i, u := range users {
		marks[i], args[i], at[u.ID] = fmt.Sprintf("$%d", i+1), u.ID, i
	}
	q := `SELECT user_id, program_id FROM user_programs
		WHERE user_id IN (` + strings.Join(marks, ", ") + `) ORDER BY user_id, program_id`
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return s.wrap(err, "list user programs")
	}
	defer rows.Close()
	for rows.Next() {
		var uid, pid int64
		if err := rows.Scan(&uid, &pid); err != nil {
			return s.wrap(err, "scan user program")
		}
		users[at[uid]].Programs = append(users[at[uid]].Programs, pid)
	}
	return s.wrap(rows.Err(), "list user programs")
}

// ProgramName is a program's id and name, for choosing programs in a form.
type ProgramName struct {
	ID   int64
	Name string
}

// ProgramNames lists every program's id and name in name order. It is not
// paged: a user's programs are chosen from all of them at once, and a form
// that left some out would drop them on save. Programs are few (a handful
// per organisation).
func (s *Store) ProgramNames(ctx context.Context) ([]ProgramName, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, name FROM programs ORDER BY name_key`)
	if err != nil {
		return nil, s.wrap(err, "list program names")
	}
	defer rows.Close()
	var out []ProgramName
	for rows.Next() {
		var p ProgramName
		if err := rows.Scan(&p.ID, &p.Name); err != nil {
			return nil, s.wrap(err, "scan program name")
		}
		out = append(out, p)
	}
	return out, s.wrap(rows.Err(), "list program names")
}

// UpdateUser stores a user's name, role and programs, as an administrator
// edits them. version is the UpdatedAt the editor started from: when the user
// changed meanwhile (another edit, a status change, a new password), the
// update is refused with errs.Conflict instead of silently overwriting it.
// The email address and the status are not changed here.
//
// It refuses to leave Homeward without an active administrator. A change of
// role ends the user's sessions, so that they sign in again under the new
// role and pass what it requires (a second factor for staff roles) before
// using it. Everything, with its audit entries, is saved in one transaction.
func (s *Store) UpdateUser(ctx context.Context, u auth.User, version time.Time) (auth.User, error) {
	defer s.usersChanged()
	if version.IsZero() {
		return u, errs.Invalid(map[string]string{"version": "validation.version_required"})
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, admins, err := s.lockUserAndAdmins(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if cur.Role == auth.Mentee {
			// A mentee's portal account is managed on the person's profile.
			return errs.NotFound("user")
		}
		u.Email = cur.Email
		u.Normalize()
		if err := u.Validate(); err != nil {
			return err
		}
		if !cur.UpdatedAt.Equal(version.UTC()) {
			return errs.Conflict("Someone else changed this user while you were editing. Reload to see their change, then edit again.", nil)
		}
		if cur.Role == auth.Admin && u.Role != auth.Admin && cur.Status == auth.StatusActive && admins == 0 {
			return errs.Invalid(map[string]string{"role": "users.error.last_admin"})
		}
		// A new version that is always later than the one replaced, even
		// within one microsecond of it.
		now := s.now()
		if !now.After(cur.UpdatedAt) {
			now = cur.UpdatedAt.Add(time.Microsecond)
		}
		if err := s.userPartnerExists(ctx, tx, u.PartnerID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = $1, name_key = $2, role = $3, updated_at = $4, partner_id = $6 WHERE id = $5`,
			u.Name, nameKey(u.Name), string(u.Role), s.ts(now), u.ID, nullID(u.PartnerID)); err != nil {
			return s.wrap(err, "update user")
		}
		if err := s.setUserPrograms(ctx, tx, u.ID, u.Programs); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, "user.update", "user", u.ID, audit.OK); err != nil {
			return err
		}
		if err := s.ensureMentors(ctx, tx, u.ID); err != nil {
			return err
		}
		if u.Role != cur.Role || u.PartnerID != cur.PartnerID {
			_, err := s.endUserSessionsTx(ctx, tx, u.ID)
			return err
		}
		return nil
	})
	if err != nil {
		return u, err
	}
	return s.GetUser(ctx, u.ID)
}

// lockUserAndAdmins reads the user and counts the other active
// administrators. On PostgreSQL it locks these rows, in id order (so that
// two such transactions never deadlock): two administrators demoting each
// other at once then cannot both succeed. SQLite's single writer
// serialises the transactions anyway.
func (s *Store) lockUserAndAdmins(ctx context.Context, tx *sql.Tx, userID int64) (cur auth.User, otherAdmins int, err error) {
	lock := ""
	if s.engine == Postgres {
		lock = " FOR UPDATE"
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, email, role, status, updated_at, COALESCE(partner_id, 0) FROM users
		WHERE id = $1 OR (role = 'admin' AND status = 'active') ORDER BY id`+lock, userID)
	if err != nil {
		return cur, 0, s.wrap(err, "lock user")
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		var x auth.User
		var role string
		if err := rows.Scan(&x.ID, &x.Email, &role, &x.Status, &x.UpdatedAt, &x.PartnerID); err != nil {
			return cur, 0, s.wrap(err, "lock user")
		}
		x.Role, x.UpdatedAt = auth.Role(role), x.UpdatedAt.UTC()
		if x.ID == userID {
			cur, found = x, true
		} else if x.Role == auth.Admin && x.Status == auth.StatusActive {
			otherAdmins++
		}
	}
	if err := rows.Err(); err != nil {
		return cur, 0, s.wrap(err, "lock user")
	}
	if !found {
		return cur, 0, errs.NotFound("user")
	}
	return cur, otherAdmins, nil
}

// EndUserSessions ends every session of the user (an administrator signs
// them out everywhere) and returns how many there were.
func (s *Store) EndUserSessions(ctx context.Context, userID int64) (int, error) {
	defer s.usersChanged()
	var n int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM users WHERE id = $1`, userID).Scan(&exists); err != nil {
			return s.wrap(err, "end user sessions")
		}
		if !exists {
			return errs.NotFound("user")
		}
		var err error
		n, err = s.endUserSessionsTx(ctx, tx, userID)
		return err
	})
	return n, err
}

func (s *Store) endUserSessionsTx(ctx context.Context, tx *sql.Tx, userID int64) (int, error) {
	if err := s.revokeUserTokens(ctx, tx, userID); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	if err != nil {
		return 0, s.wrap(err, "end user sessions")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.wrap(err, "end user sessions")
	}
	return int(n), s.appendAudit(ctx, tx, "user.sessions_end", "user", userID, audit.OK)
}

// CountActiveSessions counts the user's sessions that are still within
// their absolute lifetime and were used within idle.
func (s *Store) CountActiveSessions(ctx context.Context, userID int64, idle time.Duration) (int, error) {
	now := s.now()
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3`,
		userID, s.ts(now), s.ts(now.Add(-idle))).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, s.wrap(err, "count sessions")
}
