package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/store"
	"homeward/internal/zone"
)

// A mentor who chose Europe/Prague types a contact at 18:00 on their clock
// and sees 18:00; it is stored at the instant (17:00 or 16:00 UTC). Their
// coordinator, who chose no zone, sees it in the program's zone, and again
// when the program moves to another zone. A zone nobody knows is refused
// with what was typed kept.
func TestTimesAreShownAndTypedInTheUsersZone(t *testing.T) {
	t.Parallel()
	workEngines(t, func(t *testing.T, a *app) {
		// The clock is set to ten to six in Prague, the next time it is,
		// before anyone signs in; the case opens then.
		prague := zone.Of("Europe/Prague")
		now := time.Now().In(prague)
		six := time.Date(now.Year(), now.Month(), now.Day(), 18, 0, 0, 0, prague)
		if !six.After(now.Add(10 * time.Minute)) {
			six = time.Date(now.Year(), now.Month(), now.Day()+1, 18, 0, 0, 0, prague)
		}
		a.clock.Set(six.Add(-10 * time.Minute).Sub(now))
		tm := newWorkTeam(a, cases.Active)

		// The account page says the zone the person's times are in, and
		// refuses a zone that does not exist.
		res, body := tm.as(tm.mentor).do("GET", "/account", nil)
		wantPage(t, "account page", res, body, 200, "Times are shown and typed in UTC.", `name="time_zone"`, `data-zone-offer="f-time_zone"`)
		res, body = a.postForm("/account/time-zone", url.Values{"time_zone": {"Europe/Atlantis"}})
		wantPage(t, "an unknown zone", res, body, http.StatusUnprocessableEntity, "We do not know this time zone.", `value="Europe/Atlantis"`)
		if u, err := a.store.GetUser(context.Background(), tm.mentor.ID); err != nil || u.TimeZone != "" {
			t.Fatalf("a refused zone was saved: %q, %v", u.TimeZone, err)
		}
		res, body = a.postForm("/account/time-zone", url.Values{"time_zone": {"Europe/Prague"}})
		wantRedirect(t, "choose Prague", res, body, "/account?done=time_zone")
		res, body = a.do("GET", "/account?done=time_zone", nil) // a browser keeps the #fragment to itself
		wantPage(t, "account after choosing", res, body, 200, "Time zone saved.", "Times are shown and typed in Europe/Prague.", `value="Europe/Prague"`)

		// The contact form offers now on the mentor's clock.
		res, body = a.do("GET", tm.tab("contacts"), nil)
		wantPage(t, "contacts page", res, body, 200, "In your time zone, Europe/Prague.")
		m := atValue.FindStringSubmatch(body)
		if m == nil || m[1] != a.store.Now().In(prague).Format("2006-01-02T15:04") {
			t.Fatalf("the contact form's time is not now in Prague (%s): %v", a.store.Now().In(prague), m)
		}

		// At a quarter past six the mentor records the call made at six.
		a.clock.Add(25 * time.Minute)
		typed := six.Format("2006-01-02T15:04")
		res, body = a.postForm(tm.tab("contacts"), url.Values{"at": {typed}, "channel": {"call"}, "summary": {"Called at six"}})
		wantRedirect(t, "record a contact at 18:00 in Prague", res, body, tm.tab("contacts")+"?done=contact")

		list, _, err := a.store.Contacts(context.Background(), tm.c.ID, store.Page{Limit: 10})
		if err != nil || len(list) != 1 {
			t.Fatalf("contacts: %v, %v", list, err)
		}
		stored := list[0].At.UTC()
		if !stored.Equal(six) || (stored.Hour() != 17 && stored.Hour() != 16) || stored.Minute() != 0 {
			t.Fatalf("18:00 in Prague was stored as %s, want %s (17:00 or 16:00 UTC)", stored, six.UTC())
		}
		res, body = a.do("GET", tm.tab("contacts"), nil)
		shown := six.Format("2006-01-02") + " 18:00 " + six.Format("MST") // CET or CEST
		wantPage(t, "the mentor's contacts", res, body, 200, shown)

		// The coordinator chose no zone: the program's (UTC) is theirs.
		res, body = tm.as(tm.coord).do("GET", tm.tab("contacts"), nil)
		wantPage(t, "the coordinator's contacts", res, body, 200, stored.Format("2006-01-02 15:04")+" UTC")
		if strings.Contains(body, shown) {
			t.Error("the coordinator sees the mentor's zone")
		}

		// The program moves to New York: the coordinator's times follow it,
		// the mentor's stay in the zone they chose.
		p, err := a.store.GetProgram(context.Background(), tm.p.ID)
		if err != nil {
			t.Fatal(err)
		}
		p.TimeZone = "America/New_York"
		if _, err := a.store.UpdateProgram(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		res, body = a.do("GET", tm.tab("contacts"), nil)
		ny := six.In(zone.Of("America/New_York"))
		wantPage(t, "the coordinator's contacts in New York", res, body, 200, ny.Format("2006-01-02 15:04 MST"), "In your time zone, America/New_York.")
		res, body = tm.as(tm.mentor).do("GET", tm.tab("contacts"), nil)
		wantPage(t, "the mentor's contacts after the program moved", res, body, 200, shown)

		// Emptying the field follows the program's zone again.
		res, body = a.postForm("/account/time-zone", url.Values{"time_zone": {""}})
		wantRedirect(t, "follow the program", res, body, "/account?done=time_zone")
		res, body = a.do("GET", "/account", nil)
		wantPage(t, "account following the program", res, body, 200, "Times are shown and typed in America/New_York.")
	})
}

// A program's zone is checked on the program form: an unknown one is
// refused with what was typed kept, a known one is saved.
func TestProgramFormTakesATimeZone(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.program("Zones")
	res, body := a.do("GET", "/programs/"+itoa(p.ID)+"/edit", nil)
	wantPage(t, "program form", res, body, 200, `name="time_zone"`, `value="UTC"`)
	form := programForm("Zones")
	form.Set("version", itoa(int64(p.Version)))
	form.Set("time_zone", "Mars/Olympus")
	res, body = a.postForm("/programs/"+itoa(p.ID), form)
	wantPage(t, "an unknown zone", res, body, http.StatusUnprocessableEntity, "We do not know this time zone.", `value="Mars/Olympus"`)
	form.Set("time_zone", "Europe/Vilnius")
	res, body = a.postForm("/programs/"+itoa(p.ID), form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving a known zone: %d\n%s", res.StatusCode, body)
	}
	if got, err := a.store.GetProgram(context.Background(), p.ID); err != nil || got.TimeZone != "Europe/Vilnius" {
		t.Fatalf("the program's zone is %q (%v)", got.TimeZone, err)
	}
	res, body = a.do("GET", "/programs/"+itoa(p.ID), nil)
	wantPage(t, "the program's page", res, body, 200, "<dt>Time zone</dt><dd>Europe/Vilnius</dd>")
}

// The API reads and writes a program's zone; its times stay RFC 3339 in UTC.
func TestAPIProgramTimeZone(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	type zoned struct {
		ID        int64  `json:"id"`
		TimeZone  string `json:"time_zone"`
		Version   int    `json:"version"`
		CreatedAt string `json:"created_at"`
	}
	res, body := a.do("POST", "/api/v1/programs", strings.NewReader(`{"name":"Zoneless"}`), "Content-Type", "application/json")
	if p := decodeJSON[zoned](t, body); res.StatusCode != http.StatusCreated || p.TimeZone != "UTC" {
		t.Fatalf("a program without a zone: %d %s", res.StatusCode, body)
	}
	res, body = a.do("POST", "/api/v1/programs", strings.NewReader(`{"name":"Prague","time_zone":"Europe/Prague"}`), "Content-Type", "application/json")
	p := decodeJSON[zoned](t, body)
	if res.StatusCode != http.StatusCreated || p.TimeZone != "Europe/Prague" || !strings.HasSuffix(p.CreatedAt, "Z") {
		t.Fatalf("a program in Prague: %d %s", res.StatusCode, body)
	}
	res, body = a.do("PATCH", "/api/v1/programs/"+itoa(p.ID), strings.NewReader(`{"version":1,"time_zone":"Europe/Praha"}`))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"time_zone"`) {
		t.Fatalf("an unknown zone: %d %s", res.StatusCode, body)
	}
	res, body = a.do("PATCH", "/api/v1/programs/"+itoa(p.ID), strings.NewReader(`{"version":1,"time_zone":"Asia/Tbilisi"}`))
	if got := decodeJSON[zoned](t, body); res.StatusCode != 200 || got.TimeZone != "Asia/Tbilisi" {
		t.Fatalf("a new zone: %d %s", res.StatusCode, body)
	}
}

// A mentee's portal shows the program's days, whatever zone their own
// account holds.
func TestPortalShowsTheProgramsDays(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	w := newPortalWorld(t, a)
	ctx := context.Background()
	p, err := a.store.GetProgram(ctx, w.program.ID)
	if err != nil {
		t.Fatal(err)
	}
	p.TimeZone = "Pacific/Kiritimati" // UTC+14
	if _, err := a.store.UpdateProgram(ctx, p); err != nil {
		t.Fatal(err)
	}
	// UTC-11: every instant falls on another day there than at UTC+14.
	if err := a.store.SetUserTimeZone(ctx, w.mentee.ID, "Pacific/Pago_Pago"); err != nil {
		t.Fatal(err)
	}
	c, err := a.store.GetCase(ctx, w.c.ID)
	if err != nil || c.ContactDueAt == nil {
		t.Fatalf("the case has no next contact: %v", err)
	}
	w.as(w.menteeToken)
	res, body := a.do("GET", "/my", nil)
	wantPage(t, "the portal", res, body, 200, "They will contact you by "+c.ContactDueAt.In(zone.Of("Pacific/Kiritimati")).Format("2006-01-02"))
	if other := c.ContactDueAt.In(zone.Of("Pacific/Pago_Pago")).Format("2006-01-02"); strings.Contains(body, "They will contact you by "+other) {
		t.Error("the portal shows the mentee account's own zone")
	}
	// A mentee may not choose a zone of their own on the account page.
	res, _ = a.postForm("/account/time-zone", url.Values{"time_zone": {"Europe/Prague"}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("a mentee sets a zone: %d, want 403", res.StatusCode)
	}
}
