package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// statements keeps the prepared statements of the hottest reads of a fixed
// text (a case, a token, its user and the user's programs) for the life of
// the store, by pool and query text. (The case list, whose text varies with
// its filter, sort, search and scope, runs unprepared: its one-off shapes
// would fill the cache.) database/sql prepares a kept statement on each connection the
// first time it runs there and reuses it after, so SQLite parses and plans
// the query once per connection instead of on every call. PostgreSQL needs
// none: pgx already keeps each connection's statements.
type statements struct {
	mu   sync.Mutex
	kept map[stmtKey]*sql.Stmt
}

type stmtKey struct {
	db    *sql.DB
	query string
}

// maxStatements bounds the kept statements, against a caller that passes a
// text that varies: past it, new texts run unprepared.
const maxStatements = 256

// prepared is the kept statement of the query on db, prepared now if need
// be; nil when none is kept (PostgreSQL, or the cache full).
func (s *Store) prepared(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	if s.engine != SQLite {
		return nil, nil
	}
	k := stmtKey{db, query}
	s.stmts.mu.Lock()
	st, ok := s.stmts.kept[k]
	full := len(s.stmts.kept) >= maxStatements
	s.stmts.mu.Unlock()
	if ok || full {
		return st, nil
	}
	// Prepared outside the lock, which waits for no connection.
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	if kept, ok := s.stmts.kept[k]; ok { // another request prepared it meanwhile
		_ = st.Close()
		return kept, nil
	}
	if s.stmts.kept == nil {
		s.stmts.kept = map[stmtKey]*sql.Stmt{}
	}
	s.stmts.kept[k] = st
	return st, nil
}

// queryRow runs a read of one row through its kept statement.
func (s *Store) queryRow(ctx context.Context, db *sql.DB, query string, args ...any) *sql.Row {
	if st, err := s.prepared(ctx, db, query); err == nil && st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.QueryRowContext(ctx, query, args...) // which reports a failed prepare itself
}

// query runs a read through its kept statement.
func (s *Store) query(ctx context.Context, db *sql.DB, query string, args ...any) (*sql.Rows, error) {
	st, err := s.prepared(ctx, db, query)
	if err != nil {
		return nil, err
	}
	if st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.QueryContext(ctx, query, args...)
}

// closeStatements closes the kept statements, before the pools close.
func (s *Store) closeStatements() error {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	var errList []error
	for k, st := range s.stmts.kept {
		errList = append(errList, st.Close())
		delete(s.stmts.kept, k)
	}
	return errors.Join(errList...)
}
