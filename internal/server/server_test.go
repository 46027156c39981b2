package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/i18n"
	"homeward/internal/identity"
	"homeward/internal/program"
	"homeward/internal/server"
	"homeward/internal/store"
	"homeward/internal/testdb"
	"homeward/internal/testsupport"
)

func TestMain(m *testing.M) { os.Exit(testsupport.Main(m)) }

type app struct {
	t       *testing.T
	store   *store.Store
	ids     *identity.Service
	srv     *server.Server
	logs    *strings.Builder
	session string // the session token requests carry; "" sends them anonymously
	user    auth.User
	clock   *testsupport.Clock // the store's clock, which runs ahead of the real one when a test asks (tick)
}

// newApp builds the whole server on a fresh SQLite store.
func newApp(t *testing.T) *app {
	t.Helper()
	return newAppOn(t, store.Options{DataDir: t.TempDir()})
}

// newBareApp builds the server on a store with no user at all.
func newBareApp(t *testing.T, opts store.Options) *app {
	t.Helper()
	if opts.Keyring == nil {
		opts.Keyring = testKeyring(t)
	}
	st, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	logs := &strings.Builder{}
	ids, err := identity.New(st, testHasher, identity.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Store: st, Identity: ids, Bundle: bundle, Log: slog.New(slog.NewJSONHandler(logs, nil)), Version: "test",
		MetricsToken: testMetricsToken})
	if err != nil {
		t.Fatal(err)
	}
	clock := new(testsupport.Clock).Use(st)
	return &app{t: t, store: st, ids: ids, srv: srv, logs: logs, clock: clock}
}

func newAppOn(t *testing.T, opts store.Options) *app {
	t.Helper()
	a := newBareApp(t, opts)
	a.user, a.session = a.signedIn(fmt.Sprintf("admin%d@example.org", appCount.Add(1)), auth.Admin)
	return a
}

var appCount atomic.Int64

// testMetricsToken is the metrics token of the test servers.
const testMetricsToken = "metrics-token-for-tests"

// testKeyring, testHasher, testPasswordHash and testPassword are the
// shared test support's: a fresh key, hashing at the least cost.
var (
	testKeyring      = testsupport.Keyring
	testHasher       = testsupport.Hasher()
	testPasswordHash = testsupport.PasswordHash
)

const testPassword = testsupport.Password

// signedIn makes an active user and a session for them, and returns the user and the session token.
func (a *app) signedIn(email string, role auth.Role, programs ...int64) (auth.User, string) {
	a.t.Helper()
	u := testsupport.User(a.t, a.store, email, role, programs...)
	token, err := a.store.CreateSession(context.Background(), u.ID, time.Hour, "192.0.2.1", "test")
	if err != nil {
		a.t.Fatal(err)
	}
	return u, token
}

// do sends a request through the whole handler and returns the response and its body.
func (a *app) do(method, target string, body io.Reader, header ...string) (*http.Response, string) {
	a.t.Helper()
	req := httptest.NewRequest(method, target, body)
	if a.session != "" {
		req.AddCookie(&http.Cookie{Name: identity.CookieName(false), Value: a.session})
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Cookie" {
			req.Header.Add(header[i], header[i+1]) // beside the session cookie
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	rec := httptest.NewRecorder()
	a.srv.Handler().ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	// Passing the second factor replaces the session's token: like a
	// browser, the session requests carry goes on under the new one.
	// (Signing in or using a link starts a new session: tests take it.)
	if replaced := sessionCookie(res); a.session != "" && replaced != "" && !strings.HasPrefix(target, "/login?") &&
		target != "/login" && !strings.HasPrefix(target, "/link/") {
		a.session = replaced
	}
	return res, string(b)
}

func (a *app) postForm(target string, v url.Values, header ...string) (*http.Response, string) {
	a.t.Helper()
	return a.do("POST", target, strings.NewReader(v.Encode()), append([]string{"Content-Type", "application/x-www-form-urlencoded"}, header...)...)
}

// program creates a program whose mentors need no check to be matched: the
// case journey's tests match mentors made from accounts; what checks and
// training require is tested with mentors (mentor_test.go).
func (a *app) program(name string) program.Program {
	a.t.Helper()
	p := program.New()
	p.Name = name
	p.MentorChecks = nil
	p, err := a.store.CreateProgram(context.Background(), p)
	if err != nil {
		a.t.Fatal(err)
	}
	return p
}

// programForm is a filled-in program form as the browser sends it.
func programForm(name string) url.Values {
	return url.Values{
		"name": {name}, "description": {"About"}, "languages": {"be, ru"}, "countries": {"lt pl"},
		"mentor_capacity": {"1"}, "cadence.first_weeks": {"4"}, "cadence.first_per_week": {"2"},
		"cadence.later_per_week": {"0,5"}, "quiet_weeks": {"3"}, "duration_min_months": {"3"},
		"duration_max_months": {"6"}, "custody.months_before": {"6"}, "custody.months_after": {"6"},
		"need_domains": {"housing", "employment"}, "custom_domains": {"digital_skills"},
		"mentor_checks": {"background_check"}, "hours_per_contact": {"1,5"}, "referral_reminder_days": {"7"},
		"match_weights.language": {"3"}, "match_weights.place": {"1"}, "match_weights.availability": {"2"},
		"match_weights.skills": {"3"}, "match_weights.preferences": {"2"}, "match_weights.lived_experience": {"0.5"},
	}
}

func TestHomePage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.program("One")
	res, body := a.do("GET", "/", nil)
	if res.StatusCode != 200 || !strings.Contains(body, "1 program") || !strings.Contains(body, `href="/programs/new"`) {
		t.Fatalf("home: %d\n%s", res.StatusCode, body)
	}
	for h, want := range map[string]string{
		"Content-Type":            "text/html; charset=utf-8",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"Content-Security-Policy": "object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
		"Cache-Control":           "no-store",
	} {
		if !strings.Contains(res.Header.Get(h), want) {
			t.Errorf("%s = %q, want it to contain %q", h, res.Header.Get(h), want)
		}
	}
}

func TestCreateProgramThroughTheForm(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	res, _ := a.postForm("/programs", programForm("Return to freedom"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: status %d, want 303", res.StatusCode)
	}
	loc := res.Header.Get("Location")
	res, body := a.do("GET", loc, nil)
	if res.StatusCode != 200 || !strings.Contains(body, "<h1>Return to freedom</h1>") || !strings.Contains(body, "Saved.") {
		t.Fatalf("program page after create: %d\n%s", res.StatusCode, body)
	}
	for _, want := range []string{"Belarusian, Russian", "Lithuania, Poland", "0.5 a week", "Housing", "Employment", "digital_skills"} {
		if !strings.Contains(body, want) {
			t.Errorf("program page lacks %q", want)
		}
	}
}

func TestProgramFormKeepsInputAndNamesFields(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	v := programForm("")
	v.Set("description", "Typed with care")
	v.Set("mentor_capacity", "abc")
	v.Set("languages", "english, elvish") // English is understood; Elvish is not a language we know
	res, body := a.postForm("/programs", v)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", res.StatusCode)
	}
	for _, want := range []string{
		"Some fields need attention",
		`id="e-name"`, "This field is required.",
		`id="e-mentor_capacity"`, "Enter a whole number.",
		`id="e-languages"`, "A language here is not one we know.",
		"Typed with care", `value="abc"`, `value="english, elvish"`, `value="digital_skills"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("form with errors lacks %q", want)
		}
	}
	if !regexp.MustCompile(`id="d-housing" name="need_domains" value="housing" checked`).MatchString(body) ||
		regexp.MustCompile(`id="d-safety" name="need_domains" value="safety" checked`).MatchString(body) {
		t.Errorf("need domain ticks not kept as sent")
	}
	if n, _ := a.store.CountPrograms(context.Background(), store.ProgramFilter{}); n != 0 {
		t.Errorf("%d programs saved from an invalid form", n)
	}
}

func TestCustodyMonthsDoNotBlockWhileCustodyIsOff(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	v := programForm("No custody")
	v.Set("custody.months_before", "")
	if res, body := a.postForm("/programs", v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("custody off, empty months: %d\n%s", res.StatusCode, body)
	}
	v = programForm("With custody")
	v.Set("custody.enabled", "on")
	v.Set("custody.months_before", "")
	if res, body := a.postForm("/programs", v); res.StatusCode != 422 || !strings.Contains(body, `id="e-custody.months_before"`) {
		t.Fatalf("custody on, empty months: %d", res.StatusCode)
	}
}

func TestDuplicateNameIsShownOnTheField(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.program("Taken")
	res, body := a.postForm("/programs", programForm("taken"))
	if res.StatusCode != 422 || !strings.Contains(body, "A program with this name already exists.") || !strings.Contains(body, `value="taken"`) {
		t.Fatalf("duplicate: %d\n%s", res.StatusCode, body)
	}
}

func TestEditProgramAndConcurrentEdit(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.program("Editable")
	res, body := a.do("GET", "/programs/"+itoa(p.ID)+"/edit", nil)
	if res.StatusCode != 200 || !strings.Contains(body, `name="version" value="1"`) {
		t.Fatalf("edit page: %d", res.StatusCode)
	}
	v := programForm("Edited")
	v.Set("version", "1")
	res, _ = a.postForm("/programs/"+itoa(p.ID), v)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d", res.StatusCode)
	}
	// A second editor who also started from version 1 is told, keeps their text, and gets the new version.
	v.Set("name", "Stale edit")
	res, body = a.postForm("/programs/"+itoa(p.ID), v)
	if res.StatusCode != 422 || !strings.Contains(body, "Someone else saved this program") ||
		!strings.Contains(body, `value="Stale edit"`) || !strings.Contains(body, `name="version" value="2"`) {
		t.Fatalf("stale edit: %d\n%s", res.StatusCode, body)
	}
	got, _ := a.store.GetProgram(context.Background(), p.ID)
	if got.Name != "Edited" {
		t.Errorf("stale edit overwrote the name: %q", got.Name)
	}
	v.Set("version", "2") // as the form now carries
	res, _ = a.postForm("/programs/"+itoa(p.ID), v)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("sending again after the warning: %d, want saved", res.StatusCode)
	}
}

func TestProgramListPagesAndSearches(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for i := range 55 {
		a.program("Program " + pad(i))
	}
	_, body := a.do("GET", "/programs", nil)
	if !strings.Contains(body, "55 programs") || !strings.Contains(body, "Program 49") || strings.Contains(body, "Program 50") {
		t.Fatalf("first page wrong")
	}
	next := regexp.MustCompile(`href="(/programs\?cursor=[^"]+)" rel="next"`).FindStringSubmatch(body)
	if next == nil {
		t.Fatal("no next page link")
	}
	_, body = a.do("GET", strings.ReplaceAll(next[1], "&amp;", "&"), nil)
	if !strings.Contains(body, "Program 54") || strings.Contains(body, "Program 49") || strings.Contains(body, `rel="next"`) {
		t.Fatalf("second page wrong")
	}
	_, body = a.do("GET", "/programs?q=program+5", nil)
	if !strings.Contains(body, `polite">5 programs<`) {
		t.Errorf("search for 'program 5' should find Program 50 to 54")
	}
	res, body := a.do("GET", "/programs?cursor=garbage", nil)
	if res.StatusCode != 200 || !strings.Contains(body, "Program 00") {
		t.Errorf("a broken cursor should fall back to the first page, got %d", res.StatusCode)
	}
}

func TestNotFoundPages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, path := range []string{"/nope", "/programs/999", "/programs/abc", "/programs/999/edit"} {
		res, body := a.do("GET", path, nil)
		if res.StatusCode != 404 || !strings.Contains(body, "Page not found") || !strings.Contains(body, `href="/programs"`) {
			t.Errorf("GET %s: %d, want the 404 page in the layout", path, res.StatusCode)
		}
	}
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	bundle, _ := i18n.Load()
	uk := bundle.Printer("uk").T("nav.programs")
	cs := bundle.Printer("cs").T("nav.programs")

	_, body := a.do("GET", "/programs", nil, "Accept-Language", "uk-UA,uk;q=0.9,en;q=0.5")
	if !strings.Contains(body, `<html lang="uk">`) || !strings.Contains(body, uk) {
		t.Errorf("Accept-Language uk not honoured")
	}
	res, _ := a.postForm("/language", url.Values{"lang": {"cs"}, "return": {"/programs"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/programs" {
		t.Fatalf("switch: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	cookie := res.Cookies()[0]
	if cookie.Name != "lang" || cookie.Value != "cs" || !cookie.HttpOnly {
		t.Fatalf("cookie %+v", cookie)
	}
	// The choice wins over the browser's language.
	_, body = a.do("GET", "/programs", nil, "Cookie", "lang=cs", "Accept-Language", "uk")
	if !strings.Contains(body, `<html lang="cs">`) || !strings.Contains(body, cs) {
		t.Errorf("language choice not honoured")
	}
	// The switcher never sends people to another site.
	for _, evil := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "javascript:alert(1)"} {
		res, _ := a.postForm("/language", url.Values{"lang": {"cs"}, "return": {evil}})
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("return %q redirected to %q, want /", evil, loc)
		}
	}
}

func TestCrossOriginPostIsRefused(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	res, body := a.postForm("/programs", programForm("From elsewhere"), "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Not allowed") || !strings.Contains(body, `<main id="main"`) ||
		!strings.Contains(body, "If you sent a form from another site") {
		t.Fatalf("cross-site post: %d, want the 403 page in the layout, saying why\n%s", res.StatusCode, body)
	}
	res, body = a.do("POST", "/api/v1/programs", strings.NewReader(`{"name":"x"}`), "Sec-Fetch-Site", "cross-site")
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, `"code":"forbidden"`) {
		t.Fatalf("cross-site API post: %d %s", res.StatusCode, body)
	}
	if n, _ := a.store.CountPrograms(context.Background(), store.ProgramFilter{}); n != 0 {
		t.Errorf("cross-site post saved a program")
	}
	res, _ = a.postForm("/programs", programForm("Same origin"), "Sec-Fetch-Site", "same-origin")
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("same-origin post: %d, want 303", res.StatusCode)
	}
}

func TestAssetsAreHashedAndCachedLong(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, body := a.do("GET", "/", nil)
	css := regexp.MustCompile(`href="(/assets/app\.[0-9a-f]{10}\.css)"`).FindStringSubmatch(body)
	if css == nil {
		t.Fatal("no hashed stylesheet link")
	}
	res, body := a.do("GET", css[1], nil)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") ||
		res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.Contains(body, "@media print") {
		t.Errorf("stylesheet: %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"))
	}
	if res, _ := a.do("GET", "/assets/app.css", nil); res.StatusCode != 404 {
		t.Errorf("unhashed asset name: %d, want 404", res.StatusCode)
	}
}

func TestOperationsEndpoints(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	if res, body := a.do("GET", "/healthz", nil); res.StatusCode != 200 || body != "ok\n" {
		t.Errorf("healthz: %d %q", res.StatusCode, body)
	}
	if res, body := a.do("GET", "/readyz", nil); res.StatusCode != 200 || body != "ready\n" {
		t.Errorf("readyz: %d %q", res.StatusCode, body)
	}
	a.do("GET", "/programs?q=secret+search", nil)
	a.do("GET", "/nope", nil)
	a.session = ""
	if res, _ := a.do("GET", "/metrics", nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("metrics without the token: %d, want 401", res.StatusCode)
	}
	if res, _ := a.do("GET", "/metrics", nil, "Authorization", "Bearer wrong"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("metrics with a wrong token: %d, want 401", res.StatusCode)
	}
	res, body := a.do("GET", "/metrics", nil, "Authorization", "Bearer "+testMetricsToken)
	if res.StatusCode != 200 {
		t.Errorf("metrics with the token: %d", res.StatusCode)
	}
	for _, want := range []string{
		`homeward_http_requests_total{code="200",route="GET /programs"} 1`,
		`homeward_http_requests_total{code="404",route="/"} 1`,
		`homeward_http_request_duration_seconds_bucket{route="GET /programs",le="+Inf"} 1`,
		`go_sql_open_connections{db_name="write"}`,
		`go_sql_open_connections{db_name="read"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// Request logs: one JSON line per request, with the route pattern and never the query string.
	if strings.Contains(a.logs.String(), "secret") {
		t.Errorf("the query string reached the log:\n%s", a.logs.String())
	}
	var line map[string]any
	first := strings.SplitN(a.logs.String(), "\n", 2)[0]
	if err := json.Unmarshal([]byte(first), &line); err != nil || line["route"] == nil || line["status"] == nil || line["request_id"] == nil {
		t.Errorf("log line %q lacks route, status or request_id", first)
	}
	// Closing the database makes the service unready, but still alive.
	a.store.Close()
	if res, _ := a.do("GET", "/readyz", nil); res.StatusCode != 503 {
		t.Errorf("readyz with the database closed: %d, want 503", res.StatusCode)
	}
	if res, _ := a.do("GET", "/healthz", nil); res.StatusCode != 200 {
		t.Errorf("healthz with the database closed: %d, want 200", res.StatusCode)
	}
}

func TestServerErrorPageHidesInternals(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.store.Close() // every page that reads now fails
	res, body := a.do("GET", "/programs", nil)
	if res.StatusCode != 500 || !strings.Contains(body, "Something went wrong") || !strings.Contains(body, "Reference for support") {
		t.Fatalf("500 page: %d\n%s", res.StatusCode, body)
	}
	if strings.Contains(strings.ToLower(body), "sql") {
		t.Errorf("500 page leaks internals")
	}
	res, body = a.do("GET", "/api/v1/programs", nil)
	if res.StatusCode != 500 || !strings.Contains(body, `"code":"internal"`) || strings.Contains(strings.ToLower(body), "sql") {
		t.Errorf("API 500: %d %s", res.StatusCode, body)
	}
}

func TestTwoAppProcessesOnOnePostgres(t *testing.T) {
	t.Parallel()
	url := testdb.Postgres(t)
	keys := testKeyring(t) // two processes of one installation share the key file
	one := newAppOn(t, store.Options{DatabaseURL: url, Keyring: keys})
	two := newAppOn(t, store.Options{DatabaseURL: url, Keyring: keys})
	res, _ := one.postForm("/programs", programForm("Shared program"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create on the first process: %d", res.StatusCode)
	}
	if _, body := two.do("GET", "/programs", nil); !strings.Contains(body, "Shared program") {
		t.Errorf("the second process does not list the program")
	}
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

func pad(i int) string { return fmt.Sprintf("%02d", i) }

func TestWritesAreAudited(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	res, _ := a.postForm("/programs", programForm("Audited"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	entries, _, err := a.store.ListAudit(context.Background(), store.AuditFilter{ObjectType: "program"}, store.Page{})
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit entries: %v %v", entries, err)
	}
	e := entries[0]
	if e.Action != "program.create" || e.Outcome != "ok" || e.Actor != fmt.Sprintf("user:%d", a.user.ID) || e.RequestID != res.Header.Get("X-Request-Id") || e.Address == "" {
		t.Errorf("entry %+v", e)
	}
	if strings.Contains(fmt.Sprint(e), "Audited") {
		t.Errorf("the audit entry holds a value: %+v", e)
	}
	// A refused save writes nothing, not even an audit entry.
	before, _ := a.store.AuditHead(context.Background())
	a.postForm("/programs", programForm(""))
	if h, _ := a.store.AuditHead(context.Background()); h.Seq != before.Seq {
		t.Errorf("audit head moved from %d to %d on a refused save", before.Seq, h.Seq)
	}
}

func TestHSTSBehindATLSProxy(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	if res, _ := a.do("GET", "/healthz", nil); res.Header.Get("Strict-Transport-Security") != "" {
		t.Errorf("HSTS on a plain-HTTP site")
	}
	srv, err := server.New(server.Config{Store: a.store, Identity: a.ids, Bundle: mustBundle(t), Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "t", SecureCookies: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if !strings.Contains(rec.Header().Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("no HSTS with --url https:// behind a proxy")
	}
}

func mustBundle(t *testing.T) *i18n.Bundle {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A page the role may not open says so, not something about forms from
// other sites (a viewer opening the case list).
func TestRefusedPageSaysTheRoleDoesNotAllowIt(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, a.session = a.signedIn("viewer-refused@example.org", auth.Viewer)
	res, body := a.do("GET", "/cases", nil)
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Your role does not allow this page") || strings.Contains(body, "another site") {
		t.Errorf("a viewer's /cases: %d\n%s", res.StatusCode, body)
	}
}
