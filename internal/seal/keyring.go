package seal

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// KeyFile is the name of the key file in the data directory.
const KeyFile = "homeward.key"

// EnvKey is the environment variable that can hold the keyring instead of the key file.
const EnvKey = "HOMEWARD_KEY"

// Keyring holds the key-encryption keys: the current one seals new data
// keys; older ones still open data keys not yet rotated. Text form, one key
// a line, the last line current:
//
//	hwk1:<id>:<base64 of 32 bytes>
//
// Beside them it holds the audit key, which keys the audit log's hash chain
// (internal/audit), at most one line, kept as it is through rotations:
//
//	hwa1:<id>:<base64 of 32 bytes>
type Keyring struct {
	mu         sync.RWMutex
	keys       map[string][]byte
	current    string
	auditID    string
	audit      []byte
	auditAdded bool        // Load added the audit key to the key file just now
	path       string      // the key file, "" when the keyring came from the environment
	fileInfo   os.FileInfo // of the key file when read, to notice another process's rotation
}

var (
	keyLine      = regexp.MustCompile(`^hwk1:([a-z0-9]{1,32}):([A-Za-z0-9+/=]+)$`)
	auditKeyLine = regexp.MustCompile(`^hwa1:([a-z0-9]{1,32}):([A-Za-z0-9+/=]+)$`)
)

// ParseKeyring reads the text form.
func ParseKeyring(text string) (*Keyring, error) {
	k := &Keyring{keys: map[string][]byte{}}
	for i, line := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' }) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if m := auditKeyLine.FindStringSubmatch(line); m != nil {
			key, err := base64.StdEncoding.DecodeString(m[2])
			if err != nil || len(key) != KeySize {
				return nil, fmt.Errorf("keyring entry %d (audit key %s) does not hold a %d-byte key", i+1, m[1], KeySize)
			}
			if k.audit != nil {
				return nil, errors.New("keyring holds two audit keys (hwa1 lines); keep the one the audit log is keyed with")
			}
			k.auditID, k.audit = m[1], key
			continue
		}
		m := keyLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("keyring entry %d is not of the form hwk1:<id>:<base64 key> (or hwa1:<id>:<base64 key> for the audit key)", i+1)
		}
		key, err := base64.StdEncoding.DecodeString(m[2])
		if err != nil || len(key) != KeySize {
			return nil, fmt.Errorf("keyring entry %d (key %s) does not hold a %d-byte key", i+1, m[1], KeySize)
		}
		if _, dup := k.keys[m[1]]; dup {
			return nil, fmt.Errorf("keyring holds key %s twice", m[1])
		}
		k.keys[m[1]] = key
		k.current = m[1]
	}
	if k.current == "" {
		return nil, errors.New("the keyring holds no key")
	}
	return k, nil
}

// String is the text form of the keyring, current key last.
func (k *Keyring) String() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.textLocked()
}

func (k *Keyring) textLocked() string {
	var b strings.Builder
	if k.audit != nil {
		fmt.Fprintf(&b, "hwa1:%s:%s\n", k.auditID, base64.StdEncoding.EncodeToString(k.audit))
	}
	for id, key := range k.keys {
		if id != k.current {
			fmt.Fprintf(&b, "hwk1:%s:%s\n", id, base64.StdEncoding.EncodeToString(key))
		}
	}
	fmt.Fprintf(&b, "hwk1:%s:%s\n", k.current, base64.StdEncoding.EncodeToString(k.keys[k.current]))
	return b.String()
}

// Load returns the keyring from env (HOMEWARD_KEY's value) when it is set,
// else from the key file in dataDir, creating the file with a new key when
// there is none. created tells the caller to warn loudly that the file must
// be backed up apart from the database: without it, sealed data is lost.
func Load(dataDir, env string) (k *Keyring, created bool, err error) {
	if strings.TrimSpace(env) != "" {
		k, err := ParseKeyring(env)
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", EnvKey, err)
		}
		return k, false, nil
	}
	path := filepath.Join(dataDir, KeyFile)
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, false, fmt.Errorf("create data directory: %w", err)
		}
		k = &Keyring{keys: map[string][]byte{"1": NewKey()}, current: "1", auditID: "1", audit: NewKey(), auditAdded: true, path: path}
		// O_EXCL: two processes starting at once never write two different keys.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			return Load(dataDir, env)
		}
		if err != nil {
			return nil, false, fmt.Errorf("create key file: %w", err)
		}
		if _, err := f.WriteString(k.String()); err != nil {
			f.Close()
			return nil, false, fmt.Errorf("write key file: %w", err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, false, fmt.Errorf("sync key file: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, false, fmt.Errorf("close key file: %w", err)
		}
		k.fileInfo, _ = os.Stat(path)
		return k, true, nil
	case err != nil:
		return nil, false, fmt.Errorf("read key file: %w", err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("key file %s is readable by others (mode %v); run: chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	k, err = ParseKeyring(string(bytes.TrimSpace(b)))
	if err != nil {
		return nil, false, fmt.Errorf("key file %s: %w", path, err)
	}
	k.path = path
	k.fileInfo, _ = os.Stat(path)
	if k.audit == nil {
		if err := k.addAuditKey(); err != nil {
			return nil, false, err
		}
	}
	return k, false, nil
}

// addAuditKey adds an audit key to a key file written before there was one,
// under a lock on the key file, so that processes starting at once on one
// key file all end up with the same audit key: whoever comes second finds
// the first one's in the file.
func (k *Keyring) addAuditKey() error {
	unlock, err := lockFile(k.path)
	if err != nil {
		return fmt.Errorf("lock key file: %w", err)
	}
	defer unlock()
	b, err := os.ReadFile(k.path)
	if err != nil {
		return fmt.Errorf("read key file: %w", err)
	}
	now, err := ParseKeyring(string(bytes.TrimSpace(b)))
	if err != nil {
		return fmt.Errorf("key file %s: %w", k.path, err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.keys, k.current = now.keys, now.current
	if now.audit != nil {
		k.auditID, k.audit = now.auditID, now.audit
	} else {
		k.auditID, k.audit, k.auditAdded = "1", NewKey(), true
		if err := k.writeLocked(); err != nil {
			return err
		}
	}
	k.fileInfo, _ = os.Stat(k.path)
	return nil
}

// AuditKey is the key of the audit log's hash chain; nil when HOMEWARD_KEY
// holds no hwa1 line.
func (k *Keyring) AuditKey() []byte {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.audit
}

// AuditKeyAdded tells that the audit key was made in this process, just
// now: the audit log of the database may be keyed with it (see
// store.Options.KeyAuditLog).
func (k *Keyring) AuditKeyAdded() bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.auditAdded
}

// refresh reads the key file again when another process has changed it
// (keys rotate), so that new data keys are sealed by the new current key.
func (k *Keyring) refresh() {
	if k.path == "" {
		return
	}
	// The key file is replaced by a rename, so a new file (inode) means a change;
	// modification times alone can be too coarse to tell two writes apart.
	fi, err := os.Stat(k.path)
	k.mu.RLock()
	same := err != nil || (k.fileInfo != nil && os.SameFile(fi, k.fileInfo) && fi.ModTime().Equal(k.fileInfo.ModTime()) && fi.Size() == k.fileInfo.Size())
	k.mu.RUnlock()
	if same {
		return
	}
	fresh, _, err := Load(filepath.Dir(k.path), "")
	if err != nil {
		return // keep the keys we have; Unwrap reports what is missing
	}
	k.mu.Lock()
	k.keys, k.current, k.fileInfo = fresh.keys, fresh.current, fresh.fileInfo
	k.mu.Unlock()
}

// FromFile tells whether the keyring is the key file (and so can be rotated
// by Homeward) rather than HOMEWARD_KEY.
func (k *Keyring) FromFile() bool { return k.path != "" }

// IDs lists the ids of the keys, the current one last.
func (k *Keyring) IDs() []string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	ids := make([]string, 0, len(k.keys))
	for id := range k.keys {
		if id != k.current {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return append(ids, k.current)
}

// AddCurrent adds a new random key, makes it current and writes the key file
// (atomically: a new file renamed over the old one). Older keys stay, so data
// keys not yet re-sealed still open. It holds a lock on the key file and
// reads it again first, so that processes sharing the file never undo one
// another's change.
func (k *Keyring) AddCurrent() (string, error) {
	if k.path == "" {
		return "", fmt.Errorf("the keyring comes from %s: add a new key line (hwk1:<id>:<32 random bytes in base64>) as the last entry there, restart every process, then run keys rotate", EnvKey)
	}
	unlock, err := lockFile(k.path)
	if err != nil {
		return "", fmt.Errorf("lock key file: %w", err)
	}
	defer unlock()
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.reloadLocked(); err != nil {
		return "", err
	}
	next := 1
	for id := range k.keys {
		if n, err := strconv.Atoi(id); err == nil && n >= next {
			next = n + 1
		}
	}
	id := strconv.Itoa(next)
	k.keys[id] = NewKey()
	k.current = id
	return id, k.writeLocked()
}

// reloadLocked reads the key file again (under its lock), so that a change
// starts from what another process wrote.
func (k *Keyring) reloadLocked() error {
	b, err := os.ReadFile(k.path)
	if err != nil {
		return fmt.Errorf("read key file: %w", err)
	}
	now, err := ParseKeyring(string(bytes.TrimSpace(b)))
	if err != nil {
		return fmt.Errorf("key file %s: %w", k.path, err)
	}
	k.keys, k.current = now.keys, now.current
	if now.audit != nil {
		k.auditID, k.audit = now.auditID, now.audit
	}
	return nil
}

// RetiredPrefix starts the name of a file of retired keys, next to the key
// file; the rest of the name is the time they were retired (RetiredTime).
const RetiredPrefix = KeyFile + ".retired-"

const retiredStamp = "20060102T150405Z"

// Retire removes keys other than the current one from the keyring and the
// key file; the caller must first make sure no data key is sealed by them.
// The removed keys are written to a separate file next to the key file,
// named for the time now: the backups taken before need them, until
// DestroyRetired destroys the file once the backup retention has passed.
func (k *Keyring) Retire(now time.Time) (retiredFile string, err error) {
	if k.path == "" {
		return "", fmt.Errorf("the keyring comes from %s: remove the old entries there yourself", EnvKey)
	}
	unlock, err := lockFile(k.path)
	if err != nil {
		return "", fmt.Errorf("lock key file: %w", err)
	}
	defer unlock()
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.reloadLocked(); err != nil {
		return "", err
	}
	if len(k.keys) == 1 {
		return "", nil
	}
	var old strings.Builder
	fmt.Fprintf(&old, "# Key-encryption keys retired at %s: backups taken before then need them.\n", now.UTC().Format(time.RFC3339))
	fmt.Fprintf(&old, "# homeward serve destroys this file once the backup retention has passed; destroy every copy of it then too.\n")
	for id, key := range k.keys {
		if id != k.current {
			fmt.Fprintf(&old, "hwk1:%s:%s\n", id, base64.StdEncoding.EncodeToString(key))
			delete(k.keys, id)
		}
	}
	retiredFile = filepath.Join(filepath.Dir(k.path), RetiredPrefix+now.UTC().Format(retiredStamp))
	// O_EXCL: a second retirement in the same second never overwrites the first's keys.
	f, err := os.OpenFile(retiredFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("write retired keys: %w", err)
	}
	if _, err := f.WriteString(old.String()); err != nil {
		f.Close()
		return "", fmt.Errorf("write retired keys: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", fmt.Errorf("sync retired keys: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("write retired keys: %w", err)
	}
	return retiredFile, k.writeLocked()
}

// RetiredTime is the time a file of retired keys was retired, from its
// name; ok is false for any other file.
func RetiredTime(name string) (t time.Time, ok bool) {
	stamp, found := strings.CutPrefix(filepath.Base(name), RetiredPrefix)
	if !found {
		return time.Time{}, false
	}
	t, err := time.Parse(retiredStamp, stamp)
	return t, err == nil
}

// DestroyAfter is the moment retired keys are destroyed: the start of the
// day (UTC) they were retired on, plus the backup retention. Every backup
// that needs them is older than the retention by then.
func DestroyAfter(retired time.Time, retention time.Duration) time.Time {
	return retired.UTC().Truncate(24 * time.Hour).Add(retention)
}

// DestroyRetired destroys the files of retired keys next to the key file
// whose retention has passed at now (see DestroyAfter): each is overwritten
// with zeros, synced, then removed, so the backups that needed its keys can
// no longer be opened. It returns the files destroyed.
func (k *Keyring) DestroyRetired(now time.Time, retention time.Duration) ([]string, error) {
	if k.path == "" {
		return nil, fmt.Errorf("the keyring comes from %s: retired keys are wherever you keep them", EnvKey)
	}
	dir := filepath.Dir(k.path)
	list, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list retired keys: %w", err)
	}
	var destroyed []string
	for _, e := range list {
		t, ok := RetiredTime(e.Name())
		if !ok || !e.Type().IsRegular() || now.Before(DestroyAfter(t, retention)) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if err := shred(path); err != nil {
			return destroyed, err
		}
		destroyed = append(destroyed, path)
	}
	return destroyed, nil
}

// shred overwrites a file with zeros, syncs it, and removes it.
func shred(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("destroy retired keys: %w", err)
	}
	fi, err := f.Stat()
	if err == nil {
		_, err = f.WriteAt(make([]byte, fi.Size()), 0)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("destroy retired keys: overwrite %s: %w", filepath.Base(path), err)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("destroy retired keys: remove %s: %w", filepath.Base(path), err)
	}
	return nil
}

func (k *Keyring) writeLocked() error {
	text := k.textLocked()
	tmp := k.path + ".new"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return fmt.Errorf("write key file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, k.path); err != nil {
		return fmt.Errorf("replace key file: %w", err)
	}
	k.fileInfo, _ = os.Stat(k.path)
	return nil
}

// Current is the id of the key that seals new data keys.
func (k *Keyring) Current() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.current
}

// Wrap seals a data key under the current KEK, bound to the data key's id.
func (k *Keyring) Wrap(dataKey []byte, dataKeyID int64) (kekID string, sealed []byte, err error) {
	k.refresh()
	k.mu.RLock()
	id, kek := k.current, k.keys[k.current]
	k.mu.RUnlock()
	sealed, err = Seal(kek, dataKey, Place{Table: "data_keys", Column: "sealed_key", ID: dataKeyID})
	return id, sealed, err
}

const probeText = "homeward key probe"

// SealProbe seals a fixed value under the key id, for the database to keep.
func (k *Keyring) SealProbe(id string) ([]byte, error) {
	k.mu.RLock()
	kek, ok := k.keys[id]
	k.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("no key %s in the keyring", id)
	}
	return Seal(kek, []byte(probeText), Place{Table: "kek_probes", Column: "probe"})
}

// OpensProbe tells whether the key id opens a probe sealed by SealProbe.
func (k *Keyring) OpensProbe(id string, probe []byte) bool {
	k.mu.RLock()
	kek, ok := k.keys[id]
	k.mu.RUnlock()
	if !ok {
		return false
	}
	pt, err := Open(kek, probe, Place{Table: "kek_probes", Column: "probe"})
	return err == nil && string(pt) == probeText
}

// Unwrap opens a data key sealed by Wrap under the KEK kekID.
func (k *Keyring) Unwrap(kekID string, sealed []byte, dataKeyID int64) ([]byte, error) {
	k.mu.RLock()
	kek, ok := k.keys[kekID]
	k.mu.RUnlock()
	if !ok {
		// Another process may have rotated: read the key file again.
		k.refresh()
		k.mu.RLock()
		kek, ok = k.keys[kekID]
		k.mu.RUnlock()
	}
	if !ok {
		return nil, fmt.Errorf("data key %d is sealed by key %s, which the keyring lacks", dataKeyID, kekID)
	}
	return Open(kek, sealed, Place{Table: "data_keys", Column: "sealed_key", ID: dataKeyID})
}
