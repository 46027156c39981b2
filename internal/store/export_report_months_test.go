package store

import (
	"context"
	"time"
)

// ReportMonthsStateForTest reads the rollup's state: the instant before
// which it holds every month, and how many times a change moved it back.
func ReportMonthsStateForTest(ctx context.Context, s *Store) (time.Time, int64, error) {
	var at time.Time
	var generation int64
	err := s.write.QueryRowContext(ctx, `SELECT rolled_until, generation FROM report_months_state WHERE id = 1`).
		Scan(&at, &generation)
	return at.UTC(), generation, err
}

// SetReportMonthsRolledUntilForTest sets the instant before which the
// rollup holds every month, as the report-months job does (generation
// stays).
func SetReportMonthsRolledUntilForTest(ctx context.Context, s *Store, t time.Time) error {
	_, err := s.write.ExecContext(ctx, `UPDATE report_months_state SET rolled_until = $1 WHERE id = 1`, s.ts(t))
	return err
}

// TimeArgForTest is t as a statement's argument on the store's engine.
func TimeArgForTest(s *Store, t time.Time) any { return s.ts(t) }
