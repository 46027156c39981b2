package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"homeward/internal/audit"
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
	return s.outcomeFacts(ctx, q, true, false)
}

// OutcomeFactsLiveForTest is OutcomeFacts counting every row even when
// the months are rolled up.
func OutcomeFactsLiveForTest(ctx context.Context, s *Store, q report.Query) (report.Facts, error) {
	return s.outcomeFacts(ctx, q, false, true)
}

// OutcomeFactsRolledForTest is OutcomeFacts, and whether the facts came
// from the rolled-up months.
func OutcomeFactsRolledForTest(ctx context.Context, s *Store, q report.Query) (report.Facts, bool, error) {
	return s.outcomeFactsFrom(ctx, q, false, false)
}

// OutcomeFactsReferenceForTest counts a report's facts with the statements
// as first written (reports_reference_test.go), for comparison.
func OutcomeFactsReferenceForTest(ctx context.Context, s *Store, q report.Query) (report.Facts, error) {
	return s.outcomeFactsReference(ctx, q)
}

// MigrateToForTest applies the migrations up to version upTo only: the
// upgrade test builds the schema of an earlier release with it.
func MigrateToForTest(ctx context.Context, s *Store, upTo int) ([]string, error) {
	return s.migrateTo(ctx, upTo)
}

// TableCountsForTest counts the rows of every table of the database.
func TableCountsForTest(ctx context.Context, s *Store) (map[string]int, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if s.engine == Postgres {
		q = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`
	}
	rows, err := s.read.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, t := range tables {
		var n int
		if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", t, err)
		}
		out[t] = n
	}
	return out, nil
}

// CopyTablesForTest copies every row of src's tables into the same tables
// of dst, a SQLite database just migrated to an earlier schema (its one
// seeded row, the audit head, replaced): the upgrade test's fixture. Only
// dst's columns are copied, so src may be at a later schema that added
// columns.
func CopyTablesForTest(ctx context.Context, dst *Store, srcFile string) error {
	counts, err := TableCountsForTest(ctx, dst)
	if err != nil {
		return err
	}
	conn, err := dst.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, q := range []string{`PRAGMA foreign_keys = OFF`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if _, err := conn.ExecContext(ctx, `ATTACH DATABASE $1 AS src`, srcFile); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DETACH DATABASE src`)
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`)
	for table := range counts {
		if table == "schema_migrations" {
			continue
		}
		rows, err := conn.QueryContext(ctx, `SELECT name FROM pragma_table_info($1)`, table)
		if err != nil {
			return err
		}
		var cols []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return err
			}
			cols = append(cols, `"`+c+`"`)
		}
		rows.Close()
		list := strings.Join(cols, ", ")
		if _, err := conn.ExecContext(ctx, `DELETE FROM main.`+table+` WHERE $1 = 'audit_head'`, table); err != nil {
			return fmt.Errorf("clear %s: %w", table, err)
		}
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(`INSERT INTO main.%s (%s) SELECT %s FROM src.%s`, table, list, list, table)); err != nil {
			return fmt.Errorf("copy %s: %w", table, err)
		}
	}
	return nil
}

// CopyPostgresTablesForTest copies into dst, a database at an earlier
// schema, the rows of every one of its tables from the database at srcURL
// (today's schema), only the columns dst has, with the references checked
// only at the end (session_replication_role), and moves each identity on
// past the ids copied, as pg_restore would.
func CopyPostgresTablesForTest(ctx context.Context, dst *Store, srcURL string) error {
	src, err := sql.Open("pgx", srcURL)
	if err != nil {
		return err
	}
	defer src.Close()
	counts, err := TableCountsForTest(ctx, dst)
	if err != nil {
		return err
	}
	return dst.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM audit_head`); err != nil {
			return err
		}
		for table := range counts {
			if table == "schema_migrations" {
				continue
			}
			rows, err := tx.QueryContext(ctx, `SELECT column_name FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
			if err != nil {
				return err
			}
			var cols []string
			for rows.Next() {
				var c string
				if err := rows.Scan(&c); err != nil {
					rows.Close()
					return err
				}
				cols = append(cols, `"`+c+`"`)
			}
			rows.Close()
			list := strings.Join(cols, ", ")
			ph := make([]string, len(cols))
			for i := range ph {
				ph[i] = fmt.Sprintf("$%d", i+1)
			}
			insert := fmt.Sprintf(`INSERT INTO %s (%s) VALUES (%s)`, table, list, strings.Join(ph, ", "))
			data, err := src.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %s`, list, table))
			if err != nil {
				return fmt.Errorf("read %s: %w", table, err)
			}
			for data.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := data.Scan(ptrs...); err != nil {
					data.Close()
					return err
				}
				if _, err := tx.ExecContext(ctx, insert, vals...); err != nil {
					data.Close()
					return fmt.Errorf("copy %s: %w", table, err)
				}
			}
			if err := data.Close(); err != nil {
				return err
			}
			if !slices.Contains(cols, `"id"`) {
				continue
			}
			if _, err := tx.ExecContext(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), max(id)) FROM %s
				HAVING max(id) IS NOT NULL`, table, table)); err != nil {
				return fmt.Errorf("identity of %s: %w", table, err)
			}
		}
		return nil
	})
}

// HoldWriterForTest takes SQLite's writer with a write transaction that
// waits until release is called, so that the writes sent meanwhile wait
// to be joined.
func HoldWriterForTest(s *Store) (release func()) {
	held, done := make(chan struct{}), make(chan struct{})
	go s.inTx(context.Background(), func(*sql.Tx) error {
		close(held)
		<-done
		return nil
	})
	<-held
	return func() { close(done) }
}

// WritesWaitingForTest counts the writes waiting for SQLite's writer.
func WritesWaitingForTest(s *Store) int { return int(s.group.waiting.Load()) }

// OnGroupCommitForTest tells f each joined group's size after its commit.
// Set it before the writes it is to see are sent.
func OnGroupCommitForTest(s *Store, f func(n int)) { s.group.ran = f }

// UserReadsForTest counts the reads of a token's or a session's user that
// went to the database rather than to the user cache.
func UserReadsForTest(s *Store) int64 { return s.users.reads.Load() }

// AuditEachForTest appends one entry per object id in one transaction, as a
// list that opens many names does (appendAudits).
func AuditEachForTest(ctx context.Context, s *Store, action, objectType string, ids []int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.appendAudits(ctx, tx, action, objectType, ids, audit.OK)
	})
}

// InTxForTest runs fn in a write transaction, as the store's writes do.
func InTxForTest(ctx context.Context, s *Store, fn func(*sql.Tx) error) error { return s.inTx(ctx, fn) }
