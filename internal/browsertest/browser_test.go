package browsertest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"homeward/internal/auth"
	"homeward/internal/i18n"
	"homeward/internal/identity"
	"homeward/internal/seal"
	"homeward/internal/server"
	"homeward/internal/store"
	"homeward/internal/testsupport"
)

// testTimeout bounds a whole test, browser start included. It is only a
// safety net so that a hung browser cannot hang the test run; no step waits
// on a clock, each one waits for the element or the page load it needs.
// Under the race detector, with the other packages' tests beside it on two
// cores, the longest journey takes over a minute: the net is wide.
const testTimeout = 5 * time.Minute

// submitButton is the save button of the program form.
const submitButton = chromedp.CSS("form.form button[type=submit]")

// app is one test's running Homeward server and the browser tab that uses it.
type app struct {
	t      *testing.T
	tab    context.Context // a chromedp context: every action runs in this tab
	url    string          // base URL of the test server, no trailing slash
	store  *store.Store
	ids    *identity.Service
	bundle *i18n.Bundle
	en     *i18n.Printer
	clock  *testsupport.Clock // the store's clock, ahead of the real one by whole steps (tick)
	secret string             // the TOTP secret of the admin start signs in
}

// chromiumPath returns the browser to drive, or skips the test (fails it with
// HOMEWARD_REQUIRE_BROWSER=1) when there is none.
func chromiumPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("HOMEWARD_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	fi, err := os.Stat(path)
	if err == nil && (fi.IsDir() || fi.Mode().Perm()&0o111 == 0) {
		err = os.ErrPermission
	}
	if err != nil {
		msg := "no browser for the browser tests at " + path + " (" + err.Error() + "): " +
			"install Debian's chromium package (apt-get install chromium) or set HOMEWARD_CHROMIUM to a Chromium/Chrome binary"
		if os.Getenv("HOMEWARD_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg + "; HOMEWARD_REQUIRE_BROWSER=1 makes this a failure")
		}
		t.Skip(msg)
	}
	return path
}

// start builds Homeward with an admin who has an authenticator app, and
// signs them in through the pages (password, then code).
func start(t *testing.T) *app {
	t.Helper()
	a := startBare(t)
	u := a.user(testEmail, auth.Admin)
	a.secret = a.withTOTP(u)
	a.signIn(testEmail, a.secret)
	return a
}

// startBare builds Homeward on a fresh SQLite database with no user, serves
// it on a local port and opens a headless Chromium tab. The site is
// http://localhost:PORT: passkeys need a host name. Everything is torn down
// when the test ends: the browser first, then the server, then the store.
func startBare(t *testing.T) *app {
	t.Helper()
	chromium := chromiumPath(t)

	keys := testsupport.Keyring(t)
	st, err := store.Open(t.Context(), store.Options{DataDir: t.TempDir(), Keyring: keys})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	// The store's clock runs ahead by whole TOTP steps when a test asks
	// (tick), so that each sign-in has a fresh code.
	clock := new(testsupport.Clock).Use(st)
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatalf("load catalogues: %v", err)
	}
	var handler http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	site := strings.Replace(ts.URL, "127.0.0.1", "localhost", 1)
	cfg := identity.DefaultConfig()
	cfg.SiteURL = site
	ids, err := identity.New(st, testHasher, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{
		Store: st, Bundle: bundle, Version: "test", Identity: ids,
		Log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Epochs: testEpochs,
	})
	if err != nil {
		t.Fatalf("build server: %v", err)
	}
	handler = srv.Handler()

	ctx, cancelTimeout := context.WithTimeout(t.Context(), testTimeout)
	t.Cleanup(cancelTimeout)

	var browserLog lockedBuffer
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// The pages are checked against the English catalogue, so the
		// browser must ask for English whatever the machine's locale.
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("accept-lang", "en-US"),
		chromedp.WindowSize(1280, 900), // wide enough for the desktop navigation bar
		chromedp.UserDataDir(t.TempDir()),
		chromedp.CombinedOutput(&browserLog),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	// cancelAlloc also waits for the browser to exit, so the profile
	// directory is no longer in use when t.TempDir removes it.
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelTab)
	t.Cleanup(func() {
		if t.Failed() && browserLog.Len() > 0 {
			t.Logf("browser output:\n%s", browserLog.String())
		}
	})

	// The first action starts the browser and opens the tab.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("start %s: %v", chromium, err)
	}
	return &app{t: t, tab: tab, url: site, store: st, ids: ids, bundle: bundle, en: bundle.Printer("en"), clock: clock}
}

// testEmail and testPassword are the browser's user.
const (
	testEmail    = "admin@example.org"
	testPassword = testsupport.Password
)

// user makes an active user with the test password.
func (a *app) user(email string, role auth.Role, programs ...int64) auth.User {
	a.t.Helper()
	return testsupport.User(a.t, a.store, email, role, programs...)
}

var testHasher = testsupport.Hasher() // hashing at the least cost

// testEpochs are serve's default key epochs: a rotation a month, backups
// kept 90 days.
var testEpochs = seal.Epochs{Rotate: seal.DefaultRotate, Retention: seal.DefaultRetention}

// tick moves the store's clock on by one TOTP step: a code is never
// accepted twice, so each sign-in needs the next one.
func (a *app) tick() { a.clock.Tick() }

// withTOTP sets up an authenticator app for the user, as enrolment would,
// and returns its secret.
func (a *app) withTOTP(u auth.User) string {
	a.t.Helper()
	return testsupport.WithTOTP(a.t, a.store, a.clock, u)
}

// code is the authenticator app's code now, at the store's time.
func (a *app) code(secret string) string {
	a.t.Helper()
	a.tick()
	return testsupport.Code(a.t, a.store, secret)
}

// signIn signs in through the sign-in page and the second-factor page, as a
// person does, and expects the home page.
func (a *app) signIn(email, secret string) {
	a.t.Helper()
	a.open("/login")
	a.password(email)
	if got := a.path(); !strings.HasPrefix(got, "/login") {
		a.t.Fatalf("after the password the browser is at %s, want the second-factor step", got)
	}
	a.do("type the code", chromedp.SendKeys(chromedp.ID("f-code"), a.code(secret)))
	a.load("confirm the code", http.StatusOK, chromedp.Click(chromedp.CSS("#factor-form button[type=submit]")))
	if got := a.path(); got != "/" {
		a.t.Fatalf("after signing in the browser is at %s, want /", got)
	}
}

// password fills in and sends the sign-in form on the current page.
func (a *app) password(email string) {
	a.t.Helper()
	a.do("fill the sign-in form",
		chromedp.SendKeys(chromedp.ID("f-email"), email),
		chromedp.SendKeys(chromedp.ID("f-password"), testPassword))
	a.load("sign in", http.StatusOK, chromedp.Click(chromedp.CSS("form.form button[type=submit]")))
}

// do runs actions in the tab and fails the test on the first error.
func (a *app) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	a.t.Helper()
	if err := chromedp.Do(a.tab, actions...); err != nil {
		a.t.Fatalf("%s: %v", what, err)
	}
}

// get runs an action that returns a value and fails the test on error.
func get[T any](a *app, what string, action chromedp.Action[T]) T {
	a.t.Helper()
	v, err := chromedp.Run(a.tab, action)
	if err != nil {
		a.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// load runs actions that make the tab load a page (a navigation, a click on
// a link, a form submission), waits until that page has loaded and checks the
// HTTP status of its document (the final one, after redirects).
func (a *app) load(what string, wantStatus int, actions ...chromedp.Action[chromedp.Void]) {
	a.t.Helper()
	resp, err := chromedp.RunResponse(a.tab, actions...)
	if err != nil {
		a.t.Fatalf("%s: %v", what, err)
	}
	if resp == nil {
		a.t.Fatalf("%s: no response for the page", what)
	}
	if int(resp.Status) != wantStatus {
		a.t.Fatalf("%s: %s answered %d, want %d", what, resp.URL, resp.Status, wantStatus)
	}
}

// open navigates to a path of the app and expects 200 OK.
func (a *app) open(path string) {
	a.t.Helper()
	a.load("open "+path, http.StatusOK, chromedp.Navigate(a.url+path))
}

// text is the visible text of the first element the selector matches,
// waiting until it is visible.
func (a *app) text(sel chromedp.CSS) string {
	a.t.Helper()
	return strings.TrimSpace(get(a, "read text of "+string(sel), chromedp.Text(sel, chromedp.NodeVisible)))
}

// wantText checks the visible text of an element.
func (a *app) wantText(sel chromedp.CSS, want string) {
	a.t.Helper()
	if got := a.text(sel); got != want {
		a.t.Errorf("%s shows %q, want %q", sel, got, want)
	}
}

// value is the current value of a form control.
func (a *app) value(id chromedp.ID) string {
	a.t.Helper()
	return get(a, "read value of #"+string(id), chromedp.Value(id))
}

// path is the path and query of the tab's current URL.
func (a *app) path() string {
	a.t.Helper()
	return strings.TrimPrefix(get(a, "read location", chromedp.Location()), a.url)
}

// htmlLang is the lang attribute of the page's root element.
func (a *app) htmlLang() string {
	a.t.Helper()
	return get(a, "read <html lang>", chromedp.Evaluate[string](`document.documentElement.lang`))
}

func TestCreateProgramInBrowser(t *testing.T) {
	a := start(t)
	const name = "Return to freedom"

	a.open("/")
	if title := get(a, "read title", chromedp.Title()); !strings.Contains(title, a.en.T("app.name")) {
		t.Errorf("home page title is %q, want it to contain %q", title, a.en.T("app.name"))
	}
	a.wantText("main h1", a.en.T("app.name"))

	newLink := chromedp.CSS(`main a[href="/programs/new"]`)
	a.wantText(newLink, a.en.T("programs.new"))
	a.load("click "+a.en.T("programs.new"), http.StatusOK, chromedp.Click(newLink))
	if got := a.path(); got != "/programs/new" {
		t.Fatalf("the %q link led to %s, want /programs/new", a.en.T("programs.new"), got)
	}
	a.wantText("main h1", a.en.T("programs.new"))

	a.do("fill in the form",
		chromedp.SendKeys(chromedp.ID("f-name"), name),
		chromedp.SendKeys(chromedp.ID("f-languages"), "Belarusian, ru"),
		chromedp.SendKeys(chromedp.ID("f-countries"), "Lithuania, PL"),
	)
	a.load("save the program", http.StatusOK, chromedp.Click(submitButton))

	programPath := a.path()
	m := regexp.MustCompile(`^(/programs/[0-9]+)\?saved=1$`).FindStringSubmatch(programPath)
	if m == nil {
		t.Fatalf("after saving the tab is at %s, want /programs/{id}?saved=1", programPath)
	}
	a.wantText("main h1", name)
	a.wantText("main .notice", a.en.T("form.saved"))
	facts := a.text("main dl.facts")
	for _, want := range []string{"Belarusian, Russian", "Lithuania, Poland"} { // typed by name or code, shown by name
		if !strings.Contains(facts, want) {
			t.Errorf("the program page's facts do not show %q:\n%s", want, facts)
		}
	}

	if os.Getenv("HOMEWARD_SCREENSHOTS") == "1" {
		a.screenshots()
	}

	a.open("/programs")
	link := chromedp.CSS(`table.list a[href="` + m[1] + `"]`)
	a.wantText(link, name)
	if list := a.text("table.list tbody"); !strings.Contains(list, name) {
		t.Errorf("the program list does not show %q:\n%s", name, list)
	}
}

// screenshots saves the current page at a phone and at a desktop width, and
// leaves the tab at its normal size.
func (a *app) screenshots() {
	a.t.Helper()
	for _, shot := range []struct {
		file     string
		viewport chromedp.Action[chromedp.Void]
	}{
		{"homeward-phone.png", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))},
		{"homeward-desktop.png", chromedp.EmulateViewport(1280, 900)},
	} {
		a.do("resize for "+shot.file, shot.viewport, chromedp.WaitVisible(chromedp.CSS("main h1")))
		png := get(a, "screenshot "+shot.file, chromedp.FullScreenshot(100))
		path := filepath.Join(os.TempDir(), shot.file)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			a.t.Fatalf("write screenshot: %v", err)
		}
		a.t.Logf("screenshot: %s", path)
	}
	a.do("reset the viewport", chromedp.ResetViewport())
}

func TestFormKeepsInputOnError(t *testing.T) {
	a := start(t)
	const description = "Weekly meetings with a mentor,\nhelp with housing and work."

	a.open("/programs/new")
	if got := a.value("f-name"); got != "" {
		t.Fatalf("a new form's name is %q, want it empty", got)
	}
	a.do("fill in the form",
		chromedp.SendKeys(chromedp.ID("f-description"), description),
		chromedp.Clear(chromedp.ID("f-mentor_capacity")),
		chromedp.SendKeys(chromedp.ID("f-mentor_capacity"), "abc"),
	)
	a.load("submit the form with errors", http.StatusUnprocessableEntity, chromedp.Click(submitButton))

	if got := a.path(); got != "/programs" {
		t.Errorf("after a refused save the tab is at %s, want /programs (the form's action)", got)
	}
	a.wantText("main .alert", a.en.T("form.has_errors"))
	// app.js moves focus to the summary so screen readers announce it.
	if got := get(a, "read focused element", chromedp.Evaluate[string](`document.activeElement.id`)); got != "form-errors" {
		t.Errorf("focus is on #%s after a refused save, want #form-errors (the summary)", got)
	}
	for _, field := range []string{"name", "mentor_capacity"} {
		if msg := a.text(chromedp.CSS(".field.invalid #f-" + field + " ~ p.field-error")); msg == "" {
			t.Errorf("no error message next to the %s field", field)
		}
		invalid := get(a, "read aria-invalid of "+field, chromedp.AttributeValue(chromedp.ID("f-"+field), "aria-invalid"))
		if invalid.Value != "true" {
			t.Errorf("#f-%s has aria-invalid=%q, want \"true\"", field, invalid.Value)
		}
	}
	if got := strings.ReplaceAll(a.value("f-description"), "\r\n", "\n"); got != description {
		t.Errorf("the description was not kept: got %q, want %q", got, description)
	}
	if got := a.value("f-mentor_capacity"); got != "abc" {
		t.Errorf("the mentor capacity was not kept: got %q, want %q", got, "abc")
	}

	n, err := a.store.CountPrograms(t.Context(), store.ProgramFilter{})
	if err != nil {
		t.Fatalf("count programs: %v", err)
	}
	if n != 0 {
		t.Errorf("the store holds %d programs after a refused save, want 0", n)
	}
	a.open("/programs")
	a.wantText("main .empty", a.en.T("programs.empty"))
}

func TestLanguageSwitcher(t *testing.T) {
	a := start(t)
	uk := a.bundle.Printer("uk")
	enPrograms, ukPrograms := a.en.T("nav.programs"), uk.T("nav.programs")
	if enPrograms == ukPrograms {
		t.Fatalf("the catalogues give nav.programs the same text in English and Ukrainian (%q): the test could not tell them apart", enPrograms)
	}

	a.open("/")
	if got := a.htmlLang(); got != "en" {
		t.Fatalf("the home page starts in %q, want en (the browser asks for en-US)", got)
	}
	a.wantNavPrograms(enPrograms)

	// A person picks a language and app.js submits the switcher on change.
	// SetValue fires the input and change events itself (as a real choice
	// does), so no extra dispatch is needed; a second one would race with the
	// navigation that the first one starts.
	a.load("choose Ukrainian", http.StatusOK, chromedp.SetValue(chromedp.ID("lang"), "uk"))
	if got := a.path(); got != "/" {
		t.Errorf("the switcher returned to %s, want / (the page it was on)", got)
	}
	if got := a.htmlLang(); got != "uk" {
		t.Errorf("after choosing Ukrainian the page has <html lang=%q>, want uk", got)
	}
	a.wantNavPrograms(ukPrograms)
	if got := a.value("lang"); got != "uk" {
		t.Errorf("the switcher shows %q after the choice, want uk", got)
	}

	// The choice is a cookie, so it holds on the next page load too.
	a.open("/programs")
	if got := a.htmlLang(); got != "uk" {
		t.Errorf("the next page has <html lang=%q>, want the chosen uk", got)
	}
	a.wantNavPrograms(ukPrograms)
	a.wantText("main h1", ukPrograms)

	// The navigation is shown on a desktop; on a phone it folds behind
	// the Menu button, which opens and closes it.
	a.do("see the nav on a desktop", chromedp.WaitVisible(navPrograms))
	if shown := get(a, "the Menu button on a desktop", chromedp.Evaluate[bool](`getComputedStyle(document.querySelector(".menu-toggle")).display !== "none"`)); shown {
		a.t.Error("the Menu button shows on a desktop")
	}
	a.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	a.do("the nav folds on a phone", chromedp.WaitNotVisible(navPrograms))
	if h := get(a, "the header's height", chromedp.Evaluate[float64](`document.querySelector("header.top").getBoundingClientRect().height`)); h > 844/8 {
		a.t.Errorf("the folded header takes %.0f px of a 844 px phone screen", h)
	}
	a.click(".menu-toggle")
	a.do("see the nav on a phone", chromedp.WaitVisible(navPrograms))
	a.wantText(navPrograms, ukPrograms)
	if got := get(a, "the button's state", chromedp.Evaluate[string](`document.querySelector(".menu-toggle").getAttribute("aria-expanded")`)); got != "true" {
		a.t.Errorf("the open Menu button says aria-expanded=%q", got)
	}
	a.click(".menu-toggle")
	a.do("the nav folds again", chromedp.WaitNotVisible(navPrograms))
	a.do("reset the viewport", chromedp.ResetViewport())
}

// navPrograms is the Programs link of the header navigation.
const navPrograms = chromedp.CSS(`header nav a[href="/programs"]`)

// wantNavPrograms checks the text of the header's Programs link in the
// document. It reads the DOM text, not the rendered text, because this check
// is about the language and not the layout.
func (a *app) wantNavPrograms(want string) {
	a.t.Helper()
	got := strings.TrimSpace(get(a, "read the nav's Programs link", chromedp.TextContent(navPrograms)))
	if got != want {
		a.t.Errorf("the nav's Programs link says %q, want %q", got, want)
	}
}

// lockedBuffer collects the browser's output, which its process writes from
// other goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
