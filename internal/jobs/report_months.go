package jobs

import (
	"context"
	"time"

	"homeward/internal/store"
)

// KindReportMonths is the hourly count of the report's months: every
// calendar month that has ended, and every ended month a change reached
// since (a contact or an outcome dated back, an import), is counted once
// and kept (store.RollUpReportMonths), so that reports of whole months —
// what viewers, the funder table and the downloads show — add up a few
// hundred rows. Until it has run, those reports count every row, as a
// coordinator's report of days always does. It may run twice: a second
// run finds nothing to count.
const KindReportMonths = "report_months"

// RegisterReportMonths schedules the count once an hour across all nodes.
func RegisterReportMonths(r *Runner, st *store.Store) {
	r.Every(KindReportMonths, time.Hour, func(ctx context.Context, j store.Job) error {
		n, err := st.RollUpReportMonths(ctx)
		if err != nil {
			return Coded("report_months.count", err)
		}
		if n > 0 {
			r.o.Log.Info("jobs: report months counted", "months", n)
		}
		return nil
	})
}
