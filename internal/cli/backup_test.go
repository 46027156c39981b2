package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"filippo.io/age"

	"homeward/internal/audit"
	"homeward/internal/backup"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/seal"
	"homeward/internal/store"
)

// ageKeys writes a new age identity and its recipient to files in dir.
func ageKeys(t *testing.T, dir, name string) (identityFile, recipientsFile string) {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	identityFile, recipientsFile = filepath.Join(dir, name+".identity"), filepath.Join(dir, name+".recipients")
	if err := os.WriteFile(identityFile, []byte("# backup identity\n"+id.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(recipientsFile, []byte("# who can open the backups\n"+id.Recipient().String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return identityFile, recipientsFile
}

// A backup taken while 1,000 intakes are written restores into a fresh
// directory with every intake acknowledged before the backup began, its
// name still opening with the key file; the audit log verifies, and the
// restored installation serves.
func TestBackupDuringConcurrentWritesRestores(t *testing.T) {
	t.Parallel()
	work, data := t.TempDir(), t.TempDir()
	identity, recipients := ageKeys(t, work, "ops")
	ring, _, err := seal.Load(data, "")
	if err != nil {
		t.Fatal(err)
	}
	// The running installation: it holds the data directory as serve does.
	st, err := store.Open(context.Background(), store.Options{DataDir: data, Keyring: ring})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := audit.WithActor(context.Background(), audit.Actor{Who: "test"})
	prog, coord := programWithCoordinator(t, ctx, st)

	const writes, workers = 1000, 8
	type ack struct {
		id     int64
		name   string
		before bool // acknowledged before the backup began
	}
	var (
		started atomic.Bool
		acked   atomic.Int64
		third   = make(chan struct{})
		once    sync.Once
		wg      sync.WaitGroup
		acks    = make(chan ack, writes)
		next    = make(chan int, writes)
	)
	for i := range writes {
		next <- i
	}
	close(next)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				name := fmt.Sprintf("Alesia Person%04d", i)
				m, _, err := st.CreateIntake(ctx, store.Intake{Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: fmt.Sprintf("BK-%04d", i), FullName: name, Gender: cases.GenderUnstated}},
					ProgramID: prog.ID, State: cases.Intake, ActorID: coord.ID})
				if err != nil {
					t.Errorf("intake %d: %v %v", i, err, errs.As(err).Fields)
					continue
				}
				acks <- ack{id: m.ID, name: name, before: !started.Load()}
				if acked.Add(1) == writes/3 {
					once.Do(func() { close(third) })
				}
			}
		}()
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-third:
	case <-finished:
		t.Fatalf("the writers stopped after %d writes", acked.Load())
	}
	started.Store(true)
	file := filepath.Join(work, "homeward.backup")
	code, _, stderr := run(t, nil, "backup", "--data", data, "--to", file, "--recipients", recipients)
	if code != 0 {
		t.Fatalf("backup beside the writers: %d %s", code, stderr)
	}
	wg.Wait()
	close(acks)
	var before []ack
	for a := range acks {
		if a.before {
			before = append(before, a)
		}
	}
	t.Logf("%d of %d writes acknowledged before the backup began", len(before), writes)
	if len(before) < writes/3 {
		t.Fatalf("%d writes acknowledged before the backup, want at least %d", len(before), writes/3)
	}

	// A fresh directory with the key file, backed up apart.
	restored := t.TempDir()
	key, err := os.ReadFile(filepath.Join(data, seal.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(restored, seal.KeyFile), key, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, nil, "restore", "--from", file, "--data", restored, "--identity", identity)
	if code != 0 || !strings.Contains(out, "audit log intact") || !strings.Contains(out, "done") {
		t.Fatalf("restore: %d %s %s", code, out, stderr)
	}
	if code, out, stderr := run(t, nil, "audit", "verify", "--data", restored); code != 0 || !strings.Contains(out, "audit log intact") {
		t.Fatalf("audit verify of the restored copy: %d %s %s", code, out, stderr)
	}

	back, err := store.Open(ctx, store.Options{DataDir: restored, Keyring: ring, NoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(before))
	for i, a := range before {
		ids[i] = a.id
	}
	names, err := back.MenteeNames(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	missing := 0
	for _, a := range before {
		if names[a.id] != a.name {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of the %d intakes acknowledged before the backup are missing from the restored copy", missing, len(before))
	}
	if err := back.Close(); err != nil {
		t.Fatal(err)
	}

	// The restored installation serves, and backs itself up daily.
	sctx, cancel := context.WithCancel(context.Background())
	logs := &lineWatch{re: regexp.MustCompile(`url=(http://\S+)`), found: make(chan string, 1)}
	daily := &lineWatch{re: regexp.MustCompile(`backup written" file=(\S+)`), found: make(chan string, 1)}
	done := make(chan int, 1)
	go func() {
		done <- Run(sctx, []string{"serve", "--addr", "127.0.0.1:0", "--backup-dir", filepath.Join(work, "daily"), "--backup-recipients", recipients},
			[]string{"HOMEWARD_DATA=" + restored}, io.Discard, io.MultiWriter(logs, daily))
	}()
	var url, dailyFile string
	for url == "" || dailyFile == "" {
		select {
		case url = <-logs.found:
		case dailyFile = <-daily.found:
		case code := <-done:
			t.Fatalf("serve on the restored directory exited with %d:\n%s", code, logs.String())
		}
	}
	if name := filepath.Base(dailyFile); !strings.HasPrefix(name, backup.DailyPrefix) || !strings.HasSuffix(name, backup.DailySuffix) {
		t.Errorf("the daily backup is named %s", name)
	}
	again := t.TempDir()
	if err := os.WriteFile(filepath.Join(again, seal.KeyFile), key, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := run(t, nil, "restore", "--from", dailyFile, "--data", again, "--identity", identity); code != 0 || !strings.Contains(out, "done") {
		t.Errorf("restore of the daily backup: %d %s %s", code, out, stderr)
	}
	for _, path := range []string{"/readyz", "/login"} {
		res, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("GET %s on the restored installation: %d", path, res.StatusCode)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve on the restored directory: exit %d\n%s", code, logs.String())
	}
}

func init() { scryptWorkFactor = 10 } // age's default takes a second a backup

// backup and restore with a passphrase, and what they refuse.
func TestBackupAndRestoreWithAPassphrase(t *testing.T) {
	t.Parallel()
	data, work := t.TempDir(), t.TempDir()
	ring, _, err := seal.Load(data, "")
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), store.Options{DataDir: data, Keyring: ring})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	file := filepath.Join(work, "b.age")
	pass := map[string]string{"HOMEWARD_BACKUP_PASSPHRASE": "the passphrase of the backups"}
	if code, _, stderr := run(t, nil, "backup", "--data", data, "--to", file); code != 1 || !strings.Contains(stderr, "never written unencrypted") {
		t.Errorf("backup without recipients or passphrase: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, map[string]string{"HOMEWARD_BACKUP_PASSPHRASE": "short"}, "backup", "--data", data, "--to", file); code != 1 || !strings.Contains(stderr, "at least 16 characters") {
		t.Errorf("backup with a short passphrase: %d %s", code, stderr)
	}
	empty := t.TempDir()
	if code, _, stderr := run(t, pass, "backup", "--data", empty, "--to", file); code != 1 || !strings.Contains(stderr, "no database in") {
		t.Errorf("backup of a directory without a database: %d %s", code, stderr)
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("backup of an empty directory made %v there", entries)
	}
	if code, _, stderr := run(t, pass, "backup", "--data", data, "--to", file); code != 0 || !strings.Contains(stderr, "needs keys") {
		t.Fatalf("backup: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, pass, "backup", "--data", data, "--to", file); code != 1 || !strings.Contains(stderr, "exists") {
		t.Errorf("backup over an existing file: %d %s", code, stderr)
	}
	target := t.TempDir()
	if code, _, stderr := run(t, pass, "restore", "--from", file, "--data", target); code != 1 || !strings.Contains(stderr, "no key file") {
		t.Errorf("restore without a key file: %d %s", code, stderr)
	}
	if entries, _ := os.ReadDir(target); len(entries) != 0 {
		t.Errorf("a restore without a key file made a key file or more: %v", entries)
	}
	if err := os.WriteFile(filepath.Join(target, seal.KeyFile), []byte(ring.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	wrong := map[string]string{"HOMEWARD_BACKUP_PASSPHRASE": "not the passphrase of the backups"}
	if code, _, stderr := run(t, wrong, "restore", "--from", file, "--data", target); code != 1 || !strings.Contains(stderr, "does not open") {
		t.Errorf("restore with a wrong passphrase: %d %s", code, stderr)
	}
	if code, out, stderr := run(t, pass, "restore", "--from", file, "--data", target); code != 0 || !strings.Contains(out, "done") {
		t.Fatalf("restore: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := run(t, pass, "restore", "--from", file, "--data", target); code != 1 || !strings.Contains(stderr, "a database is already there") {
		t.Errorf("a second restore into the same directory: %d %s", code, stderr)
	}
	// serve's daily backup is checked before serve starts.
	if code, _, stderr := run(t, nil, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--backup-dir", filepath.Join(work, "daily")); code != 1 || !strings.Contains(stderr, "--backup-recipients") {
		t.Errorf("serve --backup-dir without recipients: %d %s", code, stderr)
	}
}
