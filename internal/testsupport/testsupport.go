// Package testsupport holds what the tests of several packages repeat: a
// run on both engines (SQLite always, PostgreSQL through testdb), a store
// with a fresh key-encryption key, a clock that tests move on, a password
// hasher with lowered costs, and users of every role with a password and a
// second factor. It is imported by tests only.
package testsupport

import (
	"context"
	"flag"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"homeward/internal/auth"
	"homeward/internal/seal"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// Engines runs f on SQLite always and on PostgreSQL when one is available
// (testdb.Postgres skips, or fails with HOMEWARD_REQUIRE_POSTGRES=1), as
// parallel subtests named "sqlite" and "postgres".
func Engines(t *testing.T, f func(t *testing.T, opts store.Options)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		f(t, store.Options{DataDir: t.TempDir()})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		f(t, store.Options{DatabaseURL: testdb.Postgres(t)})
	})
}

// Keyring is a fresh key-encryption key in a temporary directory.
func Keyring(t testing.TB) *seal.Keyring {
	t.Helper()
	k, _, err := seal.Load(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// OpenStore opens the store of opts, with a fresh Keyring when opts has
// none, and closes it when the test ends.
func OpenStore(t testing.TB, opts store.Options) *store.Store {
	t.Helper()
	if opts.Keyring == nil {
		opts.Keyring = Keyring(t)
	}
	st, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return st
}

// Hasher hashes passwords at the least cost the verifier accepts (1 MiB, one
// pass): a hash records its costs, so these verify like any other, in a
// fraction of the time. Production code uses auth.NewHasher.
var Hasher = sync.OnceValue(func() *auth.Hasher {
	return auth.NewHasherWith(auth.Params{MemoryKiB: 1024, Time: 1, Threads: 1})
})

// Password is every test user's password.
const Password = "a long enough test password"

// PasswordHash is Password's hash, computed once.
var PasswordHash = sync.OnceValue(func() string {
	phc, err := Hasher().Hash(context.Background(), Password)
	if err != nil {
		panic(err)
	}
	return phc
})

// Clock is a store's clock that a test moves on: it runs ahead of the real
// one by whole steps the test asks for.
type Clock struct{ skew atomic.Int64 }

// Use makes c the store's clock and returns c.
func (c *Clock) Use(st *store.Store) *Clock {
	st.SetClock(c.Now)
	return c
}

// Now is the real time moved on by what Add added.
func (c *Clock) Now() time.Time { return time.Now().Add(time.Duration(c.skew.Load())) }

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) { c.skew.Add(int64(d)) }

// Set makes the clock run ahead of the real one by d.
func (c *Clock) Set(d time.Duration) { c.skew.Store(int64(d)) }

// Tick moves the clock on by one TOTP step, so that a new code is accepted
// (a code is never accepted twice).
func (c *Clock) Tick() { c.Add(30 * time.Second) }

// Skew is how far the clock runs ahead of the real one.
func (c *Clock) Skew() time.Duration { return time.Duration(c.skew.Load()) }

// User makes an active user with Password.
func User(t testing.TB, st *store.Store, email string, role auth.Role, programs ...int64) auth.User {
	t.Helper()
	ctx := context.Background()
	u, err := st.CreateUser(ctx, auth.User{Email: email, Role: role, Programs: programs})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetPassword(ctx, u.ID, PasswordHash()); err != nil {
		t.Fatal(err)
	}
	return u
}

// TOTPSecret is the authenticator app's secret WithTOTP sets up.
const TOTPSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

// WithTOTP sets up an authenticator app for the user, as enrolment would
// (the clock moves one step on, past the confirming code), and returns its
// secret.
func WithTOTP(t testing.TB, st *store.Store, clock *Clock, u auth.User) string {
	t.Helper()
	ctx := context.Background()
	if err := st.BeginTOTP(ctx, u.ID, 0, TOTPSecret); err != nil {
		t.Fatal(err)
	}
	clock.Tick()
	if err := st.UseTOTPStep(ctx, u.ID, st.Now().Unix()/30-1, true, 0, false); err != nil {
		t.Fatal(err)
	}
	return TOTPSecret
}

// Code is the authenticator app's code for secret at the store's time.
func Code(t testing.TB, st *store.Store, secret string) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, st.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Main runs a package's tests, with PostgreSQL's private cluster stopped at
// the end (testdb.Main). Unless -parallel is given, it lets 4 parallel tests
// run per CPU instead of 1: these tests wait on fsync and on PostgreSQL far
// more than they compute. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(testsupport.Main(m)) }
func Main(m *testing.M) int {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		_ = flag.Set("test.parallel", strconv.Itoa(4*runtime.GOMAXPROCS(0)))
	}
	return testdb.Main(m)
}
