package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"homeward/internal/audit"
	"homeward/internal/errs"
	"homeward/internal/seal"
)

// ErrNoKeyring is returned by sealing operations of a store opened without a keyring.
var ErrNoKeyring = errors.New("store opened without a keyring: sealed fields cannot be read or written")

// errShredded reports a record whose data key was destroyed.
func errShredded() error {
	return &errs.Error{Kind: errs.KindNotFound, Code: "erased", Message: "The protected data of this record was erased."}
}

// Keyring is the store's keyring (nil when opened without one).
func (s *Store) Keyring() *seal.Keyring { return s.keyring }

// ErrForeignKeyring is returned when the keyring does not match the keys
// this database was sealed with.
var ErrForeignKeyring = errors.New("keyring does not match this database")

// checkKeyring makes sure the keyring is the one this database's data keys
// were sealed with: each key-encryption key seals a probe value once; a key
// with the same id but other bytes cannot open it. It also refuses a keyring
// that lacks a key still sealing data keys.
func (s *Store) checkKeyring(ctx context.Context) error {
	if s.keyring == nil {
		return nil
	}
	ids := s.keyring.IDs()
	for _, id := range ids {
		var probe []byte
		err := s.read.QueryRowContext(ctx, `SELECT probe FROM kek_probes WHERE kek_id = $1`, id).Scan(&probe)
		if errors.Is(err, sql.ErrNoRows) {
			// The first process with this key id records its probe. Several
			// processes starting at once on an empty database all try; the
			// probe read back afterwards is the one that won, and every
			// process whose key does not open it is refused below.
			sealed, serr := s.keyring.SealProbe(id)
			if serr != nil {
				return serr
			}
			if _, err := s.write.ExecContext(ctx, `INSERT INTO kek_probes (kek_id, probe, created_at) VALUES ($1, $2, $3) ON CONFLICT (kek_id) DO NOTHING`, id, sealed, s.ts(s.now())); err != nil {
				return s.wrap(err, "record key probe")
			}
			err = s.write.QueryRowContext(ctx, `SELECT probe FROM kek_probes WHERE kek_id = $1`, id).Scan(&probe)
		}
		if err != nil {
			return s.wrap(err, "read key probe")
		}
		if !s.keyring.OpensProbe(id, probe) {
			return fmt.Errorf("%w: key %s of the keyring is not the key %s this database was sealed with; every app process must use the same key file or HOMEWARD_KEY (restore the right one from your backup)", ErrForeignKeyring, id, id)
		}
	}
	rows, err := s.read.QueryContext(ctx, `SELECT DISTINCT kek_id FROM data_keys WHERE sealed_key IS NOT NULL`)
	if err != nil {
		return s.wrap(err, "list key-encryption keys in use")
	}
	defer rows.Close()
	have := map[string]bool{}
	for _, id := range ids {
		have[id] = true
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return s.wrap(err, "list key-encryption keys in use")
		}
		if !have[id] {
			return fmt.Errorf("%w: data keys are sealed by key %s, which the keyring lacks; restore the key file (or HOMEWARD_KEY) that holds it", ErrForeignKeyring, id)
		}
	}
	return s.wrap(rows.Err(), "list key-encryption keys in use")
}

// newDataKey creates a record's data key inside tx and returns its id and the
// key itself. The row is inserted first, so that the key can be sealed bound
// to its own id.
func (s *Store) newDataKey(ctx context.Context, tx *sql.Tx) (int64, []byte, error) {
	if s.keyring == nil {
		return 0, nil, ErrNoKeyring
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO data_keys (kek_id, created_at) VALUES ($1, $2) RETURNING id`,
		s.keyring.Current(), s.ts(s.now())).Scan(&id)
	if err != nil {
		return 0, nil, s.wrap(err, "insert data key")
	}
	key := seal.NewKey()
	kekID, sealed, err := s.keyring.Wrap(key, id)
	if err != nil {
		return 0, nil, fmt.Errorf("seal data key: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE data_keys SET kek_id = $1, sealed_key = $2 WHERE id = $3`, kekID, sealed, id)
	return id, key, s.wrap(err, "store data key")
}

// dataKey opens the data key id.
func (s *Store) dataKey(ctx context.Context, q queryer, id int64) ([]byte, error) {
	if s.keyring == nil {
		return nil, ErrNoKeyring
	}
	var kekID string
	var sealed []byte
	err := q.QueryRowContext(ctx, `SELECT kek_id, sealed_key FROM data_keys WHERE id = $1`, id).Scan(&kekID, &sealed)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && len(sealed) == 0) {
		return nil, errShredded()
	}
	if err != nil {
		return nil, s.wrap(err, "read data key")
	}
	key, err := s.keyring.Unwrap(kekID, sealed, id)
	if err != nil {
		return nil, errs.Internal(fmt.Errorf("open data key %d: %w", id, err))
	}
	return key, nil
}

// sealField seals a field's value under a data key, bound to its place.
func (s *Store) sealField(key []byte, table, column string, id int64, value string) ([]byte, error) {
	if value == "" {
		return nil, nil
	}
	return seal.Seal(key, []byte(value), seal.Place{Table: table, Column: column, ID: id})
}

// openField opens a value sealed by sealField.
func (s *Store) openField(key, sealed []byte, table, column string, id int64) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	pt, err := seal.Open(key, sealed, seal.Place{Table: table, Column: column, ID: id})
	if err != nil {
		return "", errs.Internal(fmt.Errorf("open %s.%s of %d: %w", table, column, id, err))
	}
	return string(pt), nil
}

// DestroyDataKey erases a data key for good: every field sealed under it is
// unreadable from then on, in every backup too (crypto-shredding).
func (s *Store) DestroyDataKey(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE data_keys SET sealed_key = NULL, destroyed_at = $1 WHERE id = $2 AND destroyed_at IS NULL`, s.ts(s.now()), id)
		if err != nil {
			return s.wrap(err, "destroy data key")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("data key")
		}
		// A person's name is gone with their key: so are the hashes of its
		// words in the blind index (kept under the search key, not this one).
		for _, table := range []string{"mentee_name_words", "mentee_name_prefixes"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE mentee_id IN (SELECT id FROM mentees WHERE data_key_id = $1)`, id); err != nil {
				return s.wrap(err, "clear the name index")
			}
		}
		return s.appendAudit(ctx, tx, "data_key.destroy", "data_key", id, audit.OK)
	})
}

// RotateDataKeys re-seals every data key that an older key-encryption key
// sealed under the keyring's current one, in small transactions so the
// service keeps running, and returns how many it re-sealed. It repeats until
// no older key is in use, so keys created meanwhile are caught too.
func (s *Store) RotateDataKeys(ctx context.Context) (int, error) {
	if s.keyring == nil {
		return 0, ErrNoKeyring
	}
	// Record the new key's probe first, so that a process with a stale key
	// file is refused from now on.
	if err := s.checkKeyring(ctx); err != nil {
		return 0, err
	}
	total := 0
	for {
		current := s.keyring.Current()
		n := 0
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id, kek_id, sealed_key FROM data_keys
				WHERE kek_id <> $1 AND sealed_key IS NOT NULL ORDER BY id LIMIT 200`, current)
			if err != nil {
				return s.wrap(err, "list data keys to rotate")
			}
			type row struct {
				id     int64
				kek    string
				sealed []byte
			}
			var batch []row
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.id, &r.kek, &r.sealed); err != nil {
					rows.Close()
					return s.wrap(err, "scan data key")
				}
				batch = append(batch, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return s.wrap(err, "list data keys to rotate")
			}
			for _, r := range batch {
				key, err := s.keyring.Unwrap(r.kek, r.sealed, r.id)
				if err != nil {
					return fmt.Errorf("rotate data key %d: %w", r.id, err)
				}
				kekID, sealed, err := s.keyring.Wrap(key, r.id)
				if err != nil {
					return fmt.Errorf("rotate data key %d: %w", r.id, err)
				}
				if _, err := tx.ExecContext(ctx, `UPDATE data_keys SET kek_id = $1, sealed_key = $2 WHERE id = $3 AND kek_id = $4`,
					kekID, sealed, r.id, r.kek); err != nil {
					return s.wrap(err, "store rotated data key")
				}
			}
			n = len(batch)
			if n > 0 {
				return s.appendAudit(ctx, tx, "keys.rotate_batch", "data_key", batch[n-1].id, audit.OK)
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if n == 0 {
			return total, nil
		}
	}
}

// KeySince is when the key-encryption key id was first used with this
// database; ok is false for a key used before that was recorded, or never.
func (s *Store) KeySince(ctx context.Context, id string) (since time.Time, ok bool, err error) {
	var t sql.Null[time.Time]
	err = s.read.QueryRowContext(ctx, `SELECT created_at FROM kek_probes WHERE kek_id = $1`, id).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, s.wrap(err, "read key's first use")
	}
	if p := nullTime(t); p != nil {
		return *p, true, nil
	}
	return time.Time{}, false, nil
}

// DataKeysSealedBy counts the live data keys that a key-encryption key seals.
func (s *Store) DataKeysSealedBy(ctx context.Context, kekID string) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM data_keys WHERE kek_id = $1 AND sealed_key IS NOT NULL`, kekID).Scan(&n)
	return n, s.wrap(err, "count data keys")
}
