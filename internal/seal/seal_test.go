package seal

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSealOpensOnlyInItsPlace(t *testing.T) {
	t.Parallel()
	key := NewKey()
	place := Place{Table: "mentees", Column: "persecution", ID: 7}
	secret := []byte("arrested 2021-03-02, searched twice")
	sealed, err := Seal(key, secret, place)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, secret[:8]) {
		t.Fatal("the sealed value holds the plaintext")
	}
	got, err := Open(key, sealed, place)
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("open: %q %v", got, err)
	}
	again, _ := Seal(key, secret, place)
	if bytes.Equal(again, sealed) {
		t.Error("two seals of the same value are equal: the nonce is not fresh")
	}
	moved := []Place{
		{Table: "mentees", Column: "persecution", ID: 8},
		{Table: "mentees", Column: "health", ID: 7},
		{Table: "cases", Column: "persecution", ID: 7},
	}
	for _, p := range moved {
		if _, err := Open(key, sealed, p); !errors.Is(err, ErrOpen) {
			t.Errorf("opened in %+v: %v", p, err)
		}
	}
	if _, err := Open(NewKey(), sealed, place); !errors.Is(err, ErrOpen) {
		t.Errorf("opened with another key: %v", err)
	}
	for i := range sealed {
		tampered := bytes.Clone(sealed)
		tampered[i] ^= 1
		if _, err := Open(key, tampered, place); !errors.Is(err, ErrOpen) {
			t.Fatalf("byte %d flipped and still opened", i)
		}
	}
	if _, err := Open(key, sealed[:10], place); !errors.Is(err, ErrOpen) {
		t.Errorf("a cut value opened: %v", err)
	}
	if _, err := Seal(key[:16], secret, place); err == nil {
		t.Error("a 16-byte key was accepted")
	}
}

func TestKeyFileIsCreatedOnceOwnerOnly(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	k, created, err := Load(dir, "")
	if err != nil || !created {
		t.Fatalf("first load: created=%v %v", created, err)
	}
	fi, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	kekID, wrapped, err := k.Wrap(NewKey(), 42)
	if err != nil {
		t.Fatal(err)
	}
	again, created, err := Load(dir, "")
	if err != nil || created {
		t.Fatalf("second load: created=%v %v", created, err)
	}
	if _, err := again.Unwrap(kekID, wrapped, 42); err != nil {
		t.Fatalf("a data key wrapped before a restart does not open after it: %v", err)
	}
	if _, err := again.Unwrap(kekID, wrapped, 43); !errors.Is(err, ErrOpen) {
		t.Errorf("a wrapped data key opened under another id: %v", err)
	}
	if err := os.Chmod(filepath.Join(dir, KeyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load(dir, ""); err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Errorf("a world-readable key file was accepted: %v", err)
	}
}

func TestEnvironmentKeyringWins(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := "hwk1:old:" + b64(NewKey()) + "\nhwk1:new:" + b64(NewKey())
	k, created, err := Load(dir, env)
	if err != nil || created || k.Current() != "new" {
		t.Fatalf("env keyring: current %q created=%v %v", k.Current(), created, err)
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a key file was written although %s was set", EnvKey)
	}
	parsed, err := ParseKeyring(k.String())
	if err != nil || parsed.Current() != "new" || len(parsed.keys) != 2 {
		t.Errorf("text form does not round-trip: %v", err)
	}
	if _, err := k.Unwrap("gone", []byte("x"), 1); err == nil || !strings.Contains(err.Error(), "lacks") {
		t.Errorf("unknown KEK: %v", err)
	}
}

func TestParseKeyringErrors(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{
		"",
		"# only a comment",
		"hwk1:a:notbase64!",
		"hwk1:a:" + b64([]byte("short")),
		"hwk2:a:" + b64(NewKey()),
		"hwk1:a:" + b64(NewKey()) + "\nhwk1:a:" + b64(NewKey()),
		"hwa1:1:" + b64(NewKey()),
		"hwa1:1:" + b64([]byte("short")) + "\nhwk1:a:" + b64(NewKey()),
		"hwa1:1:" + b64(NewKey()) + "\nhwa1:2:" + b64(NewKey()) + "\nhwk1:a:" + b64(NewKey()),
	} {
		if _, err := ParseKeyring(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func TestRotateAndRetire(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k, _, err := Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	// A second process holds the same key file.
	other, _, _ := Load(dir, "")
	dk := NewKey()
	oldID, wrapped, _ := k.Wrap(dk, 1)

	newID, err := k.AddCurrent()
	if err != nil || newID == oldID || k.Current() != newID {
		t.Fatalf("AddCurrent: %q %v", newID, err)
	}
	// The other process notices the new key before sealing anything new.
	if id, _, _ := other.Wrap(NewKey(), 2); id != newID {
		t.Errorf("the other process sealed under %q after the rotation, want %q", id, newID)
	}
	if got, err := k.Unwrap(oldID, wrapped, 1); err != nil || !bytes.Equal(got, dk) {
		t.Fatalf("old data key no longer opens before retirement: %v", err)
	}
	retired, err := k.Retire(time.Now())
	if err != nil || retired == "" {
		t.Fatalf("retire: %q %v", retired, err)
	}
	if ids := k.IDs(); len(ids) != 1 || ids[0] != newID {
		t.Errorf("keys after retirement: %v", ids)
	}
	if fi, err := os.Stat(retired); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("retired key file: %v", err)
	}
	reloaded, _, err := Load(dir, "")
	if err != nil || len(reloaded.IDs()) != 1 {
		t.Fatalf("key file after retirement: %v %v", reloaded.IDs(), err)
	}
	if _, err := reloaded.Unwrap(oldID, wrapped, 1); err == nil {
		t.Error("a data key sealed by a retired key still opens")
	}
	envRing, _, _ := Load(t.TempDir(), "hwk1:a:"+b64(NewKey()))
	if _, err := envRing.AddCurrent(); err == nil || !strings.Contains(err.Error(), EnvKey) {
		t.Errorf("rotating an environment keyring: %v", err)
	}
}

// The audit key lives in the key file beside the key-encryption keys: a
// new key file has one, a key file written before it gets one on the next
// start (once, whoever starts first), and rotating and retiring the
// key-encryption keys leave it as it is.
func TestAuditKeyInTheKeyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k, created, err := Load(dir, "")
	if err != nil || !created || len(k.AuditKey()) != KeySize || !k.AuditKeyAdded() {
		t.Fatalf("a new key file: audit key %d bytes, added %v, %v", len(k.AuditKey()), k.AuditKeyAdded(), err)
	}
	audit := k.AuditKey()
	if _, err := k.AddCurrent(); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Retire(time.Now()); err != nil {
		t.Fatal(err)
	}
	again, _, err := Load(dir, "")
	if err != nil || !bytes.Equal(again.AuditKey(), audit) || again.AuditKeyAdded() {
		t.Fatalf("after rotate and retire: the audit key changed (%v) or was made again (%v): %v", !bytes.Equal(again.AuditKey(), audit), again.AuditKeyAdded(), err)
	}

	// A key file from before the audit key.
	oldDir := t.TempDir()
	path := filepath.Join(oldDir, KeyFile)
	if err := os.WriteFile(path, []byte("hwk1:1:"+b64(NewKey())+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	first, created, err := Load(oldDir, "")
	if err != nil || created || first.AuditKey() == nil || !first.AuditKeyAdded() {
		t.Fatalf("an old key file: created %v, audit key %v, added %v, %v", created, first.AuditKey() != nil, first.AuditKeyAdded(), err)
	}
	text, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(text), "hwa1:1:") || !strings.Contains(string(text), "\nhwk1:1:") {
		t.Errorf("the key file after adding the audit key:\n%s", text)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", fi.Mode().Perm())
	}
	second, _, err := Load(oldDir, "")
	if err != nil || !bytes.Equal(second.AuditKey(), first.AuditKey()) || second.AuditKeyAdded() {
		t.Errorf("the next start has another audit key, or made one again: %v", err)
	}

	// HOMEWARD_KEY is never written: without an hwa1 line it has no audit key.
	env, _, err := Load(t.TempDir(), "hwk1:a:"+b64(NewKey()))
	if err != nil || env.AuditKey() != nil || env.AuditKeyAdded() {
		t.Errorf("an environment keyring without an audit key: %v", err)
	}
	ak := NewKey()
	env, _, err = Load(t.TempDir(), "hwa1:7:"+b64(ak)+",hwk1:a:"+b64(NewKey()))
	if err != nil || !bytes.Equal(env.AuditKey(), ak) || env.Current() != "a" {
		t.Errorf("an environment keyring with an audit key: %v", err)
	}
	if p, err := ParseKeyring(env.String()); err != nil || !bytes.Equal(p.AuditKey(), ak) {
		t.Errorf("the audit key does not round-trip: %v", err)
	}
}

// Processes that start at once on a key file from before the audit key all
// end up with the one audit key the file holds.
func TestAuditKeyAddedOnceByProcessesStartingAtOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, KeyFile), []byte("hwk1:1:"+b64(NewKey())+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rings := make([]*Keyring, 8)
	errc := make(chan error, len(rings))
	for i := range rings {
		go func() {
			k, _, err := Load(dir, "")
			rings[i] = k
			errc <- err
		}()
	}
	for range rings {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	final, _, _ := Load(dir, "")
	added := 0
	for _, k := range rings {
		if !bytes.Equal(k.AuditKey(), final.AuditKey()) {
			t.Errorf("a process holds another audit key than the key file")
		}
		if k.AuditKeyAdded() {
			added++
		}
	}
	if added != 1 {
		t.Errorf("%d processes added an audit key, want 1", added)
	}
}

// Two processes sharing the key file that each add a key keep both: each
// reads the file again under its lock before writing it.
func TestAddCurrentKeepsAnotherProcesssKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, _, _ := Load(dir, "")
	b, _, _ := Load(dir, "")
	idA, err := a.AddCurrent()
	if err != nil {
		t.Fatal(err)
	}
	idB, err := b.AddCurrent()
	if err != nil || idB == idA {
		t.Fatalf("the second process's key: %q %v (the first added %q)", idB, err, idA)
	}
	again, _, err := Load(dir, "")
	if err != nil || !slices.Equal(again.IDs(), []string{"1", idA, idB}) {
		t.Fatalf("key file after both rotations: %v %v", again.IDs(), err)
	}
}

// Retired keys are destroyed on the day the retention has passed since the
// day they were retired, not before; other files are left alone.
func TestDestroyRetiredAfterTheRetention(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k, _, _ := Load(dir, "")
	if _, err := k.AddCurrent(); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
	file, err := k.Retire(at)
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "homeward.key.bak")
	if err := os.WriteFile(other, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	retention := 90 * 24 * time.Hour
	if gone, err := k.DestroyRetired(at.Truncate(24*time.Hour).Add(retention-time.Second), retention); err != nil || len(gone) != 0 {
		t.Fatalf("a second before the retention passed: destroyed %v %v", gone, err)
	}
	gone, err := k.DestroyRetired(at.Truncate(24*time.Hour).Add(retention), retention)
	if err != nil || !slices.Equal(gone, []string{file}) {
		t.Fatalf("once the retention passed: destroyed %v %v, want %s", gone, err, file)
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the retired keys' file is still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another file was destroyed: %v", err)
	}
}
