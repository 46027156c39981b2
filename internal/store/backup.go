package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"

	"homeward/internal/audit"
)

// BackupFacts are what a backup's manifest says of the database it holds:
// read from the same snapshot as the data, so they agree with it.
type BackupFacts struct {
	SchemaVersion int
	AuditHead     audit.Head
	// KeyIDs are the key-encryption keys that seal live data keys: the key
	// file (or HOMEWARD_KEY) that opens a restored copy must hold them all.
	KeyIDs []string
}

// factsQueryer is the read pool or a transaction.
type factsQueryer interface {
	queryer
	rowsQueryer
}

func (s *Store) backupFacts(ctx context.Context, q factsQueryer) (BackupFacts, error) {
	var f BackupFacts
	v, err := s.currentVersion(ctx, q)
	if err != nil {
		return f, err
	}
	f.SchemaVersion = v
	if err := q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&f.AuditHead.Seq, &f.AuditHead.Hash); err != nil {
		return f, s.wrap(err, "read audit head")
	}
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT kek_id FROM data_keys WHERE sealed_key IS NOT NULL ORDER BY kek_id`)
	if err != nil {
		return f, s.wrap(err, "list key-encryption keys in use")
	}
	defer rows.Close()
	f.KeyIDs = []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return f, s.wrap(err, "list key-encryption keys in use")
		}
		f.KeyIDs = append(f.KeyIDs, id)
	}
	return f, s.wrap(rows.Err(), "list key-encryption keys in use")
}

// BackupFacts reads the facts of this database as it is now. On a live
// database use it only on a snapshot (a copy from SnapshotSQLite, opened as
// a store of its own), or within ExportSnapshot.
func (s *Store) BackupFacts(ctx context.Context) (BackupFacts, error) {
	return s.backupFacts(ctx, s.read)
}

// SnapshotSQLite writes a consistent copy of the SQLite database to path
// (which must not exist) with VACUUM INTO: one read transaction, so writers
// go on meanwhile (WAL) and the copy holds exactly the transactions
// committed when it began, never a torn file. The copy is owner-only.
func (s *Store) SnapshotSQLite(ctx context.Context, path string) error {
	if s.engine != SQLite {
		return errors.New("snapshot: not a SQLite database")
	}
	var file string
	if err := s.read.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil {
		return s.wrap(err, "find the database file")
	}
	// The read pool is query_only, which VACUUM INTO counts as a write: a
	// connection of its own, which writes nothing to the database itself.
	db, err := sql.Open("sqlite", sqliteDSN(file, true))
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	// Owner-only before SQLite writes a byte into it.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	f.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("snapshot: %w", err)
	}
	return nil
}

// ExportSnapshot begins a read-only, repeatable-read transaction on
// PostgreSQL, exports its snapshot (for pg_dump --snapshot) and reads the
// backup facts in it, so that the dump and the facts agree. release ends
// the transaction; call it once the dump is done.
func (s *Store) ExportSnapshot(ctx context.Context) (snapshot string, f BackupFacts, release func(), err error) {
	if s.engine != Postgres {
		return "", f, nil, errors.New("export snapshot: not a PostgreSQL database")
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return "", f, nil, s.wrap(err, "begin snapshot")
	}
	if err := tx.QueryRowContext(ctx, `SELECT pg_export_snapshot()`).Scan(&snapshot); err != nil {
		tx.Rollback()
		return "", f, nil, s.wrap(err, "export snapshot")
	}
	if f, err = s.backupFacts(ctx, tx); err != nil {
		tx.Rollback()
		return "", f, nil, err
	}
	return snapshot, f, func() { _ = tx.Rollback() }, nil
}

// OpenDataKeys opens every live data key with the keyring and returns how
// many it opened: the proof, after a restore, that the key file belongs to
// the data. It stops at the first key that does not open.
func (s *Store) OpenDataKeys(ctx context.Context) (int, error) {
	if s.keyring == nil {
		return 0, ErrNoKeyring
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, kek_id, sealed_key FROM data_keys WHERE sealed_key IS NOT NULL ORDER BY id`)
	if err != nil {
		return 0, s.wrap(err, "list data keys")
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var kek string
		var sealed []byte
		if err := rows.Scan(&id, &kek, &sealed); err != nil {
			return n, s.wrap(err, "read data key")
		}
		if _, err := s.keyring.Unwrap(kek, sealed, id); err != nil {
			return n, fmt.Errorf("%w: %v", ErrForeignKeyring, err)
		}
		n++
	}
	return n, s.wrap(rows.Err(), "list data keys")
}

// Empty tells whether the database holds no table at all: what a restore
// into PostgreSQL needs (its current schema), before Homeward's migrations
// made anything.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'table'`
	if s.engine == Postgres {
		q = `SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p', 'v', 'm', 'S')`
	}
	var n int
	err := s.read.QueryRowContext(ctx, q).Scan(&n)
	return n == 0, s.wrap(err, "look for tables")
}

// ClearRestore drops every table, sequence and function in the current
// schema of a PostgreSQL database, in one transaction: only for a restore
// that failed its checks in a database that Empty found empty before, so
// that the failed restore leaves nothing behind.
func (s *Store) ClearRestore(ctx context.Context) error {
	if s.engine != Postgres {
		return errors.New("clear restore: not a PostgreSQL database")
	}
	_, err := s.write.ExecContext(ctx, `DO $$
DECLARE r record;
BEGIN
	FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
		EXECUTE 'DROP TABLE IF EXISTS ' || quote_ident(r.tablename) || ' CASCADE';
	END LOOP;
	FOR r IN SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = current_schema() LOOP
		EXECUTE 'DROP SEQUENCE IF EXISTS ' || quote_ident(r.sequence_name) || ' CASCADE';
	END LOOP;
	FOR r IN SELECT p.oid::regprocedure AS f FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace LOOP
		EXECUTE 'DROP FUNCTION IF EXISTS ' || r.f || ' CASCADE';
	END LOOP;
END $$`)
	return s.wrap(err, "clear the failed restore")
}
