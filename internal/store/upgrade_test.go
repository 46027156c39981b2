package store_test

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/demo"
	"homeward/internal/seal"
	"homeward/internal/store"
	"homeward/internal/testdb"
	"homeward/internal/testsupport"
)

// upgradeFrom is the schema version of the release before this one: the
// last migration that landed before the current batch of work.
//
// The upgrade test keeps an earlier release's database as a fixture built
// afresh each run: the schema from the embedded migrations up to
// upgradeFrom, and data in every table, copied from a database filled with
// the demo data by today's store (only the earlier schema's tables and
// columns are copied: SQLite by ATTACH, PostgreSQL by pg_dump --data-only
// and pg_restore). It then migrates that database to the current schema
// and checks that nothing was lost. When a release ships, set upgradeFrom
// to its last migration, so every release is tested against the one
// before it. A migration that changes the meaning of a column in an
// earlier table adds its own check of the converted data here.
const upgradeFrom = 21

// release is what the test knows of the earlier release's data, read from
// the database it was copied from (today's store reads and writes the
// audit log in a way the earlier schema cannot hold, so nothing is read
// through the store at the earlier schema): the keyring its data keys are
// sealed with, the names of its first mentees, the audit log's head and
// how many data keys open.
type release struct {
	ring  *seal.Keyring
	names map[int64]string
	head  audit.Head
	keys  int
}

// earlierRelease builds the fixture at opts (an empty database).
func earlierRelease(t *testing.T, opts store.Options) release {
	t.Helper()
	ctx := context.Background()
	ring := testsupport.Keyring(t)
	// The earlier release's key file had no audit key: its log is the
	// plain chain (today's store writes it so without one).
	var kek []string
	for _, line := range strings.Split(ring.String(), "\n") {
		if strings.HasPrefix(line, "hwk1:") {
			kek = append(kek, line)
		}
	}
	earlier, err := seal.ParseKeyring(strings.Join(kek, "\n"))
	if err != nil || earlier.AuditKey() != nil {
		t.Fatalf("the earlier release's keyring: %v", err)
	}
	// Today's schema, filled through today's store.
	src := store.Options{Keyring: earlier}
	if opts.DatabaseURL != "" {
		src.DatabaseURL = testdb.Postgres(t)
	} else {
		src.DataDir = t.TempDir()
	}
	full := open(t, src)
	if _, err := demo.FillWith(ctx, full, testsupport.Hasher(), demo.Options{Size: demo.Small, Seed: 1}); err != nil {
		t.Fatalf("demo data: %v", err)
	}
	// What the demo leaves out: a user's factors, sessions, tokens, a
	// sign-in throttle and the form key.
	u := testsupport.User(t, full, "upgrade@example.org", auth.Coordinator, 1)
	testsupport.WithTOTP(t, full, (&testsupport.Clock{}).Use(full), u)
	if err := full.ReplaceRecoveryCodes(ctx, u.ID, [][]byte{bytes.Repeat([]byte{7}, 32)}); err != nil {
		t.Fatal(err)
	}
	if err := full.AddPasskey(ctx, u.ID, "Laptop", []byte("credential-id"), "{}", 0, false); err != nil {
		t.Fatal(err)
	}
	if _, err := full.CreateSession(ctx, u.ID, time.Hour, "192.0.2.1", "test"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := full.CreateAPIToken(ctx, u.ID, "monthly report", 720*time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := full.CountLoginAttempt(ctx, map[string]store.Throttle{"address:192.0.2.7": {Limit: 30, Window: time.Hour, Lockout: time.Hour}}); err != nil {
		t.Fatal(err)
	}
	if _, err := full.FormKey(ctx); err != nil {
		t.Fatal(err)
	}
	rel := release{ring: ring}
	ids := make([]int64, 50)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	if rel.names, err = full.MenteeNames(ctx, ids); err != nil || len(rel.names) < 40 {
		t.Fatalf("names of the earlier release: %d (%v)", len(rel.names), err)
	}
	if rel.head, err = full.VerifyAudit(ctx); err != nil {
		t.Fatalf("the earlier release's audit log: %v", err)
	}
	if rel.keys, err = full.OpenDataKeys(ctx); err != nil {
		t.Fatal(err)
	}
	full.Close()

	bare := opts
	bare.NoMigrate = true
	st := open(t, bare)
	if _, err := store.MigrateToForTest(ctx, st, upgradeFrom); err != nil {
		t.Fatal(err)
	}
	counts, err := store.TableCountsForTest(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if opts.DatabaseURL == "" {
		if err := store.CopyTablesForTest(ctx, st, filepath.Join(src.DataDir, store.SQLiteFile)); err != nil {
			t.Fatal(err)
		}
		st.Close()
		return rel
	}
	_ = counts
	if err := store.CopyPostgresTablesForTest(ctx, st, src.DatabaseURL); err != nil {
		t.Fatal(err)
	}
	st.Close()
	return rel
}

func TestUpgradeFromThePreviousRelease(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		if opts.DatabaseURL != "" {
			for _, bin := range []string{"pg_dump", "pg_restore"} {
				if _, err := exec.LookPath(bin); err != nil {
					t.Skipf("%s is not on PATH", bin)
				}
			}
		}
		ctx := audit.WithActor(context.Background(), audit.Actor{Who: "test"})
		rel := earlierRelease(t, opts)
		ring, names, head, keys := rel.ring, rel.names, rel.head, rel.keys
		old := opts
		old.NoMigrate, old.Keyring = true, ring
		st := open(t, old)
		if cur, latest, err := st.SchemaVersion(ctx); err != nil || cur != upgradeFrom || latest <= upgradeFrom {
			t.Fatalf("the earlier release: version %d of %d (%v), want %d", cur, latest, err, upgradeFrom)
		}
		ids := make([]int64, 50)
		for i := range ids {
			ids[i] = int64(i + 1)
		}
		before, err := store.TableCountsForTest(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		var empty []string
		for table, n := range before {
			if n == 0 {
				empty = append(empty, table)
			}
		}
		sort.Strings(empty)
		if len(empty) > 0 {
			t.Errorf("tables without data at schema %d: %v", upgradeFrom, empty)
		}
		st.Close()

		// The upgrade: today's Homeward opens it and migrates.
		now := opts
		now.Keyring = ring
		st = open(t, now)
		if cur, latest, err := st.SchemaVersion(ctx); err != nil || cur != latest {
			t.Fatalf("after the upgrade: version %d of %d (%v)", cur, latest, err)
		}
		after, err := store.TableCountsForTest(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		for table, n := range before {
			if table != "schema_migrations" && after[table] != n {
				t.Errorf("%s: %d rows before the upgrade, %d after", table, n, after[table])
			}
		}
		// The first start with the audit key keys the earlier plain chain:
		// the same entries, re-hashed.
		if got, err := st.VerifyAudit(ctx); err != nil || got.Seq != head.Seq || got.Hash == head.Hash {
			t.Errorf("the audit log after the upgrade: %v %v, want head %v keyed", got, err, head)
		}
		if n, err := st.OpenDataKeys(ctx); err != nil || n != keys {
			t.Errorf("data keys after the upgrade: %d opened (%v), want %d", n, err, keys)
		}
		// (Reading the names is audited: after the check of the log.)
		again, err := st.MenteeNames(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		for id, name := range names {
			if again[id] != name {
				t.Errorf("mentee %d is named %q after the upgrade, %q before", id, again[id], name)
			}
		}
		// What the later migrations brought works on the earlier data.
		if _, err := st.WriteDueNotifications(ctx); err != nil {
			t.Errorf("notifications on the upgraded data: %v", err)
		}
		if _, _, err := st.EnqueueJob(ctx, store.NewJob{Kind: "test.after_upgrade"}); err != nil {
			t.Errorf("a job on the upgraded database: %v", err)
		}
	})
}
