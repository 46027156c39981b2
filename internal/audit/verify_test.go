package audit_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"homeward/internal/audit"
)

// chain builds n entries keyed with key.
func chain(key []byte, n int) []audit.Entry {
	var out []audit.Entry
	prev := audit.Genesis
	for i := range n {
		e := audit.Entry{Seq: int64(i + 1), At: time.Date(2026, 12, 6, 10, i, 0, 0, time.UTC), Actor: "user:1",
			Action: "test.event", Outcome: audit.OK, PrevHash: prev}
		e.Hash = e.ComputeHash(key)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func verify(key []byte, entries []audit.Entry, row audit.Head, kept ...audit.Head) (audit.Head, *audit.Problem) {
	v := audit.NewVerifier(key)
	v.Keep(kept...)
	for _, e := range entries {
		if p := v.Next(e); p != nil {
			return audit.Head{}, p
		}
	}
	return v.Finish(row)
}

func TestKeyedHashNeedsTheKey(t *testing.T) {
	t.Parallel()
	key, other := []byte("0123456789abcdef0123456789abcdef"), []byte("fedcba9876543210fedcba9876543210")
	e := chain(key, 1)[0]
	if e.ComputeHash(nil) == e.Hash || e.ComputeHash(other) == e.Hash || audit.KeyProbe(key) == audit.KeyProbe(other) {
		t.Fatal("the keyed hash can be made without the key")
	}
	entries := chain(key, 4)
	end := audit.Head{Seq: 4, Hash: entries[3].Hash}
	if head, p := verify(key, entries, end); p != nil || head != end {
		t.Fatalf("intact: %v %v", head, p)
	}
	if _, p := verify(key, entries[:3], end); p == nil || p.Seq != 4 || p.Kind != "cut" {
		t.Errorf("the last entry gone, the audit_head row left: %v", p)
	}
	if _, p := verify(key, entries, audit.Head{Seq: 4, Hash: entries[2].Hash}); p == nil || p.Seq != 4 || p.Kind != "edited" {
		t.Errorf("the audit_head row names another hash: %v", p)
	}
	short := audit.Head{Seq: 3, Hash: entries[2].Hash}
	if _, p := verify(key, entries[:3], short, end); p == nil || p.Seq != 4 || p.Kind != "cut" {
		t.Errorf("a tail cut with its head, against a kept head: %v", p)
	}
	if _, p := verify(key, chain(nil, 4), audit.Head{Seq: 4, Hash: chain(nil, 4)[3].Hash}); p == nil || p.Seq != 1 || p.Kind != "edited" {
		t.Errorf("a plain chain where a keyed one belongs: %v", p)
	}
	if _, p := verify(nil, chain(nil, 4), audit.Head{Seq: 4, Hash: chain(nil, 4)[3].Hash}); p != nil {
		t.Errorf("a plain chain without a key: %v", p)
	}
}

func TestHeadLog(t *testing.T) {
	t.Parallel()
	data, elsewhere := t.TempDir(), t.TempDir()
	if _, err := audit.OpenHeadLog(filepath.Join(data, "sub", "heads"), data); err == nil || !strings.Contains(err.Error(), "data directory") {
		t.Errorf("a head log under the data directory: %v", err)
	}
	path := filepath.Join(elsewhere, "heads")
	l, err := audit.OpenHeadLog(path, data)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	a, b := audit.Head{Seq: 4, Hash: strings.Repeat("a", 64)}, audit.Head{Seq: 9, Hash: strings.Repeat("b", 64)}
	for _, h := range []audit.Head{a, a, b} {
		if err := l.Append(h, at); err != nil {
			t.Fatal(err)
		}
	}
	text, _ := os.ReadFile(path)
	if string(text) != "2026-12-06T10:00:00Z "+a.String()+"\n2026-12-06T10:00:00Z "+b.String()+"\n" {
		t.Errorf("head log:\n%s", text)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("head log mode %v", fi.Mode().Perm())
	}
	heads, err := audit.ReadHeadLog(path)
	if err != nil || len(heads) != 2 || heads[0] != a || heads[1] != b {
		t.Errorf("read back: %v %v", heads, err)
	}
	if err := os.WriteFile(path, append(text, "2026-12-06T10:01:00Z 10:short\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := audit.ReadHeadLog(path); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("a bad line: %v", err)
	}
}
