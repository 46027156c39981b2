package jobs

import (
	"context"
	"time"

	"homeward/internal/store"
)

// KindPurge is the daily clean-up of what has expired: sessions, one-time
// links, idle sign-in throttle rows, and jobs done more than KeepDone ago.
// Deleting what is already gone deletes nothing, so it may run twice.
const KindPurge = "purge"

// KeepDone is how long a done job stays in the database (its unique key
// keeps recurring work of its period from being scheduled again).
const KeepDone = 30 * 24 * time.Hour

// RegisterPurge schedules the purge once a day across all nodes.
func RegisterPurge(r *Runner, st *store.Store) {
	r.Every(KindPurge, 24*time.Hour, func(ctx context.Context, j store.Job) error {
		p, err := st.PurgeExpired(ctx, KeepDone)
		if err != nil {
			return err
		}
		r.o.Log.Info("jobs: purged what expired", "sessions", p.Sessions, "links", p.Links, "throttles", p.Throttles, "jobs", p.Jobs, "idempotency_keys", p.IdempotencyKeys)
		return nil
	})
}
