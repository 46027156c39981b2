package backup_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
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
	"homeward/internal/testdb"
	"homeward/internal/testsupport"
)

func TestMain(m *testing.M) { os.Exit(testsupport.Main(m)) }

// marker is a program name, kept in plain text in the database: a backup's
// bytes must not show it.
const marker = "Programme Kestrel-7731"

// installation is a data directory with a little of everything sealed.
type installation struct {
	dir  string
	url  string
	ring *seal.Keyring
	st   *store.Store
}

func newInstallation(t *testing.T, opts store.Options) *installation {
	t.Helper()
	in := &installation{dir: opts.DataDir, url: opts.DatabaseURL}
	if in.dir == "" {
		in.dir = t.TempDir()
	}
	if opts.DatabaseURL == "" {
		opts.DataDir = in.dir
	}
	var err error
	if in.ring, _, err = seal.Load(in.dir, ""); err != nil {
		t.Fatal(err)
	}
	opts.Keyring = in.ring
	in.st = testsupport.OpenStore(t, opts)
	ctx := audit.WithActor(context.Background(), audit.Actor{Who: "test"})
	p := program.New()
	p.Name, p.MentorChecks = marker, nil
	prog, err := in.st.CreateProgram(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	coord := testsupport.User(t, in.st, "coord@example.org", auth.Coordinator, prog.ID)
	for _, code := range []string{"KS-1", "KS-2", "KS-3"} {
		if _, _, err := in.st.CreateIntake(ctx, store.Intake{Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: code, FullName: "Zdenka " + code, Gender: cases.Female}},
			ProgramID: prog.ID, State: cases.Intake, ActorID: coord.ID}); err != nil {
			t.Fatal(err)
		}
	}
	return in
}

func x25519(t *testing.T) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (in *installation) backup(t *testing.T, to ...age.Recipient) []byte {
	t.Helper()
	var buf bytes.Buffer
	o := backup.Options{To: to, Version: "test", DatabaseURL: in.url}
	if in.st.Engine() == store.SQLite {
		o.TempDir = in.dir
	}
	if _, err := backup.Write(context.Background(), in.st, &buf, o); err != nil {
		t.Fatalf("backup: %v", err)
	}
	return buf.Bytes()
}

// A backup opens only with its identity or passphrase, and its bytes show
// nothing of the database: no SQLite header, no name, not even the layout.
func TestABackupIsUnreadableWithoutItsKey(t *testing.T) {
	t.Parallel()
	in := newInstallation(t, store.Options{})
	ctx := context.Background()
	ops, stranger := x25519(t), x25519(t)
	pass, err := backup.PassphraseRecipient("a long passphrase for the backups", 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := backup.PassphraseRecipient("too short", 10); err == nil {
		t.Error("a 9-character passphrase was accepted")
	}
	// A scratch copy left by a backup that died yesterday is swept away.
	left := filepath.Join(in.dir, ".backup-died")
	if err := os.Mkdir(left, 0o700); err != nil {
		t.Fatal(err)
	}
	yesterday := time.Now().Add(-25 * time.Hour)
	if err := os.Chtimes(left, yesterday, yesterday); err != nil {
		t.Fatal(err)
	}
	byKey, byPass := in.backup(t, ops.Recipient()), in.backup(t, pass)
	for _, name := range entries(t, in.dir) {
		if strings.HasPrefix(name, ".backup-") {
			t.Errorf("the data directory holds %s after the backups", name)
		}
	}
	for name, b := range map[string][]byte{"identity": byKey, "passphrase": byPass} {
		for _, plain := range []string{"SQLite format 3", marker, "Zdenka", backup.ManifestEntry, backup.Format, store.SQLiteFile} {
			if bytes.Contains(b, []byte(plain)) {
				t.Errorf("the backup for a %s shows %q in its bytes", name, plain)
			}
		}
	}
	wrongPass, _ := backup.PassphraseIdentity("a wrong passphrase for the backups")
	rightPass, _ := backup.PassphraseIdentity("a long passphrase for the backups")
	for _, c := range []struct {
		name string
		file []byte
		ids  []age.Identity
	}{
		{"another identity", byKey, []age.Identity{stranger}},
		{"a passphrase, for a backup to a key", byKey, []age.Identity{rightPass}},
		{"a wrong passphrase", byPass, []age.Identity{wrongPass}},
		{"an identity, for a backup with a passphrase", byPass, []age.Identity{ops}},
	} {
		if _, err := backup.ReadManifest(bytes.NewReader(c.file), c.ids); !errors.Is(err, backup.ErrNotOpened) {
			t.Errorf("%s: %v, want %v", c.name, err, backup.ErrNotOpened)
		}
	}
	head, err := in.st.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, open := range map[string]struct {
		file []byte
		id   age.Identity
	}{"identity": {byKey, ops}, "passphrase": {byPass, rightPass}} {
		m, err := backup.ReadManifest(bytes.NewReader(open.file), []age.Identity{open.id})
		if err != nil {
			t.Fatalf("open with the %s: %v", name, err)
		}
		if m.Engine != "sqlite" || m.AuditHead != head.String() || !slices.Equal(m.KeyIDs, []string{"1"}) || m.SchemaVersion == 0 || m.File != store.SQLiteFile {
			t.Errorf("manifest %+v, want sqlite at head %s needing key 1", m, head)
		}
	}
	// Opened, the same file holds the database with the marker: the checks
	// above looked for what is really inside.
	dec, err := age.Decrypt(bytes.NewReader(byKey), ops)
	if err != nil {
		t.Fatal(err)
	}
	gz, err := gzip.NewReader(dec)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var names []string
	var db []byte
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Name == store.SQLiteFile {
			db, _ = io.ReadAll(tr)
		}
	}
	if !slices.Equal(names, []string{backup.ManifestEntry, store.SQLiteFile}) || !bytes.HasPrefix(db, []byte("SQLite format 3")) || !bytes.Contains(db, []byte(marker)) {
		t.Errorf("inside the backup: %v, a database of %d bytes", names, len(db))
	}
	if bytes.Contains(db, []byte("Zdenka")) {
		t.Error("a mentee's name is in the database in plain text")
	}
}

// entries lists a directory.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list {
		out = append(out, e.Name())
	}
	return out
}

// withKey makes a directory holding only the key file text.
func withKey(t *testing.T, text string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, seal.KeyFile), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func load(t *testing.T, dir string) *seal.Keyring {
	t.Helper()
	k, _, err := seal.Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// A restore goes only into a directory without a database, and a restore
// that fails its checks (a foreign key file, a key missing, a damaged
// file) leaves the directory as it found it.
func TestRestoreRefusesADatabaseAndLeavesNothingWhenItFails(t *testing.T) {
	t.Parallel()
	in := newInstallation(t, store.Options{})
	ctx := context.Background()
	ops := x25519(t)
	file := in.backup(t, ops.Recipient())
	ids := []age.Identity{ops}
	keyText := in.ring.String()

	// A directory with a database is refused, and its database is untouched.
	busy := withKey(t, keyText)
	if err := os.WriteFile(filepath.Join(busy, store.SQLiteFile), []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.RestoreSQLite(ctx, bytes.NewReader(file), ids, load(t, busy), busy); !errors.Is(err, backup.ErrHasDatabase) {
		t.Errorf("restore over a database: %v, want %v", err, backup.ErrHasDatabase)
	}
	if b, _ := os.ReadFile(filepath.Join(busy, store.SQLiteFile)); string(b) != "precious" {
		t.Error("the database in the way was changed")
	}

	damaged := slices.Clone(file)
	damaged[len(damaged)/2] ^= 0x40
	foreign := withKey(t, "")
	os.Remove(filepath.Join(foreign, seal.KeyFile))
	foreignRing := load(t, foreign) // a new key with the same id, 1
	lacking := withKey(t, "hwk1:2:"+strings.Repeat("A", 43)+"=\n")
	for _, c := range []struct {
		name string
		file []byte
		dir  string
		want error
	}{
		{"a foreign key file", file, foreign, store.ErrForeignKeyring},
		{"a key file without key 1", file, lacking, store.ErrForeignKeyring},
		{"a damaged backup", damaged, withKey(t, keyText), nil},
	} {
		before := entries(t, c.dir)
		ring := foreignRing
		if c.dir != foreign {
			ring = load(t, c.dir)
		}
		_, err := backup.RestoreSQLite(ctx, bytes.NewReader(c.file), ids, ring, c.dir)
		t.Logf("%s: %v", c.name, err)
		if err == nil || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		if after := entries(t, c.dir); !slices.Equal(after, before) {
			t.Errorf("%s: the directory held %v and holds %v after the failed restore", c.name, before, after)
		}
	}

	// The right key file restores it, checked.
	good := withKey(t, keyText)
	r, err := backup.RestoreSQLite(ctx, bytes.NewReader(file), ids, load(t, good), good)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := in.st.AuditHead(ctx)
	keys, err := in.st.OpenDataKeys(ctx)
	if err != nil || keys < 3 {
		t.Fatalf("the installation's data keys: %d %v", keys, err)
	}
	if r.DataKeys != keys || r.AuditEntries != head.Seq {
		t.Errorf("restored: %d data keys opened, %d audit entries; want %d and %d", r.DataKeys, r.AuditEntries, keys, head.Seq)
	}
	if got := entries(t, good); !slices.Equal(got, []string{store.SQLiteFile, seal.KeyFile}) {
		t.Errorf("after the restore the directory holds %v", got)
	}
	// And a second restore into it is refused.
	if _, err := backup.RestoreSQLite(ctx, bytes.NewReader(file), ids, load(t, good), good); !errors.Is(err, backup.ErrHasDatabase) {
		t.Errorf("a second restore: %v", err)
	}
}

// Pruning keeps the newest daily backups and leaves every other file.
func TestPruneKeepsTheNewestDailyBackups(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range 5 {
		if err := os.WriteFile(filepath.Join(dir, backup.DailyName(day.AddDate(0, 0, i))), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, other := range []string{"notes.txt", "homeward-before-upgrade.tar.gz.age", ".homeward-2026-10-31.tar.gz.age.partial-1", ".homeward-2026-11-06.tar.gz.age.partial-2"} {
		if err := os.WriteFile(filepath.Join(dir, other), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A partial file from a backup that died two days ago; the other one
	// may be a backup being written now.
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(filepath.Join(dir, ".homeward-2026-10-31.tar.gz.age.partial-1"), old, old); err != nil {
		t.Fatal(err)
	}
	removed, err := backup.Prune(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"homeward-2026-11-01.tar.gz.age", "homeward-2026-11-02.tar.gz.age", "homeward-2026-11-03.tar.gz.age"}
	if !slices.Equal(removed, want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	if got := entries(t, dir); !slices.Equal(got, []string{".homeward-2026-11-06.tar.gz.age.partial-2", "homeward-2026-11-04.tar.gz.age", "homeward-2026-11-05.tar.gz.age", "homeward-before-upgrade.tar.gz.age", "notes.txt"}) {
		t.Errorf("left %v", got)
	}
}

// On PostgreSQL a backup (pg_dump on an exported snapshot) restores into an
// empty database with pg_restore, checked; a database that holds tables is
// refused; a restore that fails its checks leaves the database empty.
func TestPostgresBackupRestoresIntoAnEmptyDatabase(t *testing.T) {
	t.Parallel()
	in := newInstallation(t, store.Options{DatabaseURL: testdb.Postgres(t)})
	ctx := context.Background()
	ops := x25519(t)
	file := in.backup(t, ops.Recipient())
	ids := []age.Identity{ops}
	for _, plain := range []string{"PGDMP", marker} {
		if bytes.Contains(file, []byte(plain)) {
			t.Errorf("the backup shows %q in its bytes", plain)
		}
	}

	// A foreign key file: the checks fail after pg_restore, and what it
	// made is dropped again.
	failed := testdb.Postgres(t)
	foreign := load(t, t.TempDir())
	if _, err := backup.RestorePostgres(ctx, bytes.NewReader(file), ids, foreign, failed, t.TempDir()); !errors.Is(err, store.ErrForeignKeyring) {
		t.Fatalf("restore with a foreign key file: %v", err)
	}
	st, err := store.Open(ctx, store.Options{DatabaseURL: failed, NoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	if empty, err := st.Empty(ctx); err != nil || !empty {
		t.Errorf("after a failed restore the database is empty: %v (%v)", empty, err)
	}
	st.Close()

	target := testdb.Postgres(t)
	r, err := backup.RestorePostgres(ctx, bytes.NewReader(file), ids, in.ring, target, t.TempDir())
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	head, _ := in.st.AuditHead(ctx)
	keys, _ := in.st.OpenDataKeys(ctx)
	if r.Manifest.Engine != "postgres" || r.AuditEntries != head.Seq || r.DataKeys != keys || keys < 3 {
		t.Errorf("restored %+v, want %d audit entries and %d data keys", r, head.Seq, keys)
	}
	back := testsupport.OpenStore(t, store.Options{DatabaseURL: target, Keyring: in.ring, AuditKey: in.ring.AuditKey()})
	if got, err := back.VerifyAudit(ctx, head); err != nil || got != head {
		t.Errorf("the restored audit log: %v %v, want %v", got, err, head)
	}
	if _, err := backup.RestorePostgres(ctx, bytes.NewReader(file), ids, in.ring, target, t.TempDir()); !errors.Is(err, backup.ErrHasDatabase) {
		t.Errorf("a restore into a database with tables: %v", err)
	}
}

// Without pg_dump or pg_restore on PATH, PostgreSQL backups and restores
// say so, and write nothing.
func TestPostgresWithoutItsToolsSaysSo(t *testing.T) {
	// Not parallel: it empties PATH.
	url := testdb.Postgres(t)
	st := testsupport.OpenStore(t, store.Options{DatabaseURL: url})
	ops := x25519(t)
	t.Setenv("PATH", t.TempDir())
	var out bytes.Buffer
	if _, err := backup.Write(context.Background(), st, &out, backup.Options{To: []age.Recipient{ops.Recipient()}, DatabaseURL: url}); !errors.Is(err, backup.ErrNoPgDump) || out.Len() != 0 {
		t.Errorf("backup without pg_dump: %v, %d bytes written", err, out.Len())
	}
	if _, err := backup.RestorePostgres(context.Background(), bytes.NewReader(nil), []age.Identity{ops}, load(t, t.TempDir()), url, ""); !errors.Is(err, backup.ErrNoPgRestore) {
		t.Errorf("restore without pg_restore: %v", err)
	}
}
