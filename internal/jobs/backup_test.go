package jobs

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"filippo.io/age"

	"homeward/internal/backup"
	"homeward/internal/store"
)

// The daily backup is scheduled once a day across nodes, writes the day's
// file (which opens with the identity and names the database's audit head)
// and removes the daily backups beyond the newest Keep.
func TestDailyBackupIsWrittenOnceAndKeepsTheNewest(t *testing.T) {
	t.Parallel()
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			c := newCluster(t, engine, 2)
			ctx := context.Background()
			ops, err := age.GenerateX25519Identity()
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			today := c.clock.Now().UTC()
			for i := 1; i <= 4; i++ {
				if err := os.WriteFile(filepath.Join(dir, backup.DailyName(today.AddDate(0, 0, -i))), []byte("old"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			runners := make([]*Runner, len(c.nodes))
			for i, nd := range c.nodes {
				runners[i] = New(nd.st, testOptions(fmt.Sprintf("node%d", i)))
				RegisterBackup(runners[i], nd.st, Backups{Dir: dir, Keep: 3, Write: backup.Options{To: []age.Recipient{ops.Recipient()},
					DatabaseURL: c.url, TempDir: t.TempDir(), Version: "test"}})
			}
			for _, r := range runners {
				r.schedule(ctx)
			}
			if n := c.counts()[store.JobQueued]; n != 1 {
				t.Fatalf("two nodes scheduled %d backups for one day, want 1", n)
			}
			c.start(func(i int, _ *node) *Runner { return runners[i] })
			waitFor(t, "the day's backup done", func() bool { return c.counts()[store.JobDone] == 1 })
			want := []string{backup.DailyName(today.AddDate(0, 0, -2)), backup.DailyName(today.AddDate(0, 0, -1)), backup.DailyName(today)}
			var got []string
			list, _ := os.ReadDir(dir)
			for _, e := range list {
				got = append(got, e.Name())
			}
			if !slices.Equal(got, want) {
				t.Fatalf("backup directory %v, want %v", got, want)
			}
			b, err := os.ReadFile(filepath.Join(dir, backup.DailyName(today)))
			if err != nil {
				t.Fatal(err)
			}
			m, err := backup.ReadManifest(bytes.NewReader(b), []age.Identity{ops})
			if err != nil {
				t.Fatal(err)
			}
			head, _ := c.nodes[0].st.AuditHead(ctx)
			if m.Engine != string(engine) || m.AuditHead != head.String() {
				t.Errorf("the day's backup: %+v, want %s at audit head %s", m, engine, head)
			}
		})
	}
}

// A backup that cannot be written is tried again and then waits as a
// failed job with the code backup.write, for the admin to see.
func TestAFailingDailyBackupIsAFailedJob(t *testing.T) {
	t.Parallel()
	c := newCluster(t, store.SQLite, 1)
	ops, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	notADir := filepath.Join(t.TempDir(), "full-disk")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	c.start(func(_ int, nd *node) *Runner {
		r := New(nd.st, testOptions("node0"))
		RegisterBackup(r, nd.st, Backups{Dir: notADir, Keep: 3, Write: backup.Options{To: []age.Recipient{ops.Recipient()}, TempDir: t.TempDir()}})
		return r
	})
	for attempt := 1; ; attempt++ {
		waitFor(t, "a failed attempt", func() bool {
			return c.counts()[store.JobFailed] > 0 || lastAttempt(t, c) >= attempt
		})
		if c.counts()[store.JobFailed] > 0 {
			break
		}
		if attempt > 20 {
			t.Fatal("the backup job never failed for good")
		}
		c.clock.Add(5 * time.Minute) // the retry is due (testOptions back off up to 4 minutes)
	}
	list, _, err := c.nodes[0].st.ListJobs(context.Background(), store.JobFailed, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 || list[0].Kind != KindBackup || list[0].LastError != "backup.write" {
		t.Errorf("failed jobs %+v, want the backup with the code backup.write", list)
	}
}

// lastAttempt is the most attempts of a queued backup job (the clock is the
// real one moved on, so the retries may cross midnight, when the next
// day's backup is queued beside the one that keeps failing).
func lastAttempt(t *testing.T, c *cluster) int {
	list, _, err := c.nodes[0].st.ListJobs(context.Background(), store.JobQueued, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	most := -1
	for _, j := range list {
		if j.Kind == KindBackup {
			most = max(most, j.Attempts)
		}
	}
	return most
}
