package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// auditKey is the audit key of the tests' keyed logs.
var auditKey = []byte("0123456789abcdef0123456789abcdef")

// auditedStore returns a store with five audit entries, keyed with auditKey.
func auditedStore(t *testing.T, opts store.Options) *store.Store {
	t.Helper()
	opts.AuditKey = auditKey
	s := open(t, opts)
	ctx := audit.WithActor(context.Background(), audit.Actor{Who: "user:1", RequestID: "r1", Address: "192.0.2.1"})
	for i := range 5 {
		if err := s.Audit(ctx, "test.event", "thing", int64(i+1), audit.OK); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// tamper runs statements as someone with direct database access would, after
// removing the triggers that refuse them.
func tamper(t *testing.T, s *store.Store, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	drop := []string{`DROP TRIGGER IF EXISTS audit_log_no_update`, `DROP TRIGGER IF EXISTS audit_log_no_delete`}
	if s.Engine() == store.Postgres {
		drop = []string{`DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log`}
	}
	for _, q := range append(drop, stmts...) {
		if err := store.ExecForTest(ctx, s, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// rehash does what someone who can write to the database, but has no key
// file, can do after changing entries: recompute every hash from entry
// `from` on (plain SHA-256 with a nil key, or an HMAC under a key of their
// own) and move the audit_head row to the new end, so that the chain holds
// together again.
func rehash(t *testing.T, s *store.Store, from int64, key []byte, edit func(*audit.Entry)) {
	t.Helper()
	newest, _, err := s.ListAudit(context.Background(), store.AuditFilter{}, store.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var stmts []string
	prev, last := audit.Genesis, int64(0)
	for i := len(newest) - 1; i >= 0; i-- {
		e := newest[i]
		if e.Seq < from {
			prev = e.Hash
			continue
		}
		edit(&e)
		e.PrevHash = prev
		e.Hash = e.ComputeHash(key)
		prev, last = e.Hash, e.Seq
		stmts = append(stmts, fmt.Sprintf(`UPDATE audit_log SET actor = '%s', prev_hash = '%s', hash = '%s' WHERE seq = %d`, e.Actor, e.PrevHash, e.Hash, e.Seq))
	}
	stmts = append(stmts, fmt.Sprintf(`UPDATE audit_head SET seq = %d, hash = '%s' WHERE id = 1`, last, prev))
	tamper(t, s, stmts...)
}

func wantProblem(t *testing.T, err error, seq int64, kind string) {
	t.Helper()
	var p *audit.Problem
	if !errors.As(err, &p) || p.Seq != seq || p.Kind != kind {
		t.Fatalf("verify: %v, want %s at entry %d", err, kind, seq)
	}
}

func TestAuditChainVerifies(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := auditedStore(t, opts)
		head, err := s.VerifyAudit(ctx)
		if err != nil || head.Seq != 5 {
			t.Fatalf("intact log: head %v, %v", head, err)
		}
		kept, _ := s.AuditHead(ctx)
		if kept != head {
			t.Errorf("head %v, verify ended at %v", kept, head)
		}
		if _, err := s.VerifyAudit(ctx, kept); err != nil {
			t.Errorf("verify against its own head: %v", err)
		}
		entries, next, err := s.ListAudit(ctx, store.AuditFilter{ObjectID: "3"}, store.Page{})
		if err != nil || len(entries) != 1 || next != "" || entries[0].Actor != "user:1" || entries[0].Address != "192.0.2.1" {
			t.Errorf("list by object: %+v %v", entries, err)
		}
		page1, next, _ := s.ListAudit(ctx, store.AuditFilter{}, store.Page{Limit: 3})
		page2, _, _ := s.ListAudit(ctx, store.AuditFilter{}, store.Page{Limit: 3, Cursor: next})
		if len(page1) != 3 || page1[0].Seq != 5 || len(page2) != 2 || page2[1].Seq != 1 {
			t.Errorf("pages newest first: %d then %d entries", len(page1), len(page2))
		}
	})
}

// A list that opens many names writes one entry per person in one go: the
// entries follow each other in the chain, in the order of the people, each
// with the reader and the request, and the log verifies, also past the
// entries one statement takes and with entries written one at a time after.
func TestAuditManyEntriesAtOnce(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		s := auditedStore(t, opts)
		ctx := audit.WithActor(context.Background(), audit.Actor{Who: "token:7", RequestID: "r2", Address: "192.0.2.9"})
		var ids []int64
		for i := range 200 {
			ids = append(ids, int64(1000+i))
		}
		if err := store.AuditEachForTest(ctx, s, "mentee.name_read", "mentee", ids); err != nil {
			t.Fatal(err)
		}
		if err := s.Audit(ctx, "test.event", "thing", 6, audit.OK); err != nil {
			t.Fatal(err)
		}
		head, err := s.VerifyAudit(ctx)
		if err != nil || head.Seq != 206 {
			t.Fatalf("verify: head %v, %v; want 206 entries intact", head, err)
		}
		entries, _, err := s.ListAudit(ctx, store.AuditFilter{}, store.Page{Limit: 202})
		if err != nil || len(entries) != 202 {
			t.Fatalf("list: %d entries, %v", len(entries), err)
		}
		for i, e := range entries[1:201] { // newest first: the 200 reads, last person first
			want := fmt.Sprint(1199 - i)
			if e.Seq != int64(205-i) || e.Action != "mentee.name_read" || e.ObjectType != "mentee" || e.ObjectID != want ||
				e.Actor != "token:7" || e.RequestID != "r2" || e.Address != "192.0.2.9" || e.Outcome != audit.OK {
				t.Fatalf("entry %d: %+v, want mentee %s read by token:7", e.Seq, e, want)
			}
		}
		if entries[0].Action != "test.event" || entries[201].Action != "test.event" || entries[201].Seq != 5 {
			t.Errorf("the entries around the reads: %+v, %+v", entries[0], entries[201])
		}
		// The chain is checked, not just the rows: a read taken out is found.
		tamper(t, s, `DELETE FROM audit_log WHERE seq = 100`)
		_, err = s.VerifyAudit(ctx)
		wantProblem(t, err, 100, "deleted")
	})
}

func TestAuditRefusesChangesThroughSQL(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		s := auditedStore(t, opts)
		for _, q := range []string{`UPDATE audit_log SET actor = 'x' WHERE seq = 2`, `DELETE FROM audit_log WHERE seq = 2`} {
			if err := store.ExecForTest(context.Background(), s, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want refused", q, err)
			}
		}
	})
}

// Every way a database writer without the key file has to change the log
// is reported, with the first entry that is wrong.
func TestAuditTamperIsFound(t *testing.T) {
	t.Parallel()
	otherKey := []byte("a key that is not the audit key!")
	nobody := func(e *audit.Entry) {
		if e.Seq == 3 {
			e.Actor = "user:2"
		}
	}
	cases := []struct {
		name   string
		change func(t *testing.T, s *store.Store)
		seq    int64
		kind   string
	}{
		{"edited", sql(`UPDATE audit_log SET actor = 'user:2' WHERE seq = 3`), 3, "edited"},
		{"deleted in the middle", sql(`DELETE FROM audit_log WHERE seq = 2`), 2, "deleted"},
		{"deleted and renumbered", sql(`DELETE FROM audit_log WHERE seq = 2`, `UPDATE audit_log SET seq = seq - 1 WHERE seq > 2`,
			`UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_log WHERE seq = 4)`), 2, "reordered"},
		{"reordered", sql(`UPDATE audit_log SET seq = 100 WHERE seq = 2`, `UPDATE audit_log SET seq = 2 WHERE seq = 3`, `UPDATE audit_log SET seq = 3 WHERE seq = 100`), 2, "reordered"},
		{"tail cut", sql(`DELETE FROM audit_log WHERE seq >= 4`), 4, "cut"},
		{"last entry deleted", sql(`DELETE FROM audit_log WHERE seq = 5`), 5, "cut"},
		{"last entry edited", sql(`UPDATE audit_log SET outcome = 'denied' WHERE seq = 5`), 5, "edited"},
		{"head moved back", sql(`UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_log WHERE seq = 4)`), 5, "head"},
		{"edited, the rest re-hashed with plain SHA-256", func(t *testing.T, s *store.Store) { rehash(t, s, 3, nil, nobody) }, 3, "edited"},
		{"edited, the rest re-hashed with another key", func(t *testing.T, s *store.Store) { rehash(t, s, 3, otherKey, nobody) }, 3, "edited"},
		{"re-hashed with plain SHA-256 and marked never keyed", func(t *testing.T, s *store.Store) {
			rehash(t, s, 3, nil, nobody)
			tamper(t, s, `UPDATE audit_head SET key_probe = ''`)
		}, 3, "unkeyed"},
		{"all re-hashed with plain SHA-256 and marked never keyed", func(t *testing.T, s *store.Store) {
			rehash(t, s, 1, nil, nobody)
			tamper(t, s, `UPDATE audit_head SET key_probe = ''`)
		}, 1, "unkeyed"},
		{"the last entry deleted and the head moved back, re-hashed", func(t *testing.T, s *store.Store) {
			tamper(t, s, `DELETE FROM audit_log WHERE seq = 5`)
			rehash(t, s, 2, nil, func(*audit.Entry) {})
		}, 2, "edited"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			engines(t, func(t *testing.T, opts store.Options) {
				s := auditedStore(t, opts)
				if _, err := s.VerifyAudit(context.Background()); err != nil {
					t.Fatalf("before the change: %v", err)
				}
				c.change(t, s)
				_, err := s.VerifyAudit(context.Background())
				wantProblem(t, err, c.seq, c.kind)
			})
		})
	}
	t.Run("tail cut and the head moved back", func(t *testing.T) {
		t.Parallel()
		engines(t, func(t *testing.T, opts store.Options) {
			ctx := context.Background()
			s := auditedStore(t, opts)
			kept, _ := s.AuditHead(ctx)
			tamper(t, s, `DELETE FROM audit_log WHERE seq >= 4`, `UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_log WHERE seq = 3)`)
			if _, err := s.VerifyAudit(ctx); err != nil {
				t.Fatalf("without a kept head a tail cut together with the head cannot be seen, yet: %v", err)
			}
			_, err := s.VerifyAudit(ctx, kept)
			wantProblem(t, err, 4, "cut")
		})
	})
}

// sql is a change made with statements.
func sql(stmts ...string) func(t *testing.T, s *store.Store) {
	return func(t *testing.T, s *store.Store) { tamper(t, s, stmts...) }
}

// Several app processes appending at once still form one valid chain.
func TestAuditConcurrentWritersOnPostgres(t *testing.T) {
	t.Parallel()
	url := testdb.Postgres(t)
	ctx := context.Background()
	stores := []*store.Store{open(t, store.Options{DatabaseURL: url, AuditKey: auditKey}), open(t, store.Options{DatabaseURL: url, AuditKey: auditKey})}
	const perWriter = 25
	var wg sync.WaitGroup
	errc := make(chan error, 8*perWriter)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := stores[w%2]
			for i := range perWriter {
				if err := s.Audit(ctx, "test.concurrent", "writer", int64(w*1000+i), audit.OK); err != nil {
					errc <- err
				}
				if i%5 == 0 {
					if _, err := s.CreateProgram(ctx, newProgram(fmt.Sprintf("W%d-%d", w, i))); err != nil {
						errc <- err
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	head, err := stores[0].VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(8*perWriter + 8*5); head.Seq != want {
		t.Errorf("chain holds %d entries, want %d", head.Seq, want)
	}
}

// A partner's entries are found by "partner" whether they were written
// before migration 12, which named a partner "organization", or after.
func TestAuditFilterFindsPartnersUnderTheirOldName(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		for _, kind := range []string{"organization", "partner", "program"} {
			if err := s.Audit(ctx, kind+".update", kind, 7, "ok"); err != nil {
				t.Fatal(err)
			}
		}
		list, _, err := s.ListAudit(ctx, store.AuditFilter{ObjectType: "partner", ObjectID: "7"}, store.Page{})
		if err != nil || len(list) != 2 || list[0].ObjectType != "partner" || list[1].ObjectType != "organization" {
			t.Errorf("a partner's entries: %+v %v", list, err)
		}
	})
}

// The audit list finds a person by their e-mail address (what they did
// signed in and with their API tokens) and a case or a mentee by its case
// code; the names it looks up for a page are staff names and case codes.
func TestAuditFilterByPersonAndRecord(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s := f.s
		c := f.intake(t, "AUD-7")
		other := f.intake(t, "AUD-8")
		_, tok, err := s.CreateAPIToken(f.ctx, f.coord.ID, "sync", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		as := func(who string) context.Context { return audit.WithActor(context.Background(), audit.Actor{Who: who}) }
		coord, viaToken := fmt.Sprintf("user:%d", f.coord.ID), fmt.Sprintf("token:%d", tok.ID)
		for _, w := range []struct {
			ctx    context.Context
			action string
			kind   string
			id     int64
		}{
			{as(coord), "case.notes_read", "case", c.ID},
			{as(viaToken), "case.contacts_read", "case", c.ID},
			{as(fmt.Sprintf("user:%d", f.mentor.ID)), "case.notes_read", "case", other.ID},
			{as(coord), "mentee.profile_read", "mentee", c.MenteeID},
		} {
			if err := s.Audit(w.ctx, w.action, w.kind, w.id, audit.OK); err != nil {
				t.Fatal(err)
			}
		}
		list := func(f store.AuditFilter) []audit.Entry {
			t.Helper()
			l, _, err := s.ListAudit(context.Background(), f, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		byCoord := list(store.AuditFilter{Actor: " Coord@Example.org "})
		if len(byCoord) != 3 || byCoord[1].Actor != viaToken {
			t.Errorf("the coordinator by e-mail: %+v", byCoord)
		}
		if l := list(store.AuditFilter{Actor: "nobody@example.org"}); len(l) != 0 {
			t.Errorf("an unknown address: %+v", l)
		}
		caseEntries := list(store.AuditFilter{ObjectType: "case", ObjectID: "aud-7"})
		for _, e := range caseEntries {
			if e.ObjectID != fmt.Sprint(c.ID) {
				t.Errorf("case code AUD-7 found an entry on case %s", e.ObjectID)
			}
		}
		if byID := list(store.AuditFilter{ObjectType: "case", ObjectID: fmt.Sprint(c.ID)}); len(caseEntries) < 3 || len(byID) != len(caseEntries) {
			t.Errorf("case AUD-7 by code: %d entries, by id: %d", len(caseEntries), len(byID))
		}
		if l := list(store.AuditFilter{ObjectType: "mentee", ObjectID: "AUD-7"}); len(l) == 0 || l[0].Action != "mentee.profile_read" {
			t.Errorf("the mentee by case code: %+v", l)
		}

		names, err := s.AuditNamesOf(context.Background(), list(store.AuditFilter{}))
		if err != nil {
			t.Fatal(err)
		}
		if a := names.Actors[coord]; a.Name != "Cora Coordinator" || a.Email != "coord@example.org" || a.Role != auth.Coordinator {
			t.Errorf("the coordinator: %+v", a)
		}
		if a := names.Actors[viaToken]; a.UserID != f.coord.ID || a.Token != "sync" {
			t.Errorf("the coordinator's token: %+v", a)
		}
		if code := names.Codes[fmt.Sprintf("case:%d", c.ID)]; code != "AUD-7" {
			t.Errorf("case code %q", code)
		}
		if code := names.Codes[fmt.Sprintf("mentee:%d", c.MenteeID)]; code != "AUD-7" {
			t.Errorf("mentee's case code %q", code)
		}
	})
}

// Heads kept in a head log, where the database cannot reach, catch a tail
// cut together with the audit_head row, and a log rewritten by someone who
// has the key file too.
func TestAuditHeadLogCatchesWhatTheDatabaseHides(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		if opts.DataDir != "" {
			if _, err := audit.OpenHeadLog(filepath.Join(opts.DataDir, "heads"), opts.DataDir); err == nil || !strings.Contains(err.Error(), "data directory") {
				t.Errorf("a head log in the data directory: %v, want refused", err)
			}
		}
		path := filepath.Join(t.TempDir(), "audit-heads.log")
		hl, err := audit.OpenHeadLog(path, opts.DataDir)
		if err != nil {
			t.Fatal(err)
		}
		s := auditedStore(t, opts)
		keep := func() {
			h, err := s.AuditHead(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := hl.Append(h, s.Now()); err != nil {
				t.Fatal(err)
			}
		}
		keep()
		for i := range 2 {
			if err := s.Audit(ctx, "test.event", "thing", int64(10+i), audit.OK); err != nil {
				t.Fatal(err)
			}
		}
		keep()
		keep() // an unmoved head is written once
		heads, err := audit.ReadHeadLog(path)
		if err != nil || len(heads) != 2 || heads[0].Seq != 5 || heads[1].Seq != 7 {
			t.Fatalf("head log: %v %v, want the heads at 5 and 7", heads, err)
		}
		if _, err := s.VerifyAudit(ctx, heads...); err != nil {
			t.Fatalf("intact log against its head log: %v", err)
		}

		tamper(t, s, `DELETE FROM audit_log WHERE seq >= 6`, `UPDATE audit_head SET seq = 5, hash = (SELECT hash FROM audit_log WHERE seq = 5)`)
		if _, err := s.VerifyAudit(ctx); err != nil {
			t.Fatalf("the database alone cannot show a tail cut with its head, yet: %v", err)
		}
		_, err = s.VerifyAudit(ctx, heads...)
		wantProblem(t, err, 6, "cut")

		// With the key file as well, entry 3 is edited and the chain re-hashed
		// with the right key: only the head log still knows.
		rehash(t, s, 3, auditKey, func(e *audit.Entry) {
			if e.Seq == 3 {
				e.Actor = "user:2"
			}
		})
		if _, err := s.VerifyAudit(ctx); err != nil {
			t.Fatalf("re-hashed with the key: %v", err)
		}
		_, err = s.VerifyAudit(ctx, heads[0])
		wantProblem(t, err, 5, "edited")
	})
}

// A log written before the audit key is keyed once, after its plain chain
// verified; until then a serve refuses it, and a broken one is never keyed.
func TestAuditKeyingALogWrittenBeforeTheKey(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		reopen := func(o store.Options) (*store.Store, error) {
			o.DataDir, o.DatabaseURL = opts.DataDir, opts.DatabaseURL
			s, err := store.Open(ctx, o)
			if err == nil {
				t.Cleanup(func() { s.Close() })
			}
			return s, err
		}
		old := open(t, opts) // no audit key: the plain chain of earlier versions
		for i := range 3 {
			if err := old.Audit(ctx, "test.event", "thing", int64(i+1), audit.OK); err != nil {
				t.Fatal(err)
			}
		}
		plainHead, _ := old.AuditHead(ctx)
		old.Close()

		if _, err := reopen(store.Options{AuditKey: auditKey}); !errors.Is(err, store.ErrAuditNotKeyed) {
			t.Fatalf("serve on a log never keyed: %v, want ErrAuditNotKeyed", err)
		}
		side, err := reopen(store.Options{AuditKey: auditKey, NoMigrate: true, Shared: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = side.VerifyAudit(ctx)
		wantProblem(t, err, 1, "unkeyed")
		if err := side.Audit(ctx, "test.event", "thing", 9, audit.OK); !errors.Is(err, store.ErrAuditNotKeyed) {
			t.Errorf("an append with the key to a log never keyed: %v, want refused", err)
		}
		side.Close()

		s, err := reopen(store.Options{AuditKey: auditKey, KeyAuditLog: true})
		if err != nil {
			t.Fatalf("keying the log: %v", err)
		}
		head, err := s.VerifyAudit(ctx)
		if err != nil || head.Seq != 3 || head.Hash == plainHead.Hash {
			t.Fatalf("the keyed log: head %v (plain head %v), %v", head, plainHead, err)
		}
		if _, err := s.VerifyAudit(ctx, plainHead); err == nil {
			t.Errorf("a head kept before keying still matches the keyed log")
		}
		if n, err := s.KeyAuditLog(ctx); n != 0 || err != nil {
			t.Errorf("keying again: %d %v, want nothing to do", n, err)
		}
		if err := s.Audit(ctx, "test.event", "thing", 4, audit.OK); err != nil {
			t.Fatal(err)
		}
		if head, err := s.VerifyAudit(ctx); err != nil || head.Seq != 4 {
			t.Fatalf("after an append: %v %v", head, err)
		}
		// Someone with only the database makes it look never keyed again,
		// with a plain chain of their own: the next start refuses it, rather
		// than keying (and so hiding) the forgery.
		rehash(t, s, 1, nil, func(e *audit.Entry) {
			if e.Seq == 2 {
				e.Actor = "user:2"
			}
		})
		tamper(t, s, `UPDATE audit_head SET key_probe = ''`)
		s.Close()
		if _, err := reopen(store.Options{AuditKey: auditKey}); !errors.Is(err, store.ErrAuditNotKeyed) {
			t.Fatalf("serve on a log made to look never keyed: %v, want ErrAuditNotKeyed", err)
		}
		// audit verify may open it, and finds no keyed entry from the first on.
		side, err = reopen(store.Options{AuditKey: auditKey, NoMigrate: true, Shared: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = side.VerifyAudit(ctx)
		wantProblem(t, err, 1, "unkeyed")
	})
}

func TestAuditKeyIsCheckedAtOpen(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := auditedStore(t, opts)
		s.Close()
		o := opts
		o.AuditKey = []byte("a key that is not the audit key!")
		if _, err := store.Open(ctx, o); !errors.Is(err, store.ErrForeignAuditKey) {
			t.Fatalf("open with another audit key: %v, want ErrForeignAuditKey", err)
		}
		o.AuditKey = nil // a store without the key reads, but neither appends nor verifies
		plain := open(t, o)
		if err := plain.Audit(ctx, "test.event", "thing", 1, audit.OK); err == nil {
			t.Errorf("an append without the key to a keyed log was accepted")
		}
		if _, err := plain.VerifyAudit(ctx); err == nil || !strings.Contains(err.Error(), "needs the audit key") {
			t.Errorf("verify without the key: %v", err)
		}
	})
}

// A log that does not verify is not keyed, so its break stays visible.
func TestAuditBrokenLogIsNotKeyed(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		old := open(t, opts)
		for i := range 3 {
			if err := old.Audit(ctx, "test.event", "thing", int64(i+1), audit.OK); err != nil {
				t.Fatal(err)
			}
		}
		tamper(t, old, `UPDATE audit_log SET actor = 'user:2' WHERE seq = 2`)
		old.Close()
		o := opts
		o.AuditKey, o.KeyAuditLog = auditKey, true
		_, err := store.Open(ctx, o)
		wantProblem(t, err, 2, "edited")
		o.AuditKey, o.KeyAuditLog = nil, false
		again := open(t, o)
		_, err = again.VerifyAudit(ctx)
		wantProblem(t, err, 2, "edited")
	})
}

// homeward migrate keys a log that a version without the audit key wrote
// (entries hashed with plain SHA-256), and it verifies keyed from then on.
// (TestUpgradeFromThePreviousRelease migrates a database from before the
// audit key's migration.)
func TestAuditLogKeyedByMigrate(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		old := open(t, opts)
		for i := range 3 {
			if err := old.Audit(ctx, "test.event", "thing", int64(i+1), audit.OK); err != nil {
				t.Fatal(err)
			}
		}
		old.Close()
		o := opts
		o.AuditKey, o.KeyAuditLog, o.NoMigrate = auditKey, true, true
		s := open(t, o)
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.KeyNewAuditLog(ctx); err != nil {
			t.Fatal(err)
		}
		if head, err := s.VerifyAudit(ctx); err != nil || head.Seq != 3 {
			t.Fatalf("after migrate: %v %v", head, err)
		}
	})
}

// Several app processes that start at once with the same new audit key on
// an old log: one keys it, the others find it keyed, and it verifies.
func TestAuditKeyingByProcessesStartingAtOnceOnPostgres(t *testing.T) {
	t.Parallel()
	url := testdb.Postgres(t)
	ctx := context.Background()
	old := open(t, store.Options{DatabaseURL: url})
	for i := range 20 {
		if err := old.Audit(ctx, "test.event", "thing", int64(i+1), audit.OK); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()
	var wg sync.WaitGroup
	errc := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := store.Open(ctx, store.Options{DatabaseURL: url, AuditKey: auditKey, KeyAuditLog: true})
			if err == nil {
				err = s.Audit(ctx, "test.event", "thing", 99, audit.OK)
				s.Close()
			}
			errc <- err
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	s := open(t, store.Options{DatabaseURL: url, AuditKey: auditKey})
	if head, err := s.VerifyAudit(ctx); err != nil || head.Seq != 24 {
		t.Fatalf("after keying at once: %v %v", head, err)
	}
}
