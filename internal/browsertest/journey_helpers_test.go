package browsertest

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/store"
)

// Helpers of the journey test: several people, each in a browser session of
// their own, and short ways to fill in and send the case pages' forms.

// staff makes an active staff user with a name, the test password and an
// authenticator app, in one program, and returns the user and the app's
// secret.
func (a *app) staff(email, name string, role auth.Role, programID int64) (auth.User, string) {
	a.t.Helper()
	ctx := context.Background()
	u, err := a.store.CreateUser(ctx, auth.User{Email: email, Name: name, Role: role, Programs: []int64{programID}})
	if err != nil {
		a.t.Fatalf("create %s: %v", role, err)
	}
	phc, err := testHasher.Hash(ctx, testPassword)
	if err != nil {
		a.t.Fatal(err)
	}
	if err := a.store.SetPassword(ctx, u.ID, phc); err != nil {
		a.t.Fatal(err)
	}
	return u, a.withTOTP(u)
}

// session opens a tab in a browser context of its own (its own cookies, as
// another person's browser), on the same server, store and clock.
func (a *app) session() *app {
	a.t.Helper()
	tab, cancel := chromedp.NewContext(a.tab, chromedp.WithNewBrowserContext())
	a.t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		a.t.Fatalf("open a new browser session: %v", err)
	}
	other := *a
	other.tab = tab
	return &other
}

// here is the path and query of the tab's URL, without its fragment.
func (a *app) here() string {
	a.t.Helper()
	p, _, _ := strings.Cut(a.path(), "#")
	return p
}

// wantHere checks that the tab is at path (without its fragment).
func (a *app) wantHere(what, path string) {
	a.t.Helper()
	if got := a.here(); got != path {
		a.t.Fatalf("%s: the browser is at %s, want %s", what, got, path)
	}
}

// match checks the tab's path against a pattern and returns its groups.
func (a *app) match(what, pattern string) []string {
	a.t.Helper()
	got := a.here()
	m := regexp.MustCompile(pattern).FindStringSubmatch(got)
	if m == nil {
		a.t.Fatalf("%s: the browser is at %s, want %s", what, got, pattern)
	}
	return m
}

// js quotes a string as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// has tells whether an element matches the selector on the current page.
func (a *app) has(sel string) bool {
	a.t.Helper()
	return get(a, "look for "+sel, chromedp.Evaluate[bool](`document.querySelector(`+js(sel)+`) !== null`))
}

// count is how many elements match the selector on the current page.
func (a *app) count(sel string) int {
	a.t.Helper()
	return get(a, "count "+sel, chromedp.Evaluate[int](`document.querySelectorAll(`+js(sel)+`).length`))
}

// texts are the trimmed texts of every element the selector matches.
func (a *app) texts(sel string) []string {
	a.t.Helper()
	return get(a, "read "+sel, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll(`+js(sel)+`), e => e.innerText.replace(/\s+/g, " ").trim())`))
}

// content is the text of the first element the selector matches, shown or
// not (the options of a select), with its white space collapsed.
func (a *app) content(sel string) string {
	a.t.Helper()
	return get(a, "read "+sel, chromedp.Evaluate[string](
		`(e => e ? e.textContent.replace(/\s+/g, " ").trim() : "")(document.querySelector(`+js(sel)+`))`))
}

// attr is an attribute of the first element the selector matches ("" when
// the element or the attribute is missing).
func (a *app) attr(sel, name string) string {
	a.t.Helper()
	return get(a, "read "+name+" of "+sel, chromedp.Evaluate[string](
		`(e => e ? (e.getAttribute(`+js(name)+`) || "") : "")(document.querySelector(`+js(sel)+`))`))
}

// wantIn checks that the visible text of an element holds every string.
func (a *app) wantIn(sel string, want ...string) {
	a.t.Helper()
	got := strings.Join(strings.Fields(a.text(chromedp.CSS(sel))), " ")
	for _, w := range want {
		if !strings.Contains(got, strings.Join(strings.Fields(w), " ")) {
			a.t.Errorf("%s does not show %q; it shows:\n%s", sel, w, got)
		}
	}
}

// wantNotIn checks that the text of the page's main part holds none of the
// strings (hidden parts included: what is not shown must not be sent).
func (a *app) wantNotIn(what string, not ...string) {
	a.t.Helper()
	got := get(a, "read the page", chromedp.Evaluate[string](`document.querySelector("main").textContent`))
	for _, n := range not {
		if strings.Contains(got, n) {
			a.t.Errorf("%s: the page holds %q, which it must not", what, n)
		}
	}
}

// wantNo checks that nothing on the page matches the selector.
func (a *app) wantNo(what, sel string) {
	a.t.Helper()
	if a.has(sel) {
		a.t.Errorf("%s: the page has %s, which it must not", what, sel)
	}
}

// fill types into a form control (after clearing it).
func (a *app) fill(sel, text string) {
	a.t.Helper()
	a.do("find "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	get(a, "clear "+sel, chromedp.Evaluate[bool](`(e => (e.value = "", true))(document.querySelector(`+js(sel)+`))`))
	a.do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// choose picks an option of a select, or sets a date input, by its value.
func (a *app) choose(sel, value string) {
	a.t.Helper()
	a.do("choose "+value+" in "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
	if got := get(a, "read "+sel, chromedp.Value(chromedp.CSS(sel))); got != value {
		a.t.Fatalf("%s holds %q after choosing %q (no such option?)", sel, got, value)
	}
}

// checked tells whether a checkbox or radio button is checked.
func (a *app) checked(sel string) bool {
	a.t.Helper()
	return get(a, "read "+sel, chromedp.Evaluate[bool](`!!(document.querySelector(`+js(sel)+`) || {}).checked`))
}

// click clicks a checkbox or a radio button.
func (a *app) click(sel string) {
	a.t.Helper()
	a.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// send clicks the first submit button of the form with the action and
// expects the page that follows with the status.
func (a *app) send(what, action string, status int) {
	a.t.Helper()
	a.sendWith(what, `form[action="`+action+`"] button[type=submit]`, status)
}

// sendWith clicks a button and expects the page that follows with the status.
func (a *app) sendWith(what, button string, status int) {
	a.t.Helper()
	a.present(what, button)
	a.load(what, status, chromedp.Click(chromedp.CSS(button)))
}

// follow clicks a link and expects the page it leads to.
func (a *app) follow(what, sel string) {
	a.t.Helper()
	a.present(what, sel)
	a.load(what, http.StatusOK, chromedp.Click(chromedp.CSS(sel)))
}

// present fails the test at once, showing the page, when nothing on the
// loaded page matches the selector (rather than waiting for it in vain).
func (a *app) present(what, sel string) {
	a.t.Helper()
	a.do("wait for the page", chromedp.WaitReady(chromedp.CSS("body")))
	if !a.has(sel) {
		main := get(a, "read the page", chromedp.Evaluate[string](`(document.querySelector("main") || document.body).innerText`))
		a.t.Fatalf("%s: %s has no %s; the page shows:\n%s", what, a.here(), sel, main)
	}
}

// badge is the state shown next to the case code in the case's heading.
func (a *app) badge() string {
	a.t.Helper()
	return a.text("main h1 .state")
}

// wantBadge checks the state next to the case code.
func (a *app) wantBadge(want string) {
	a.t.Helper()
	if got := a.badge(); got != want {
		a.t.Errorf("the case's heading shows the state %q, want %q", got, want)
	}
}

// people rebinds every person's helpers to the running (sub)test, so that
// a failure stops the step it happened in.
type people []*app

func (ps people) bind(t *testing.T) {
	for _, p := range ps {
		p.t = t
	}
}

// step runs one step of the journey as a subtest; the journey stops at the
// first step that fails, since every later step builds on it.
func (ps people) step(t *testing.T, name string, f func(t *testing.T)) {
	t.Helper()
	ok := t.Run(name, func(st *testing.T) {
		ps.bind(st)
		f(st)
	})
	ps.bind(t)
	if !ok {
		t.FailNow()
	}
}

// waitingCase takes a person in through the store as the coordinator: the
// consent to processing, a critical safety need, and the case moved on to
// waiting. With a mentee user and a mentor, the person has portal access
// and is matched with the mentor.
func (a *app) waitingCase(programID int64, coordinator auth.User, code, name string, mentee, mentor *auth.User) cases.Case {
	a.t.Helper()
	ctx := a.t.Context()
	m, c, err := a.store.CreateIntake(ctx, store.Intake{ProgramID: programID, State: cases.Intake, ActorID: coordinator.ID,
		Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: code, FullName: name, BirthYear: 1990}}})
	if err != nil {
		a.t.Fatalf("take in %s: %v", code, err)
	}
	if _, err := a.store.RecordConsent(ctx, cases.Consent{MenteeID: m.ID, Kind: cases.ConsentProcessing, Given: true, RecordedBy: coordinator.ID}); err != nil {
		a.t.Fatal(err)
	}
	if err := a.store.AssessNeeds(ctx, c.ID, []cases.Assessment{{Domain: "safety", Severity: cases.Critical, Status: cases.NotStarted}}, coordinator.ID); err != nil {
		a.t.Fatal(err)
	}
	if _, err := a.store.Transition(ctx, store.TransitionInput{CaseID: c.ID, To: cases.Waiting, Reason: "ready", ActorID: coordinator.ID}); err != nil {
		a.t.Fatalf("move %s to waiting: %v", code, err)
	}
	if mentee != nil {
		if err := a.store.LinkMenteeUser(ctx, m.ID, mentee.ID); err != nil {
			a.t.Fatal(err)
		}
	}
	if mentor != nil {
		if _, err := a.store.Match(ctx, c.ID, mentor.ID, coordinator.ID); err != nil {
			a.t.Fatal(err)
		}
	}
	return c
}

// askRightAway signs the mentee in on a phone-sized window and raises a
// request about safety "right away" in the portal.
func (a *app) askRightAway(email, text string) {
	a.t.Helper()
	a.do("a phone-sized window", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	a.open("/login")
	a.password(email)
	a.wantHere("the mentee after signing in", "/my")
	a.choose("#f-ask-domain", "safety")
	a.click("#f-ask-urgency-urgent")
	a.fill("#f-ask-text", text)
	a.send("ask for help right away", "/my/requests", http.StatusOK)
}
