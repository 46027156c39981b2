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

// Factors says which second factors a user has set up.
type Factors struct {
	TOTP         bool // a confirmed authenticator app
	Passkeys     int
	RecoveryLeft int // unused recovery codes
}

// Any reports whether the user has a second factor to prove.
func (f Factors) Any() bool { return f.TOTP || f.Passkeys > 0 }

// UserFactors returns the second factors the user has set up.
func (s *Store) UserFactors(ctx context.Context, userID int64) (Factors, error) {
	return s.userFactors(ctx, s.read, userID)
}

// userFactors reads the user's factors through q: the read pool, or the
// transaction that is about to change them.
func (s *Store) userFactors(ctx context.Context, q queryer, userID int64) (Factors, error) {
	var f Factors
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM totp_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL),
		(SELECT count(*) FROM passkeys WHERE user_id = $1),
		(SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL)`, userID).Scan(&f.TOTP, &f.Passkeys, &f.RecoveryLeft)
	return f, s.wrap(err, "read second factors")
}

// MenteeSecondFactor reports whether any of the programs requires a second
// factor of its mentees.
func (s *Store) MenteeSecondFactor(ctx context.Context, programs []int64) (bool, error) {
	for _, id := range programs {
		var required bool
		err := s.read.QueryRowContext(ctx, `SELECT mentee_second_factor FROM programs WHERE id = $1`, id).Scan(&required)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return false, s.wrap(err, "read program setting")
		}
		if required {
			return true, nil
		}
	}
	return false, nil
}

// CompleteSession marks a session as past its second-factor stage, and
// records how. The session gets a new token, returned in plain: the token
// the password alone gave stops working, so whoever saw it before the
// second factor holds nothing.
func (s *Store) CompleteSession(ctx context.Context, sessionID, userID int64, how string) (string, error) {
	defer s.usersChanged()
	plain, hash := auth.NewToken(auth.SessionToken)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET stage = $1, ceremony = '', token_hash = $4, proved_at = $5 WHERE id = $2 AND user_id = $3`,
			auth.StageFull, sessionID, userID, hash, s.ts(s.now()))
		if err != nil {
			return s.wrap(err, "complete session")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("session")
		}
		return s.appendAudit(ctx, tx, "login.second_factor_"+how, "user", userID, audit.OK)
	})
	if err != nil {
		return "", err
	}
	return plain, nil
}

// ProveSession records that a signed-in session proved its person again
// (the "confirm it is you" page), and how.
func (s *Store) ProveSession(ctx context.Context, sessionID, userID int64, how string) error {
	defer s.usersChanged()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET proved_at = $1, ceremony = '' WHERE id = $2 AND user_id = $3 AND stage = $4`,
			s.ts(s.now()), sessionID, userID, auth.StageFull)
		if err != nil {
			return s.wrap(err, "prove session")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("session")
		}
		return s.appendAudit(ctx, tx, "session.proved_"+how, "user", userID, audit.OK)
	})
}

// SetCeremony keeps a passkey ceremony's state on the session ("" clears it).
func (s *Store) SetCeremony(ctx context.Context, sessionID int64, data string) error {
	defer s.usersChanged()
	_, err := s.write.ExecContext(ctx, `UPDATE sessions SET ceremony = $1 WHERE id = $2`, data, sessionID)
	return s.wrap(err, "keep passkey ceremony")
}

// dropOrphanCodes deletes the recovery codes of a user left with no second
// factor: codes recover a factor, and must not outlive the last one.
func (s *Store) dropOrphanCodes(ctx context.Context, tx *sql.Tx, userID int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1
		AND NOT EXISTS (SELECT 1 FROM totp_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL)
		AND NOT EXISTS (SELECT 1 FROM passkeys WHERE user_id = $1)`, userID)
	return s.wrap(err, "drop recovery codes")
}

// TakeCeremony clears the session's passkey ceremony if it is still data,
// and tells whether this call took it (a ceremony is used once).
func (s *Store) TakeCeremony(ctx context.Context, sessionID int64, data string) (bool, error) {
	defer s.usersChanged()
	res, err := s.write.ExecContext(ctx, `UPDATE sessions SET ceremony = '' WHERE id = $1 AND ceremony = $2`, sessionID, data)
	if err != nil {
		return false, s.wrap(err, "take passkey ceremony")
	}
	n, err := res.RowsAffected()
	return n == 1, s.wrap(err, "take passkey ceremony")
}

// endOtherSessions ends every session of the user but keep (0 for none): a
// factor change signs out everywhere else.
func (s *Store) endOtherSessions(ctx context.Context, tx *sql.Tx, userID, keep int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, userID, keep)
	return s.wrap(err, "end other sessions")
}

// userDataKey returns the user's data key, creating it on first use.
func (s *Store) userDataKey(ctx context.Context, tx *sql.Tx, userID int64) (int64, []byte, error) {
	var id sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT data_key_id FROM users WHERE id = $1`, userID).Scan(&id); errors.Is(err, sql.ErrNoRows) {
		return 0, nil, errs.NotFound("user")
	} else if err != nil {
		return 0, nil, s.wrap(err, "read user data key")
	}
	if id.Valid {
		key, err := s.dataKey(ctx, tx, id.Int64)
		return id.Int64, key, err
	}
	kid, key, err := s.newDataKey(ctx, tx)
	if err != nil {
		return 0, nil, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE users SET data_key_id = $1 WHERE id = $2`, kid, userID)
	return kid, key, s.wrap(err, "set user data key")
}

// BeginTOTP keeps a new, unconfirmed TOTP secret for the user, sealed under
// their data key and bound to the enrolling session. It replaces any
// unconfirmed one; a confirmed authenticator must be removed first
// (errs.Conflict).
func (s *Store) BeginTOTP(ctx context.Context, userID, sessionID int64, secret string) error {
	defer s.usersChanged()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var confirmed bool
		err := tx.QueryRowContext(ctx, `SELECT confirmed_at IS NOT NULL FROM totp_factors WHERE user_id = $1`, userID).Scan(&confirmed)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return s.wrap(err, "read authenticator")
		}
		if confirmed {
			return errs.Conflict("An authenticator app is set up already; remove it first.", nil)
		}
		_, key, err := s.userDataKey(ctx, tx, userID)
		if err != nil {
			return err
		}
		sealed, err := s.sealField(key, "totp_factors", "secret_sealed", userID, secret)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM totp_factors WHERE user_id = $1`, userID); err != nil {
			return s.wrap(err, "replace authenticator")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO totp_factors (user_id, secret_sealed, session_id, created_at) VALUES ($1, $2, $3, $4)`,
			userID, sealed, sessionID, s.ts(s.now()))
		return s.wrap(err, "keep authenticator")
	})
}

// TOTPSecret opens the user's confirmed TOTP secret or, with pendingFor, the
// unconfirmed one that session pendingFor began; errs.NotFound otherwise.
// The read is audited.
func (s *Store) TOTPSecret(ctx context.Context, userID, pendingFor int64) (secret string, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var sealed []byte
		var keyID sql.NullInt64
		cond := `t.confirmed_at IS NOT NULL`
		args := []any{userID}
		if pendingFor != 0 {
			cond = `t.confirmed_at IS NULL AND t.session_id = $2`
			args = append(args, pendingFor)
		}
		err := tx.QueryRowContext(ctx, `SELECT t.secret_sealed, u.data_key_id
			FROM totp_factors t JOIN users u ON u.id = t.user_id WHERE t.user_id = $1 AND `+cond, args...).Scan(&sealed, &keyID)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("authenticator")
		}
		if err != nil {
			return s.wrap(err, "read authenticator")
		}
		key, err := s.dataKey(ctx, tx, keyID.Int64)
		if err != nil {
			return err
		}
		if secret, err = s.openField(key, sealed, "totp_factors", "secret_sealed", userID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "totp.secret_read", "user", userID, audit.OK)
	})
	return secret, err
}

// ErrCodeUsed refuses a TOTP code whose time step was used already.
var ErrCodeUsed = &errs.Error{Kind: errs.KindInvalid, Code: "code_used", Message: "This code was used already; wait for the next one.",
	Fields: map[string]string{"code": "factor.code_used"}}

// errFactorMeanwhile refuses a first factor from a session held at
// enrolment when another factor was set up meanwhile.
var errFactorMeanwhile = &errs.Error{Kind: errs.KindConflict, Code: "factor_meanwhile", Message: "A second factor was set up meanwhile; sign in again."}

// UseTOTPStep records that the user proved the TOTP time step: it is
// refused (ErrCodeUsed) unless it is newer than every step used before, so a
// code is never accepted twice. With confirm it also finishes the enrolment
// that session keep began, which ends the user's other sessions; firstOnly
// refuses it when the user has another factor by now.
func (s *Store) UseTOTPStep(ctx context.Context, userID, step int64, confirm bool, keep int64, firstOnly bool) error {
	defer s.usersChanged()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		q := `UPDATE totp_factors SET last_step = $1 WHERE user_id = $2 AND last_step < $1 AND confirmed_at IS NOT NULL`
		args := []any{step, userID}
		if confirm {
			if firstOnly {
				// The authenticator being confirmed is not confirmed yet.
				if f, err := s.userFactors(ctx, tx, userID); err != nil {
					return err
				} else if f.Any() {
					return errFactorMeanwhile
				}
			}
			q = `UPDATE totp_factors SET last_step = $1, confirmed_at = $3, session_id = NULL
				WHERE user_id = $2 AND last_step < $1 AND confirmed_at IS NULL AND session_id = $4`
			args = append(args, s.ts(s.now()), keep)
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return s.wrap(err, "use authenticator code")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrCodeUsed
		}
		if !confirm {
			return nil
		}
		if err := s.endOtherSessions(ctx, tx, userID, keep); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "factor.totp_add", "user", userID, audit.OK)
	})
}

// ErrLastFactor refuses to remove the only second factor of a user who must have one.
var ErrLastFactor = &errs.Error{Kind: errs.KindConflict, Code: "last_factor", Message: "This is your only second factor, and your role needs one: set up another first."}

// keepOneFactor refuses, inside the removing transaction, to leave a user
// who needs a second factor without one, even when two removals race.
func (s *Store) keepOneFactor(ctx context.Context, tx *sql.Tx, userID int64, required bool) error {
	if !required {
		return nil
	}
	if s.engine == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT id FROM users WHERE id = $1 FOR UPDATE`, userID); err != nil {
			return s.wrap(err, "lock user")
		}
	}
	f, err := s.userFactors(ctx, tx, userID)
	if err != nil {
		return err
	}
	if !f.Any() {
		return ErrLastFactor
	}
	return nil
}

// factorRemoved finishes removing a factor inside its transaction: never
// the last one of a user who needs one, recovery codes go with the last
// one, and the user's other sessions end.
func (s *Store) factorRemoved(ctx context.Context, tx *sql.Tx, userID, keep int64, required bool) error {
	if err := s.keepOneFactor(ctx, tx, userID, required); err != nil {
		return err
	}
	if err := s.dropOrphanCodes(ctx, tx, userID); err != nil {
		return err
	}
	return s.endOtherSessions(ctx, tx, userID, keep)
}

// RemoveTOTP removes the user's authenticator app and ends their other
// sessions; with required it refuses to remove the last factor.
func (s *Store) RemoveTOTP(ctx context.Context, userID, keep int64, required bool) error {
	defer s.usersChanged()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM totp_factors WHERE user_id = $1`, userID)
		if err != nil {
			return s.wrap(err, "remove authenticator")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("authenticator")
		}
		if err := s.factorRemoved(ctx, tx, userID, keep, required); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "factor.totp_remove", "user", userID, audit.OK)
	})
}

// ReplaceRecoveryCodes stores new recovery codes (their hashes) for the
// user; the earlier ones stop working.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes [][]byte) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
			return s.wrap(err, "replace recovery codes")
		}
		for _, h := range hashes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, h); err != nil {
				return s.wrap(err, "store recovery code")
			}
		}
		return s.appendAudit(ctx, tx, "factor.recovery_codes", "user", userID, audit.OK)
	})
}

// ErrBadCode is the answer to a wrong second-factor code.
var ErrBadCode = &errs.Error{Kind: errs.KindInvalid, Code: "bad_code", Message: "This code is not right.",
	Fields: map[string]string{"code": "factor.bad_code"}}

// UseRecoveryCode spends one unused recovery code of the user, or answers
// that the code is not right.
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, hash []byte) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE id = (
			SELECT id FROM recovery_codes WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL LIMIT 1) AND used_at IS NULL`,
			s.ts(s.now()), userID, hash)
		if err != nil {
			return s.wrap(err, "use recovery code")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrBadCode
		}
		return s.appendAudit(ctx, tx, "factor.recovery_code_used", "user", userID, audit.OK)
	})
}

// Passkey is a WebAuthn credential of a user.
type Passkey struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"`
	CredentialID []byte     `json:"-"`
	Credential   string     `json:"-"` // go-webauthn's Credential as JSON
	CreatedAt    time.Time  `json:"created_at"`
	LastUsedAt   *time.Time `json:"last_used_at"`
}

// Passkeys lists the user's passkeys, oldest first.
func (s *Store) Passkeys(ctx context.Context, userID int64) ([]Passkey, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, name, credential_id, credential, created_at, last_used_at
		FROM passkeys WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, s.wrap(err, "list passkeys")
	}
	defer rows.Close()
	var out []Passkey
	for rows.Next() {
		var p Passkey
		var used sql.NullTime
		if err := rows.Scan(&p.ID, &p.Name, &p.CredentialID, &p.Credential, &p.CreatedAt, &used); err != nil {
			return nil, s.wrap(err, "scan passkey")
		}
		p.CreatedAt = p.CreatedAt.UTC()
		if used.Valid {
			t := used.Time.UTC()
			p.LastUsedAt = &t
		}
		out = append(out, p)
	}
	return out, s.wrap(rows.Err(), "list passkeys")
}

// AddPasskey stores a new passkey and ends the user's other sessions;
// firstOnly refuses it when the user has a second factor by now.
func (s *Store) AddPasskey(ctx context.Context, userID int64, name string, credentialID []byte, credential string, keep int64, firstOnly bool) error {
	defer s.usersChanged()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if firstOnly {
			if f, err := s.userFactors(ctx, tx, userID); err != nil {
				return err
			} else if f.Any() {
				return errFactorMeanwhile
			}
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO passkeys (user_id, name, credential_id, credential, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, userID, name, credentialID, credential, s.ts(s.now())).Scan(&id)
		if isUniqueViolation(err) {
			return errs.Conflict("This passkey is registered already.", nil)
		}
		if err != nil {
			return s.wrap(err, "store passkey")
		}
		if err := s.endOtherSessions(ctx, tx, userID, keep); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "factor.passkey_add", "passkey", id, audit.OK)
	})
}

// UsePasskey records a passkey's use and its updated record (sign counter).
func (s *Store) UsePasskey(ctx context.Context, userID, id int64, credential string) error {
	_, err := s.write.ExecContext(ctx, `UPDATE passkeys SET credential = $1, last_used_at = $2 WHERE id = $3 AND user_id = $4`,
		credential, s.ts(s.now()), id, userID)
	return s.wrap(err, "record passkey use")
}

// RemovePasskey removes one of the user's passkeys and ends their other
// sessions; with required it refuses to remove the last factor.
func (s *Store) RemovePasskey(ctx context.Context, userID, id, keep int64, required bool) error {
	defer s.usersChanged()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM passkeys WHERE id = $1 AND user_id = $2`, id, userID)
		if err != nil {
			return s.wrap(err, "remove passkey")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("passkey")
		}
		if err := s.factorRemoved(ctx, tx, userID, keep, required); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "factor.passkey_remove", "passkey", id, audit.OK)
	})
}
