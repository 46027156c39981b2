package seal

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
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
type Keyring struct {
	mu      sync.RWMutex
	keys    map[string][]byte
	current string
	path    string // the key file, "" when the keyring came from the environment
}

var keyLine = regexp.MustCompile(`^hwk1:([a-z0-9]{1,32}):([A-Za-z0-9+/=]+)$`)

// ParseKeyring reads the text form.
func ParseKeyring(text string) (*Keyring, error) {
	k := &Keyring{keys: map[string][]byte{}}
	for i, line := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' }) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := keyLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("keyring entry %d is not of the form hwk1:<id>:<base64 key>", i+1)
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
	var b strings.Builder
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
		k = &Keyring{keys: map[string][]byte{"1": NewKey()}, current: "1", path: path}
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
		return k, true, f.Close()
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
	return k, false, nil
}

// Current is the id of the key that seals new data keys.
func (k *Keyring) Current() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.current
}

// Wrap seals a data key under the current KEK, bound to the data key's id.
func (k *Keyring) Wrap(dataKey []byte, dataKeyID int64) (kekID string, sealed []byte, err error) {
	k.mu.RLock()
	id, kek := k.current, k.keys[k.current]
	k.mu.RUnlock()
	sealed, err = Seal(kek, dataKey, Place{Table: "data_keys", Column: "sealed_key", ID: dataKeyID})
	return id, sealed, err
}

// Unwrap opens a data key sealed by Wrap under the KEK kekID.
func (k *Keyring) Unwrap(kekID string, sealed []byte, dataKeyID int64) ([]byte, error) {
	k.mu.RLock()
	kek, ok := k.keys[kekID]
	k.mu.RUnlock()
	if !ok && k.path != "" {
		// Another process may have rotated: read the key file again.
		if fresh, _, err := Load(filepath.Dir(k.path), ""); err == nil {
			k.mu.Lock()
			k.keys, k.current = fresh.keys, fresh.current
			kek, ok = k.keys[kekID]
			k.mu.Unlock()
		}
	}
	if !ok {
		return nil, fmt.Errorf("data key %d is sealed by key %s, which the keyring lacks", dataKeyID, kekID)
	}
	return Open(kek, sealed, Place{Table: "data_keys", Column: "sealed_key", ID: dataKeyID})
}
