// Package backup writes and restores Homeward's backups.
//
// A backup is one file: an age-encrypted (filippo.io/age) gzip'd tar of two
// entries, manifest.json first and then the database, a consistent SQLite
// copy (homeward.db, made with VACUUM INTO while Homeward runs) or a
// PostgreSQL custom-format dump (homeward.pgdump, pg_dump on a snapshot
// exported with the manifest's facts). It is encrypted to age public keys
// (the recipients) or with a passphrase (age's scrypt), so a stolen backup
// alone opens nothing. The key file is never in it: the data keys inside
// are sealed by the key-encryption keys, which are backed up apart; the
// manifest names the ones a restore needs.
//
// Whoever holds the identity can look inside with the age tool:
// age -d -i identity.txt FILE | tar -tzv.
package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"

	"homeward/internal/store"
)

// Format names this layout in the manifest.
const Format = "homeward-backup/1"

// ManifestEntry is the name of the manifest inside the archive.
const ManifestEntry = "manifest.json"

// Manifest describes the database a backup holds.
type Manifest struct {
	Format        string    `json:"format"`
	Engine        string    `json:"engine"` // sqlite or postgres
	SchemaVersion int       `json:"schema_version"`
	AuditHead     string    `json:"audit_head"` // SEQ:HASH, as homeward audit head prints it
	KeyIDs        []string  `json:"key_ids"`    // key-encryption keys a restore's key file must hold
	CreatedAt     time.Time `json:"created_at"`
	Homeward      string    `json:"homeward_version"`
	File          string    `json:"file"` // the database's entry in the archive
	Size          int64     `json:"size"`
	SHA256        string    `json:"sha256"`
}

// Recipients reads age public keys (age1…), one a line; blank lines and
// lines starting with # are skipped.
func Recipients(path string) ([]age.Recipient, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("recipients: %w", err)
	}
	defer f.Close()
	rs, err := age.ParseRecipients(f)
	if err != nil {
		return nil, fmt.Errorf("recipients %s: %w", path, err)
	}
	return rs, nil
}

// Identities reads age identities (AGE-SECRET-KEY-1…), one a line, the
// private halves of the recipients.
func Identities(path string) ([]age.Identity, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	defer f.Close()
	ids, err := age.ParseIdentities(f)
	if err != nil {
		return nil, fmt.Errorf("identity %s: %w", path, err)
	}
	return ids, nil
}

// MinPassphrase is the shortest passphrase accepted for a backup.
const MinPassphrase = 16

// PassphraseRecipient encrypts with a passphrase (scrypt). workFactor 0
// takes age's default (about a second); tests pass a small one.
func PassphraseRecipient(passphrase string, workFactor int) (age.Recipient, error) {
	if len([]rune(passphrase)) < MinPassphrase {
		return nil, fmt.Errorf("the backup passphrase must be at least %d characters", MinPassphrase)
	}
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return nil, err
	}
	if workFactor > 0 {
		r.SetWorkFactor(workFactor)
	}
	return r, nil
}

// PassphraseIdentity decrypts a backup encrypted with a passphrase.
func PassphraseIdentity(passphrase string) (age.Identity, error) {
	return age.NewScryptIdentity(passphrase)
}

// Options say how a backup is written.
type Options struct {
	// To are the recipients (or the one passphrase recipient).
	To []age.Recipient
	// TempDir holds the plain copy of the database while it is packed, in a
	// private directory removed afterwards: the data directory on SQLite
	// (where the database already is); "" is the system's.
	TempDir string
	// DatabaseURL is the PostgreSQL URL, for pg_dump.
	DatabaseURL string
	// Version is Homeward's version, for the manifest.
	Version string
}

// Write writes a backup of st to w and returns its manifest.
func Write(ctx context.Context, st *store.Store, w io.Writer, o Options) (Manifest, error) {
	if len(o.To) == 0 {
		return Manifest{}, errors.New("no recipients and no passphrase: a backup is never written unencrypted")
	}
	sweep(o.TempDir, ".backup-")
	tmp, err := os.MkdirTemp(o.TempDir, ".backup-")
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: scratch directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	var m Manifest
	switch st.Engine() {
	case store.SQLite:
		m, err = snapshotSQLite(ctx, st, tmp)
	default:
		m, err = dumpPostgres(ctx, st, o.DatabaseURL, tmp)
	}
	if err != nil {
		return Manifest{}, err
	}
	m.Format, m.Engine, m.Homeward = Format, string(st.Engine()), o.Version
	m.CreatedAt = time.Now().UTC().Truncate(time.Second)
	if err := pack(w, m, filepath.Join(tmp, m.File), o.To); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

func snapshotSQLite(ctx context.Context, st *store.Store, tmp string) (Manifest, error) {
	m := Manifest{File: store.SQLiteFile}
	path := filepath.Join(tmp, m.File)
	if err := st.SnapshotSQLite(ctx, path); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	// The facts come from the copy itself, so they agree with it.
	snap, err := store.Open(ctx, store.Options{DataDir: tmp, NoMigrate: true, Shared: true})
	if err != nil {
		return m, fmt.Errorf("backup: open the copy: %w", err)
	}
	f, err := snap.BackupFacts(ctx)
	if cerr := snap.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return m, fmt.Errorf("backup: read the copy: %w", err)
	}
	setFacts(&m, f)
	return m, hashFile(&m, path)
}

func setFacts(m *Manifest, f store.BackupFacts) {
	m.SchemaVersion, m.AuditHead, m.KeyIDs = f.SchemaVersion, f.AuditHead.String(), f.KeyIDs
}

func hashFile(m *Manifest, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("backup: read the copy: %w", err)
	}
	m.Size, m.SHA256 = n, hex.EncodeToString(h.Sum(nil))
	return nil
}

// pack writes age(gzip(tar(manifest, database))) to w.
func pack(w io.Writer, m Manifest, dbPath string, to []age.Recipient) error {
	enc, err := age.Encrypt(w, to...)
	if err != nil {
		return fmt.Errorf("backup: encrypt: %w", err)
	}
	gz := gzip.NewWriter(enc)
	tw := tar.NewWriter(gz)
	man, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	man = append(man, '\n')
	hdr := &tar.Header{Name: ManifestEntry, Mode: 0o600, Size: int64(len(man)), ModTime: m.CreatedAt, Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("backup: write: %w", err)
	}
	if _, err := tw.Write(man); err != nil {
		return fmt.Errorf("backup: write: %w", err)
	}
	f, err := os.Open(dbPath)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	hdr = &tar.Header{Name: m.File, Mode: 0o600, Size: m.Size, ModTime: m.CreatedAt, Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("backup: write: %w", err)
	}
	if n, err := io.Copy(tw, f); err != nil || n != m.Size {
		return fmt.Errorf("backup: write the database (%d of %d bytes): %v", n, m.Size, err)
	}
	for _, c := range []io.Closer{tw, gz, enc} {
		if err := c.Close(); err != nil {
			return fmt.Errorf("backup: write: %w", err)
		}
	}
	return nil
}

// WriteFile writes a backup to path through a temporary file beside it,
// renamed into place when complete, so that a failure never leaves a
// half-written backup under that name. An existing path is refused unless
// replace.
func WriteFile(ctx context.Context, st *store.Store, path string, replace bool, o Options) (Manifest, error) {
	if _, err := os.Lstat(path); err == nil && !replace {
		return Manifest{}, fmt.Errorf("%s exists: choose another name (a backup is never overwritten)", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".partial-")
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	m, err := Write(ctx, st, f, o)
	if err != nil {
		return Manifest{}, err
	}
	if err := f.Sync(); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	if !replace {
		// Link refuses an existing name, where rename would replace it.
		if err := os.Link(tmp, path); err != nil {
			return Manifest{}, fmt.Errorf("backup: %w", err)
		}
		os.Remove(tmp)
	} else if err := os.Rename(tmp, path); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	ok = true
	syncDir(filepath.Dir(path))
	return m, nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// DailyPrefix and DailySuffix frame the names of the daily backups:
// homeward-2026-12-06.tar.gz.age.
const (
	DailyPrefix = "homeward-"
	DailySuffix = ".tar.gz.age"
)

// DailyName is the name of the daily backup of day t (UTC).
func DailyName(t time.Time) string {
	return DailyPrefix + t.UTC().Format("2006-01-02") + DailySuffix
}

// stale is how old a scratch directory or a partial file must be to be
// left over from a backup that died: a backup job times out long before.
const stale = 24 * time.Hour

// sweep removes what a backup that died left in dir: entries whose names
// start with prefix, older than stale. The system's temporary directory
// ("") is shared with other programs and left to the system.
func sweep(dir, prefix string) {
	if dir == "" {
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > stale {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// Prune removes the daily backups in dir beyond the newest keep and returns
// the names it removed, and the partial files of backups that died. Other
// files are left alone.
func Prune(dir string, keep int) ([]string, error) {
	sweep(dir, "."+DailyPrefix)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("backup directory: %w", err)
	}
	var daily []string
	for _, e := range entries {
		n := e.Name()
		day := strings.TrimSuffix(strings.TrimPrefix(n, DailyPrefix), DailySuffix)
		if e.Type().IsRegular() && strings.HasPrefix(n, DailyPrefix) && strings.HasSuffix(n, DailySuffix) {
			if _, err := time.Parse("2006-01-02", day); err == nil {
				daily = append(daily, n)
			}
		}
	}
	// ReadDir sorts by name, and the names sort by day.
	var removed []string
	for len(daily) > keep {
		if err := os.Remove(filepath.Join(dir, daily[0])); err != nil {
			return removed, fmt.Errorf("remove an old backup: %w", err)
		}
		removed = append(removed, daily[0])
		daily = daily[1:]
	}
	return removed, nil
}
