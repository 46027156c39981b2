package seal

import "time"

// Epochs are the key epochs: every Rotate a new key-encryption key becomes
// current, the data keys are re-sealed under it and the older key is
// retired; a retired key is destroyed once the backup Retention has passed,
// and with it every backup older than that can no longer be opened.
type Epochs struct {
	// Rotate is how often the key is rotated (serve --key-rotation); 0 means
	// never by schedule: with HOMEWARD_KEY, which Homeward cannot rewrite,
	// or when the operator turned it off.
	Rotate time.Duration
	// Retention is how long backups are kept (serve --backup-retention).
	Retention time.Duration
}

// Default rotation period and backup retention.
const (
	DefaultRotate    = 30 * 24 * time.Hour
	DefaultRetention = 90 * 24 * time.Hour
)

// Scheduled tells whether keys are rotated by schedule, so that an
// erasure reaches every backup by a date (ErasureComplete).
func (e Epochs) Scheduled() bool { return e.Rotate > 0 }

// ErasureComplete is the day by which a person erased at t is gone from
// every backup too: the key current at t is retired at the latest one
// rotation later, and destroyed on the day the backup retention has passed
// after that. ok is false when keys are not rotated by schedule.
func (e Epochs) ErasureComplete(t time.Time) (day time.Time, ok bool) {
	if !e.Scheduled() {
		return time.Time{}, false
	}
	return t.UTC().Truncate(24 * time.Hour).Add(e.Retention + e.Rotate), true
}
