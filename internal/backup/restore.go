package backup

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"filippo.io/age"

	"homeward/internal/audit"
	"homeward/internal/seal"
	"homeward/internal/store"
)

// ErrHasDatabase is returned when the restore's target (a data directory,
// a PostgreSQL database) already holds a database: a restore never
// replaces one.
var ErrHasDatabase = errors.New("a database is already there")

// ErrNotOpened is returned when no identity or passphrase opens a backup.
var ErrNotOpened = errors.New("this backup does not open with the identity or passphrase given")

// Restored tells what a restore checked.
type Restored struct {
	Manifest     Manifest
	AuditEntries int64 // the audit chain verified, up to the manifest's head
	DataKeys     int   // live data keys the keyring opened
}

// reader reads a backup: its manifest, then its database entry.
type reader struct {
	gz *gzip.Reader
	tr *tar.Reader
	m  Manifest
}

func open(r io.Reader, ids []age.Identity) (*reader, error) {
	if len(ids) == 0 {
		return nil, errors.New("no identity and no passphrase to open the backup with")
	}
	dec, err := age.Decrypt(r, ids...)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			return nil, ErrNotOpened
		}
		return nil, fmt.Errorf("not a Homeward backup, or damaged: %w", err)
	}
	gz, err := gzip.NewReader(dec)
	if err != nil {
		return nil, fmt.Errorf("the backup is damaged: %w", err)
	}
	rd := &reader{gz: gz, tr: tar.NewReader(gz)}
	hdr, err := rd.tr.Next()
	if err != nil || hdr.Name != ManifestEntry || hdr.Size > 1<<20 {
		return nil, errors.New("the backup holds no manifest first: not a Homeward backup")
	}
	if err := json.NewDecoder(io.LimitReader(rd.tr, hdr.Size)).Decode(&rd.m); err != nil {
		return nil, fmt.Errorf("the backup's manifest: %w", err)
	}
	if rd.m.Format != Format {
		return nil, fmt.Errorf("the backup's format is %q; this homeward reads %q", rd.m.Format, Format)
	}
	if _, err := audit.ParseHead(rd.m.AuditHead); err != nil {
		return nil, fmt.Errorf("the backup's manifest: audit head: %w", err)
	}
	return rd, nil
}

// database copies the database entry to w, checking its size and hash, and
// reads the archive to its end (so that a cut or altered tail is found).
func (rd *reader) database(w io.Writer) error {
	hdr, err := rd.tr.Next()
	if err != nil || hdr.Name != rd.m.File {
		return fmt.Errorf("the backup holds no %s after its manifest", rd.m.File)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), rd.tr)
	if err != nil {
		return fmt.Errorf("the backup is damaged: %w", err)
	}
	if n != rd.m.Size || hex.EncodeToString(h.Sum(nil)) != rd.m.SHA256 {
		return errors.New("the database in the backup does not match its manifest (size or SHA-256)")
	}
	if _, err := rd.tr.Next(); err != io.EOF {
		return errors.New("the backup holds more than its manifest and database")
	}
	if _, err := io.Copy(io.Discard, rd.gz); err != nil {
		return fmt.Errorf("the backup is damaged: %w", err)
	}
	return nil
}

// ReadManifest opens a backup and returns its manifest.
func ReadManifest(r io.Reader, ids []age.Identity) (Manifest, error) {
	rd, err := open(r, ids)
	if err != nil {
		return Manifest{}, err
	}
	return rd.m, nil
}

// RestoreSQLite restores a SQLite backup into dataDir, which must hold no
// database yet, with the keyring that is to open it (the key file put in
// dataDir first, or HOMEWARD_KEY). The database is written to a private
// directory inside dataDir and checked there: the manifest, the schema
// version, the audit chain up to the manifest's head, and that the keyring
// holds the keys the manifest names and opens every live data key. Only
// then is it put in place, under a name a concurrent start cannot have
// taken (a link never replaces a file). On any failure nothing is left.
func RestoreSQLite(ctx context.Context, r io.Reader, ids []age.Identity, ring *seal.Keyring, dataDir string) (Restored, error) {
	var out Restored
	final := filepath.Join(dataDir, store.SQLiteFile)
	for _, f := range []string{final, final + "-wal"} {
		if _, err := os.Lstat(f); err == nil {
			return out, fmt.Errorf("%w: %s (restore into a new, empty data directory)", ErrHasDatabase, f)
		}
	}
	if ring == nil {
		return out, errors.New("no keyring: put the key file in the data directory first, or set " + seal.EnvKey)
	}
	rd, err := open(r, ids)
	if err != nil {
		return out, err
	}
	out.Manifest = rd.m
	if rd.m.Engine != string(store.SQLite) {
		return out, fmt.Errorf("this is a backup of a %s database: restore it into PostgreSQL with pg_restore (see the README)", rd.m.Engine)
	}
	if err := haveKeys(rd.m, ring); err != nil {
		return out, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return out, fmt.Errorf("create data directory: %w", err)
	}
	sweep(dataDir, ".restore-")
	tmp, err := os.MkdirTemp(dataDir, ".restore-")
	if err != nil {
		return out, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, store.SQLiteFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return out, fmt.Errorf("restore: %w", err)
	}
	err = rd.database(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return out, err
	}
	if out.AuditEntries, out.DataKeys, err = check(ctx, store.Options{DataDir: tmp, Keyring: ring, AuditKey: ring.AuditKey()}, rd.m); err != nil {
		return out, err
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		return out, errors.New("restore: the checked copy kept a write-ahead log; nothing was restored")
	}
	if err := os.Link(path, final); err != nil {
		if errors.Is(err, os.ErrExist) {
			return out, fmt.Errorf("%w: %s appeared while restoring (is a homeward running on this directory?)", ErrHasDatabase, final)
		}
		return out, fmt.Errorf("restore: %w", err)
	}
	syncDir(dataDir)
	return out, nil
}

// haveKeys checks that the keyring holds every key the manifest names.
func haveKeys(m Manifest, ring *seal.Keyring) error {
	var missing []string
	have := ring.IDs()
	for _, id := range m.KeyIDs {
		if !slices.Contains(have, id) {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: the backup's data keys are sealed by keys %v, which the key file (or %s) lacks: use the key file of the backup's time, or add the retired keys saved by keys retire",
			store.ErrForeignKeyring, missing, seal.EnvKey)
	}
	return nil
}

// check opens the restored copy with the keyring (in opts) and checks it
// against the manifest.
func check(ctx context.Context, opts store.Options, m Manifest) (entries int64, keys int, err error) {
	opts.NoMigrate = true
	st, err := store.Open(ctx, opts)
	if err != nil {
		return 0, 0, fmt.Errorf("restore: open the copy: %w", err)
	}
	defer func() {
		if cerr := st.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("restore: close the copy: %w", cerr)
		}
	}()
	cur, _, err := st.SchemaVersion(ctx)
	if err != nil {
		return 0, 0, err
	}
	if cur != m.SchemaVersion {
		return 0, 0, fmt.Errorf("the database is at schema version %d, its manifest says %d", cur, m.SchemaVersion)
	}
	kept, _ := audit.ParseHead(m.AuditHead)
	head, err := st.VerifyAudit(ctx, kept)
	if err != nil {
		return 0, 0, fmt.Errorf("the audit log of the backup does not verify: %w", err)
	}
	// An empty log has no entry to hash: the manifest then holds the genesis.
	if head.Seq != kept.Seq || (head.Seq > 0 && head.Hash != kept.Hash) {
		return 0, 0, fmt.Errorf("the audit log ends at %s, its manifest at %s", head, kept)
	}
	n, err := st.OpenDataKeys(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("the key file does not open the backup's data keys: %w", err)
	}
	return head.Seq, n, nil
}

// ErrNoPgRestore is returned when pg_restore is not on PATH.
var ErrNoPgRestore = errors.New("pg_restore is not installed (not on PATH): install the PostgreSQL client tools of your server's major version, or restore with pg_restore yourself (see the README)")

// RestorePostgres restores a PostgreSQL backup into the empty database at
// databaseURL with pg_restore, in one transaction, then checks it as
// RestoreSQLite does. The dump is written to a private directory in tempDir
// ("" is the system's) and removed afterwards. If the restored database
// fails its checks, everything the restore made is dropped again, so the
// database is left empty as it was found.
func RestorePostgres(ctx context.Context, r io.Reader, ids []age.Identity, ring *seal.Keyring, databaseURL, tempDir string) (Restored, error) {
	var out Restored
	if ring == nil {
		return out, errors.New("no keyring: put the key file in the data directory first, or set " + seal.EnvKey)
	}
	bin, err := exec.LookPath("pg_restore")
	if err != nil {
		return out, ErrNoPgRestore
	}
	dbname, env, err := pgConnection(databaseURL)
	if err != nil {
		return out, err
	}
	st, err := store.Open(ctx, store.Options{DatabaseURL: databaseURL, NoMigrate: true})
	if err != nil {
		return out, err
	}
	defer st.Close()
	if empty, err := st.Empty(ctx); err != nil {
		return out, err
	} else if !empty {
		return out, fmt.Errorf("%w: the database holds tables; restore into a new, empty database (createdb)", ErrHasDatabase)
	}
	rd, err := open(r, ids)
	if err != nil {
		return out, err
	}
	out.Manifest = rd.m
	if rd.m.Engine != string(store.Postgres) {
		return out, fmt.Errorf("this is a backup of a %s database: restore it with --data, without --database", rd.m.Engine)
	}
	if err := haveKeys(rd.m, ring); err != nil {
		return out, err
	}
	sweep(tempDir, ".restore-")
	tmp, err := os.MkdirTemp(tempDir, ".restore-")
	if err != nil {
		return out, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, rd.m.File)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return out, fmt.Errorf("restore: %w", err)
	}
	err = rd.database(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return out, err
	}
	cmd := exec.CommandContext(ctx, bin, "--single-transaction", "--exit-on-error", "--no-owner", "--no-acl", "--no-password",
		"--dbname="+dbname, path)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		// One transaction: nothing of it stayed.
		return out, fmt.Errorf("pg_restore: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	if out.AuditEntries, out.DataKeys, err = check(ctx, store.Options{DatabaseURL: databaseURL, Keyring: ring, AuditKey: ring.AuditKey()}, rd.m); err != nil {
		if cerr := st.ClearRestore(context.WithoutCancel(ctx)); cerr != nil {
			return out, fmt.Errorf("%w; and dropping what was restored failed too (drop the database by hand): %v", err, cerr)
		}
		return out, err
	}
	return out, nil
}
