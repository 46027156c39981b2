package jobs

import (
	"context"
	"time"

	"homeward/internal/store"
)

// KindRetention is the daily erasure by the programs' retention: every
// person whose cases are all closed, with their follow-ups done, for as
// long as their program keeps them, and none of whose cases is on hold, is
// erased as an approved erasure does (store.EraseDueByRetention). A person
// erased is not due again, so it may run twice.
const KindRetention = "retention"

// RegisterRetention schedules the retention's erasure once a day across
// all nodes.
func RegisterRetention(r *Runner, st *store.Store) {
	r.Every(KindRetention, 24*time.Hour, func(ctx context.Context, j store.Job) error {
		n, err := st.EraseDueByRetention(ctx)
		if err != nil {
			return Coded("retention.erase", err)
		}
		r.o.Log.Info("jobs: erased by the programs' retention", "people", n)
		return nil
	})
}
