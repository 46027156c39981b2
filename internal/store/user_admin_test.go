package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/store"
)

// mustUser creates a user and, unless invited is wanted, gives them a password (active).
func mustUser(t *testing.T, s *store.Store, u auth.User, status string) auth.User {
	t.Helper()
	ctx := context.Background()
	u, err := s.CreateUser(ctx, u)
	if err != nil {
		t.Fatalf("create %s: %v", u.Email, err)
	}
	if status != auth.StatusInvited {
		if err := s.SetPassword(ctx, u.ID, "$argon2id$x"); err != nil {
			t.Fatal(err)
		}
	}
	if status == auth.StatusDisabled {
		if err := s.SetUserStatus(ctx, u.ID, auth.StatusDisabled); err != nil {
			t.Fatal(err)
		}
	}
	u, err = s.GetUser(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func emails(users []auth.User) string {
	var out []string
	for _, u := range users {
		out = append(out, u.Email)
	}
	return strings.Join(out, " ")
}

func TestSearchUsers(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		p1, _ := s.CreateProgram(ctx, newProgram("Alpha"))
		p2, _ := s.CreateProgram(ctx, newProgram("Beta"))
		mustUser(t, s, auth.User{Email: "admin@example.org", Name: "Ada Admin", Role: auth.Admin}, auth.StatusActive)
		mustUser(t, s, auth.User{Email: "Coord@example.org", Name: "Алесь Пятровіч", Role: auth.Coordinator, Programs: []int64{p2.ID, p1.ID}}, auth.StatusActive)
		mustUser(t, s, auth.User{Email: "mentor1@example.org", Name: "Olga", Role: auth.Mentor, Programs: []int64{p1.ID}}, auth.StatusInvited)
		mustUser(t, s, auth.User{Email: "mentor2@example.org", Name: "Petr 100%_done", Role: auth.Mentor}, auth.StatusDisabled)
		mustUser(t, s, auth.User{Email: "mentor3@example.org", Name: "", Role: auth.Mentor}, auth.StatusActive)

		cases := []struct {
			f    store.UserFilter
			want string
		}{
			{store.UserFilter{}, "admin@example.org Coord@example.org mentor1@example.org mentor2@example.org mentor3@example.org"},
			{store.UserFilter{Role: auth.Mentor}, "mentor1@example.org mentor2@example.org mentor3@example.org"},
			{store.UserFilter{Status: auth.StatusActive}, "admin@example.org Coord@example.org mentor3@example.org"},
			{store.UserFilter{Role: auth.Mentor, Status: auth.StatusDisabled}, "mentor2@example.org"},
			{store.UserFilter{Query: "COORD"}, "Coord@example.org"},
			// Names in any alphabet, ignoring case, the same on both engines.
			{store.UserFilter{Query: "пятроВІЧ"}, "Coord@example.org"},
			{store.UserFilter{Query: " olga "}, "mentor1@example.org"},
			// LIKE's wildcards are plain characters here.
			{store.UserFilter{Query: "%_"}, "mentor2@example.org"},
			{store.UserFilter{Query: "_"}, "mentor2@example.org"},
			{store.UserFilter{Query: "mentor", Status: auth.StatusActive}, "mentor3@example.org"},
			{store.UserFilter{Query: "nobody"}, ""},
			{store.UserFilter{Role: auth.Viewer}, ""},
		}
		for _, c := range cases {
			got, next, err := s.SearchUsers(ctx, c.f, store.Page{})
			if err != nil || emails(got) != c.want || next != "" {
				t.Errorf("%+v: %q next %q (%v), want %q", c.f, emails(got), next, err, c.want)
			}
		}

		// Pages of a filtered list, with and without a query.
		for _, f := range []store.UserFilter{{Role: auth.Mentor}, {Query: "mentor"}} {
			page1, next, err := s.SearchUsers(ctx, f, store.Page{Limit: 2})
			if err != nil || emails(page1) != "mentor1@example.org mentor2@example.org" || next == "" {
				t.Fatalf("%+v page 1: %q %q %v", f, emails(page1), next, err)
			}
			page2, last, err := s.SearchUsers(ctx, f, store.Page{Limit: 2, Cursor: next})
			if err != nil || emails(page2) != "mentor3@example.org" || last != "" {
				t.Errorf("%+v page 2: %q %q %v", f, emails(page2), last, err)
			}
		}
		// An exactly full last page has no next page.
		if got, next, _ := s.SearchUsers(ctx, store.UserFilter{Role: auth.Mentor}, store.Page{Limit: 3}); len(got) != 3 || next != "" {
			t.Errorf("full page: %d users, next %q", len(got), next)
		}

		// Programs come with each listed user, and nothing secret does.
		all, _, _ := s.SearchUsers(ctx, store.UserFilter{Query: "coord"}, store.Page{})
		if len(all) != 1 || !slices.Equal(all[0].Programs, []int64{p1.ID, p2.ID}) || all[0].Status != auth.StatusActive || all[0].Role != auth.Coordinator {
			t.Errorf("listed user %+v", all)
		}

		if _, _, err := s.SearchUsers(ctx, store.UserFilter{}, store.Page{Cursor: "garbage"}); !errs.Is(err, errs.KindInvalid) {
			t.Errorf("broken cursor: %v", err)
		}
		if _, _, err := s.SearchUsers(ctx, store.UserFilter{Role: "king"}, store.Page{}); errs.As(err).Fields["role"] != "validation.role" {
			t.Errorf("unknown role: %v", err)
		}
		if _, _, err := s.SearchUsers(ctx, store.UserFilter{Status: "gone"}, store.Page{}); errs.As(err).Fields["status"] != "validation.status" {
			t.Errorf("unknown status: %v", err)
		}

		names, err := s.ProgramNames(ctx)
		if err != nil || len(names) != 2 || names[0].Name != "Alpha" || names[1].ID != p2.ID {
			t.Errorf("program names: %+v %v", names, err)
		}
	})
}

func TestUpdateUser(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Who: "user:1", RequestID: "r1", Address: "192.0.2.1"})
		s := open(t, opts)
		p1, _ := s.CreateProgram(ctx, newProgram("Alpha"))
		p2, _ := s.CreateProgram(ctx, newProgram("Beta"))
		mustUser(t, s, auth.User{Email: "admin@example.org", Role: auth.Admin}, auth.StatusActive)
		u := mustUser(t, s, auth.User{Email: "coord@example.org", Name: "Old Name", Role: auth.Coordinator, Programs: []int64{p1.ID}}, auth.StatusActive)
		session, _ := s.CreateSession(ctx, u.ID, time.Hour, "192.0.2.9", "b")

		// Moving to another program keeps the session; the change is audited without values.
		edit := u
		edit.Name, edit.Programs = "  Secret Name  ", []int64{p2.ID, p2.ID}
		got, err := s.UpdateUser(ctx, edit, u.UpdatedAt)
		if err != nil || got.Name != "Secret Name" || !slices.Equal(got.Programs, []int64{p2.ID}) || got.Email != u.Email || got.Status != auth.StatusActive {
			t.Fatalf("update: %+v %v", got, err)
		}
		if !got.UpdatedAt.After(u.UpdatedAt) {
			t.Errorf("version did not move: %v → %v", u.UpdatedAt, got.UpdatedAt)
		}
		if _, _, err := s.SessionUser(ctx, session, time.Hour); err != nil {
			t.Errorf("a change of programs ended the session: %v", err)
		}
		entries, _, _ := s.ListAudit(ctx, store.AuditFilter{ObjectType: "user", ObjectID: fmt.Sprint(u.ID)}, store.Page{Limit: 1})
		if len(entries) != 1 || entries[0].Action != "user.update" || entries[0].Actor != "user:1" || strings.Contains(fmt.Sprint(entries[0]), "Secret") {
			t.Errorf("audit entry %+v", entries)
		}

		// A stale version is refused and changes nothing.
		stale := got
		stale.Name = "Stale"
		head, _ := s.AuditHead(ctx)
		if _, err := s.UpdateUser(ctx, stale, u.UpdatedAt); !errs.Is(err, errs.KindConflict) {
			t.Errorf("stale version: %v, want a conflict", err)
		}
		if _, err := s.UpdateUser(ctx, stale, time.Time{}); errs.As(err).Fields["version"] != "validation.version_required" {
			t.Errorf("no version: %v", err)
		}
		// Bad input is refused as a whole: nothing half saved, not even the name.
		bad := got
		bad.Name, bad.Programs = "Half saved", []int64{p1.ID, 999}
		if _, err := s.UpdateUser(ctx, bad, got.UpdatedAt); errs.As(err).Fields["programs"] != "validation.no_such_program" {
			t.Errorf("unknown program: %v", err)
		}
		bad.Role, bad.Programs = auth.Admin, []int64{p1.ID}
		if _, err := s.UpdateUser(ctx, bad, got.UpdatedAt); errs.As(err).Fields["programs"] != "validation.admin_programs" {
			t.Errorf("admin with programs: %v", err)
		}
		bad.Role, bad.Programs = "king", nil
		if _, err := s.UpdateUser(ctx, bad, got.UpdatedAt); errs.As(err).Fields["role"] != "validation.role" {
			t.Errorf("unknown role: %v", err)
		}
		bad.Role, bad.Name = auth.Coordinator, strings.Repeat("x", 121)
		if _, err := s.UpdateUser(ctx, bad, got.UpdatedAt); errs.As(err).Fields["name"] != "validation.too_long" {
			t.Errorf("long name: %v", err)
		}
		now, _ := s.GetUser(ctx, u.ID)
		if now.Name != "Secret Name" || !slices.Equal(now.Programs, []int64{p2.ID}) || !now.UpdatedAt.Equal(got.UpdatedAt) {
			t.Errorf("a refused update changed the user: %+v", now)
		}
		if h, _ := s.AuditHead(ctx); h != head {
			t.Errorf("refused updates wrote audit entries: %v → %v", head, h)
		}
		missing := got
		missing.ID = 9999
		if _, err := s.UpdateUser(ctx, missing, got.UpdatedAt); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("no such user: %v", err)
		}

		// A change of role ends the sessions, so the new role starts with a fresh sign-in.
		promote := now
		promote.Role, promote.Programs = auth.Admin, nil
		got, err = s.UpdateUser(ctx, promote, now.UpdatedAt)
		if err != nil || got.Role != auth.Admin || len(got.Programs) != 0 {
			t.Fatalf("promote: %+v %v", got, err)
		}
		if _, _, err := s.SessionUser(ctx, session, time.Hour); err == nil {
			t.Error("the session outlived a change of role")
		}
		entries, _, _ = s.ListAudit(ctx, store.AuditFilter{ObjectID: fmt.Sprint(u.ID)}, store.Page{Limit: 2})
		if len(entries) != 2 || entries[0].Action != "user.sessions_end" || entries[1].Action != "user.update" {
			t.Errorf("audit of a role change: %+v", entries)
		}
	})
}

func TestUpdateUserKeepsAnAdministrator(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		a := mustUser(t, s, auth.User{Email: "a@example.org", Role: auth.Admin}, auth.StatusActive)
		demote := func(u auth.User) error {
			cur, err := s.GetUser(ctx, u.ID)
			if err != nil {
				return err
			}
			cur.Role = auth.Coordinator
			_, err = s.UpdateUser(ctx, cur, cur.UpdatedAt)
			return err
		}
		if err := demote(a); errs.As(err).Fields["role"] != "users.error.last_admin" {
			t.Fatalf("demoting the only administrator: %v", err)
		}
		// A disabled administrator does not count as one.
		off := mustUser(t, s, auth.User{Email: "off@example.org", Role: auth.Admin}, auth.StatusDisabled)
		if err := demote(a); errs.As(err).Fields["role"] != "users.error.last_admin" {
			t.Fatalf("demoting the only active administrator: %v", err)
		}
		if err := demote(off); err != nil {
			t.Errorf("demoting a disabled administrator: %v", err)
		}
		// Renaming the last administrator is fine.
		cur, _ := s.GetUser(ctx, a.ID)
		cur.Name = "Still admin"
		if _, err := s.UpdateUser(ctx, cur, cur.UpdatedAt); err != nil {
			t.Errorf("renaming the last administrator: %v", err)
		}

		// Two administrators demoting each other at once: one of them stays.
		b := mustUser(t, s, auth.User{Email: "b@example.org", Role: auth.Admin}, auth.StatusActive)
		var wg sync.WaitGroup
		errList := make([]error, 2)
		for i, u := range []auth.User{a, b} {
			wg.Go(func() { errList[i] = demote(u) })
		}
		wg.Wait()
		refused := 0
		for _, err := range errList {
			switch {
			case err == nil:
			case errs.As(err).Fields["role"] == "users.error.last_admin", errs.Is(err, errs.KindConflict):
				refused++
			default:
				t.Errorf("concurrent demotion: %v", err)
			}
		}
		admins, _, _ := s.SearchUsers(ctx, store.UserFilter{Role: auth.Admin, Status: auth.StatusActive}, store.Page{})
		if refused != 1 || len(admins) != 1 {
			t.Errorf("after demoting each other: %d refused, active admins %q", refused, emails(admins))
		}
	})
}

func TestEndAndCountUserSessions(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		u := mustUser(t, s, auth.User{Email: "m@example.org", Role: auth.Mentor}, auth.StatusActive)
		other := mustUser(t, s, auth.User{Email: "o@example.org", Role: auth.Mentor}, auth.StatusActive)
		t1, _ := s.CreateSession(ctx, u.ID, time.Hour, "192.0.2.1", "one")
		s.CreateSession(ctx, u.ID, 2*time.Hour, "192.0.2.2", "two")
		t3, _ := s.CreateSession(ctx, other.ID, 3*time.Hour, "192.0.2.3", "three")

		if n, err := s.CountActiveSessions(ctx, u.ID, 30*time.Minute); err != nil || n != 2 {
			t.Errorf("active sessions: %d %v", n, err)
		}
		// Idle too long, then past the absolute lifetime: no longer counted.
		now = now.Add(40 * time.Minute)
		if n, _ := s.CountActiveSessions(ctx, u.ID, 30*time.Minute); n != 0 {
			t.Errorf("idle sessions counted: %d", n)
		}
		if n, _ := s.CountActiveSessions(ctx, u.ID, 90*time.Minute); n != 2 {
			t.Errorf("sessions within a longer idle time: %d", n)
		}
		now = now.Add(30 * time.Minute) // 70 minutes after sign-in: the first has expired
		if n, _ := s.CountActiveSessions(ctx, u.ID, 3*time.Hour); n != 1 {
			t.Errorf("expired session counted: %d", n)
		}

		n, err := s.EndUserSessions(ctx, u.ID)
		if err != nil || n != 2 {
			t.Fatalf("end sessions: %d %v", n, err)
		}
		if _, _, err := s.SessionUser(ctx, t1, 3*time.Hour); err == nil {
			t.Error("an ended session still works")
		}
		if _, _, err := s.SessionUser(ctx, t3, 3*time.Hour); err != nil {
			t.Errorf("another user's session ended too: %v", err)
		}
		if n, err := s.EndUserSessions(ctx, u.ID); err != nil || n != 0 {
			t.Errorf("ending no sessions: %d %v", n, err)
		}
		if _, err := s.EndUserSessions(ctx, 9999); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("no such user: %v", err)
		}
		entries, _, _ := s.ListAudit(ctx, store.AuditFilter{ObjectType: "user", ObjectID: fmt.Sprint(u.ID)}, store.Page{Limit: 1})
		if len(entries) != 1 || entries[0].Action != "user.sessions_end" {
			t.Errorf("audit entry %+v", entries)
		}
	})
}

func TestListAuditByTime(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		s := open(t, opts)
		ctx := audit.WithActor(context.Background(), audit.Actor{Who: "user:7"})
		day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
		at := day(1)
		s.SetClock(func() time.Time { return at })
		for _, t0 := range []time.Time{day(1), day(2).Add(-time.Microsecond), day(2), day(2).Add(23 * time.Hour), day(3), day(5)} {
			at = t0
			if err := s.Audit(ctx, "test.event", "thing", 1, audit.OK); err != nil {
				t.Fatal(err)
			}
		}
		seqs := func(f store.AuditFilter, p store.Page) ([]int64, string) {
			entries, next, err := s.ListAudit(context.Background(), f, p)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, e := range entries {
				out = append(out, e.Seq)
			}
			return out, next
		}
		cases := []struct {
			f    store.AuditFilter
			want []int64
		}{
			{store.AuditFilter{From: day(2), To: day(3)}, []int64{4, 3}},
			{store.AuditFilter{From: day(2)}, []int64{6, 5, 4, 3}},
			{store.AuditFilter{To: day(2)}, []int64{2, 1}},
			{store.AuditFilter{From: day(4), To: day(5)}, nil},
			{store.AuditFilter{Actor: "user:7", From: day(3)}, []int64{6, 5}},
			{store.AuditFilter{Actor: "user:8", From: day(1)}, nil},
		}
		for _, c := range cases {
			if got, _ := seqs(c.f, store.Page{}); !slices.Equal(got, c.want) {
				t.Errorf("%+v: %v, want %v", c.f, got, c.want)
			}
		}
		// Keyset pages keep the time filter.
		f := store.AuditFilter{From: day(1), To: day(3)}
		page1, next := seqs(f, store.Page{Limit: 3})
		page2, last := seqs(f, store.Page{Limit: 3, Cursor: next})
		if !slices.Equal(page1, []int64{4, 3, 2}) || !slices.Equal(page2, []int64{1}) || last != "" {
			t.Errorf("pages: %v then %v (%q)", page1, page2, last)
		}
	})
}

// The last active administrator cannot be disabled, so the installation is
// never left without one.
func TestLastAdminCannotBeDisabled(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		one := mustUser(t, s, auth.User{Email: "only-admin@example.org", Role: auth.Admin}, auth.StatusActive)
		if err := s.SetUserStatus(ctx, one.ID, auth.StatusDisabled); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("disabling the only admin: %v, want a conflict", err)
		}
		two := mustUser(t, s, auth.User{Email: "second-admin@example.org", Role: auth.Admin}, auth.StatusActive)
		if err := s.SetUserStatus(ctx, one.ID, auth.StatusDisabled); err != nil {
			t.Fatalf("disabling one of two admins: %v", err)
		}
		if err := s.SetUserStatus(ctx, two.ID, auth.StatusDisabled); !errs.Is(err, errs.KindConflict) {
			t.Errorf("disabling the remaining admin: %v, want a conflict", err)
		}
	})
}
