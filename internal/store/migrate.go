package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

// Migration is one embedded schema change, named NNNN_what.sql.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// ErrDatabaseNewer is returned when the database was migrated by a newer
// Homeward than this binary.
var ErrDatabaseNewer = errors.New("database is newer than this homeward")

// pgMigrationLock is the advisory lock key that serialises migrations of
// several app processes starting at once on one PostgreSQL database.
const pgMigrationLock = 72530_0001

// Migrations lists the migrations of an engine in order.
func Migrations(e Engine) ([]Migration, error) {
	dir := path.Join("migrations", string(e))
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []Migration
	for _, ent := range entries {
		name := ent.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and _", name)
		}
		body, err := fs.ReadFile(migrationFS, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(name, ".sql"), SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations of %s: expected version %d, found %s", e, i+1, m.Name)
		}
	}
	return out, nil
}

// SchemaVersion reports the version the database is at and the newest this binary knows.
func (s *Store) SchemaVersion(ctx context.Context) (current, latest int, err error) {
	ms, err := Migrations(s.engine)
	if err != nil {
		return 0, 0, err
	}
	current, err = s.currentVersion(ctx, s.read)
	return current, len(ms), err
}

// Migrate applies pending migrations, each in its own transaction together
// with its row in schema_migrations, and returns the names it applied. It is
// safe to run from several processes at once.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	return s.migrateTo(ctx, 0)
}

// migrateTo applies the pending migrations up to version upTo (0: all);
// the upgrade test builds an older schema with it.
func (s *Store) migrateTo(ctx context.Context, upTo int) ([]string, error) {
	ms, err := Migrations(s.engine)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockMigrations(ctx, tx); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY,
			name TEXT NOT NULL,
			applied_at TEXT NOT NULL)`)
		return s.wrap(err, "create schema_migrations")
	})
	if err != nil {
		return nil, err
	}
	var applied []string
	for _, m := range ms {
		if upTo > 0 && m.Version > upTo {
			break
		}
		done := false
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			if err := s.lockMigrations(ctx, tx); err != nil {
				return err
			}
			cur, err := s.currentVersion(ctx, tx)
			if err != nil {
				return err
			}
			if cur > len(ms) {
				return newerError(cur, len(ms))
			}
			if cur >= m.Version {
				done = true
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			_, err = tx.ExecContext(ctx,
				`INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.Version, m.Name, s.now().Format("2006-01-02T15:04:05.000000Z"))
			return s.wrap(err, "record migration "+m.Name)
		})
		if err != nil {
			return applied, err
		}
		if !done {
			applied = append(applied, m.Name)
		}
	}
	if len(ms) == 0 {
		return nil, nil
	}
	_, err = s.checkVersion(ctx)
	return applied, err
}

// checkVersion refuses a database that a newer binary has migrated.
func (s *Store) checkVersion(ctx context.Context) (int, error) {
	cur, latest, err := s.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	if cur > latest {
		return cur, newerError(cur, latest)
	}
	return cur, nil
}

func newerError(cur, latest int) error {
	return fmt.Errorf("%w: the database schema is at version %d, but this homeward knows versions up to %d; run the newer homeward that migrated it (downgrades are not supported)", ErrDatabaseNewer, cur, latest)
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) currentVersion(ctx context.Context, q queryer) (int, error) {
	var exists bool
	var err error
	switch s.engine {
	case Postgres:
		err = q.QueryRowContext(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists)
	default:
		err = q.QueryRowContext(ctx, `SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&exists)
	}
	if err != nil {
		return 0, s.wrap(err, "look for schema_migrations")
	}
	if !exists {
		return 0, nil
	}
	var v int
	err = q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, s.wrap(err, "read schema version")
}

// lockMigrations serialises migrations across processes. On SQLite the
// writer's BEGIN IMMEDIATE already holds the database's write lock.
func (s *Store) lockMigrations(ctx context.Context, tx *sql.Tx) error {
	if s.engine != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, pgMigrationLock)
	return s.wrap(err, "lock migrations")
}
