package store

import (
	"context"
	"database/sql"
	"fmt"

	"homeward/internal/report"
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

// SealProbeForTest creates a record with a data key and a sealed value in a
// scratch table, as the sealed columns of people's records do, and returns
// the data key's id and the plaintext data key.
func SealProbeForTest(ctx context.Context, s *Store, secret string) (int64, []byte, error) {
	blob := "BLOB"
	if s.engine == Postgres {
		blob = "BYTEA"
	}
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS sealed_probe (id INTEGER PRIMARY KEY, key_id BIGINT NOT NULL, value `+blob+`)`); err != nil {
		return 0, nil, err
	}
	var keyID int64
	var key []byte
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		keyID, key, err = s.newDataKey(ctx, tx)
		if err != nil {
			return err
		}
		sealed, err := s.sealField(key, "sealed_probe", "value", 1, secret)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sealed_probe (id, key_id, value) VALUES (1, $1, $2)`, keyID, sealed)
		return err
	})
	return keyID, key, err
}

// OpenProbeForTest reads the probe's value back through its data key.
func OpenProbeForTest(ctx context.Context, s *Store) (string, error) {
	var keyID int64
	var sealed []byte
	if err := s.read.QueryRowContext(ctx, `SELECT key_id, value FROM sealed_probe WHERE id = 1`).Scan(&keyID, &sealed); err != nil {
		return "", err
	}
	key, err := s.dataKey(ctx, s.read, keyID)
	if err != nil {
		return "", err
	}
	return s.openField(key, sealed, "sealed_probe", "value", 1)
}

// OutcomeFactsFilteredForTest is OutcomeFacts with every statement filtering
// by program, as when the query does not cover every program.
func OutcomeFactsFilteredForTest(ctx context.Context, s *Store, q report.Query) (report.Facts, error) {
	return s.outcomeFacts(ctx, q, true)
}

// OutcomeFactsReferenceForTest counts a report's facts with the statements
// as first written (reports_reference_test.go), for comparison.
func OutcomeFactsReferenceForTest(ctx context.Context, s *Store, q report.Query) (report.Facts, error) {
	return s.outcomeFactsReference(ctx, q)
}
