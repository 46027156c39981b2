package jobs

import (
	"context"
	"time"

	"homeward/internal/store"
)

// KindNotify is the daily look at what is due (contacts overdue and the
// coordinators' digest, quiet cases, follow-ups due, mentors' checks
// expiring, release dates ahead), written as notifications. Each
// notification has a unique key per recipient, record and due date (or
// day, for the digest), so a run done twice writes each once.
const KindNotify = "notify"

// RegisterNotify schedules the look at what is due once a day across all
// nodes (notify:YYYY-MM-DD), at midnight UTC.
func RegisterNotify(r *Runner, st *store.Store) {
	r.Every(KindNotify, 24*time.Hour, func(ctx context.Context, j store.Job) error {
		n, err := st.WriteDueNotifications(ctx)
		if err != nil {
			return err
		}
		r.o.Log.Info("jobs: notifications of what is due written", "notifications", n)
		return nil
	})
}
