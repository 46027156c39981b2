package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// auditedStore returns a store with five audit entries.
func auditedStore(t *testing.T, opts store.Options) *store.Store {
	t.Helper()
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
	drop := []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`}
	if s.Engine() == store.Postgres {
		drop = []string{`DROP TRIGGER audit_log_no_change ON audit_log`}
	}
	for _, q := range append(drop, stmts...) {
		if err := store.ExecForTest(ctx, s, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
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

func TestAuditTamperIsFound(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		stmts []string
		seq   int64
		kind  string
	}{
		{"edited", []string{`UPDATE audit_log SET actor = 'user:2' WHERE seq = 3`}, 3, "edited"},
		{"deleted", []string{`DELETE FROM audit_log WHERE seq = 2`}, 2, "deleted"},
		{"deleted and renumbered", []string{`DELETE FROM audit_log WHERE seq = 2`, `UPDATE audit_log SET seq = seq - 1 WHERE seq > 2`}, 2, "reordered"},
		{"reordered", []string{`UPDATE audit_log SET seq = 100 WHERE seq = 2`, `UPDATE audit_log SET seq = 2 WHERE seq = 3`, `UPDATE audit_log SET seq = 3 WHERE seq = 100`}, 2, "reordered"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			engines(t, func(t *testing.T, opts store.Options) {
				s := auditedStore(t, opts)
				tamper(t, s, c.stmts...)
				_, err := s.VerifyAudit(context.Background())
				wantProblem(t, err, c.seq, c.kind)
			})
		})
	}
	t.Run("cut tail", func(t *testing.T) {
		t.Parallel()
		engines(t, func(t *testing.T, opts store.Options) {
			ctx := context.Background()
			s := auditedStore(t, opts)
			kept, _ := s.AuditHead(ctx)
			tamper(t, s, `DELETE FROM audit_log WHERE seq >= 4`, `UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_log WHERE seq = 3)`)
			if _, err := s.VerifyAudit(ctx); err != nil {
				t.Fatalf("without a kept head a cut tail cannot be seen, yet: %v", err)
			}
			_, err := s.VerifyAudit(ctx, kept)
			wantProblem(t, err, 4, "cut")
		})
	})
}

// Several app processes appending at once still form one valid chain.
func TestAuditConcurrentWritersOnPostgres(t *testing.T) {
	t.Parallel()
	url := testdb.Postgres(t)
	ctx := context.Background()
	stores := []*store.Store{open(t, store.Options{DatabaseURL: url}), open(t, store.Options{DatabaseURL: url})}
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
