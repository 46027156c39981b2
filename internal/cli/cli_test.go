package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	neturl "net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"homeward/internal/seal"
	"homeward/internal/store"
	"homeward/internal/testsupport"
	"time"

	"github.com/pquerna/otp/totp"
)

func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, environ(env), &out, &errOut)
	return code, out.String(), errOut.String()
}

func environ(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return out
}

func TestKnownEnvCoversEveryFlag(t *testing.T) {
	t.Parallel()
	twin := regexp.MustCompile(`env (HOMEWARD_[A-Z_]+)`)
	for _, name := range []string{"serve", "migrate", "demo", "version", "audit verify", "audit head", "audit key", "keys rotate", "keys retire", "backup", "restore"} {
		_, _, help := run(t, nil, append(strings.Fields(name), "--help")...)
		for _, m := range twin.FindAllStringSubmatch(help, -1) {
			if !knownEnv[m[1]] {
				t.Errorf("%s: %s is a flag twin missing from knownEnv", name, m[1])
			}
		}
	}
}

func TestUnknownSettingIsWarnedAbout(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, _, stderr := run(t, map[string]string{"HOMEWARD_DATABASE_URL": "postgres://x", "HOMEWARD_DATA": dir}, "migrate")
	if code != 0 || !strings.Contains(stderr, "HOMEWARD_DATABASE_URL is not a Homeward setting") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	if strings.Contains(stderr, "HOMEWARD_DATA is not") {
		t.Errorf("a real setting was warned about")
	}
}

func TestHelpAndUnknownCommand(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"serve", "migrate", "demo", "version", "audit verify", "audit head", "audit key", "keys rotate", "keys retire", "backup", "restore"} {
		code, _, stderr := run(t, nil, append(strings.Fields(cmd), "--help")...)
		if code != 0 || !strings.Contains(stderr, "Usage: homeward "+cmd) {
			t.Errorf("%s --help: exit %d\n%s", cmd, code, stderr)
		}
		if cmd != "version" && (!strings.Contains(stderr, "--data") || !strings.Contains(stderr, "HOMEWARD_DATABASE")) {
			t.Errorf("%s --help does not list --data/--database with their environment twins", cmd)
		}
	}
	if code, _, stderr := run(t, nil, "frobnicate"); code != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d %s", code, stderr)
	}
	if code, _, _ := run(t, nil, "migrate", "--nope"); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
	if code, out, _ := run(t, nil, "version"); code != 0 || !strings.HasPrefix(out, "homeward ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestMigrateAndDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, out, stderr := run(t, nil, "migrate", "--data", dir)
	if code != 0 || !regexp.MustCompile(`at schema version (\d+) of (\d+)`).MatchString(out) {
		t.Fatalf("migrate: %d %s %s", code, out, stderr)
	}
	// The environment twin of --data works like the flag.
	code, out, stderr = run(t, map[string]string{"HOMEWARD_DATA": dir}, "demo", "--size", "small")
	if code != 0 || !strings.Contains(out, "3 programs") {
		t.Fatalf("demo: %d %s %s", code, out, stderr)
	}
	code, _, stderr = run(t, map[string]string{"HOMEWARD_DATA": dir}, "demo")
	if code != 1 || !strings.Contains(stderr, "already holds data") {
		t.Errorf("demo into a non-empty database: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, nil, "demo", "--data", t.TempDir(), "--size", "huge"); code != 1 || !strings.Contains(stderr, "choose small, medium or large") {
		t.Errorf("bad size: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, nil, "migrate", "--database", "mysql://x"); code != 1 || !strings.Contains(stderr, "postgres://") {
		t.Errorf("bad database URL: %d %s", code, stderr)
	}
}

// lineWatch is an io.Writer that reports the first line matching a pattern.
type lineWatch struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	re    *regexp.Regexp
	found chan string
	once  sync.Once
}

func (w *lineWatch) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func (w *lineWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if m := w.re.FindStringSubmatch(w.buf.String()); m != nil {
		w.once.Do(func() { w.found <- m[1] })
	}
	return len(p), nil
}

func TestServeWithDemoAndGracefulStop(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &lineWatch{re: regexp.MustCompile(`url=(http://\S+)`), found: make(chan string, 1)}
	// serve prints the demo users once it listens; wait for the admin's line.
	out := &lineWatch{re: regexp.MustCompile(`admin@demo\.homeward\.test\s+(\S+)\n`), found: make(chan string, 1)}
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0"}, []string{"HOMEWARD_DATA=" + dir}, out, logs)
	}()
	var url, password string
	for url == "" || password == "" {
		select {
		case url = <-logs.found:
		case password = <-out.found:
		case code := <-done:
			t.Fatalf("serve exited with %d:\n%s", code, logs.String())
		}
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	res, err := client.PostForm(url+"/login", neturl.Values{"email": {"admin@demo.homeward.test"}, "password": {password}})
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("sign in with the printed password: %v %v", res, err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	// Staff must set up a second factor before anything else.
	if res.Request.URL.Path != "/login/enrol" {
		t.Fatalf("after the password, an admin lands on %s, want /login/enrol:\n%s", res.Request.URL.Path, page)
	}
	res, err = client.PostForm(url+"/account/totp/begin", neturl.Values{"next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no authenticator secret on the set-up page:\n%s", page)
	}
	code, _ := totp.GenerateCode(string(m[1]), time.Now())
	res, err = client.PostForm(url+"/account/totp", neturl.Values{"code": {code}, "next": {"/"}})
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("confirm the authenticator: %v %v", res, err)
	}
	res.Body.Close()
	res, err = client.Get(url + "/api/v1/programs")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || strings.Count(string(body), `"id":`) != 3 {
		t.Errorf("demo programs over HTTP: %d %s", res.StatusCode, body)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve after SIGTERM: exit %d\n%s", code, logs.String())
	}
	if !strings.Contains(out.String(), "Sign in at "+url+"/login") {
		t.Errorf("serve --demo did not print how to reach it: %q", out.String())
	}
	if !strings.Contains(logs.String(), "database closed") {
		t.Errorf("no clean database close in the log")
	}
	// The background jobs ran beside the server and stopped before the
	// database closed, holding no job.
	if i, j := strings.Index(logs.String(), "jobs: runner stopped"), strings.Index(logs.String(), "database closed"); i < 0 || i > j {
		t.Errorf("the jobs runner did not stop before the database closed")
	}
	// The data directory is free again and kept everything.
	st, err := store.Open(context.Background(), store.Options{DataDir: dir})
	if err != nil {
		t.Fatalf("reopen after stop: %v", err)
	}
	defer st.Close()
	if n, _ := st.CountPrograms(context.Background(), store.ProgramFilter{}); n != 3 {
		t.Errorf("%d programs after restart, want 3", n)
	}
	if counts, err := st.CountJobs(context.Background()); err != nil || counts[store.JobRunning] != 0 {
		t.Errorf("jobs after a clean stop: %v (%v), want none still running", counts, err)
	}
}

// homeward jobs lists what is queued and failed, with error codes.
func TestJobsListsQueuedAndFailed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"test.broken", "test.later"} {
		if _, _, err := st.EnqueueJob(ctx, store.NewJob{Kind: kind, MaxAttempts: 1}); err != nil {
			t.Fatal(err)
		}
	}
	taken, err := st.TakeJobs(ctx, "node-a", []string{"test.broken"}, 1, time.Minute)
	if err != nil || len(taken) != 1 {
		t.Fatalf("take: %v %v", taken, err)
	}
	if _, err := st.FailJob(ctx, taken[0], "smtp.refused", time.Time{}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	code, out, stderr := run(t, nil, "jobs", "--data", dir)
	if code != 0 {
		t.Fatalf("jobs: %d %s", code, stderr)
	}
	if !regexp.MustCompile(`test\.broken\s+failed\s+1/1\s+.*smtp\.refused`).MatchString(out) ||
		!regexp.MustCompile(`test\.later\s+queued\s+0/1`).MatchString(out) || !strings.Contains(out, "1 queued, 0 running, 1 failed, 0 done") {
		t.Errorf("jobs:\n%s", out)
	}
	if _, out, _ := run(t, nil, "jobs", "--data", dir, "--state", "failed"); strings.Contains(out, "test.later") || !strings.Contains(out, "test.broken") {
		t.Errorf("jobs --state failed:\n%s", out)
	}
	if code, _, stderr := run(t, nil, "jobs", "--data", dir, "--state", "done"); code == 0 || !strings.Contains(stderr, "choose queued, running or failed") {
		t.Errorf("jobs --state done: %d %s", code, stderr)
	}
}

func TestAuditCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if code, _, stderr := run(t, nil, "demo", "--data", dir); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	code, head, stderr := run(t, nil, "audit", "head", "--data", dir)
	if code != 0 || !regexp.MustCompile(`^\d+:[0-9a-f]{64}\n$`).MatchString(head) {
		t.Fatalf("audit head: %d %q %s", code, head, stderr)
	}
	code, out, _ := run(t, nil, "audit", "verify", "--data", dir, "--head", strings.TrimSpace(head))
	if code != 0 || !strings.Contains(out, "audit log intact: "+strings.SplitN(head, ":", 2)[0]+" entries") {
		t.Errorf("verify: %d %q", code, out)
	}
	n, _ := strconv.Atoi(strings.SplitN(head, ":", 2)[0])
	if code, _, stderr := run(t, nil, "audit", "verify", "--data", dir, "--head", strconv.Itoa(n+5)+":"+strings.Repeat("a", 64)); code != 1 || !strings.Contains(stderr, "(cut)") {
		t.Errorf("verify against a later head: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, nil, "audit", "verify", "--data", dir, "--head", "nonsense"); code != 1 || !strings.Contains(stderr, "not of the form") {
		t.Errorf("bad head: %d %s", code, stderr)
	}
	if code, _, _ := run(t, nil, "audit"); code != 2 {
		t.Errorf("audit without a subcommand: exit %d, want 2", code)
	}
}

// A database and key file from before the audit key: the next command adds
// the audit key to the key file and keys the log; serve then keeps heads in
// a head log outside the data directory, which audit verify checks.
func TestAuditKeyAndHeadLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	old, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := old.Audit(ctx, "test.event", "thing", int64(i+1), "ok"); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()
	oldKey := "hwk1:1:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)) + "\n"
	if err := os.WriteFile(filepath.Join(dir, "homeward.key"), []byte(oldKey), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, map[string]string{"HOMEWARD_KEY": oldKey}, "audit", "verify", "--data", dir); code != 1 || !strings.Contains(stderr, "holds no audit key") {
		t.Errorf("HOMEWARD_KEY without an audit key: %d %s", code, stderr)
	}
	code, out, stderr := run(t, nil, "audit", "verify", "--data", dir)
	if code != 0 || !strings.Contains(stderr, "An audit key was added to the key file") || !strings.Contains(out, "audit log intact: 3 entries") {
		t.Fatalf("the first command after the upgrade: %d %q %s", code, out, stderr)
	}
	if text, _ := os.ReadFile(filepath.Join(dir, "homeward.key")); !strings.HasPrefix(string(text), "hwa1:1:") {
		t.Errorf("the key file holds no audit key:\n%s", text)
	}
	if code, out, stderr := run(t, nil, "audit", "key", "--data", dir); code != 0 || !strings.Contains(out, "the audit log is keyed; head ") {
		t.Errorf("audit key on a keyed log: %d %q %s", code, out, stderr)
	}

	if code, _, stderr := run(t, nil, "serve", "--data", dir, "--addr", "127.0.0.1:0", "--audit-head-log", filepath.Join(dir, "heads.log")); code != 1 || !strings.Contains(stderr, "data directory") {
		t.Errorf("a head log in the data directory: %d %s", code, stderr)
	}
	headLog := filepath.Join(t.TempDir(), "heads.log")
	sctx, cancel := context.WithCancel(ctx)
	logs := &lineWatch{re: regexp.MustCompile(`url=(http://\S+)`), found: make(chan string, 1)}
	done := make(chan int, 1)
	go func() {
		done <- Run(sctx, []string{"serve", "--addr", "127.0.0.1:0"}, []string{"HOMEWARD_DATA=" + dir, "HOMEWARD_AUDIT_HEAD_LOG=" + headLog}, io.Discard, logs)
	}()
	var url string
	select {
	case url = <-logs.found:
	case code := <-done:
		t.Fatalf("serve exited with %d:\n%s", code, logs.String())
	}
	// A failed sign-in is audited while serve runs; its head is written at shutdown.
	res, err := http.PostForm(url+"/login", neturl.Values{"email": {"nobody@example.org"}, "password": {"wrong password here"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, logs.String())
	}
	code, head, _ := run(t, nil, "audit", "head", "--data", dir)
	text, _ := os.ReadFile(headLog)
	lines := strings.Split(strings.TrimSpace(string(text)), "\n")
	if code != 0 || len(lines) < 2 || !strings.HasSuffix(lines[len(lines)-1], " "+strings.TrimSpace(head)) {
		t.Fatalf("head log after serve (head %s):\n%s", head, text)
	}
	code, out, stderr = run(t, nil, "audit", "verify", "--data", dir, "--head-log", headLog)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("%d kept heads match", len(lines))) {
		t.Errorf("verify --head-log: %d %q %s", code, out, stderr)
	}
	n, _ := strconv.Atoi(strings.SplitN(head, ":", 2)[0])
	later := fmt.Sprintf("2030-01-01T00:00:00Z %d:%s\n", n+2, strings.Repeat("b", 64))
	if err := os.WriteFile(headLog, append(text, later...), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, nil, "audit", "verify", "--data", dir, "--head-log", headLog); code != 1 || !strings.Contains(stderr, fmt.Sprintf("entry %d (cut)", n+1)) {
		t.Errorf("verify against a head log that names a later head: %d %s", code, stderr)
	}
	if err := os.WriteFile(headLog, []byte("not a head\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, nil, "audit", "verify", "--data", dir, "--head-log", headLog); code != 1 || !strings.Contains(stderr, "line 1") {
		t.Errorf("a head log with a bad line: %d %s", code, stderr)
	}
}

func TestKeysRotateAndRetireBesideServe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, _, stderr := run(t, nil, "demo", "--data", dir)
	if code != 0 || !strings.Contains(stderr, "A new key file was created") {
		t.Fatalf("demo: %d %s", code, stderr)
	}
	// A running serve holds the data directory; the key commands work beside it.
	st, err := store.Open(context.Background(), store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	code, out, stderr := run(t, nil, "keys", "rotate", "--data", dir)
	if code != 0 || !strings.Contains(out, "key 2 is now current") {
		t.Fatalf("rotate: %d %s %s", code, out, stderr)
	}
	code, out, stderr = run(t, nil, "keys", "retire", "--data", dir)
	if code != 0 || !strings.Contains(out, "retired keys [1]") {
		t.Fatalf("retire: %d %s %s", code, out, stderr)
	}
	if code, out, _ := run(t, nil, "keys", "retire", "--data", dir); code != 0 || !strings.Contains(out, "nothing to retire") {
		t.Errorf("second retire: %d %s", code, out)
	}
	if code, _, stderr := run(t, map[string]string{"HOMEWARD_KEY": "hwk1:x:short"}, "keys", "rotate", "--data", dir); code != 1 || !strings.Contains(stderr, "HOMEWARD_KEY") {
		t.Errorf("a bad HOMEWARD_KEY: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, nil, "audit", "verify", "--data", dir); code != 0 {
		t.Errorf("audit verify beside serve: %s", stderr)
	}
}

func TestUserCreatePrintsAnInvitationLink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if code, _, stderr := run(t, nil, "demo", "--data", dir); code != 0 {
		t.Fatal(stderr)
	}
	code, out, stderr := run(t, nil, "user", "create", "--data", dir, "--email", "new.mentor@example.org", "--role", "mentor", "--program", "1", "--url", "https://homeward.example.org/")
	if code != 0 || !regexp.MustCompile(`^https://homeward\.example\.org/link/hwl_[A-Za-z0-9_-]{43}\n$`).MatchString(out) {
		t.Fatalf("user create: %d %q %s", code, out, stderr)
	}
	if strings.Contains(out+stderr, "password") && !strings.Contains(stderr, "choose") {
		t.Errorf("user create mentions a password it chose: %s", out+stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--email", "new.mentor@example.org", "--role", "mentor"}, "already exists"},
		{[]string{"--email", "x@example.org", "--role", "boss"}, "--role: choose admin"},
		{[]string{"--email", "not an email", "--role", "viewer"}, "--email: not an email address"},
		{[]string{"--email", "y@example.org", "--role", "mentor", "--program", "99"}, "--programs: no such program"},
		{[]string{"--email", "z@example.org", "--role", "admin", "--program", "1"}, "not assigned to programs"},
	} {
		code, _, stderr := run(t, nil, append([]string{"user", "create", "--data", dir}, c.args...)...)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: %d %s, want %q", c.args, code, stderr, c.want)
		}
	}
}

func TestSiteURL(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		url, addr string
		insecure  bool
		base      string
		secure    bool
		ok        bool
	}{
		{"", "127.0.0.1:8080", false, "", false, true},
		{"", "0.0.0.0:8080", false, "", false, false},
		{"", "0.0.0.0:8080", true, "", false, true},
		{"https://homeward.example.org/", "0.0.0.0:8080", false, "https://homeward.example.org", true, true},
		{"http://homeward.example.org", "0.0.0.0:8080", false, "", false, false},
		{"http://localhost:8080", "127.0.0.1:8080", false, "http://localhost:8080", false, true},
		{"http://127.0.0.1:8080", "0.0.0.0:8080", false, "", false, false},
		{"ftp://x", "127.0.0.1:8080", false, "", false, false},
		{"https://x.org/path", "127.0.0.1:8080", false, "", false, false},
	} {
		base, secure, err := siteURL(c.url, c.addr, c.insecure)
		if (err == nil) != c.ok || base != c.base || secure != c.secure {
			t.Errorf("siteURL(%q, %q, %v) = %q %v %v", c.url, c.addr, c.insecure, base, secure, err)
		}
	}
}

func TestTokenCreateListRevoke(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if code, _, stderr := run(t, nil, "demo", "--data", dir); code != 0 {
		t.Fatal(stderr)
	}
	// A staff user without a second factor gets no token: it would be a
	// way around the factor their role requires.
	code, out, stderr := run(t, nil, "token", "create", "--data", dir, "--user", "Coordinator@demo.homeward.test", "--name", "monthly report", "--expires", "48h")
	if code == 0 || out != "" || !strings.Contains(stderr, "has not set up a second factor") {
		t.Fatalf("token create for a coordinator without a second factor: exit %d, %q %s; want refused", code, out, stderr)
	}
	keys, _, err := seal.Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), store.Options{DataDir: dir, Shared: true, NoMigrate: true, Keyring: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	coordinator, _, err := st.UserForLogin(context.Background(), "coordinator@demo.homeward.test")
	if err != nil {
		t.Fatal(err)
	}
	if tokens, err := st.APITokens(context.Background(), coordinator.ID); err != nil || len(tokens) != 0 {
		t.Fatalf("a refused token was stored: %v %v", tokens, err)
	}
	testsupport.WithTOTP(t, st, new(testsupport.Clock), coordinator)
	code, out, stderr = run(t, nil, "token", "create", "--data", dir, "--user", "Coordinator@demo.homeward.test", "--name", "monthly report", "--expires", "48h")
	if code != 0 || !regexp.MustCompile(`^hwt_[A-Za-z0-9_-]{43}\n$`).MatchString(out) {
		t.Fatalf("token create printed %q (exit %d) %s, want the token alone", out, code, stderr)
	}
	tok, u, err := st.TokenUser(context.Background(), strings.TrimSpace(out))
	if err != nil || u.Email != "coordinator@demo.homeward.test" || tok.Name != "monthly report" || tok.ExpiresAt.Sub(tok.CreatedAt) != 48*time.Hour {
		t.Fatalf("the printed token: %+v %+v %v", tok, u, err)
	}
	if _, list, _ := run(t, nil, "token", "list", "--data", dir, "--user", "coordinator@demo.homeward.test"); !strings.Contains(list, "monthly report") || !strings.Contains(list, "active") || strings.Contains(list, "hwt_") {
		t.Errorf("token list: %s", list)
	}
	if code, _, stderr := run(t, nil, "token", "revoke", "--data", dir, "--id", strconv.FormatInt(tok.ID, 10)); code != 0 {
		t.Fatalf("revoke: %s", stderr)
	}
	if _, _, err := st.TokenUser(context.Background(), strings.TrimSpace(out)); err == nil {
		t.Error("a revoked token still works")
	}
	if _, list, _ := run(t, nil, "token", "list", "--data", dir, "--user", "coordinator@demo.homeward.test"); !strings.Contains(list, "revoked") {
		t.Errorf("token list after revoking: %s", list)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"create", "--user", "nobody@example.org", "--name", "x"}, "no such user"},
		{[]string{"create", "--user", "coordinator@demo.homeward.test"}, "--name: required"},
		{[]string{"create", "--user", "coordinator@demo.homeward.test", "--name", "x", "--expires", "10000h"}, "--expires: give a duration"},
		{[]string{"create", "--user", "mentor@demo.homeward.test", "--name", "x"}, "has not set up a second factor"},
		{[]string{"revoke", "--id", "999"}, "no such API token"},
	} {
		code, out, stderr := run(t, nil, append(append([]string{"token"}, c.args[0], "--data", dir), c.args[1:]...)...)
		if code == 0 || out != "" || !strings.Contains(strings.ToLower(stderr), strings.ToLower(c.want)) {
			t.Errorf("%v: exit %d, %q %s, want an error with %q", c.args, code, out, stderr, c.want)
		}
	}
}

// serve --demo on a port another program holds fails before it writes
// anything: the demo data and its one-time passwords are not lost, and a
// second run on a free port writes them and prints the passwords.
func TestServeWithDemoOnABusyPortWritesNothing(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	var out, logs bytes.Buffer
	code := Run(context.Background(), []string{"serve", "--demo", "--addr", busy.Addr().String()}, []string{"HOMEWARD_DATA=" + dir}, &out, &logs)
	if code == 0 || !strings.Contains(logs.String(), "listen on "+busy.Addr().String()) {
		t.Fatalf("serve on a busy port: exit %d\n%s", code, logs.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("serve on a busy port left %v in the data directory", names)
	}
}

// A bad mail setting stops serve before anything starts, saying what to
// fix and never repeating the password of the mail server's address.
func TestServeRefusesABadMailSetting(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args, env []string
		want      string
	}{
		{[]string{"--mail-from", "homeward@example.org"}, nil, "--mail-from is given without --smtp-url"},
		{nil, []string{"HOMEWARD_SMTP_URL=smtp://user:s3cret@mail.example.org:587"}, "--mail-from"},
		{[]string{"--mail-from", "homeward@example.org"}, []string{"HOMEWARD_SMTP_URL=imap://user:s3cret@mail.example.org"}, "smtp://user:password@host:port"},
	} {
		dir := t.TempDir()
		var out, logs bytes.Buffer
		args := append([]string{"serve", "--addr", "127.0.0.1:0"}, c.args...)
		code := Run(context.Background(), args, append([]string{"HOMEWARD_DATA=" + dir}, c.env...), &out, &logs)
		if code == 0 || !strings.Contains(logs.String(), c.want) || strings.Contains(logs.String()+out.String(), "s3cret") {
			t.Errorf("serve %v %v: exit %d\n%s", c.args, c.env, code, logs.String())
		}
	}
}

// homeward erase: the administrator erases the person of a case at once,
// only with the case id confirmed and as an active administrator; the
// audit names the administrator, and a second erasure finds nothing left.
func TestEraseAsTheAdministrator(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if code, _, stderr := run(t, nil, "demo", "--data", dir); code != 0 {
		t.Fatal(stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--case", "1", "--as", "admin@demo.homeward.test"}, "--confirm"},
		{[]string{"--case", "1", "--as", "admin@demo.homeward.test", "--confirm", "2"}, "--confirm"},
		{[]string{"--case", "1", "--as", "coordinator@demo.homeward.test", "--confirm", "1"}, "--as"},
		{[]string{"--case", "1", "--as", "admin@demo.homeward.test", "--confirm", "1", "--reason", "dislike"}, "--reason"},
	} {
		code, out, stderr := run(t, nil, append([]string{"erase", "--data", dir}, c.args...)...)
		if code == 0 || out != "" || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %q %s, want an error about %s", c.args, code, out, stderr, c.want)
		}
	}
	st, err := store.Open(context.Background(), store.Options{DataDir: dir, Shared: true, NoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := st.GetCase(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if erased, err := st.MenteeErased(context.Background(), c.MenteeID); err != nil || erased {
		t.Fatalf("a refused erase erased the person: %v %v", erased, err)
	}
	code, out, stderr := run(t, nil, "erase", "--data", dir, "--case", "1", "--as", "admin@demo.homeward.test", "--confirm", "1", "--reason", "legal_duty")
	if code != 0 || !strings.Contains(out, "ERASED_1") {
		t.Fatalf("erase: exit %d, %q %s", code, out, stderr)
	}
	if erased, err := st.MenteeErased(context.Background(), c.MenteeID); err != nil || !erased {
		t.Errorf("after erase: %v %v", erased, err)
	}
	list, _, err := st.ListAudit(context.Background(), store.AuditFilter{ObjectType: "mentee", ObjectID: strconv.FormatInt(c.MenteeID, 10)}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range list {
		found = found || (e.Action == "mentee.erase" && strings.HasPrefix(e.Actor, "user:"))
	}
	if !found {
		t.Error("the erasure is not in the audit log under the administrator")
	}
	if code, _, stderr := run(t, nil, "erase", "--data", dir, "--case", "1", "--as", "admin@demo.homeward.test", "--confirm", "1"); code == 0 || !strings.Contains(stderr, "erased") {
		t.Errorf("erasing twice: exit %d %s", code, stderr)
	}
}
