package store

import (
	"context"
	"database/sql"
	"fmt"
)

// ExecForTest runs a statement on the writer, for tests that need to set up
// states the store's API never produces.
func ExecForTest(ctx context.Context, s *Store, q string, args ...any) error {
	_, err := s.write.ExecContext(ctx, q, args...)
	return err
}

// CancelMidQueryForTest starts a query that would run for a very long time on
// the writer connection, reads its first row, cancels, and returns the error
// the query ends with.
func CancelMidQueryForTest(ctx context.Context, cancel func(), s *Store) error {
	q := `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT i FROM n`
	if s.engine == Postgres {
		q = `SELECT generate_series(1, 1000000000)` // in the select list it streams; in FROM it would materialise first
	}
	rows, err := s.write.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		return fmt.Errorf("no first row: %v", rows.Err())
	}
	cancel()
	for rows.Next() {
	}
	return rows.Err()
}

// CancelMidTxForTest inserts a program inside a transaction, cancels the
// context before commit, and returns the error the commit ends with.
func CancelMidTxForTest(ctx context.Context, cancel func(), s *Store, name string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO programs (name, name_key, mentor_capacity, cadence_first_weeks,
			cadence_first_per_week, cadence_later_per_week, quiet_weeks, duration_min_months, duration_max_months,
			custody_months_before, custody_months_after, need_domains, created_at, updated_at)
			VALUES ($1, $2, 1, 4, 2, 1, 3, 3, 6, 6, 6, '[]', $3, $3)`, name, name, s.ts(s.now()))
		if err != nil {
			return err
		}
		cancel()
		return ctx.Err()
	})
}

// QueryStringForTest reads one text value, for tests that look under the API.
func QueryStringForTest(ctx context.Context, s *Store, q string, args ...any) (string, error) {
	var v string
	err := s.write.QueryRowContext(ctx, q, args...).Scan(&v)
	return v, err
}
