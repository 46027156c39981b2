package server_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/mentors"
	"homeward/internal/zone"
)

// At half past eleven at night UTC it is already the next day in Prague and
// still the same day in New York. A coordinator in Prague is offered their
// today on the outcome form and may record an outcome of it; once they
// choose New York, the form offers New York's today and the Prague day is
// refused as in the future, with what was typed kept.
func TestOutcomeFormOffersAndTakesTheUsersToday(t *testing.T) {
	t.Parallel()
	workEngines(t, func(t *testing.T, a *app) {
		// The clock is set to the next 23:30 UTC before anyone signs in;
		// the case opens then.
		now := time.Now().UTC()
		late := time.Date(now.Year(), now.Month(), now.Day(), 23, 30, 0, 0, time.UTC)
		if !late.After(now) {
			late = late.AddDate(0, 0, 1)
		}
		a.clock.Set(late.Sub(now))
		tm := newWorkTeam(a, cases.Active)
		inPrague := zone.Today(a.store.Now(), zone.Of("Europe/Prague")).Format(time.DateOnly)
		inNewYork := zone.Today(a.store.Now(), zone.Of("America/New_York")).Format(time.DateOnly)
		if inPrague == inNewYork || inNewYork != a.store.Now().UTC().Format(time.DateOnly) {
			t.Fatalf("the clock is not late in the UTC day: %s (Prague %s, New York %s)", a.store.Now(), inPrague, inNewYork)
		}

		tm.as(tm.coord)
		res, body := a.postForm("/account/time-zone", url.Values{"time_zone": {"Europe/Prague"}})
		wantRedirect(t, "choose Prague", res, body, "/account?done=time_zone")
		res, body = a.do("GET", tm.tab("closing"), nil)
		wantPage(t, "the outcome form in Prague", res, body, 200, `name="occurred_on" type="date" value="`+inPrague+`"`)
		res, body = a.postForm(tm.tab("outcomes"), url.Values{"kind": {"job_found"}, "occurred_on": {inPrague}})
		wantRedirect(t, "an outcome of today in Prague", res, body, tm.tab("closing")+"?done=outcome")
		res, body = a.do("GET", tm.tab("closing"), nil)
		wantPage(t, "the outcome of today in Prague", res, body, 200, "Job found", `<time datetime="`+inPrague+`">`)

		res, body = a.postForm("/account/time-zone", url.Values{"time_zone": {"America/New_York"}})
		wantRedirect(t, "choose New York", res, body, "/account?done=time_zone")
		res, body = a.do("GET", tm.tab("closing"), nil)
		wantPage(t, "the outcome form in New York", res, body, 200, `name="occurred_on" type="date" value="`+inNewYork+`"`)
		res, body = a.postForm(tm.tab("outcomes"), url.Values{"kind": {"housing_secured"}, "occurred_on": {inPrague}})
		wantPage(t, "Prague's today in New York", res, body, http.StatusUnprocessableEntity, `id="e-occurred_on"`,
			"This cannot be in the future.", `value="`+inPrague+`"`)
		if list, err := a.store.Outcomes(context.Background(), tm.c.ID); err != nil || len(list) != 1 {
			t.Errorf("outcomes after the refusal: %d, %v; want the one of Prague's today", len(list), err)
		}
	})
}

// A coordinator in Prague downloads the case list at half past eleven at
// night UTC: the days are the ones their list shows (already the next day),
// and the date columns' headers say whose calendar they are.
func TestCaseExportDaysAreTheUsersDays(t *testing.T) {
	t.Parallel()
	workEngines(t, func(t *testing.T, a *app) {
		now := time.Now().UTC()
		late := time.Date(now.Year(), now.Month(), now.Day(), 23, 30, 0, 0, time.UTC)
		if !late.After(now) {
			late = late.AddDate(0, 0, 1)
		}
		a.clock.Set(late.Sub(now))
		tm := newWorkTeam(a, cases.Active)
		inPrague := zone.Today(a.store.Now(), zone.Of("Europe/Prague")).Format(time.DateOnly)

		tm.as(tm.coord)
		res, body := a.postForm("/account/time-zone", url.Values{"time_zone": {"Europe/Prague"}})
		wantRedirect(t, "choose Prague", res, body, "/account?done=time_zone")
		res, body = a.do("GET", "/cases/export?format=csv", nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("export: %d", res.StatusCode)
		}
		if want := `attachment; filename="homeward-cases-` + inPrague + `.csv"`; res.Header.Get("Content-Disposition") != want {
			t.Errorf("file name %q, want %q", res.Header.Get("Content-Disposition"), want)
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(rows) < 2 {
			t.Fatalf("CSV: %q, %v", rows, err)
		}
		if rows[0][5] != "Opened (Europe/Prague)" || rows[0][8] != "Next contact due (Europe/Prague)" {
			t.Errorf("date headers %q", rows[0])
		}
		found := false
		for _, r := range rows[1:] {
			if r[0] == tm.c.Code {
				found = true
				if r[5] != inPrague {
					t.Errorf("the case opened on %s in Prague is exported as opened on %s", inPrague, r[5])
				}
			}
		}
		if !found {
			t.Errorf("the case %s is not in the export: %q", tm.c.Code, rows)
		}
	})
}

// An API token's user has a zone too: at half past eleven at night UTC a
// coordinator in Prague records an outcome of their today (and one with no
// day is of their today); in New York the same day is refused.
func TestAPIOutcomeDayIsTheTokenUsersToday(t *testing.T) {
	t.Parallel()
	workEngines(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		now := time.Now().UTC()
		late := time.Date(now.Year(), now.Month(), now.Day(), 23, 30, 0, 0, time.UTC)
		if !late.After(now) {
			late = late.AddDate(0, 0, 1)
		}
		a.clock.Set(late.Sub(now))
		tm := newWorkTeam(a, cases.Active)
		inPrague := zone.Today(a.store.Now(), zone.Of("Europe/Prague")).Format(time.DateOnly)
		token, _, err := a.store.CreateAPIToken(ctx, tm.coord.ID, "zone", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.store.SetUserTimeZone(ctx, tm.coord.ID, "Europe/Prague"); err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/api/v1/cases/%d/outcomes", tm.c.ID)
		for _, body := range []string{`{"kind":"job_found","occurred_on":"` + inPrague + `"}`, `{"kind":"housing_secured"}`} {
			res, got := a.withBearer(token, "POST", path, body)
			if res.StatusCode != http.StatusCreated || !strings.Contains(got, `"occurred_on":"`+inPrague) {
				t.Errorf("%s in Prague: %d %s; want recorded on %s", body, res.StatusCode, got, inPrague)
			}
		}
		if err := a.store.SetUserTimeZone(ctx, tm.coord.ID, "America/New_York"); err != nil {
			t.Fatal(err)
		}
		res, got := a.withBearer(token, "POST", path, `{"kind":"job_found","occurred_on":"`+inPrague+`"}`)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(got, `"occurred_on"`) {
			t.Errorf("Prague's today in New York: %d %s; want refused as in the future", res.StatusCode, got)
		}
	})
}

// The mentor page's date picker for a check's day stops at the
// coordinator's today: at half past eleven at night UTC
// a coordinator in Prague records a check done on their today, which the
// same coordinator in New York may not.
func TestMentorCheckTakesTheCoordinatorsToday(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		now := time.Now().UTC()
		late := time.Date(now.Year(), now.Month(), now.Day(), 23, 30, 0, 0, time.UTC)
		if !late.After(now) {
			late = late.AddDate(0, 0, 1)
		}
		a.clock.Set(late.Sub(now))
		w := newMentorWorld(t, a)
		id := w.apply("Petra Prague", "petra.prague@example.org")
		w.move(id, mentors.StageInterview, http.StatusSeeOther)
		w.move(id, mentors.StageChecks, http.StatusSeeOther)
		today := zone.Today(a.store.Now(), zone.Of("Europe/Prague"))
		inPrague := today.Format(time.DateOnly)

		res, body := a.postForm("/account/time-zone", url.Values{"time_zone": {"America/New_York"}})
		wantRedirect(t, "choose New York", res, body, "/account?done=time_zone")
		_, body = w.post(mentorPath(id, "/checks"), url.Values{"kind": {"reference"}, "result": {"passed"}, "done_on": {inPrague}},
			http.StatusUnprocessableEntity)
		ovHas(t, "Prague's today in New York", body, `id="e-done_on"`, `value="`+inPrague+`"`)

		res, body = a.postForm("/account/time-zone", url.Values{"time_zone": {"Europe/Prague"}})
		wantRedirect(t, "choose Prague", res, body, "/account?done=time_zone")
		ovHas(t, "the mentor page in Prague", w.get(mentorPath(id, "")),
			`name="done_on" type="date" value="" max="`+inPrague+`"`)
		w.check(id, "reference", inPrague, "")
		if checks, err := a.store.MentorChecks(context.Background(), id); err != nil || len(checks) != 1 || checks[0].DoneOn.Format(time.DateOnly) != inPrague {
			t.Errorf("checks after one of Prague's today: %+v, %v", checks, err)
		}
	})
}
