package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/errs"
)

// A mentee's portal account does not name the person in the database: its
// e-mail address is sealed under the account's own data key
// (users.email_sealed), users.email is empty, and users.email_key is a
// keyed hash of the address (loginHash), through which signing in finds the
// account. Staff keep their readable address and its folded form as
// email_key. The same keyed hash names an account in the sign-in throttle
// (AccountKey), so that failed sign-ins do not keep an address either.

// loginHashLabel derives the key of the e-mail hashes from the search key,
// so that they are never comparable with the blind index of names.
const loginHashLabel = "homeward users.email_key v1"

func (s *Store) setLoginHashKey(search []byte) {
	k := loginKeyOf(search)
	s.loginMu.Lock()
	s.loginKey = k
	s.loginMu.Unlock()
}

// loginKeyOf derives the key of the e-mail hashes from the search key.
func loginKeyOf(search []byte) []byte {
	mac := hmac.New(sha256.New, search)
	mac.Write([]byte(loginHashLabel))
	return mac.Sum(nil)
}

// loginHashKey is the key of the e-mail hashes, opened (or made, inside tx
// when it is not nil) on first use; nil when the store has no keyring or,
// reading, none was made yet.
func (s *Store) loginHashKey(ctx context.Context, tx *sql.Tx) ([]byte, error) {
	s.loginMu.Lock()
	k := s.loginKey
	s.loginMu.Unlock()
	if k != nil || s.keyring == nil {
		return k, nil
	}
	if tx != nil {
		// Perhaps made in tx, which may yet roll back: not kept until a
		// read outside a transaction finds it stored.
		search, err := s.searchKey(ctx, tx)
		if err != nil {
			return nil, err
		}
		return loginKeyOf(search), nil
	}
	search, found, err := s.readSearchKey(ctx, s.read)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, nil
	}
	s.setLoginHashKey(search)
	return s.loginHashKey(ctx, nil)
}

// hashEmail is the keyed hash of a folded e-mail address.
func hashEmail(key []byte, email string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(auth.EmailKey(email)))
	return hex.EncodeToString(mac.Sum(nil))
}

// AccountKey names an account in the sign-in throttle by its e-mail
// address: "account:" and the keyed hash of the address, the same for an
// account that exists and one that does not, so that the throttle keeps no
// address readable (a plain hash before any key exists, or without a
// keyring).
func (s *Store) AccountKey(ctx context.Context, email string) (string, error) {
	k, err := s.loginHashKey(ctx, nil)
	if err != nil {
		return "", err
	}
	if k == nil {
		h := sha256.Sum256([]byte(auth.EmailKey(email)))
		return "account:" + hex.EncodeToString(h[:]), nil
	}
	return "account:" + hashEmail(k, email), nil
}

// UserAccountKey is AccountKey of a signed-in user, whose address a
// mentee's account does not keep readable.
func (s *Store) UserAccountKey(ctx context.Context, userID int64) (string, error) {
	var role, emailKey string
	err := s.read.QueryRowContext(ctx, `SELECT role, email_key FROM users WHERE id = $1`, userID).Scan(&role, &emailKey)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.NotFound("user")
	}
	if err != nil {
		return "", s.wrap(err, "read account key")
	}
	if auth.Role(role) == auth.Mentee {
		return "account:" + emailKey, nil
	}
	return s.AccountKey(ctx, emailKey)
}

// UserWithHash returns a user and their password hash by id (a signed-in
// person proving themselves again).
func (s *Store) UserWithHash(ctx context.Context, id int64) (auth.User, string, error) {
	return s.userWhere(ctx, `id = $1`, id)
}

// loginKeys are the two forms email_key may have for an address: staff's
// folded address, and a mentee's keyed hash ("" when there is no key yet).
func (s *Store) loginKeys(ctx context.Context, tx *sql.Tx, email string) (staff, mentee string, err error) {
	k, err := s.loginHashKey(ctx, tx)
	if err != nil || k == nil {
		return auth.EmailKey(email), "", err
	}
	return auth.EmailKey(email), hashEmail(k, email), nil
}

// emailTaken is the refusal of an address another account has.
func emailTaken() error {
	return errs.Conflict("A user with this email address already exists.", map[string]string{"email": "validation.email_taken"})
}

// insertUserTx inserts a user's row and returns its id: a staff user with
// their readable address, a mentee with the address sealed under the
// account's data key and found by its keyed hash. An address another account
// has, in either form, is errs.Conflict (validation.email_taken).
func (s *Store) insertUserTx(ctx context.Context, tx *sql.Tx, u auth.User, now time.Time) (int64, error) {
	staffKey, menteeKey, err := s.loginKeys(ctx, tx, u.Email)
	if err != nil {
		return 0, err
	}
	email, emailKey, other, name := u.Email, staffKey, menteeKey, u.Name
	if u.Role == auth.Mentee {
		if s.keyring == nil {
			return 0, ErrNoKeyring
		}
		// Nor does the account keep a name: the portal greets the person
		// with the name sealed in their record.
		email, emailKey, other, name = "", menteeKey, staffKey, ""
	}
	if other != "" {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE email_key = $1`, other).Scan(&n); err != nil {
			return 0, s.wrap(err, "check email address")
		}
		if n > 0 {
			return 0, emailTaken()
		}
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO users (email, email_key, name, name_key, role, status, created_at, updated_at, partner_id, time_zone)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9) RETURNING id`,
		email, emailKey, name, nameKey(name), string(u.Role), u.Status, s.ts(now), nullID(u.PartnerID), u.TimeZone).Scan(&id)
	if isUniqueViolation(err) {
		return 0, emailTaken()
	}
	if err != nil {
		return 0, s.wrap(err, "insert user")
	}
	if u.Role == auth.Mentee {
		if err := s.sealUserEmail(ctx, tx, id, u.Email); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// sealUserEmail seals a mentee account's address under its data key.
func (s *Store) sealUserEmail(ctx context.Context, tx *sql.Tx, userID int64, email string) error {
	_, key, err := s.userDataKey(ctx, tx, userID)
	if err != nil {
		return err
	}
	sealed, err := s.sealField(key, "users", "email_sealed", userID, email)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE users SET email_sealed = $1 WHERE id = $2`, sealed, userID)
	return s.wrap(err, "seal email address")
}

// openUserEmail opens a mentee account's sealed address.
func (s *Store) openUserEmail(ctx context.Context, q queryer, userID int64) (string, error) {
	var keyID sql.NullInt64
	var sealed []byte
	err := q.QueryRowContext(ctx, `SELECT data_key_id, email_sealed FROM users WHERE id = $1`, userID).Scan(&keyID, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.NotFound("user")
	}
	if err != nil {
		return "", s.wrap(err, "read sealed email address")
	}
	if !keyID.Valid || len(sealed) == 0 {
		return "", nil
	}
	key, err := s.dataKey(ctx, q, keyID.Int64)
	if err != nil {
		return "", err
	}
	return s.openField(key, sealed, "users", "email_sealed", userID)
}

// PortalAccount returns a mentee's portal account with its address opened
// (the read is audited as mentee.portal_read); errs.NotFound when the
// person has none.
func (s *Store) PortalAccount(ctx context.Context, menteeID int64) (auth.User, error) {
	var uid sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT user_id FROM mentees WHERE id = $1`, menteeID).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !uid.Valid) {
		return auth.User{}, errs.NotFound("portal account")
	}
	if err != nil {
		return auth.User{}, s.wrap(err, "read portal account")
	}
	u, err := s.GetUser(ctx, uid.Int64)
	if err != nil {
		return u, err
	}
	if u.Email, err = s.openUserEmail(ctx, s.read, u.ID); err != nil {
		return u, err
	}
	return u, s.Audit(ctx, "mentee.portal_read", "mentee", menteeID, audit.OK)
}

// portalUser locks and returns the id and status of a mentee's portal
// account inside tx; errs.NotFound when the person has none.
func (s *Store) portalUser(ctx context.Context, tx *sql.Tx, menteeID int64) (int64, string, error) {
	var uid int64
	var status string
	err := tx.QueryRowContext(ctx, `SELECT u.id, u.status FROM mentees m JOIN users u ON u.id = m.user_id
		WHERE m.id = $1 AND u.role = 'mentee'`+s.forUpdate(" OF u"), menteeID).Scan(&uid, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", errs.NotFound("portal account")
	}
	return uid, status, s.wrap(err, "read portal account")
}

// PortalLink makes a new one-time link for a mentee's portal account, as a
// coordinator hands it to the person: an invitation while the account is
// invited, a password reset once it is active (earlier links of the kind
// stop working). A disabled account gets none (errs.Conflict). It returns
// the link's purpose and token.
func (s *Store) PortalLink(ctx context.Context, menteeID int64, ttl time.Duration) (string, string, error) {
	var purpose, token string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		uid, status, err := s.portalUser(ctx, tx, menteeID)
		if err != nil {
			return err
		}
		switch status {
		case auth.StatusInvited:
			purpose = LinkInvite
		case auth.StatusActive:
			purpose = LinkReset
		default:
			return errs.Conflict("This portal account is disabled: enable it first.", map[string]string{"status": "portal_access.error.disabled"})
		}
		if token, err = s.createLinkTx(ctx, tx, purpose, uid, ttl); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "mentee.portal_link", "mentee", menteeID, audit.OK)
	})
	return purpose, token, err
}

// SetPortalStatus disables a mentee's portal account (its sessions, links
// and tokens end at once) or enables it again: an account whose person
// never chose a password comes back invited, to be given a new invitation
// link.
func (s *Store) SetPortalStatus(ctx context.Context, menteeID int64, status string) error {
	defer s.usersChanged()
	if status != auth.StatusActive && status != auth.StatusDisabled {
		return errs.Invalid(map[string]string{"status": "validation.status"})
	}
	var uid int64
	var current string
	var hasPassword bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if uid, current, err = s.portalUser(ctx, tx, menteeID); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT password_hash <> '' FROM users WHERE id = $1`, uid).Scan(&hasPassword)
		return s.wrap(err, "read portal account")
	})
	if err != nil {
		return err
	}
	switch {
	case status == auth.StatusActive && current == auth.StatusDisabled && !hasPassword:
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET status = 'invited', updated_at = $1 WHERE id = $2 AND status = 'disabled'`,
				s.ts(s.now()), uid); err != nil {
				return s.wrap(err, "enable portal account")
			}
			return s.appendAudit(ctx, tx, "mentee.portal_active", "mentee", menteeID, audit.OK)
		})
		return err
	case status == auth.StatusActive && current == auth.StatusInvited:
		return nil // enabled already, waiting for its password
	}
	if err := s.SetUserStatus(ctx, uid, status); err != nil {
		return err
	}
	return s.Audit(ctx, "mentee.portal_"+status, "mentee", menteeID, audit.OK)
}

// sealLegacyMenteeEmails seals the address of each mentee account that a
// version before migration 0031 kept readable, replaces its email_key with
// the keyed hash and empties email and the account's name, in one transaction per batch; then it
// empties SQLite's write-ahead log, so that it keeps no older copy.
func (s *Store) sealLegacyMenteeEmails(ctx context.Context) error {
	defer s.usersChanged()
	if s.keyring == nil {
		return nil
	}
	const batch = 200
	total := 0
	for {
		n := 0
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id, email FROM users WHERE role = 'mentee' AND email <> '' ORDER BY id LIMIT $1`, batch)
			if err != nil {
				return s.wrap(err, "read readable mentee addresses")
			}
			type legacy struct {
				id    int64
				email string
			}
			var list []legacy
			for rows.Next() {
				var l legacy
				if err := rows.Scan(&l.id, &l.email); err != nil {
					rows.Close()
					return s.wrap(err, "read readable mentee address")
				}
				list = append(list, l)
			}
			if err := rows.Close(); err != nil {
				return s.wrap(err, "read readable mentee addresses")
			}
			if len(list) == 0 {
				return nil
			}
			key, err := s.loginHashKey(ctx, tx)
			if err != nil {
				return err
			}
			for _, l := range list {
				if err := s.sealUserEmail(ctx, tx, l.id, l.email); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE users SET email = '', email_key = $1, name = '', name_key = '' WHERE id = $2`, hashEmail(key, l.email), l.id); err != nil {
					return s.wrap(err, "seal readable mentee address")
				}
				// Failed sign-ins kept under the plain hash of the address.
				if _, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = $1`, throttleKey("account:"+auth.EmailKey(l.email))); err != nil {
					return s.wrap(err, "forget failed sign-ins")
				}
			}
			n = len(list)
			return nil
		})
		if err != nil {
			return err
		}
		total += n
		if n < batch {
			break
		}
	}
	if total > 0 {
		s.afterErasure(ctx)
	}
	return nil
}
