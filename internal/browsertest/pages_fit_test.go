package browsertest

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"homeward/internal/auth"
	"homeward/internal/demo"
	"homeward/internal/store"
)

// TestPagesFitLaptopAndPhone opens the pages of the small demo as a person
// would: the case overview on a laptop is short enough to read (its height
// is logged, to compare), and on a phone no list is wider than the screen,
// the administrator's users table included.
func TestPagesFitLaptopAndPhone(t *testing.T) {
	a := startBare(t)
	ctx := t.Context()
	sum, err := demo.Fill(ctx, a.store, testHasher, demo.Small, 1)
	if err != nil {
		t.Fatal(err)
	}
	a.clock.Use(a.store) // demo.Fill leaves the real clock
	// The demo's coordinator and administrator, with the test password
	// and an authenticator app.
	secrets := map[auth.Role]string{}
	emails := map[auth.Role]string{}
	for _, c := range sum.Users {
		if c.Role != auth.Coordinator && c.Role != auth.Admin {
			continue
		}
		list, _, err := a.store.SearchUsers(ctx, store.UserFilter{Query: c.Email}, store.Page{Limit: 1})
		if err != nil || len(list) != 1 {
			t.Fatalf("find %s: %v", c.Email, err)
		}
		phc, err := testHasher.Hash(ctx, testPassword)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.store.SetPassword(ctx, list[0].ID, phc); err != nil {
			t.Fatal(err)
		}
		secrets[c.Role], emails[c.Role] = a.withTOTP(list[0]), c.Email
	}
	height := func() float64 {
		return get(a, "the page's height", chromedp.Evaluate[float64](`document.documentElement.scrollHeight`))
	}
	fits := func(a *app, path string) {
		t.Helper()
		a.open(path)
		w := get(a, "the page's width", chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
		screen := get(a, "the screen's width", chromedp.Evaluate[float64](`window.innerWidth`))
		if w > screen {
			t.Errorf("on a phone %s is %.0f px wide, wider than the %.0f px screen", path, w, screen)
		}
		// Nor is a table cut at the edge of its scrolling box.
		cut := get(a, "tables wider than their box", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".table-wrap")].
			filter(w => w.scrollWidth > w.clientWidth + 1).map(w => (w.querySelector("table") || w).className + " " + w.scrollWidth + " > " + w.clientWidth)`))
		for _, c := range cut {
			t.Errorf("on a phone a table of %s is cut: %s", path, c)
		}
	}

	// The coordinator on a laptop: an active case's overview.
	a.signIn(emails[auth.Coordinator], secrets[auth.Coordinator])
	a.open("/cases?state=active&sort=opened")
	a.follow("open an active case", `table.list.cases tbody tr:first-child td:first-child a`)
	casePath := a.here()
	t.Logf("the overview of an active case at 1280 px is %.0f px long", height()) // 4,183 px before the forms were folded
	a.screenshot("overview-laptop.png")
	// The closing steps show only when the coordinator asks to close.
	if !a.has(`details#close-case:not([open]) summary`) {
		t.Error("the overview does not fold the closing form under its summary")
	}
	if a.has(`#close-case[open]`) || get(a, "is the closing form shown", chromedp.Evaluate[bool](`document.querySelector("#move-closure").checkVisibility()`)) {
		t.Error("the closing form shows before the coordinator asks to close the case")
	}
	a.click("#close-case summary")
	if !get(a, "is the closing form shown", chromedp.Evaluate[bool](`document.querySelector("#move-closure").checkVisibility()`)) {
		t.Error("the closing form stays hidden after a click on its summary")
	}

	// On a phone, the lists fit the screen.
	a.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	for _, p := range []string{"/cases", "/mentors", "/referrals", "/partners", casePath} {
		fits(a, p)
	}
	a.do("reset the viewport", chromedp.ResetViewport())

	// The administrator's users table on a phone.
	admin := a.session()
	admin.signIn(emails[auth.Admin], secrets[auth.Admin])
	admin.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	fits(admin, "/admin/users")
	if !admin.has(`table.list tbody tr`) {
		t.Fatal("the users table lists nobody")
	}
	admin.screenshot("users-phone.png")
	fits(admin, "/admin/audit")
}

// screenshot saves the page as it is now into $HOMEWARD_SCREENSHOTS, when
// that names a directory (to look at; nothing checks it).
func (a *app) screenshot(name string) {
	a.t.Helper()
	dir := os.Getenv("HOMEWARD_SCREENSHOTS")
	if dir == "" {
		return
	}
	png := get(a, "take a screenshot", chromedp.FullScreenshot(100))
	if err := os.WriteFile(dir+"/"+name, png, 0o644); err != nil {
		a.t.Fatal(err)
	}
}
