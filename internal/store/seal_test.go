package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"homeward/internal/errs"
	"homeward/internal/seal"
	"homeward/internal/store"
	"homeward/internal/testdb"
	"homeward/internal/testsupport"
)

const knownSecret = "Arrested 2021-03-14 in Hrodna, sentenced under art. 342"

func keyring(t *testing.T) *seal.Keyring { return testsupport.Keyring(t) }

// A secret written through the sealing package leaves no trace in the bytes
// of the SQLite file (and its WAL), nor does the data key that sealed it.
func TestSealedSecretIsNotInTheSQLiteFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, store.Options{DataDir: dir, Keyring: keyring(t)})
	_, key, err := store.SealProbeForTest(ctx, s, knownSecret)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := store.OpenProbeForTest(ctx, s); err != nil || got != knownSecret {
		t.Fatalf("read back %q, %v", got, err)
	}
	s.Close()
	if b, _ := os.ReadFile(filepath.Join(dir, store.SQLiteFile)); !bytes.Contains(b, []byte("sealed_probe")) {
		t.Fatal("the database file does not hold the probe table: the test looks in the wrong place")
	}
	for _, name := range []string{store.SQLiteFile, store.SQLiteFile + "-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(knownSecret)) || bytes.Contains(b, []byte(knownSecret[:12])) {
			t.Errorf("%s holds the secret in clear", name)
		}
		if bytes.Contains(b, key) {
			t.Errorf("%s holds the data key in clear", name)
		}
	}
}

// … nor in a dump of the PostgreSQL database.
func TestSealedSecretIsNotInAPostgresDump(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testdb.Postgres(t)
	s := open(t, store.Options{DatabaseURL: url, Keyring: keyring(t)})
	_, key, err := store.SealProbeForTest(ctx, s, knownSecret)
	if err != nil {
		t.Fatal(err)
	}
	pgDump := testdb.Tool(t, "pg_dump")
	dump, err := exec.Command(pgDump, "--data-only", "--dbname", url).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	if !bytes.Contains(dump, []byte("sealed_probe")) {
		t.Fatal("the dump does not hold the probe table: the test looks in the wrong place")
	}
	if bytes.Contains(dump, []byte(knownSecret[:12])) {
		t.Error("the dump holds the secret in clear")
	}
	if bytes.Contains(dump, key) || bytes.Contains(dump, []byte(hexString(key))) {
		t.Error("the dump holds the data key in clear")
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// Destroying a record's data key makes its sealed fields unreadable for good.
func TestDestroyedDataKeyShredsTheRecord(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		opts.Keyring = keyring(t)
		s := open(t, opts)
		keyID, _, err := store.SealProbeForTest(ctx, s, knownSecret)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DestroyDataKey(ctx, keyID); err != nil {
			t.Fatal(err)
		}
		_, err = store.OpenProbeForTest(ctx, s)
		if e := errs.As(err); e.Code != "erased" {
			t.Errorf("read after shredding: %v, want erased", err)
		}
		if err := s.DestroyDataKey(ctx, keyID); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("second destroy: %v", err)
		}
	})
}

// Rotation re-seals every data key under the new key-encryption key; the
// old key can then be retired and the data still opens.
func TestRotateDataKeys(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		ring := keyring(t)
		opts.Keyring = ring
		s := open(t, opts)
		if _, _, err := store.SealProbeForTest(ctx, s, knownSecret); err != nil {
			t.Fatal(err)
		}
		old := ring.Current()
		if _, err := ring.AddCurrent(); err != nil {
			t.Fatal(err)
		}
		n, err := s.RotateDataKeys(ctx)
		if err != nil || n != 1 {
			t.Fatalf("rotate: %d %v", n, err)
		}
		if left, _ := s.DataKeysSealedBy(ctx, old); left != 0 {
			t.Fatalf("%d data keys still sealed by the old key", left)
		}
		if _, err := ring.Retire(time.Now()); err != nil {
			t.Fatal(err)
		}
		if got, err := store.OpenProbeForTest(ctx, s); err != nil || got != knownSecret {
			t.Errorf("after rotation and retirement: %q %v", got, err)
		}
		if _, err := s.VerifyAudit(ctx); err != nil {
			t.Errorf("audit after rotation: %v", err)
		}
	})
}

func TestSealingWithoutKeyringIsRefused(t *testing.T) {
	t.Parallel()
	s := open(t, store.Options{DataDir: t.TempDir()})
	if _, _, err := store.SealProbeForTest(context.Background(), s, "x"); !errors.Is(err, store.ErrNoKeyring) {
		t.Errorf("seal without keyring: %v", err)
	}
}

// A process with another keyring (another node's fresh key file) is refused
// before it seals anything the others could not open.
func TestForeignKeyringIsRefused(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		first := opts
		first.Keyring = keyring(t)
		s, err := store.Open(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := store.SealProbeForTest(ctx, s, knownSecret); err != nil {
			t.Fatal(err)
		}
		s.Close()
		other := opts
		other.Keyring = keyring(t) // same key id "1", other bytes
		if _, err := store.Open(ctx, other); !errors.Is(err, store.ErrForeignKeyring) {
			t.Fatalf("open with another keyring: %v, want ErrForeignKeyring", err)
		}
		again := opts
		again.Keyring = first.Keyring
		s2 := open(t, again)
		if got, err := store.OpenProbeForTest(ctx, s2); err != nil || got != knownSecret {
			t.Errorf("the right keyring no longer opens: %q %v", got, err)
		}
	})
}
