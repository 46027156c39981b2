// Package testdb gives tests a throwaway PostgreSQL database.
//
// The server comes from HOMEWARD_TEST_POSTGRES (an admin-capable URL such as
// postgres://postgres@localhost/postgres) or, failing that, from a private
// cluster started once per test process with the initdb and pg_ctl binaries
// found in PATH or /usr/lib/postgresql/*/bin. Every call to Postgres creates
// a fresh database that is dropped when the test ends.
//
// Packages that call Postgres must stop the private cluster via Main:
//
//	func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }
//
// Without it the cluster (a running postgres process and its temp dir)
// outlives the test binary.
//
// When no server is available tests are skipped, or fail if
// HOMEWARD_REQUIRE_POSTGRES=1.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

const (
	envURL     = "HOMEWARD_TEST_POSTGRES"
	envRequire = "HOMEWARD_REQUIRE_POSTGRES"

	// Holds the pid of the test process owning a cluster dir.
	ownerFile = "owner.pid"

	// Port of the private cluster. It only names the socket file inside the
	// cluster's own directory (no TCP listener), so it cannot clash.
	clusterPort = "5432"
)

// server is the per-process admin connection plus what is needed to build
// per-database URLs and to tear a private cluster down.
type server struct {
	admin *sql.DB
	base  *url.URL // admin URL; only the path (database name) is replaced

	// Set only for a cluster this process started.
	dir     string     // temp dir: socket, server.log and data/
	dataDir string     // dir/data
	pgCtl   string     // path of pg_ctl
	cred    *user.User // non-nil when server binaries run as postgres (we are root)
}

var (
	mu       sync.Mutex
	started  bool    // setup attempted; srv/setupErr hold the outcome
	srv      *server // nil if setup failed
	setupErr error
	fromEnv  bool // setupErr concerns HOMEWARD_TEST_POSTGRES (always fatal)
)

// Postgres returns a postgres:// URL (usable with sql.Open("pgx", url)) of a
// fresh, empty database created for this test and dropped in t.Cleanup.
//
// When no PostgreSQL is available it calls t.Skip explaining how to provide
// one, or t.Fatal if HOMEWARD_REQUIRE_POSTGRES=1. A set but unusable
// HOMEWARD_TEST_POSTGRES is always fatal.
func Postgres(t testing.TB) string {
	t.Helper()
	s, explicit, err := setup()
	if err != nil && explicit {
		t.Fatalf("testdb: %v", err)
	}
	if err != nil {
		msg := fmt.Sprintf("testdb: no PostgreSQL for tests: %v\n"+
			"To provide one, install Debian's postgresql package (initdb and pg_ctl in PATH or /usr/lib/postgresql/*/bin) "+
			"or set %s to an admin-capable URL, e.g. postgres://postgres@localhost/postgres.", err, envURL)
		if os.Getenv(envRequire) == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg + "\nSet " + envRequire + "=1 to fail instead of skipping.")
	}

	name, err := s.createDB()
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	t.Cleanup(func() {
		if err := s.dropDB(name); err != nil {
			t.Errorf("testdb: %v", err)
		}
	})
	u := *s.base
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// Main runs the tests and afterwards stops any cluster this process started
// and removes its directory. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }
func Main(m *testing.M) int {
	// Ctrl-C or a kill would otherwise leave the cluster running.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		if err := shutdown(); err != nil {
			fmt.Fprintf(os.Stderr, "testdb: %v\n", err)
		}
		fmt.Fprintf(os.Stderr, "testdb: got %v, stopped test cluster\n", sig)
		os.Exit(1)
	}()
	defer signal.Stop(sigs)

	code := m.Run()
	if err := shutdown(); err != nil {
		fmt.Fprintf(os.Stderr, "testdb: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// setup connects to (or starts) the server once per process. explicit
// reports that the failure concerns HOMEWARD_TEST_POSTGRES.
func setup() (s *server, explicit bool, err error) {
	mu.Lock()
	defer mu.Unlock()
	if !started {
		started = true
		if raw := os.Getenv(envURL); raw != "" {
			fromEnv = true
			srv, setupErr = connectURL(raw)
			if setupErr != nil {
				setupErr = fmt.Errorf("%s is set but unusable: %w", envURL, setupErr)
			}
		} else {
			srv, setupErr = startCluster()
		}
	}
	return srv, fromEnv, setupErr
}

// shutdown closes the admin pool and stops and removes a private cluster.
// Later Postgres calls skip rather than start a new cluster.
func shutdown() error {
	mu.Lock()
	defer mu.Unlock()
	s := srv
	srv, started, fromEnv = nil, true, false
	setupErr = errors.New("test server already shut down by testdb.Main")
	if s == nil {
		return nil
	}
	var errs []error
	if err := s.admin.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close admin connection: %w", err))
	}
	if s.dir != "" {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if out, err := s.run(ctx, s.pgCtl, "stop", "-w", "-D", s.dataDir, "-m", "immediate"); err != nil {
			errs = append(errs, fmt.Errorf("stop cluster in %s: %w%s", s.dir, err, indent(tail(out))))
		}
		if err := os.RemoveAll(s.dir); err != nil {
			errs = append(errs, fmt.Errorf("remove cluster dir: %w", err))
		}
	}
	return errors.Join(errs...)
}

// connectURL opens the admin pool and checks that the server answers.
func connectURL(raw string) (*server, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("parse URL: %w", err)
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return nil, fmt.Errorf("URL scheme %q is not postgres://", u.Scheme)
	}
	db, err := sql.Open("pgx", raw)
	if err != nil {
		return nil, fmt.Errorf("open admin connection: %w", err)
	}
	// Parallel tests share this pool; keep it from eating max_connections.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(2)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect as admin: %w", err)
	}
	return &server{admin: db, base: u}, nil
}

func (s *server) createDB() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("random database name: %w", err)
	}
	name := "hwtest_" + hex.EncodeToString(b[:])

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for attempt := 0; ; attempt++ {
		_, err := s.admin.ExecContext(ctx, "CREATE DATABASE "+quoteIdent(name))
		if err == nil {
			return name, nil
		}
		// 55006 object_in_use: someone is briefly connected to template1
		// (e.g. another process's CREATE DATABASE on a shared server).
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "55006" && attempt < 20 {
			select {
			case <-time.After(time.Duration(attempt+1) * 50 * time.Millisecond):
				continue
			case <-ctx.Done():
			}
		}
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
}

func (s *server) dropDB(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// FORCE (PostgreSQL 13+) terminates connections the test left open.
	if _, err := s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(name)+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// startCluster initdb's and starts a private cluster in a new temp dir,
// reachable only through a unix socket in that dir.
func startCluster() (_ *server, err error) {
	binDir, err := findBinDir()
	if err != nil {
		return nil, err
	}
	s := &server{pgCtl: filepath.Join(binDir, "pg_ctl")}

	if os.Geteuid() == 0 {
		// initdb and postgres refuse to run as root.
		pgUser, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root and cannot find the postgres system user to run the server as: %w", err)
		}
		s.cred = pgUser
	}

	// The socket path (dir + "/.s.PGSQL.5432") must fit in sun_path (107
	// bytes), so fall back to /tmp when TMPDIR is long.
	parent := os.TempDir()
	if len(parent) > 60 {
		parent = "/tmp"
	}
	s.sweepStale(parent)
	s.dir, err = os.MkdirTemp(parent, "hwpg")
	if err != nil {
		return nil, fmt.Errorf("create cluster dir: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(s.dir)
		}
	}()
	// Lets a later run clean up if this process dies without Main's cleanup.
	if err := os.WriteFile(filepath.Join(s.dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, fmt.Errorf("write cluster owner file: %w", err)
	}
	if s.cred != nil {
		if err := chownTo(s.dir, s.cred); err != nil {
			return nil, fmt.Errorf("chown cluster dir to postgres: %w", err)
		}
	}
	s.dataDir = filepath.Join(s.dir, "data")
	logFile := filepath.Join(s.dir, "server.log")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if out, err := s.run(ctx, filepath.Join(binDir, "initdb"),
		"-D", s.dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		if s.cred != nil {
			err = fmt.Errorf("%w (as root, initdb runs as user postgres, which needs access to %s)", err, s.dir)
		}
		return nil, fmt.Errorf("initdb (%s): %w%s", binDir, err, indent(tail(out)))
	}

	opts := fmt.Sprintf("-c listen_addresses='' -c port=%s -c unix_socket_directories='%s' "+
		"-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
		clusterPort, s.dir)
	out, err := s.run(ctx, s.pgCtl, "start", "-w", "-t", "120", "-D", s.dataDir, "-l", logFile, "-o", opts)
	// Registered before the error check: pg_ctl may give up while the
	// server still runs. Runs before the RemoveAll above (LIFO).
	defer func() {
		if err != nil {
			s.run(context.Background(), s.pgCtl, "stop", "-w", "-D", s.dataDir, "-m", "immediate")
		}
	}()
	if err != nil {
		log, _ := os.ReadFile(logFile)
		return nil, fmt.Errorf("pg_ctl start (%s): %w%s\nserver log tail:%s", binDir, err, indent(tail(out)), indent(tail(log)))
	}

	q := url.Values{"host": {s.dir}, "port": {clusterPort}, "sslmode": {"disable"}}
	admin := url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/postgres", RawQuery: q.Encode()}
	c, err := connectURL(admin.String())
	if err != nil {
		log, _ := os.ReadFile(logFile)
		return nil, fmt.Errorf("connect to cluster in %s: %w\nserver log tail:%s", s.dir, err, indent(tail(log)))
	}
	s.admin, s.base = c.admin, c.base
	return s, nil
}

// sweepStale stops and removes clusters left in parent by test processes
// that died before Main could clean up (timeout panic, SIGKILL, ...).
// Errors are ignored: this is best effort.
func (s *server) sweepStale(parent string) {
	dirs, _ := filepath.Glob(filepath.Join(parent, "hwpg*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue // not ours, or still being set up
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || processAlive(pid) {
			continue
		}
		old := &server{dir: dir, cred: s.cred}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		old.run(ctx, s.pgCtl, "stop", "-w", "-D", filepath.Join(dir, "data"), "-m", "immediate")
		cancel()
		os.RemoveAll(dir)
	}
}

// findBinDir returns a directory holding both initdb and pg_ctl: the one
// with initdb in PATH, else the highest /usr/lib/postgresql/<version>/bin.
func findBinDir() (string, error) {
	var dirs []string
	if p, err := exec.LookPath("initdb"); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(dir string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
		return v
	}
	sort.SliceStable(matches, func(i, j int) bool { return version(matches[i]) > version(matches[j]) })
	dirs = append(dirs, matches...)
	for _, d := range dirs {
		if isExecutable(filepath.Join(d, "initdb")) && isExecutable(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	return "", errors.New("initdb and pg_ctl not found in PATH or /usr/lib/postgresql/*/bin")
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// run executes a server binary, as the postgres user when running as root.
func (s *server) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = s.dir
	// A stray PGDATA etc. must not redirect the binaries; -D is always given.
	cmd.Env = append(os.Environ(), "PGDATA=", "LC_ALL=C")
	if s.cred != nil {
		if err := runAs(cmd, s.cred); err != nil {
			return nil, err
		}
	}
	return cmd.CombinedOutput()
}

// tail returns the last few lines of b.
func tail(b []byte) string {
	const maxLines = 30
	s := strings.TrimRight(string(b), "\n")
	lines := strings.Split(s, "\n")
	if len(lines) > maxLines {
		lines = lines[len(lines)-maxLines:]
	}
	return strings.Join(lines, "\n")
}

// indent formats command output for appending to an error: each line on
// its own indented line, or "(no output)".
func indent(s string) string {
	if strings.TrimSpace(s) == "" {
		return " (no output)"
	}
	return "\n\t" + strings.ReplaceAll(s, "\n", "\n\t")
}

// Tool returns the path of a PostgreSQL client program (pg_dump, psql) from
// PATH or the installed server's bin directory, or skips (fails under
// HOMEWARD_REQUIRE_POSTGRES=1) when there is none.
func Tool(t testing.TB, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- {
		p := filepath.Join(dirs[i], name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	msg := name + " not found: install Debian's postgresql package"
	if os.Getenv("HOMEWARD_REQUIRE_POSTGRES") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}
