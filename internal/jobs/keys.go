package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"homeward/internal/seal"
	"homeward/internal/store"
)

// The key epochs' jobs (see seal.Epochs).
//
// KindKeysRotate, daily across all nodes, rotates on the day the current
// key-encryption key is a rotation period old (counted in days from its
// first use with the database; a key from before that was recorded is
// rotated at once): it makes a new key current in the key file (under the
// file's lock, so processes sharing it agree), re-seals every data key
// under it and retires the older keys to a file of retired keys named for
// the time. Run twice on that day, the second run finds the new key young.
//
// KindKeysDestroy, daily, destroys the files of retired keys whose backup
// retention has passed, so that every backup older than the retention can
// no longer be opened, and a person erased is gone from every backup too.
// Destroying what is already gone destroys nothing, so it may run twice.
//
// With HOMEWARD_KEY the keyring is not Homeward's to rewrite: both jobs
// only log that they skip, and the operator rotates by hand.
const (
	KindKeysRotate  = "keys.rotate"
	KindKeysDestroy = "keys.destroy"
)

// RegisterKeys schedules the key epochs' jobs; e.Rotate is whole days.
func RegisterKeys(r *Runner, st *store.Store, e seal.Epochs) {
	ring := st.Keyring()
	skip := func(kind string) bool {
		if ring != nil && ring.FromFile() {
			return false
		}
		r.o.Log.Warn("jobs: the keyring comes from "+seal.EnvKey+", which Homeward cannot rewrite: no scheduled key rotation, and backups stay readable with its keys; rotate by hand (see the README, Keys)", "kind", kind)
		return true
	}
	r.Every(KindKeysRotate, 24*time.Hour, func(ctx context.Context, j store.Job) error {
		if skip(KindKeysRotate) {
			return nil
		}
		since, ok, err := st.KeySince(ctx, ring.Current())
		if err != nil {
			return Coded("keys.rotate", err)
		}
		day := func(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }
		if ok && day(st.Now()).Before(day(since).Add(e.Rotate)) {
			return nil // the current key is younger than a rotation period
		}
		id, err := ring.AddCurrent()
		if err != nil {
			return Coded("keys.rotate", err)
		}
		n, err := st.RotateDataKeys(ctx)
		if err != nil {
			return Coded("keys.reseal", fmt.Errorf("re-sealed %d data keys, then: %w", n, err))
		}
		ids := ring.IDs()
		for _, old := range ids[:len(ids)-1] {
			left, err := st.DataKeysSealedBy(ctx, old)
			if err != nil {
				return Coded("keys.reseal", err)
			}
			if left > 0 {
				return Coded("keys.reseal", fmt.Errorf("key %s still seals %d data keys", old, left))
			}
		}
		file, err := ring.Retire(st.Now())
		if err != nil {
			return Coded("keys.retire", err)
		}
		r.o.Log.Warn("jobs: key-encryption key rotated: copy the key file again to where you keep it apart from the backups (an older copy opens only older backups)", "current", id, "resealed", n, "retired", ids[:len(ids)-1], "file", file,
			"destroyed_after", seal.DestroyAfter(st.Now(), e.Retention).Format(time.DateOnly))
		return nil
	})
	r.Every(KindKeysDestroy, 24*time.Hour, func(ctx context.Context, j store.Job) error {
		if skip(KindKeysDestroy) {
			return nil
		}
		gone, err := ring.DestroyRetired(st.Now(), e.Retention)
		if err != nil {
			return Coded("keys.destroy", errors.Join(fmt.Errorf("destroyed %d files first", len(gone)), err))
		}
		if len(gone) > 0 {
			r.o.Log.Info("jobs: retired keys destroyed: backups older than the retention no longer open", "files", gone)
		}
		return nil
	})
}
