// Package store is Homeward's one database/sql store. It serves two engines
// with the same query text wherever possible ($1 placeholders work on both):
//
//   - SQLite (modernc.org/sqlite, pure Go), the embedded default: one file in
//     the data directory, WAL, one writer connection and a read pool.
//   - PostgreSQL (jackc/pgx/v5 through database/sql) for several app processes.
//
// Times are passed from Go in UTC, truncated to microseconds (PostgreSQL's
// precision), so both engines return the same values; see Store.ts.
//
// It stores these words of the glossary, one noun per file:
//
//   - Program: programs.go.
//   - Mentor: mentors.go (the application), mentor_records.go,
//     mentor_load.go, mentor_checks.go, mentor_home.go and training.go.
//   - Mentee: mentees.go, with the mentee's history and consents.
//   - Case (one mentee's journey through one program): cases.go and
//     case_core.go, with the custody Facility, sealed on the case.
//   - Match: matches.go; matching.go matches a program's pool in one go.
//   - Need, Plan step, Contact (a logged interaction), Request (a new need
//     the mentee raises) and Note: needs.go, plan_steps.go, contacts.go,
//     requests.go and notes.go, following the rules of case_work.go.
//   - The closing of a case (closing.go) and its Feedback, Outcome and
//     Follow-up: feedback.go, outcomes.go and follow_ups.go.
//   - Partner (organisation): partners.go; Service: services.go; the whole
//     directory's HSDS import and export: directory.go; Referral:
//     referrals.go.
//   - Seal (to encrypt a field under a record's data key) and Erasure
//     (destroying that key, which erases every field sealed under it):
//     datakeys.go.
//
// Beside them it keeps the accounts (users.go, user_admin.go, factors.go,
// tokens.go, calendar_feeds.go, throttle.go), the dates of a calendar feed
// (calendar_events.go), the audit log (audit.go), the background Job
// (jobs.go, worked on by internal/jobs), a backup's snapshot and manifest
// facts (backup.go, for internal/backup) and the schema (migrate.go,
// migrations/). Report and Notification are not stored here.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"homeward/internal/errs"
	"homeward/internal/seal"
)

// Engine names a database engine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Options say which database to open.
type Options struct {
	// DataDir holds the SQLite file (and, for the other packages, the key file).
	DataDir string
	// DatabaseURL selects PostgreSQL when it starts with postgres:// or
	// postgresql://; empty means SQLite in DataDir.
	DatabaseURL string
	// NoMigrate opens the database without applying pending migrations; the
	// version check still runs.
	NoMigrate bool
	// Shared opens a SQLite database beside a running serve, without taking
	// the data directory's lock: for short maintenance commands (audit
	// verify, keys rotate) that SQLite's own locking keeps safe.
	Shared bool
	// Keyring seals and opens data keys; without it sealed fields cannot be
	// read or written (ErrNoKeyring), which suits commands that need none.
	Keyring *seal.Keyring
	// AuditKey keys the audit log's hash chain (default: the Keyring's audit
	// key). Without one the store writes the plain chain of earlier versions
	// and refuses to append to a keyed log (tests, old databases).
	AuditKey []byte
	// KeyAuditLog keys an audit log that was never keyed, at open: its plain
	// chain is verified, then every entry re-hashed with AuditKey (see
	// KeyAuditLog). Without it, serve refuses such a log. A Keyring whose
	// audit key was made just now (seal.Keyring.AuditKeyAdded) implies it.
	KeyAuditLog bool
}

// Store is the handle every other package uses for persistence.
type Store struct {
	engine  Engine
	read    *sql.DB // reads; on PostgreSQL the same pool as write
	write   *sql.DB // writes; on SQLite a single connection
	unlock  func() error
	now     func() time.Time
	keyring *seal.Keyring
	// auditKey keys the audit chain; auditProbe recognises it (audit.KeyProbe).
	auditKey    []byte
	auditProbe  string
	keyAuditLog bool // Options.KeyAuditLog
	// mail says that e-mail is set up (serve --smtp-url): notifications
	// then queue their at-once e-mails (see SetMail).
	mail atomic.Bool
	// loginKey keys the hashes of mentee accounts' e-mail addresses
	// (portal_account.go), opened once.
	loginMu  sync.Mutex
	loginKey []byte
	// group joins concurrent write transactions on SQLite's one writer
	// (group_commit.go); nil on PostgreSQL.
	group *groupCommit
	// users keeps the signed-in users of tokens and sessions (user_cache.go).
	users userCache
}

// Open opens (and creates) the database, checks its schema version and, unless
// opts.NoMigrate, applies pending migrations.
func Open(ctx context.Context, opts Options) (*Store, error) {
	var (
		s   *Store
		err error
	)
	switch {
	case opts.DatabaseURL == "":
		if opts.DataDir == "" {
			return nil, errors.New("open store: no data directory and no database URL")
		}
		s, err = openSQLite(ctx, opts.DataDir, opts.Shared)
	case strings.HasPrefix(opts.DatabaseURL, "postgres://"), strings.HasPrefix(opts.DatabaseURL, "postgresql://"):
		s, err = openPostgres(ctx, opts.DatabaseURL)
	default:
		return nil, errors.New("open store: --database must be a postgres:// URL, or empty for SQLite in --data")
	}
	if err != nil {
		return nil, err
	}
	s.now = func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
	s.keyring = opts.Keyring
	s.initUserCache(opts)
	s.setAuditKey(&opts)
	if opts.NoMigrate {
		_, err = s.checkVersion(ctx)
	} else {
		_, err = s.Migrate(ctx)
	}
	if err == nil {
		err = s.checkKeyring(ctx)
	}
	if err == nil {
		err = s.checkAuditKey(ctx, !opts.NoMigrate && !opts.Shared)
	}
	if err == nil && !opts.NoMigrate && !opts.Shared {
		err = s.backfillMentors(ctx)
	}
	if err == nil && !opts.NoMigrate && !opts.Shared {
		err = s.backfillNameIndex(ctx)
	}
	if err == nil && !opts.NoMigrate && !opts.Shared {
		err = s.sealLegacyText(ctx)
	}
	if err == nil && !opts.NoMigrate && !opts.Shared && s.engine == SQLite {
		err = s.dropSampleStatistics(ctx) // of a database analyzed before they were dropped
	}
	if err == nil && !opts.NoMigrate && !opts.Shared {
		err = s.sealLegacyMenteeEmails(ctx)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Engine tells which engine this store runs on.
func (s *Store) Engine() Engine { return s.engine }

// Close closes the pools and releases the data directory.
func (s *Store) Close() error {
	if s.group != nil {
		s.group.close()
	}
	var errList []error
	if s.read != s.write {
		errList = append(errList, s.read.Close())
	}
	errList = append(errList, s.write.Close())
	if s.unlock != nil {
		errList = append(errList, s.unlock())
	}
	return errors.Join(errList...)
}

// Ping tells whether the database answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return errs.Unavailable(err)
	}
	var one int
	if err := s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return errs.Unavailable(err)
	}
	return nil
}

// Pools names the connection pools, for the metrics of their figures.
func (s *Store) Pools() map[string]*sql.DB {
	if s.read == s.write {
		return map[string]*sql.DB{"main": s.write}
	}
	return map[string]*sql.DB{"read": s.read, "write": s.write}
}

// Now is the store's clock (the one SetClock replaces).
func (s *Store) Now() time.Time { return s.now() }

// SetClock replaces the clock; tests use it for reproducible times.
func (s *Store) SetClock(now func() time.Time) {
	s.now = func() time.Time { return now().UTC().Truncate(time.Microsecond) }
}

// sqliteTime is how times are stored on SQLite: UTC, fixed width, so that
// text order is time order and SQLite's date functions can read them.
const sqliteTime = "2006-01-02 15:04:05.000000+00:00"

// ts converts a time for a query argument: fixed-width UTC text on SQLite,
// a timestamptz on PostgreSQL. Every time passed to a query goes through it.
func (s *Store) ts(t time.Time) any {
	if s.engine == SQLite {
		return t.UTC().Format(sqliteTime)
	}
	return t
}

// checkVersion refuses a version an editor cannot have read: the version
// an edit was started from, sent back with it.
func checkVersion(v int) error {
	if v < 1 || v > math.MaxInt32 {
		return errs.Invalid(map[string]string{"version": "validation.version_required"})
	}
	return nil
}

// inTx runs fn in a write transaction, committing when fn returns nil and
// rolling back otherwise, so nothing is ever half saved. On SQLite the
// transactions waiting for the writer are joined, each in its savepoint,
// under one commit (group_commit.go): fn must run its statements on tx with
// its request's context, and keep no state outside them that a rollback
// of its own would leave behind.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	if s.group != nil {
		return s.group.do(ctx, fn)
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(err, "begin transaction")
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.wrap(err, "commit")
	}
	return nil
}

// wrap turns a driver error into a domain error with context: a cancelled
// request stays a context error, a unique violation a conflict, anything else
// an internal error whose details go only to the log.
func (s *Store) wrap(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w", what, err)
	case sqliteInterrupted(err) || postgresCanceled(err):
		// The engine's own word for a statement stopped because the
		// request's context ended: the client went away.
		return fmt.Errorf("%s: %w (%w)", what, context.Canceled, err)
	case isUniqueViolation(err):
		return errs.Conflict("This value is already taken.", nil)
	case isUnavailable(err):
		return errs.Unavailable(fmt.Errorf("%s: %w", what, err))
	}
	return errs.Internal(fmt.Errorf("%s: %w", what, err))
}

// isUnavailable recognises an error of a database that cannot be reached or
// is not taking work now (down, restarting, out of connections, its one
// writer busy past the wait): the request failed through no fault of its
// own, and the same request may succeed later.
func isUnavailable(err error) bool {
	var ne net.Error
	return postgresUnavailable(err) || sqliteUnavailable(err) || errors.As(err, &ne) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET)
}

// isUniqueViolation recognises a unique-constraint failure on both engines.
func isUniqueViolation(err error) bool {
	return sqliteUniqueViolation(err) || postgresUniqueViolation(err)
}
