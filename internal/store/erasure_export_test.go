package store

import (
	"context"
	"fmt"
)

// AllTextForTest returns every text and bytea value of every table of a
// PostgreSQL database, one after the other: what a search for a person's
// values reads where pg_dump is not installed.
func AllTextForTest(ctx context.Context, s *Store) ([]byte, error) {
	if s.engine != Postgres {
		return nil, fmt.Errorf("AllTextForTest reads PostgreSQL")
	}
	rows, err := s.read.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND data_type IN ('text', 'bytea', 'character varying', 'jsonb', 'json')
		ORDER BY table_name, column_name`)
	if err != nil {
		return nil, err
	}
	type col struct{ table, column string }
	var cols []col
	for rows.Next() {
		var c col
		if err := rows.Scan(&c.table, &c.column); err != nil {
			rows.Close()
			return nil, err
		}
		cols = append(cols, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []byte
	for _, c := range cols {
		vals, err := s.read.QueryContext(ctx, fmt.Sprintf(`SELECT %q::bytea FROM %q WHERE %q IS NOT NULL`, c.column, c.table, c.column))
		if err != nil {
			// A text column cast to bytea: read it as text.
			vals, err = s.read.QueryContext(ctx, fmt.Sprintf(`SELECT %q::text FROM %q WHERE %q IS NOT NULL`, c.column, c.table, c.column))
			if err != nil {
				return nil, fmt.Errorf("read %s.%s: %w", c.table, c.column, err)
			}
		}
		for vals.Next() {
			var b []byte
			if err := vals.Scan(&b); err != nil {
				vals.Close()
				return nil, err
			}
			out = append(append(out, b...), 0)
		}
		vals.Close()
		if err := vals.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
