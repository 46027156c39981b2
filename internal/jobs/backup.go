package jobs

import (
	"context"
	"path/filepath"
	"time"

	"homeward/internal/backup"
	"homeward/internal/store"
)

// KindBackup is the daily backup (serve --backup-dir): an encrypted backup
// named for its day (backup.DailyName) written to Dir, then the daily
// backups beyond the newest Keep removed. Run twice on a day, it writes
// that day's file again (renamed over it when complete), so the effect is
// once.
const KindBackup = "backup"

// Backups say where and how the daily backup is written.
type Backups struct {
	Dir   string
	Keep  int
	Write backup.Options
}

// RegisterBackup schedules the backup once a day across all nodes
// (backup:YYYY-MM-DD), at midnight UTC. A failure is retried and, after
// its attempts, waits as a failed job on /admin/jobs.
func RegisterBackup(r *Runner, st *store.Store, b Backups) {
	r.Every(KindBackup, 24*time.Hour, func(ctx context.Context, j store.Job) error {
		path := filepath.Join(b.Dir, backup.DailyName(j.RunAt))
		m, err := backup.WriteFile(ctx, st, path, true, b.Write)
		if err != nil {
			return Coded("backup.write", err)
		}
		removed, err := backup.Prune(b.Dir, b.Keep)
		if err != nil {
			return Coded("backup.prune", err)
		}
		r.o.Log.Info("jobs: backup written", "file", path, "bytes", m.Size, "audit_head", m.AuditHead, "removed", len(removed))
		return nil
	})
}
