package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/errs"
	"homeward/internal/seal"
)

// A kept form is a form sent when its session had ended (or had to prove its
// person again), kept in the page of signing in so that it can be sent again
// afterwards. It travels sealed under its user's data key, so that only that
// user, signed in again, gets it back: the next person at a shared computer
// who signs in sees nothing of it, and nobody can forge one.

// keptFormLifetime bounds how long a kept form may be sent again.
const keptFormLifetime = 12 * time.Hour

// errKeptForm refuses a kept form that is not the user's, or too old.
var errKeptForm = &errs.Error{Kind: errs.KindNotFound, Code: "kept_form", Message: "The kept form cannot be opened."}

func keptFormPlace(userID int64) seal.Place {
	return seal.Place{Table: "kept_forms", Column: "form", ID: userID}
}

// SealKeptForm seals the path a form was sent to and its URL-encoded fields
// for the user, and returns the text to keep in the page.
func (s *Store) SealKeptForm(ctx context.Context, userID int64, action, form string) (string, error) {
	var sealed []byte
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, key, err := s.userDataKey(ctx, tx, userID)
		if err != nil {
			return err
		}
		text := s.now().Format(time.RFC3339) + "\n" + action + "\n" + form
		sealed, err = seal.Seal(key, []byte(text), keptFormPlace(userID))
		return err
	})
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(sealed), nil
}

// OpenKeptForm opens a kept form for the user signed in now: errs.NotFound
// when it was kept for another user, is too old, or was tampered with. The
// read is audited.
func (s *Store) OpenKeptForm(ctx context.Context, userID int64, kept string) (action, form string, err error) {
	sealed, err := base64.RawURLEncoding.DecodeString(kept)
	if err != nil || len(sealed) == 0 {
		return "", "", errKeptForm
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var keyID sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT data_key_id FROM users WHERE id = $1`, userID).Scan(&keyID); errors.Is(err, sql.ErrNoRows) || (err == nil && !keyID.Valid) {
			return errKeptForm
		} else if err != nil {
			return s.wrap(err, "read user data key")
		}
		key, err := s.dataKey(ctx, tx, keyID.Int64)
		if err != nil {
			return err
		}
		text, err := seal.Open(key, sealed, keptFormPlace(userID))
		if err != nil {
			return errKeptForm
		}
		parts := strings.SplitN(string(text), "\n", 3)
		if len(parts) != 3 {
			return errKeptForm
		}
		at, err := time.Parse(time.RFC3339, parts[0])
		if err != nil || !s.now().Before(at.Add(keptFormLifetime)) {
			return errKeptForm
		}
		action, form = parts[1], parts[2]
		return s.appendAudit(ctx, tx, "kept_form.open", "user", userID, audit.OK)
	})
	if err != nil {
		return "", "", err
	}
	return action, form, nil
}
