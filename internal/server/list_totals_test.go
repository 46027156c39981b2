package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/store"
)

// listTotal is the total line of a list page ("53 cases · page 1 of 2"),
// "" when the page has none.
func listTotal(body string) string {
	m := regexp.MustCompile(`<p class="list-total">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// nextPage is the address of the next page a list links, "" on the last.
func nextPage(body, base string) string {
	m := regexp.MustCompile(`href="(` + regexp.QuoteMeta(base) + `\?[^"]+)" rel="next"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.ReplaceAll(m[1], "&amp;", "&")
}

// The case list says how many cases its filter matches and which page of
// how many is shown; a filter's total is the filter's.
func TestCaseListSaysTotalAndPage(t *testing.T) {
	t.Parallel()
	w1Engines(t, func(t *testing.T, a *app) {
		one, two := a.w1Program("One", 5), a.w1Program("Two", 5)
		coord, s := a.w1User(auth.Coordinator, one.ID, two.ID)
		a.makeCase(caseSetup{Program: one, By: coord, State: cases.Waiting})
		a.makeCase(caseSetup{Program: one, By: coord, State: cases.Waiting})
		for range 53 {
			a.makeCase(caseSetup{Program: two, By: coord, State: cases.Intake})
		}

		if got := listTotal(a.w1Get(s, "/cases", 200)); got != "55 cases · page 1 of 2" {
			t.Errorf("the whole list says %q, want 55 cases on page 1 of 2", got)
		}
		if got := listTotal(a.w1Get(s, "/cases?state=waiting", 200)); got != "2 cases" {
			t.Errorf("the waiting cases' list says %q, want 2 cases (the filter's, on one page)", got)
		}
		if got := listTotal(a.w1Get(s, fmt.Sprintf("/cases?program=%d&state=waiting", two.ID), 200)); got != "" {
			t.Errorf("an empty filtered list says %q, want no total", got)
		}
		body := a.w1Get(s, fmt.Sprintf("/cases?program=%d&sort=code", two.ID), 200)
		if got := listTotal(body); got != "53 cases · page 1 of 2" {
			t.Errorf("the program's list says %q, want 53 cases on page 1 of 2", got)
		}
		next := nextPage(body, "/cases")
		if !strings.Contains(next, "page=2") || !strings.Contains(next, "program="+itoa(two.ID)) {
			t.Fatalf("the next page's link %q does not carry its number and the filter", next)
		}
		body = a.w1Get(s, next, 200)
		if got := listTotal(body); got != "53 cases · page 2 of 2" {
			t.Errorf("the second page says %q, want 53 cases on page 2 of 2", got)
		}
		first := regexp.MustCompile(`<a href="(/cases\?[^"]+)">First page</a>`).FindStringSubmatch(body)
		if first == nil || strings.Contains(first[1], "page=") || strings.Contains(first[1], "cursor=") {
			t.Errorf("the first page's link is %v, want the filter without a cursor or page", first)
		}
		// An edited page number never says more pages than there are; a
		// cursor without one says no page.
		if got := listTotal(a.w1Get(s, strings.Replace(next, "page=2", "page=9", 1), 200)); got != "53 cases · page 2 of 2" {
			t.Errorf("page=9 says %q", got)
		}
		if got := listTotal(a.w1Get(s, strings.Replace(next, "page=2", "", 1), 200)); got != "53 cases" {
			t.Errorf("a cursor without a page number says %q, want the total alone", got)
		}

		// In Russian, with its plural forms.
		a.session = s
		res, body := a.do("GET", fmt.Sprintf("/cases?program=%d", one.ID), nil, "Accept-Language", "ru")
		if res.StatusCode != http.StatusOK || listTotal(body) != "2 случая" {
			t.Errorf("the Russian list says %q (%d), want 2 случая", listTotal(body), res.StatusCode)
		}
	})
}

// The administrator's users list, the coordinator's mentors and partners
// say their totals too, of the filter when there is one.
func TestOtherListsSayTheirTotals(t *testing.T) {
	t.Parallel()
	w1Engines(t, func(t *testing.T, a *app) {
		adminS := a.session
		p := a.w1Program("One", 2)
		for range 3 {
			a.w1User(auth.Psychologist, p.ID)
		}
		_, coordS := a.w1User(auth.Coordinator, p.ID)
		if got := listTotal(a.w1Get(adminS, "/admin/users?role=psychologist", 200)); got != "3 users" {
			t.Errorf("the psychologists among the users: %q, want 3 users", got)
		}
		if got := listTotal(a.w1Get(adminS, "/admin/users?role=coordinator&status=active", 200)); got != "1 user" {
			t.Errorf("the active coordinators among the users: %q, want 1 user", got)
		}

		w := newMentorWorld(t, a)
		w.apply("Olga Applicant", "olga.applicant@example.org")
		w.apply("Ivan Applicant", "ivan.applicant@example.org")
		if got := listTotal(w.get(fmt.Sprintf("/mentors?program=%d", w.p.ID))); got != "2 mentors" {
			t.Errorf("the program's mentors: %q, want 2 mentors", got)
		}

		for _, name := range []string{"Legal Aid One", "Legal Aid Two", "Housing Help"} {
			a.session = coordS
			res, body := a.postForm("/partners", url.Values{"name": {name}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("add the partner %s: %d\n%s", name, res.StatusCode, body)
			}
		}
		if got := listTotal(a.w1Get(coordS, "/partners?q=legal", 200)); got != "2 partner organisations" {
			t.Errorf("the partners found by 'legal': %q, want 2 partner organisations", got)
		}
	})
}

// A filter by open need counts up to 500 cases and then says "more than".
func TestCaseListNeedTotalStops(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.w1Program("Many", 5)
	coord, s := a.w1User(auth.Coordinator, p.ID)
	// 501 people waiting, each with an open need, loaded in one batch (made
	// one by one through the domain, they took minutes under the race
	// detector).
	now := a.store.Now().UTC()
	opened := now.AddDate(0, -1, 0)
	batch := make([]store.BulkCase, 501)
	for i := range batch {
		batch[i] = store.BulkCase{
			Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: fmt.Sprintf("CAP-%03d", i), FullName: fmt.Sprintf("Waiting Person %03d", i),
				BirthYear: 1985}, CreatedAt: opened},
			Case: cases.Case{ProgramID: p.ID, State: cases.Waiting, OpenedAt: opened, StateSince: opened.Add(48 * time.Hour),
				CreatedAt: opened, UpdatedAt: opened.Add(48 * time.Hour)},
			Consents: []cases.Consent{{Kind: cases.ConsentProcessing, Given: true, RecordedBy: coord.ID, RecordedAt: opened}},
			Transitions: []cases.Transition{
				{To: cases.Referred, At: opened, ActorID: coord.ID},
				{From: cases.Referred, To: cases.Intake, At: opened.Add(time.Hour), ActorID: coord.ID},
				{From: cases.Intake, To: cases.Waiting, At: opened.Add(48 * time.Hour), ActorID: coord.ID},
			},
			Needs: []cases.Need{{Domain: p.NeedDomains[0], Severity: cases.High, Status: cases.NotStarted, AssessedBy: coord.ID,
				AssessedAt: opened.Add(time.Hour)}},
		}
	}
	if err := a.store.BulkLoad(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	if got := listTotal(a.w1Get(s, "/cases?need="+p.NeedDomains[0], 200)); got != "more than 500 cases" {
		t.Errorf("501 cases with the need: %q, want more than 500 cases", got)
	}
	if got := listTotal(a.w1Get(s, "/cases?state=waiting", 200)); got != "501 cases · page 1 of 11" {
		t.Errorf("501 waiting cases: %q, want the exact count", got)
	}
}
