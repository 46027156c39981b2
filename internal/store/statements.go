package store

import (
	"context"
	"database/sql"
)

// Prepared statements are kept per connection by the drivers: on SQLite by
// the store's own (sqlite_conn.go), for every one-statement query; on
// PostgreSQL by pgx. The helpers below are the hottest reads' way to the
// pool (a case, a token, its user and the user's programs).

// queryRow runs a read of one row.
func (s *Store) queryRow(ctx context.Context, db *sql.DB, query string, args ...any) *sql.Row {
	return db.QueryRowContext(ctx, query, args...)
}

// query runs a read.
func (s *Store) query(ctx context.Context, db *sql.DB, query string, args ...any) (*sql.Rows, error) {
	return db.QueryContext(ctx, query, args...)
}
