package server_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/program"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// w1Engines runs a test on SQLite and on PostgreSQL.
func w1Engines(t *testing.T, run func(t *testing.T, a *app)) {
	t.Run("sqlite", func(t *testing.T) { run(t, newApp(t)) })
	t.Run("postgres", func(t *testing.T) { run(t, newAppOn(t, store.Options{DatabaseURL: testdb.Postgres(t)})) })
}

// w1Program makes a program whose mentors may take up to capacity mentees.
func (a *app) w1Program(name string, capacity int) program.Program {
	a.t.Helper()
	p := program.New()
	p.MentorChecks = nil // mentors from accounts, matched without checks
	p.Name, p.MentorCapacity = name, capacity
	p, err := a.store.CreateProgram(context.Background(), p)
	if err != nil {
		a.t.Fatal(err)
	}
	return p
}

// w1User makes an active user of a role in programs and returns them with
// their session token.
func (a *app) w1User(role auth.Role, programs ...int64) (auth.User, string) {
	a.t.Helper()
	return a.signedIn(fmt.Sprintf("%s%d@example.org", role, appCount.Add(1)), role, programs...)
}

// w1Get fetches a page as the holder of session and fails the test unless
// the status is want.
func (a *app) w1Get(session, path string, want int) string {
	a.t.Helper()
	a.session = session
	res, body := a.do("GET", path, nil)
	if res.StatusCode != want {
		a.t.Fatalf("GET %s: %d, want %d\n%s", path, res.StatusCode, want, body)
	}
	return body
}

// w1Session starts a new session for u (after the clock moved on).
func (a *app) w1Session(u auth.User) string {
	a.t.Helper()
	token, err := a.store.CreateSession(context.Background(), u.ID, time.Hour, "192.0.2.1", "test")
	if err != nil {
		a.t.Fatal(err)
	}
	return token
}

// listed reports whether the case list in body links the case.
func listed(body string, c cases.Case) bool {
	return strings.Contains(body, fmt.Sprintf(`<a href="/cases/%d">%s</a>`, c.ID, c.Code))
}

// Each role sees in the list exactly the cases it may open: the
// coordinator their programs', the mentor and the psychologist their own;
// the admin and a viewer get no list at all.
func TestCaseListIsScopedByRole(t *testing.T) {
	t.Parallel()
	w1Engines(t, func(t *testing.T, a *app) {
		adminS := a.session
		mine, other := a.w1Program("Mine", 3), a.w1Program("Other", 3)
		coord, coordS := a.w1User(auth.Coordinator, mine.ID)
		otherCoord, _ := a.w1User(auth.Coordinator, other.ID)
		mentor, mentorS := a.w1User(auth.Mentor, mine.ID)
		mentor2, _ := a.w1User(auth.Mentor, mine.ID)
		psych, psychS := a.w1User(auth.Psychologist, mine.ID)
		_, viewerS := a.w1User(auth.Viewer, mine.ID)
		_, menteeS := a.w1User(auth.Mentee, mine.ID)

		own := a.makeCase(caseSetup{Program: mine, By: coord, MentorID: mentor.ID, State: cases.Active})
		others := a.makeCase(caseSetup{Program: mine, By: coord, MentorID: mentor2.ID, Psychologist: psych.ID, State: cases.Matched})
		waiting := a.makeCase(caseSetup{Program: mine, By: coord, State: cases.Waiting})
		elsewhere := a.makeCase(caseSetup{Program: other, By: otherCoord, State: cases.Intake})

		body := a.w1Get(coordS, "/cases", 200)
		if !listed(body, own) || !listed(body, others) || !listed(body, waiting) || listed(body, elsewhere) {
			t.Errorf("the coordinator's list should hold the three cases of their program only")
		}
		if !strings.Contains(body, `href="/mentees/new"`) || !strings.Contains(body, `<a href="/cases" aria-current="page">Cases</a>`) {
			t.Errorf("the coordinator's list lacks the intake button or the current Cases entry of the menu")
		}
		if !strings.Contains(body, "Waiting for a mentor") || !strings.Contains(body, "None yet") {
			t.Errorf("the list does not name the waiting case's state or its missing mentor")
		}

		body = a.w1Get(mentorS, "/cases", 200)
		if !listed(body, own) || listed(body, others) || listed(body, waiting) || listed(body, elsewhere) {
			t.Errorf("the mentor's list should hold their own case only")
		}
		if strings.Contains(body, `href="/mentees/new"`) {
			t.Errorf("a mentor is offered the intake")
		}
		body = a.w1Get(psychS, "/cases", 200)
		if !listed(body, others) || listed(body, own) || listed(body, waiting) {
			t.Errorf("the psychologist's list should hold the case assigned to them only")
		}
		// A mentor's or psychologist's filter cannot widen the scope.
		body = a.w1Get(mentorS, fmt.Sprintf("/cases?mentor=%d&program=%d", mentor2.ID, other.ID), 200)
		if listed(body, others) || listed(body, elsewhere) {
			t.Errorf("a mentor's filters reached cases beyond their own")
		}

		for name, s := range map[string]string{"admin": adminS, "viewer": viewerS, "mentee": menteeS} {
			a.session = s
			res, body := a.do("GET", "/cases", nil)
			if res.StatusCode != http.StatusForbidden || strings.Contains(body, own.Code) {
				t.Errorf("%s: GET /cases %d, want 403 without any case", name, res.StatusCode)
			}
		}
		// The menu: a mentee is offered their plan, not the cases.
		body = a.w1Get(menteeS, "/account", 200)
		if !strings.Contains(body, `href="/my"`) || strings.Contains(body, `href="/cases"`) {
			t.Errorf("a mentee's menu should offer /my and not /cases")
		}
	})
}

// The list filters by program, state, mentor, signal, need and case code,
// sorts, and pages without losing the filters.
func TestCaseListFiltersSortsAndPages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	one, two := a.w1Program("One", 5), a.w1Program("Two", 5)
	coord, s := a.w1User(auth.Coordinator, one.ID, two.ID)
	m1, _ := a.w1User(auth.Mentor, one.ID)
	m2, _ := a.w1User(auth.Mentor, one.ID)

	active := a.makeCase(caseSetup{Program: one, By: coord, MentorID: m1.ID, State: cases.Active})
	matched := a.makeCase(caseSetup{Program: one, By: coord, MentorID: m2.ID, State: cases.Matched})
	waiting := a.makeCase(caseSetup{Program: one, By: coord, State: cases.Waiting})
	intake := a.makeCase(caseSetup{Program: two, By: coord, State: cases.Intake})

	check := func(query string, want ...cases.Case) string {
		t.Helper()
		body := a.w1Get(s, "/cases"+query, 200)
		for _, c := range []cases.Case{active, matched, waiting, intake} {
			in := false
			for _, w := range want {
				in = in || w.ID == c.ID
			}
			if listed(body, c) != in {
				t.Errorf("GET /cases%s: case %s listed %v, want %v", query, c.Code, listed(body, c), in)
			}
		}
		return body
	}
	body := check("", active, matched, waiting, intake)
	if !strings.Contains(body, `<option value="`+itoa(one.ID)+`">One</option>`) {
		t.Errorf("the program filter does not offer the coordinator's programs")
	}
	check("?program="+itoa(two.ID), intake)
	check("?state=waiting", waiting)
	// The mentors of the chosen program are offered; choosing one filters.
	body = check(fmt.Sprintf("?program=%d&mentor=%d", one.ID, m1.ID), active)
	if !strings.Contains(body, fmt.Sprintf(`<option value="%d" selected>`, m1.ID)) {
		t.Errorf("the mentor filter does not offer the program's mentors")
	}
	// Every case but the intake one has an open need in the first domain.
	check("?need="+one.NeedDomains[0], active, matched, waiting)
	check("?code="+strings.ToLower(waiting.Code), waiting)
	body = check("?state=closed")
	if !strings.Contains(body, "No case matches these filters.") {
		t.Errorf("an empty filtered list does not say so")
	}
	// An unknown value filters nothing.
	check("?state=nonsense&signal=nonsense&sort=nonsense", active, matched, waiting, intake)

	// Three weeks and more later, contacts are overdue and the active case
	// has been quiet: the list says so in words.
	check("?signal=overdue")
	a.clock.Set(30 * 24 * time.Hour)
	s = a.w1Session(coord) // the old session ended long ago
	body = check("?signal=overdue", active, matched)
	if !strings.Contains(body, "Overdue by ") {
		t.Errorf("an overdue contact is not marked in words")
	}
	body = check("?signal=quiet", active)
	if !strings.Contains(body, "ask about completion") {
		t.Errorf("a quiet case does not say to ask about completion")
	}

	// Sorting by case code and by opening, and paging by 50.
	for range 52 {
		a.makeCase(caseSetup{Program: two, By: coord, State: cases.Intake})
	}
	codes := regexp.MustCompile(`<a href="/cases/\d+">([A-Z0-9-]+)</a>`)
	body = a.w1Get(s, fmt.Sprintf("/cases?program=%d&sort=code", two.ID), 200)
	first := codes.FindAllStringSubmatch(body, -1)
	if len(first) != 50 || first[0][1] != intake.Code {
		t.Fatalf("first page by code: %d cases, first %v", len(first), first[0])
	}
	for i := 1; i < len(first); i++ {
		if first[i-1][1] >= first[i][1] {
			t.Fatalf("not sorted by case code: %s before %s", first[i-1][1], first[i][1])
		}
	}
	next := regexp.MustCompile(`href="(/cases\?[^"]+)" rel="next"`).FindStringSubmatch(body)
	if next == nil || !strings.Contains(next[1], "sort=code") || !strings.Contains(next[1], "program="+itoa(two.ID)) {
		t.Fatalf("the next page link does not keep the filters: %v", next)
	}
	body = a.w1Get(s, strings.ReplaceAll(next[1], "&amp;", "&"), 200)
	rest := codes.FindAllStringSubmatch(body, -1)
	if len(rest) != 3 || rest[0][1] <= first[49][1] || strings.Contains(body, `rel="next"`) || !strings.Contains(body, "First page") {
		t.Errorf("second page: %d cases", len(rest))
	}
	body = a.w1Get(s, fmt.Sprintf("/cases?program=%d&sort=opened", two.ID), 200)
	if got := codes.FindAllStringSubmatch(body, -1); len(got) != 50 || got[0][1] == intake.Code {
		t.Errorf("newest first should not start with the oldest case")
	}
	if body := a.w1Get(s, "/cases?cursor=garbage", 200); !listed(body, active) {
		t.Errorf("a broken cursor should fall back to the first page")
	}
}

// Empty lists say what to do.
func TestCaseListEmptyStates(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.w1Program("Empty", 1)
	_, coordS := a.w1User(auth.Coordinator, p.ID)
	_, mentorS := a.w1User(auth.Mentor, p.ID)
	_, loneS := a.w1User(auth.Coordinator)
	if body := a.w1Get(coordS, "/cases", 200); !strings.Contains(body, "Take a person in to open the first case.") {
		t.Errorf("the coordinator's empty list does not say what to do")
	}
	if body := a.w1Get(mentorS, "/cases", 200); !strings.Contains(body, "No mentee is matched with you yet.") {
		t.Errorf("the mentor's empty list does not say why")
	}
	if body := a.w1Get(loneS, "/cases", 200); !strings.Contains(body, "You are not in any program yet.") || strings.Contains(body, `href="/mentees/new"`) {
		t.Errorf("a coordinator without programs is not told to ask for one")
	}
}
