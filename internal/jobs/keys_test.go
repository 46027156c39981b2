package jobs

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/backup"
	"homeward/internal/cases"
	"homeward/internal/program"
	"homeward/internal/seal"
	"homeward/internal/store"
	"homeward/internal/testsupport"
)

// retiredFiles lists the files of retired keys in dir.
func retiredFiles(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list {
		if _, ok := seal.RetiredTime(e.Name()); ok {
			out = append(out, e.Name())
		}
	}
	return out
}

// restoreWith restores the backup file into a new data directory whose key
// file holds the live key file's keys and those of every retired-keys file
// still in dir: all the keys the installation still has.
func restoreWith(t *testing.T, file []byte, ops age.Identity, dir string) (backup.Restored, error) {
	t.Helper()
	var text strings.Builder
	for _, name := range retiredFiles(t, dir) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		text.Write(b)
	}
	live, err := os.ReadFile(filepath.Join(dir, seal.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	text.Write(live)
	to := t.TempDir()
	if err := os.WriteFile(filepath.Join(to, seal.KeyFile), []byte(text.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	ring, _, err := seal.Load(to, "")
	if err != nil {
		t.Fatal(err)
	}
	return backup.RestoreSQLite(context.Background(), bytes.NewReader(file), []age.Identity{ops}, ring, to)
}

// A backup taken before an erasure still opens, with the retired key saved
// when the scheduled rotation retired the key of its time; once the backup
// retention has passed, the daily job destroys that key, and the backup no
// longer opens: the restore refuses it for the missing key. So the erased
// person is gone from that backup too.
func TestAKeyEpochEndsAndItsBackupsNoLongerOpen(t *testing.T) {
	t.Parallel()
	ctx := audit.WithActor(context.Background(), audit.Actor{Who: "test"})
	dir := t.TempDir()
	ring, _, err := seal.Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	st := testsupport.OpenStore(t, store.Options{DataDir: dir, Keyring: ring})
	clock := (&testsupport.Clock{}).Use(st)

	p := program.New()
	p.Name, p.MentorChecks = "Epochs", nil
	prog, err := st.CreateProgram(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	coord := testsupport.User(t, st, "coord@example.org", auth.Coordinator, prog.ID)
	admin := testsupport.User(t, st, "admin@example.org", auth.Admin)
	var erased cases.Case
	for i, code := range []string{"EP-1", "EP-2"} {
		_, c, err := st.CreateIntake(ctx, store.Intake{Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: code, FullName: "Zdenka " + code, Gender: cases.Female}},
			ProgramID: prog.ID, State: cases.Intake, ActorID: coord.ID})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			erased = c
		}
	}
	keysBefore, err := st.OpenDataKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}

	ops, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	m, err := backup.Write(ctx, st, &buf, backup.Options{To: []age.Recipient{ops.Recipient()}, TempDir: dir, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	old := m.KeyIDs
	if len(old) != 1 || old[0] != ring.Current() {
		t.Fatalf("the backup needs keys %v, want the current key %s", old, ring.Current())
	}
	if _, err := st.EraseDirectly(ctx, erased.ID, cases.ErasurePersonAsked, admin.ID); err != nil {
		t.Fatal(err)
	}

	epochs := seal.Epochs{Rotate: seal.DefaultRotate, Retention: seal.DefaultRetention}
	r := New(st, testOptions("node"))
	RegisterKeys(r, st, epochs)
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := r.Run(runCtx); err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	t.Cleanup(func() { stop(); <-done })
	jobsDone := func(n int) func() bool {
		return func() bool {
			c, err := st.CountJobs(ctx)
			return err == nil && c[store.JobDone] == n && c[store.JobQueued] == 0 && c[store.JobRunning] == 0
		}
	}

	// The first day: the key is younger than a rotation period, and stays.
	waitFor(t, "the day's rotation and destruction done", jobsDone(2))
	if ids := ring.IDs(); !slices.Equal(ids, old) {
		t.Fatalf("a key a day old was rotated: the keyring holds %v", ids)
	}

	// A rotation period later: the key of the backup's time is retired,
	// every live data key re-sealed under a new one, and the backup opens
	// with the retired key, the erased person in it.
	clock.Add(epochs.Rotate)
	waitFor(t, "the rotation and the day's destruction done", jobsDone(4))
	if ids := ring.IDs(); slices.Contains(ids, old[0]) || len(ids) != 1 {
		t.Fatalf("the live keyring holds %v after the rotation; the key of the backup's time, %s, should be retired", ids, old[0])
	}
	first := retiredFiles(t, dir)
	if len(first) != 1 {
		t.Fatalf("retired-keys files after the rotation: %v, want one", first)
	}
	got, err := restoreWith(t, buf.Bytes(), ops, dir)
	if err != nil {
		t.Fatalf("the backup taken before the erasure, while its key is kept: %v", err)
	}
	if got.DataKeys != keysBefore {
		t.Errorf("the restored backup opened %d data keys, want %d (the erased person's among them)", got.DataKeys, keysBefore)
	}

	// A day short of the retention the key is still kept.
	clock.Add(epochs.Retention - 24*time.Hour)
	waitFor(t, "the next rotation and destruction done", jobsDone(6))
	if now := retiredFiles(t, dir); !slices.Contains(now, first[0]) {
		t.Fatalf("the retired key was destroyed before the backup retention passed: %v", now)
	}

	// Once the retention has passed, the daily job destroys it, and the
	// backup no longer opens.
	clock.Add(24 * time.Hour)
	waitFor(t, "the destruction after the retention done", jobsDone(8))
	if now := retiredFiles(t, dir); slices.Contains(now, first[0]) {
		t.Fatalf("the retired key of the backup's time is still there after the retention: %v", now)
	}
	_, err = restoreWith(t, buf.Bytes(), ops, dir)
	if !errors.Is(err, store.ErrForeignKeyring) || !strings.Contains(err.Error(), "["+old[0]+"]") {
		t.Fatalf("the backup taken before the erasure, after its key was destroyed: %v, want refused for the missing key %s", err, old[0])
	}
}

// With HOMEWARD_KEY the keyring is not Homeward's to rewrite: the key
// epochs' jobs skip (they say so in the log) and change nothing.
func TestKeyEpochsSkipAnEnvironmentKeyring(t *testing.T) {
	t.Parallel()
	ring, _, err := seal.Load(t.TempDir(), "hwa1:1:"+strings.Repeat("B", 43)+"=\nhwk1:1:"+strings.Repeat("A", 43)+"=\n")
	if err != nil {
		t.Fatal(err)
	}
	st := testsupport.OpenStore(t, store.Options{DataDir: t.TempDir(), Keyring: ring})
	var logs bytes.Buffer
	o := testOptions("node")
	o.Log = slog.New(slog.NewTextHandler(&logs, nil))
	r := New(st, o)
	RegisterKeys(r, st, seal.Epochs{Rotate: seal.DefaultRotate, Retention: seal.DefaultRetention})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = r.Run(ctx)
	}()
	waitFor(t, "both jobs done", func() bool {
		c, err := st.CountJobs(context.Background())
		return err == nil && c[store.JobDone] == 2
	})
	stop()
	<-done
	if ids := ring.IDs(); !slices.Equal(ids, []string{"1"}) {
		t.Errorf("an environment keyring was rotated: %v", ids)
	}
	if !strings.Contains(logs.String(), seal.EnvKey+", which Homeward cannot rewrite") {
		t.Errorf("the log does not say why the rotation was skipped:\n%s", logs.String())
	}
}
