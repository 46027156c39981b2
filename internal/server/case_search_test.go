package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/store"
)

// The case list's search box finds a person by part of their name or case
// code. It is posted, so that the name never stands in an address; the
// person's name stands beside the code in the list and on the case page
// for those who may read it.
func TestCaseListSearch(t *testing.T) {
	t.Parallel()
	w1Engines(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		mine, other := a.w1Program("Mine", 3), a.w1Program("Other", 3)
		coord, coordS := a.w1User(auth.Coordinator, mine.ID)
		otherCoord, _ := a.w1User(auth.Coordinator, other.ID)
		_, mentorS := a.w1User(auth.Mentor, mine.ID)
		take := func(p int64, by auth.User, code, name string) cases.Case {
			t.Helper()
			_, c, err := a.store.CreateIntake(ctx, store.Intake{ProgramID: p, ActorID: by.ID, State: cases.Intake,
				Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: code, FullName: name, BirthYear: 1990}}})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		alesia := take(mine.ID, coord, "SR-0001", "Alesia Kavalenka")
		novak := take(mine.ID, coord, "SR-0002", "Jiří Novák")
		elsewhere := take(other.ID, otherCoord, "SR-0900", "Alesia Kavalchuk")

		search := func(session string, v url.Values, want int) string {
			t.Helper()
			res, body := a.w1Post(session, "/cases", v)
			if res.StatusCode != want {
				t.Fatalf("search %v: %d, want %d\n%s", v, res.StatusCode, want, body)
			}
			return body
		}
		body := search(coordS, url.Values{"q": {"kaval"}}, http.StatusOK)
		if !listed(body, alesia) || listed(body, novak) || listed(body, elsewhere) {
			t.Errorf("kaval should find Alesia Kavalenka of the coordinator's program only")
		}
		if !strings.Contains(body, `<span class="person">Alesia Kavalenka</span>`) || !strings.Contains(body, `name="q" type="search" value="kaval"`) {
			t.Errorf("the search should show the person's name beside the code and keep what was typed")
		}
		if body := search(coordS, url.Values{"q": {"NOVAK jiri"}, "state": {"intake"}}, 200); !listed(body, novak) || listed(body, alesia) {
			t.Errorf("NOVAK jiri (in intake) should find Jiří Novák only")
		}
		if body := search(coordS, url.Values{"q": {"novak"}, "state": {"closed"}}, 200); listed(body, novak) {
			t.Errorf("the state filter should narrow the search")
		}
		if body := search(coordS, url.Values{"q": {"sr-00"}}, 200); !listed(body, alesia) || !listed(body, novak) || listed(body, elsewhere) {
			t.Errorf("part of a case code should find the program's cases that contain it")
		}
		body = search(coordS, url.Values{"q": {"ka"}}, http.StatusUnprocessableEntity)
		if !strings.Contains(body, "Type at least three letters or digits of each word.") || !strings.Contains(body, `value="ka"`) {
			t.Errorf("a search of two letters should be refused with a reason, keeping what was typed")
		}
		// Without a search, the filters go to the address as before.
		res, _ := a.w1Post(coordS, "/cases", url.Values{"q": {" "}, "state": {"intake"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/cases?state=intake" {
			t.Errorf("an empty search: %d to %q, want 303 to /cases?state=intake", res.StatusCode, res.Header.Get("Location"))
		}
		// A search in the address is not read: names stay out of addresses.
		if body := a.w1Get(coordS, "/cases?q=kaval", 200); !listed(body, novak) {
			t.Errorf("GET /cases?q= should not search")
		}
		// The list and the case page name the person; a mentor not on the
		// case finds no one.
		if body := a.w1Get(coordS, "/cases", 200); !strings.Contains(body, `<span class="person">Jiří Novák</span>`) {
			t.Errorf("the case list does not name the people beside their codes")
		}
		if body := a.w1Get(coordS, fmt.Sprintf("/cases/%d", alesia.ID), 200); !strings.Contains(body, `<span class="person">Alesia Kavalenka</span>`) {
			t.Errorf("the case page does not name the person beside the code")
		}
		if body := search(mentorS, url.Values{"q": {"kaval"}}, 200); listed(body, alesia) || strings.Contains(body, `class="person"`) {
			t.Errorf("a mentor found a person who is not their mentee")
		}

		// A search of more than a page pages by posting again.
		for i := range 51 {
			take(mine.ID, coord, fmt.Sprintf("PG-%04d", i), fmt.Sprintf("Pavel Pagedperson %d", i))
		}
		body = search(coordS, url.Values{"q": {"pagedp"}, "sort": {"code"}}, 200)
		rows := regexp.MustCompile(`<a href="/cases/\d+">PG-\d+</a>`).FindAllString(body, -1)
		next := regexp.MustCompile(`<input type="hidden" name="cursor" value="([^"]+)">`).FindStringSubmatch(body)
		if len(rows) != 50 || next == nil || strings.Contains(body, "pagedp&") || strings.Contains(body, "q=pagedp") {
			t.Fatalf("first page of the search: %d rows, next %v", len(rows), next)
		}
		body = search(coordS, url.Values{"q": {"pagedp"}, "sort": {"code"}, "cursor": {next[1]}}, 200)
		if rows := regexp.MustCompile(`<a href="/cases/\d+">PG-\d+</a>`).FindAllString(body, -1); len(rows) != 1 || !strings.Contains(body, "PG-0050") {
			t.Errorf("second page of the search: %d rows, want the 51st", len(rows))
		}
	})
}
