package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// The home page by role: a mentee goes to their portal; coordinators,
// mentors and psychologists see how many of their cases need attention,
// with links into the case list; everyone else sees the programs.
func TestHomePageByRole(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) { homeByRole(t, newApp(t)) })
	t.Run("postgres", func(t *testing.T) { homeByRole(t, newAppOn(t, store.Options{DatabaseURL: testdb.Postgres(t)})) })
}

func homeByRole(t *testing.T, a *app) {
	ctx := context.Background()
	w := &portalWorld{a: a, program: a.program("Home program")}
	w.coordinator, _ = a.signedIn("coord-home@example.org", auth.Coordinator, w.program.ID)
	mentor1, _ := a.signedIn("mentor1-home@example.org", auth.Mentor, w.program.ID)
	mentor2, _ := a.signedIn("mentor2-home@example.org", auth.Mentor, w.program.ID)
	psychologist, _ := a.signedIn("psy-home@example.org", auth.Psychologist, w.program.ID)
	mentee, _ := a.signedIn("mentee-home@example.org", auth.Mentee, w.program.ID)
	viewer, _ := a.signedIn("viewer-home@example.org", auth.Viewer, w.program.ID)
	// Another program's coordinator sees none of these cases.
	stranger, _ := a.signedIn("coord-elsewhere@example.org", auth.Coordinator, a.program("Elsewhere").ID)

	// Active with mentor 1 (it will be overdue and quiet), matched with
	// mentor 2 (overdue only), and one waiting (no signal).
	_, active := w.portalIntake("Active Person")
	if _, err := a.store.Match(ctx, active.ID, mentor1.ID, w.coordinator.ID); err != nil {
		t.Fatal(err)
	}
	w.step(active.ID, "First step", cases.OwnerMentee)
	w.move(active.ID, cases.Active)
	_, matched := w.portalIntake("Matched Person")
	if _, err := a.store.Match(ctx, matched.ID, mentor2.ID, w.coordinator.ID); err != nil {
		t.Fatal(err)
	}
	_, waiting := w.portalIntake("Waiting Person")

	// Two months later nobody has been in touch and no request came.
	a.clock.Add(60 * 24 * time.Hour)
	session := func(u auth.User) string {
		token, err := a.store.CreateSession(ctx, u.ID, time.Hour, "192.0.2.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		return token
	}

	a.session = session(mentee)
	if res, _ := a.do("GET", "/", nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/my" {
		t.Errorf("mentee's home: %d → %q, want 303 to /my", res.StatusCode, res.Header.Get("Location"))
	}

	for _, c := range []struct {
		who            string
		u              auth.User
		overdue, quiet int
	}{
		{"coordinator", w.coordinator, 2, 1},
		{"mentor 1", mentor1, 1, 1},
		{"mentor 2", mentor2, 1, 0},
		{"psychologist", psychologist, 0, 0},
		{"another program's coordinator", stranger, 0, 0},
	} {
		a.session = session(c.u)
		res, body := a.do("GET", "/", nil)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s's home: %d", c.who, res.StatusCode)
			continue
		}
		overdue := fmt.Sprintf(">%d</strong> %s with an overdue contact", c.overdue, map[bool]string{true: "case", false: "cases"}[c.overdue == 1])
		quiet := fmt.Sprintf(">%d</strong> %s: ask about completion", c.quiet, map[bool]string{true: "quiet case", false: "quiet cases"}[c.quiet == 1])
		for _, want := range []string{overdue, quiet, `href="/cases?signal=overdue"`, `href="/cases?signal=quiet"`, "Your cases", `href="/programs"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s's home lacks %q", c.who, want)
			}
		}
	}

	// The links lead to the cases counted.
	a.session = session(w.coordinator)
	res, body := a.do("GET", "/cases?signal=overdue", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, active.Code) || !strings.Contains(body, matched.Code) || strings.Contains(body, waiting.Code) {
		t.Errorf("the overdue list: %d", res.StatusCode)
	}
	res, body = a.do("GET", "/cases?signal=quiet", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, active.Code) || strings.Contains(body, matched.Code) {
		t.Errorf("the quiet list: %d", res.StatusCode)
	}

	// Everyone else: the programs, no cases.
	for who, u := range map[string]auth.User{"viewer": viewer, "admin": a.user} {
		a.session = session(u)
		res, body := a.do("GET", "/", nil)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `href="/programs"`) {
			t.Errorf("%s's home: %d", who, res.StatusCode)
		}
		if strings.Contains(body, "Your cases") || strings.Contains(body, "/cases?signal") {
			t.Errorf("%s's home shows cases", who)
		}
	}
}
