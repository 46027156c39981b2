package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/mentors"
)

// matchPool is a program with a required training module and its mentors in
// every condition matching must mind: two ready with a free place (Rita
// helps with housing, Boris with nothing in particular), and one each with
// the required module not done, an expired check, a pause, and no free place.
type matchPool struct {
	*mentorWorld
	rita, boris     auth.User
	ritaID, borisID int64
	ritaSession     string
	excluded        []auth.User // untrained, expired, paused, full: in this order
}

func newMatchPool(t *testing.T, a *app) *matchPool {
	t.Helper()
	w := newMentorWorld(t, a)
	w.requireModule("Safety and confidentiality")
	pl := &matchPool{mentorWorld: w}
	pl.rita, pl.ritaSession, pl.ritaID = w.readyMentor("rita.ready@example.org")
	w.post(mentorPath(pl.ritaID, ""), url.Values{"version": {w.version(pl.ritaID)}, "languages": {"be, ru"}, "country": {"LT"},
		"city": {"Vilnius"}, "hours_per_week": {"3"}, "times": {"weekends"}, "need_domains": {"housing"}}, http.StatusSeeOther)
	pl.boris, _, pl.borisID = w.readyMentor("boris.ready@example.org")

	untrained, _, id := w.mentor("mikhail.untrained@example.org")
	w.check(id, "background_check", w.day(-30), "")
	w.check(id, "signed_agreement", w.day(-30), "")

	expired, _, id := w.mentor("ela.expired@example.org")
	w.check(id, "background_check", w.day(-400), w.day(-10))
	w.check(id, "signed_agreement", w.day(-30), "")
	w.training(id, mentors.Confirmed, http.StatusSeeOther)

	paused, _, id := w.readyMentor("pavel.paused@example.org")
	w.availability(id, "", w.day(30))

	full, _, _ := w.readyMentor("fiona.full@example.org") // the program gives each mentor one place
	a.makeCase(caseSetup{Program: w.p, By: w.coord, MentorID: full.ID, State: cases.Matched})

	pl.excluded = []auth.User{untrained, expired, paused, full}
	for i, why := range []string{mentors.ReasonModule, mentors.ReasonCheckExpired, mentors.ReasonPaused, ""} {
		st := w.standingOf(pl.excluded[i])
		if st.Matchable() || (why == "" && !st.Ready) || (why != "" && (len(st.Reasons) != 1 || st.Reasons[0].Key != why)) {
			t.Fatalf("the fixture's %s: matchable %v, reasons %v; want only %q", pl.excluded[i].Email, st.Matchable(), st.Reasons, why)
		}
	}
	return pl
}

// availability sets a mentor's places ("" for the program's) and pause
// ("" for none) through the mentor page's form.
func (w *mentorWorld) availability(id int64, capacity, pausedUntil string) {
	w.t.Helper()
	w.post(mentorPath(id, "/availability"), url.Values{"version": {w.version(id)}, "capacity": {capacity}, "paused_until": {pausedUntil}},
		http.StatusSeeOther)
}

// standingOf is the standing of a mentor account in the world's program.
func (w *mentorWorld) standingOf(u auth.User) mentors.Standing {
	w.t.Helper()
	mine, err := w.a.store.MyMentors(context.Background(), u.ID)
	if err != nil || len(mine) != 1 {
		w.t.Fatalf("mentor records of %s: %v %v", u.Email, mine, err)
	}
	return mine[0]
}

// waiting makes n cases of the pool's program waiting for a mentor.
func (pl *matchPool) waiting(n int) []cases.Case {
	pl.t.Helper()
	var out []cases.Case
	for range n {
		out = append(out, pl.a.makeCase(caseSetup{Program: pl.p, By: pl.coord, State: cases.Waiting}))
	}
	return out
}

// stillWaiting fails the test unless every case waits, unmatched.
func (pl *matchPool) stillWaiting(what string, cs []cases.Case) {
	pl.t.Helper()
	for _, c := range cs {
		if got := pl.a.getCase(c.ID); got.State != cases.Waiting || got.MentorID != 0 {
			pl.t.Errorf("%s: case %s is %s with mentor %d", what, c.Code, got.State, got.MentorID)
		}
	}
}

var (
	matchingCaseField = regexp.MustCompile(`name="case" value="(\d+)"`)
	selectedOption    = regexp.MustCompile(`<option value="(\d+)" selected>`)
)

// previewChoice reads the bulk matching form as the browser would send it:
// the mentor chosen for each case, 0 for nobody.
func previewChoice(body string) map[int64]int64 {
	out := map[int64]int64{}
	for _, m := range matchingCaseField.FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		out[id] = 0
		if s := selectedOption.FindStringSubmatch(ovSelect(body, "mentor_"+m[1])); s != nil {
			out[id], _ = strconv.ParseInt(s[1], 10, 64)
		}
	}
	return out
}

// matchingForm is the bulk matching form with a choice.
func matchingForm(choice map[int64]int64) url.Values {
	v := url.Values{}
	for c, m := range choice {
		v.Add("case", itoa(c))
		v.Set("mentor_"+itoa(c), "")
		if m != 0 {
			v.Set("mentor_"+itoa(c), itoa(m))
		}
	}
	return v
}

// offered tells whether a page offers the mentor in any choice of mentor.
func offered(body string, u auth.User) bool {
	return strings.Contains(body, fmt.Sprintf(`<option value="%d"`, u.ID))
}

// A waiting case's suggestions rank the ready mentors with a free place,
// each score explained; nobody who may not take the case is listed.
func TestSuggestionsListOnlyReadyMentorsWithAFreePlace(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		pl := newMatchPool(t, a)
		c := pl.waiting(1)[0]
		body := pl.get(fmt.Sprintf("/cases/%d/suggestions", c.ID))
		ovHas(t, "suggestions", body, "Ready mentors with a free place, best first.", "Match with rita.ready@example.org",
			"Match with boris.ready@example.org", fmt.Sprintf(`href="/mentors/%d"`, pl.ritaID),
			"Language", "Place", "Time", "Skills for the open needs", "Housing", "Whom the mentor feels able to support", "Lived experience shared",
			"asked for nothing in particular")
		if r, b := strings.Index(body, "Match with rita"), strings.Index(body, "Match with boris"); r > b {
			t.Errorf("Rita, who helps with the case's open need, is ranked below Boris")
		}
		for _, u := range pl.excluded {
			ovLacks(t, "suggestions", body, u.Email)
		}
		// A case that is not waiting gets none.
		matched := a.makeCase(caseSetup{Program: pl.p, By: pl.coord, MentorID: pl.rita.ID, State: cases.Matched})
		body = pl.get(fmt.Sprintf("/cases/%d/suggestions", matched.ID))
		ovHas(t, "suggestions of a matched case", body, "Only a case waiting for a mentor gets suggestions.")
		ovLacks(t, "suggestions of a matched case", body, "Match with")
	})
}

// The bulk preview gives every waiting case at most a ready mentor with a
// free place, never beyond anyone's places; a confirmation whose mentor
// became unready meanwhile is refused whole; the confirmed mentor then finds
// their mentee on their home page.
func TestMatchingPreviewAndConfirm(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		pl := newMatchPool(t, a)
		pl.availability(pl.borisID, "2", "")
		cs := pl.waiting(4)
		matching := fmt.Sprintf("/programs/%d/matching", pl.p.ID)
		body := pl.get(matching)
		ovHas(t, "preview", body, "4 waiting cases; 2 ready mentors with 3 free places.", "3 cases matched.", "Nobody for now")
		choice := previewChoice(body)
		given := map[int64]int{}
		for _, m := range choice {
			given[m]++
		}
		if len(choice) != 4 || given[pl.rita.ID] != 1 || given[pl.boris.ID] != 2 || given[0] != 1 {
			t.Fatalf("preview %v: want Rita once, Boris twice, one case without a mentor", choice)
		}
		for _, u := range pl.excluded {
			if offered(body, u) {
				t.Errorf("the preview offers %s", u.Email)
			}
		}

		// Boris pauses before the coordinator confirms: nothing is matched.
		pl.availability(pl.borisID, "2", pl.day(14))
		_, body = pl.post(matching, matchingForm(choice), http.StatusConflict)
		ovHas(t, "confirmation with a paused mentor", body, "Nothing was saved. Change the marked rows and confirm again.",
			"This mentor is not ready for matching")
		if n := strings.Count(body, `<tr class="invalid">`); n != 2 {
			t.Errorf("%d rows marked, want Boris's two", n)
		}
		pl.stillWaiting("after a refused confirmation", cs)

		// Two cases for Rita's one place: refused, nothing matched.
		forged := map[int64]int64{cs[0].ID: pl.rita.ID, cs[1].ID: pl.rita.ID}
		_, body = pl.post(matching, matchingForm(forged), http.StatusConflict)
		ovHas(t, "over capacity", body, "This mentor already supports as many mentees as the program allows.")
		pl.stillWaiting("after an over-capacity confirmation", cs)
		// Nor can a mentor who is not ready be chosen by hand.
		_, body = pl.post(matching, matchingForm(map[int64]int64{cs[0].ID: pl.excluded[0].ID}), http.StatusConflict)
		ovHas(t, "an unready mentor by hand", body, "This mentor is not ready for matching")
		pl.stillWaiting("after choosing an unready mentor", cs)

		body = pl.get(matching)
		choice = previewChoice(body)
		var ritas int64
		for c, m := range choice {
			if m == pl.rita.ID {
				ritas = c
			} else if m != 0 {
				t.Errorf("the preview gives case %d to %d while Boris is paused", c, m)
			}
		}
		if ritas == 0 {
			t.Fatalf("the preview gives Rita nothing: %v", choice)
		}
		res, _ := pl.post(matching, matchingForm(choice), http.StatusSeeOther)
		ovHas(t, "after confirming", pl.follow(res), "1 matches confirmed.", "3 waiting cases; 0 ready mentors with 0 free places.")
		if got := a.getCase(ritas); got.State != cases.Matched || got.MentorID != pl.rita.ID {
			t.Fatalf("Rita's case is %s with mentor %d", got.State, got.MentorID)
		}

		a.session = pl.ritaSession
		home := pl.get("/")
		ovHas(t, "Rita's home", home, "The people you support", "New: arrange a first meeting",
			fmt.Sprintf(`<a href="/cases/%d"><strong>%s</strong></a>`, ritas, a.getCase(ritas).Code))
	})
}
