package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// SQLiteFile is the name of the database file inside the data directory.
const SQLiteFile = "homeward.db"

// sqliteDSN builds the connection string. The pragmas run on every new connection:
//
//   - journal_mode(WAL): readers never block the writer and the writer never
//     blocks readers.
//   - synchronous(FULL): in WAL mode, NORMAL only syncs at checkpoints, so a
//     power cut or OS crash can lose the last transactions that were already
//     acknowledged to the user. FULL syncs the WAL at every commit, so an
//     acknowledged write survives a crash. Homeward writes little and each
//     write is a person's record: durability wins over write throughput.
//     The writes waiting together share one commit, and so one sync
//     (group_commit.go).
//   - busy_timeout(10000): wait up to 10 s for a lock instead of failing.
//   - foreign_keys(1): enforce references.
//   - secure_delete(1): what a row held before it was updated or deleted is
//     overwritten with zeros, not left in the file's free space: text sealed
//     in place of a readable value, and an erased person's values, are gone
//     from the file's bytes, not only from its rows.
//   - no mmap_size: reads through the file mapped into memory made the
//     whole funder report at 100,000 cases take a quarter less CPU, but
//     every page of the file each connection touched counted in the
//     server's resident memory (peak 125 → 302 MB under the benchmark's
//     load on 10,000 cases), for no gain in the API's CPU per request.
//   - _txlock=immediate (writer): a write transaction takes the write lock at
//     BEGIN, so two writers never deadlock upgrading a read lock.
//   - query_only(1) (readers): a read connection can never write.
func sqliteDSN(path string, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "secure_delete(1)")
	if writer {
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	// The path is escaped as a URI path, so that ?, # or % in --data cannot
	// cut the pragmas off or name another file.
	return (&url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: q.Encode()}).String()
}

func openSQLite(ctx context.Context, dir string, shared bool) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	unlock := func() error { return nil }
	if !shared {
		var err error
		if unlock, err = lockDataDir(dir); err != nil {
			return nil, err
		}
	}
	path, err := filepath.Abs(filepath.Join(dir, SQLiteFile))
	if err != nil {
		unlock()
		return nil, fmt.Errorf("data directory: %w", err)
	}
	// Create the file owner-only before SQLite opens it, so it is never
	// readable by others, not even for a moment.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		unlock()
		return nil, fmt.Errorf("create database file: %w", err)
	} else {
		f.Close()
	}
	write, err := sql.Open(sqliteWriterDriver, sqliteDSN(path, true))
	if err != nil {
		unlock()
		return nil, fmt.Errorf("open sqlite writer: %w", err)
	}
	// One writer connection: SQLite allows one writer at a time anyway, and a
	// single connection turns lock waits into a queue in Go.
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		unlock()
		return nil, fmt.Errorf("open sqlite database %s: %w", path, err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		if _, err := os.Stat(f); err == nil {
			_ = os.Chmod(f, 0o600)
		}
	}
	read, err := sql.Open(sqliteDriver, sqliteDSN(path, false))
	if err != nil {
		write.Close()
		unlock()
		return nil, fmt.Errorf("open sqlite readers: %w", err)
	}
	n := max(4, runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	s := &Store{engine: SQLite, read: read, write: write, unlock: unlock}
	s.group = newGroupCommit(write, s.wrap)
	return s, nil
}

// sqliteUnavailable recognises SQLite's writer still busy after the busy
// timeout: another process holds it, and a retry later may succeed.
func sqliteUnavailable(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && (e.Code()&0xff == sqlite3.SQLITE_BUSY || e.Code()&0xff == sqlite3.SQLITE_LOCKED)
}

// sqliteInterrupted recognises a statement interrupted because its
// context ended.
func sqliteInterrupted(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_INTERRUPT
}

func sqliteUniqueViolation(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && (e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

// dropSampleStatistics empties sqlite_stat4, the samples ANALYZE keeps of
// each index (modernc's SQLite is built with STAT4), and reloads the
// statistics, keeping sqlite_stat1's. With samples, a statement whose plan
// looked at a bound value is prepared again each time it runs with another
// value (SQLite's rule for plans that depend on a value): every read of a
// case or a contact would be parsed and planned again, undoing the kept
// statements of sqlite_conn.go, and the CPU of adding a contact was a fifth
// re-preparing. Homeward's queries are shaped for their indexes, which
// sqlite_stat1's averages choose.
func (s *Store) dropSampleStatistics(ctx context.Context) error {
	var n int
	err := s.write.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat4'`).Scan(&n)
	if err != nil || n == 0 {
		return s.wrap(err, "find index samples")
	}
	if _, err := s.write.ExecContext(ctx, `DELETE FROM sqlite_stat4`); err != nil {
		return s.wrap(err, "drop index samples")
	}
	if _, err = s.write.ExecContext(ctx, `ANALYZE sqlite_schema`); err != nil {
		return s.wrap(err, "reload statistics")
	}
	// The readers that loaded the samples keep them until they close:
	// close the idle ones (a reader at work now closes when put back).
	open := s.read.Stats().MaxOpenConnections
	s.read.SetMaxIdleConns(0)
	s.read.SetMaxIdleConns(open)
	return nil
}
