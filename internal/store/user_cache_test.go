package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/store"
)

// cacheFixture is a store on a stopped clock (a cached user never ages out
// during a test) with two programs and an active coordinator in both.
type cacheFixture struct {
	s      *store.Store
	p1, p2 int64
	now    time.Time
}

func newCacheFixture(t *testing.T, opts store.Options) *cacheFixture {
	t.Helper()
	ctx := context.Background()
	if opts.Keyring == nil {
		opts.Keyring = keyring(t)
	}
	f := &cacheFixture{s: open(t, opts), now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	f.s.SetClock(func() time.Time { return f.now })
	mustUser(t, f.s, auth.User{Email: "admin@example.org", Role: auth.Admin}, auth.StatusActive)
	for i, id := range []*int64{&f.p1, &f.p2} {
		p, err := f.s.CreateProgram(ctx, newProgram(fmt.Sprintf("Program %d", i+1)))
		if err != nil {
			t.Fatal(err)
		}
		*id = p.ID
	}
	return f
}

func (f *cacheFixture) coordinator(t *testing.T, name string) auth.User {
	return mustUser(t, f.s, auth.User{Email: name + "@example.org", Role: auth.Coordinator, Programs: []int64{f.p1, f.p2}}, auth.StatusActive)
}

// A token's and a session's user are read from the database once, then
// answered from the cache on SQLite (a change made behind the store's back
// is not seen), and read each time on PostgreSQL; what a caller changes in
// an answer does not reach the cache.
func TestSignedInUserIsCachedOnSQLiteOnly(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		f := newCacheFixture(t, opts)
		s := f.s
		u := f.coordinator(t, "coordinator")
		plain, _, err := s.CreateAPIToken(ctx, u.ID, "script", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		session, err := s.CreateSession(ctx, u.ID, time.Hour, "127.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		cached := s.Engine() == store.SQLite
		for _, c := range []struct {
			what string
			get  func() (auth.User, error)
		}{
			{"token", func() (auth.User, error) { _, u, err := s.TokenUser(ctx, plain); return u, err }},
			{"session", func() (auth.User, error) { _, u, err := s.SessionUser(ctx, session, time.Hour); return u, err }},
		} {
			if _, err := c.get(); err != nil {
				t.Fatal(err)
			}
			before := store.UserReadsForTest(s)
			got, err := c.get()
			if err != nil {
				t.Fatal(err)
			}
			if read := store.UserReadsForTest(s) - before; cached && read != 0 || !cached && read != 1 {
				t.Errorf("%s on %s: %d reads of the user for the second request", c.what, s.Engine(), read)
			}
			got.Programs[0] = 999
			if again, err := c.get(); err != nil || !slices.Equal(again.Programs, []int64{f.p1, f.p2}) {
				t.Errorf("%s: a caller's change reached the kept user: %v, %v", c.what, again.Programs, err)
			}
		}
		// Behind the store's back: the cache does not see it (which is why
		// every write goes through the store's methods).
		if err := store.ExecForTest(ctx, s, `UPDATE users SET status = 'disabled' WHERE id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.TokenUser(ctx, plain)
		if cached && err != nil || !cached && !errs.Is(err, errs.KindNotFound) {
			t.Errorf("token on %s after a change behind the store: %v", s.Engine(), err)
		}
	})
}

// A cached user loses access with the very next request when they sign out,
// are signed out everywhere, lose their token, are disabled, change role,
// get a new password or leave a program; the expiry of a session and a
// token holds on a hit.
func TestCachedUserLosesAccessAtOnce(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		f := newCacheFixture(t, opts)
		const idle = 3 * time.Hour
		s := f.s
		type signedIn struct {
			u       auth.User
			token   string
			tokenID int64
			session string
		}
		changes := map[string]func(x signedIn) error{
			"signed out": func(x signedIn) error {
				sess, _, err := s.SessionUser(ctx, x.session, idle)
				if err != nil {
					return err
				}
				if err := s.EndSession(ctx, x.u.ID, sess.ID); err != nil {
					return err
				}
				return s.RevokeAPIToken(ctx, x.u.ID, x.tokenID)
			},
			"signed out everywhere": func(x signedIn) error { _, err := s.EndUserSessions(ctx, x.u.ID); return err },
			"disabled":              func(x signedIn) error { return s.SetUserStatus(ctx, x.u.ID, auth.StatusDisabled) },
			"new password":          func(x signedIn) error { return s.SetPassword(ctx, x.u.ID, "$argon2id$new") },
			"role changed": func(x signedIn) error {
				u, err := s.GetUser(ctx, x.u.ID)
				if err != nil {
					return err
				}
				u.Role = auth.Viewer
				_, err = s.UpdateUser(ctx, u, u.UpdatedAt)
				return err
			},
		}
		warm := func(t *testing.T, x signedIn) {
			t.Helper()
			for range 2 {
				if _, _, err := s.TokenUser(ctx, x.token); err != nil {
					t.Fatalf("token: %v", err)
				}
				if _, _, err := s.SessionUser(ctx, x.session, idle); err != nil {
					t.Fatalf("session: %v", err)
				}
			}
		}
		newSignedIn := func(t *testing.T, name string) signedIn {
			x := signedIn{u: f.coordinator(t, name)}
			var tok store.APIToken
			var err error
			if x.token, tok, err = s.CreateAPIToken(ctx, x.u.ID, "script", time.Hour); err != nil {
				t.Fatal(err)
			}
			x.tokenID = tok.ID
			if x.session, err = s.CreateSession(ctx, x.u.ID, 2*time.Hour, "127.0.0.1", "test"); err != nil {
				t.Fatal(err)
			}
			warm(t, x)
			return x
		}
		for what, change := range changes {
			x := newSignedIn(t, "c-"+fmt.Sprint(len(what))+"-"+what[:3])
			if err := change(x); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if _, _, err := s.TokenUser(ctx, x.token); !errs.Is(err, errs.KindNotFound) {
				t.Errorf("%s: the token still works: %v", what, err)
			}
			if _, _, err := s.SessionUser(ctx, x.session, idle); !errs.Is(err, errs.KindNotFound) {
				t.Errorf("%s: the session still works: %v", what, err)
			}
		}

		// Revoking one token: that token stops, the session goes on.
		x := newSignedIn(t, "revoked")
		if err := s.RevokeAPIToken(ctx, x.u.ID, x.tokenID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.TokenUser(ctx, x.token); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("a revoked token still works: %v", err)
		}
		if _, _, err := s.SessionUser(ctx, x.session, idle); err != nil {
			t.Errorf("the session ended with the token: %v", err)
		}

		// Leaving a program: the next request no longer reaches it.
		x = newSignedIn(t, "moved")
		u, err := s.GetUser(ctx, x.u.ID)
		if err != nil {
			t.Fatal(err)
		}
		u.Programs = []int64{f.p1}
		if _, err := s.UpdateUser(ctx, u, u.UpdatedAt); err != nil {
			t.Fatal(err)
		}
		if _, got, err := s.TokenUser(ctx, x.token); err != nil || !slices.Equal(got.Programs, []int64{f.p1}) {
			t.Errorf("token after leaving a program: %v, %v", got.Programs, err)
		}
		if _, got, err := s.SessionUser(ctx, x.session, idle); err != nil || !slices.Equal(got.Programs, []int64{f.p1}) {
			t.Errorf("session after leaving a program: %v, %v", got.Programs, err)
		}

		// Expiry holds on a hit (within the few seconds a user is kept):
		// idle, absolute, and the token's.
		x = newSignedIn(t, "idle")
		f.now = f.now.Add(4 * time.Second)
		if _, _, err := s.SessionUser(ctx, x.session, 3*time.Second); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("an idle session still works: %v", err)
		}
		x = newSignedIn(t, "expiring")
		f.now = f.now.Add(2*time.Hour - 2*time.Second)
		if _, _, err := s.SessionUser(ctx, x.session, idle); err != nil { // read again (due to be marked as seen), kept
			t.Fatalf("the session before its end: %v", err)
		}
		f.now = f.now.Add(3 * time.Second)
		if _, _, err := s.SessionUser(ctx, x.session, 3*time.Hour); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("a session past its lifetime still works: %v", err)
		}
		x = newSignedIn(t, "expiring-token")
		f.now = f.now.Add(time.Hour - 2*time.Second)
		if _, _, err := s.TokenUser(ctx, x.token); err != nil {
			t.Fatalf("the token before its expiry: %v", err)
		}
		f.now = f.now.Add(3 * time.Second)
		if _, _, err := s.TokenUser(ctx, x.token); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("an expired token still works: %v", err)
		}
	})
}

// A mentee's cached portal account ends with the very next request when
// the portal is disabled for them, and when they are erased.
func TestCachedMenteeAccountEndsWithItsPortalAndErasure(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		admin := mustUser(t, j.s, auth.User{Email: "admin@example.org", Role: auth.Admin}, auth.StatusActive)
		ends := map[string]func(c cases.Case) error{
			"portal disabled": func(c cases.Case) error { return j.s.SetPortalStatus(j.ctx, c.MenteeID, auth.StatusDisabled) },
			"erased": func(c cases.Case) error {
				_, err := j.s.EraseDirectly(j.ctx, c.ID, cases.ErasurePersonAsked, admin.ID)
				return err
			},
		}
		n := 0
		for what, end := range ends {
			n++
			c := j.waiting(fmt.Sprintf("PC-%04d", n), "Portal Person")
			_, link, err := j.s.InviteMentee(j.ctx, c.MenteeID, auth.User{Email: fmt.Sprintf("portal-%d@example.org", n)}, time.Hour)
			j.fatal(err)
			u, err := j.s.UseLink(j.ctx, link, nil, "$argon2id$x")
			j.fatal(err)
			session, err := j.s.CreateSession(j.ctx, u.ID, time.Hour, "127.0.0.1", "test")
			j.fatal(err)
			for range 2 {
				if _, _, err := j.s.SessionUser(j.ctx, session, time.Hour); err != nil {
					t.Fatalf("%s: the session before: %v", what, err)
				}
			}
			j.fatal(end(c))
			if _, _, err := j.s.SessionUser(j.ctx, session, time.Hour); !errs.Is(err, errs.KindNotFound) {
				t.Errorf("%s: the mentee's session still works: %v", what, err)
			}
		}
	})
}

// A maintenance command beside serve on the same SQLite directory (opened
// Shared, such as "homeward token revoke") drops serve's cached users too.
func TestCommandBesideServeDropsTheCachedUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	ring := keyring(t)
	f := newCacheFixture(t, store.Options{DataDir: dir, Keyring: ring})
	u := f.coordinator(t, "coordinator")
	plain, tok, err := f.s.CreateAPIToken(ctx, u.ID, "script", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, _, err := f.s.TokenUser(ctx, plain); err != nil {
			t.Fatal(err)
		}
	}
	before := store.UserReadsForTest(f.s)
	if _, _, err := f.s.TokenUser(ctx, plain); err != nil || store.UserReadsForTest(f.s) != before {
		t.Fatalf("the token's user is not kept: %v", err)
	}
	cmd := open(t, store.Options{DataDir: dir, Shared: true, NoMigrate: true, Keyring: ring})
	if err := cmd.RevokeAPIToken(ctx, 0, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.s.TokenUser(ctx, plain); !errs.Is(err, errs.KindNotFound) {
		t.Errorf("serve still takes a token the command revoked: %v", err)
	}
}

// Requests racing a disabling: none that starts after the disabling
// returned is let in, whatever the requests before it read and kept.
func TestCachedUserRacingADisablingIsRefusedAfterIt(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		f := newCacheFixture(t, opts)
		u := f.coordinator(t, "racing")
		plain, _, err := f.s.CreateAPIToken(ctx, u.ID, "script", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		var disabled atomic.Bool
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for range 4 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					after := disabled.Load()
					if _, _, err := f.s.TokenUser(ctx, plain); after && err == nil {
						t.Error("a request after the disabling was let in")
						return
					}
				}
			})
		}
		for range 20 {
			if _, _, err := f.s.TokenUser(ctx, plain); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.s.SetUserStatus(ctx, u.ID, auth.StatusDisabled); err != nil {
			t.Fatal(err)
		}
		disabled.Store(true)
		for range 50 {
			if _, _, err := f.s.TokenUser(ctx, plain); err == nil {
				t.Fatal("the token works after the disabling")
			}
		}
		close(stop)
		wg.Wait()
	})
}
