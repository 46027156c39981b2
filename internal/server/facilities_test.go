package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"homeward/internal/cases"
	"homeward/internal/program"
)

// The program page's facilities: the coordinator adds, renames and
// archives them (bad input comes back as typed); members see the list
// without the forms and are refused a post.
func TestProgramPageFacilities(t *testing.T) {
	t.Parallel()
	overviewEngines(t, func(t *testing.T, a *app) {
		w := newOverviewWorld(t, a, true, 1)
		pid := itoa(w.prog.ID)
		res, body := w.as(w.coord).postForm("/programs/"+pid+"/facilities", url.Values{"name": {"Věznice Bory"}, "kind": {"prison"}})
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "done=facility") {
			t.Fatalf("add: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), body)
		}
		res, body = w.as(w.coord).postForm("/programs/"+pid+"/facilities", url.Values{"name": {"věznice bory"}, "kind": {"prison"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="věznice bory"`) ||
			!strings.Contains(body, "The program has a facility of this name already.") {
			t.Fatalf("a taken name: %d\n%s", res.StatusCode, body)
		}
		list, err := a.store.Facilities(context.Background(), w.prog.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("facilities %+v %v", list, err)
		}
		f := list[0]
		res, _ = w.as(w.coord).postForm("/facilities/"+itoa(f.ID), url.Values{"name": {"Věznice Plzeň-Bory"}, "kind": {"prison"}, "archived": {"on"}, "version": {"1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("rename and archive: %d", res.StatusCode)
		}
		res, body = w.as(w.coord).postForm("/facilities/"+itoa(f.ID), url.Values{"name": {"Stale"}, "kind": {"prison"}, "version": {"1"}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, `value="Stale"`) {
			t.Fatalf("a stale edit: %d\n%s", res.StatusCode, body)
		}
		_, body = w.as(w.coord).do("GET", "/programs/"+pid, nil)
		ovHas(t, "coordinator's program page", body, "Věznice Plzeň-Bory", "archived", `action="/programs/`+pid+`/facilities"`, `action="/facilities/`+itoa(f.ID)+`"`)
		_, body = w.as(w.mentor).do("GET", "/programs/"+pid, nil)
		ovHas(t, "mentor's program page", body, "Věznice Plzeň-Bory")
		ovLacks(t, "mentor's program page", body, `action="/programs/`+pid+`/facilities"`, `action="/facilities/`)
		if res, _ := w.as(w.mentor).postForm("/programs/"+pid+"/facilities", url.Values{"name": {"X"}, "kind": {"prison"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a mentor adding a facility: %d", res.StatusCode)
		}
		if res, _ := w.as(w.admin).postForm("/programs/"+pid+"/facilities", url.Values{"name": {"By the admin"}, "kind": {"remand"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the admin adding a facility: %d", res.StatusCode)
		}
	})
}

// The custody form chooses a facility of the program's list: archived
// ones are not offered but stay where chosen; an unknown facility, one of
// another program and a release day outside the case's life are refused.
func TestCaseCustodyFacilityForm(t *testing.T) {
	t.Parallel()
	overviewEngines(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		w := newOverviewWorld(t, a, true, 2)
		elsewhere := newOverviewWorld(t, a, true, 1)
		kurim, err := a.store.CreateFacility(ctx, program.Facility{ProgramID: w.prog.ID, Name: "Věznice Kuřim", Kind: program.Prison})
		if err != nil {
			t.Fatal(err)
		}
		old, err := a.store.CreateFacility(ctx, program.Facility{ProgramID: w.prog.ID, Name: "Věznice Rýnovice", Kind: program.Prison})
		if err != nil {
			t.Fatal(err)
		}
		foreign, err := a.store.CreateFacility(ctx, program.Facility{ProgramID: elsewhere.prog.ID, Name: "Věznice Heřmanice", Kind: program.Prison})
		if err != nil {
			t.Fatal(err)
		}
		c := w.active(t)
		form := url.Values{"phase": {"in_custody"}, "facility_id": {itoa(old.ID)}, "facility_detail": {"Oddíl B"}}
		w.post(t, w.coord, c, "/custody", form, http.StatusSeeOther)
		old.Archived = true
		if _, err := a.store.UpdateFacility(ctx, old); err != nil {
			t.Fatal(err)
		}
		body := w.page(t, w.coord, c, http.StatusOK)
		ovHas(t, "an archived facility kept", body, "Věznice Rýnovice", "Oddíl B", `<option value="`+itoa(old.ID)+`" selected>`, `<option value="`+itoa(kurim.ID)+`"`)
		d := w.active(t)
		body = w.page(t, w.coord, d, http.StatusOK)
		ovLacks(t, "an archived facility offered", body, `<option value="`+itoa(old.ID)+`"`)

		for _, bad := range []struct{ id, message string }{
			{itoa(foreign.ID), "Choose a facility of the case"},
			{"999999", "Choose a facility of the case"},
			{"Kuřim", "Choose a facility of the case"},
			{itoa(old.ID), "This facility is archived"},
		} {
			_, body := w.post(t, w.coord, d, "/custody", url.Values{"phase": {"in_custody"}, "facility_id": {bad.id}, "facility_detail": {"Kept as typed"}}, http.StatusUnprocessableEntity)
			ovHas(t, "facility "+bad.id, body, bad.message, "Kept as typed")
		}
		today := a.clock.Now().UTC()
		for _, bad := range []struct{ day, message string }{
			{today.AddDate(0, 0, 2).Format("2006-01-02"), "cannot be in the future"},
			{c.CreatedAt.AddDate(0, 0, -2).Format("2006-01-02"), "cannot be before the case was opened"},
		} {
			_, body := w.post(t, w.coord, c, "/custody", url.Values{"phase": {"after_release"}, "facility_id": {itoa(old.ID)}, "released_on": {bad.day}}, http.StatusUnprocessableEntity)
			ovHas(t, "released on "+bad.day, body, bad.message, `value="`+bad.day+`"`)
		}
		w.post(t, w.coord, c, "/custody", url.Values{"phase": {"after_release"}, "facility_id": {itoa(old.ID)}}, http.StatusSeeOther)
		cu, err := a.store.CaseCustody(ctx, c.ID)
		if err != nil || cu.ReleasedOn == nil || !cu.ReleasedOn.Equal(cases.Day(today)) || cu.FacilityID != old.ID {
			t.Fatalf("released today by default: %+v %v", cu, err)
		}
		ovHas(t, "released on", w.page(t, w.mentor, c, http.StatusOK), "Released on", cases.Day(today).Format("2006-01-02"))
	})
}

type apiFacility struct {
	ID        int64  `json:"id"`
	ProgramID int64  `json:"program_id"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Archived  bool   `json:"archived"`
	Version   int    `json:"version"`
}

type apiCustody struct {
	FacilityID     int64  `json:"facility_id"`
	FacilityName   string `json:"facility_name"`
	FacilityDetail string `json:"facility_detail"`
	Phase          string `json:"phase"`
	ReleasedOn     string `json:"released_on"`
}

// The API's facilities and custody: the coordinator keeps the list and
// writes custody, the mentor reads it (audited), bad input is refused.
func TestAPIFacilitiesAndCustody(t *testing.T) {
	t.Parallel()
	overviewEngines(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		j := newAPIJourney(t, a)
		p := j.prog
		p.Custody.Enabled = true
		var err error
		if j.prog, err = a.store.UpdateProgram(ctx, p); err != nil {
			t.Fatal(err)
		}
		other := a.program(fmt.Sprintf("Other %d", appCount.Add(1)))
		foreign, err := a.store.CreateFacility(ctx, program.Facility{ProgramID: other.ID, Name: "Věznice Heřmanice", Kind: program.Prison})
		if err != nil {
			t.Fatal(err)
		}
		fpath := fmt.Sprintf("/api/v1/programs/%d/facilities", j.prog.ID)
		f := decodeJSON[apiFacility](t, j.call(j.coord, http.StatusCreated, "POST", fpath, `{"name":" Věznice  Pankrác ","kind":"remand"}`))
		if f.Name != "Věznice Pankrác" || f.Kind != "remand" || f.ProgramID != j.prog.ID {
			t.Errorf("created %+v", f)
		}
		e := j.refused(j.coord, http.StatusUnprocessableEntity, "invalid", "POST", fpath, `{"name":"","kind":"jail"}`)
		if e.Error.Fields["name"] != "This field is required." || e.Error.Fields["kind"] != "Choose one of the options." {
			t.Errorf("bad facility: %v", e.Error.Fields)
		}
		j.call(j.mentor, http.StatusForbidden, "POST", fpath, `{"name":"X","kind":"prison"}`)
		j.call(j.coord, http.StatusNotFound, "POST", fmt.Sprintf("/api/v1/programs/%d/facilities", other.ID), `{"name":"X","kind":"prison"}`)
		list := decodeJSON[struct{ Items []apiFacility }](t, j.call(j.mentor, http.StatusOK, "GET", fpath, ""))
		if len(list.Items) != 1 || list.Items[0].ID != f.ID {
			t.Errorf("list %+v", list)
		}
		g := decodeJSON[apiFacility](t, j.call(j.coord, http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/facilities/%d", f.ID), `{"kind":"prison","version":1}`))
		if g.Kind != "prison" || g.Name != f.Name || g.Version != 2 {
			t.Errorf("patched %+v", g)
		}
		j.call(j.coord, http.StatusConflict, "PATCH", fmt.Sprintf("/api/v1/facilities/%d", f.ID), `{"archived":true,"version":1}`)
		j.call(j.coord, http.StatusNotFound, "PATCH", fmt.Sprintf("/api/v1/facilities/%d", foreign.ID), `{"archived":true,"version":1}`)

		_, c := j.intake("API-CU-1", "Petr Novák", 1984)
		cpath := apiCasePath(c.ID, "/custody")
		for _, bad := range []struct{ body, field, key string }{
			{fmt.Sprintf(`{"phase":"in_custody","facility_id":%d}`, foreign.ID), "facility_id", "Choose a facility of the case's program."},
			{`{"phase":"in_custody","facility_id":999999}`, "facility_id", "Choose a facility of the case's program."},
			{`{"phase":"after_release","released_on":"2999-01-01"}`, "released_on", "The release day cannot be in the future."},
			{`{"phase":"after_release","released_on":"2000-01-01"}`, "released_on", "The release day cannot be before the case was opened."},
			{`{"phase":"in_custody","released_on":"2026-01-01"}`, "released_on", "A release day belongs to the phase after release."},
			{`{"phase":"after_release","released_on":"someday"}`, "released_on", "Enter a date such as 2025-03-31."},
		} {
			e := j.refused(j.coord, http.StatusUnprocessableEntity, "invalid", "PUT", cpath, bad.body)
			if e.Error.Fields[bad.field] != bad.key {
				t.Errorf("%s: %v, want %s %s", bad.body, e.Error.Fields, bad.field, bad.key)
			}
		}
		j.call(j.mentor, http.StatusNotFound, "PUT", cpath, `{"phase":"in_custody"}`) // not their case
		cu := decodeJSON[apiCustody](t, j.call(j.coord, http.StatusOK, "PUT", cpath,
			fmt.Sprintf(`{"phase":"after_release","facility_id":%d,"facility_detail":"Unit 4"}`, f.ID)))
		if cu.FacilityID != f.ID || cu.FacilityName != "Věznice Pankrác" || cu.FacilityDetail != "Unit 4" || cu.ReleasedOn == "" {
			t.Errorf("saved custody %+v", cu)
		}
		before := ovAudits(t, a, "case.custody_read", c.ID)
		got := decodeJSON[struct {
			Custody *apiCustody `json:"custody"`
		}](t, j.call(j.coord, http.StatusOK, "GET", apiCasePath(c.ID, ""), ""))
		if got.Custody == nil || got.Custody.FacilityDetail != "Unit 4" || got.Custody.Phase != "after_release" {
			t.Errorf("the case's custody %+v", got.Custody)
		}
		if after := ovAudits(t, a, "case.custody_read", c.ID); after != before+1 {
			t.Errorf("custody reads audited %d, want %d", after, before+1)
		}
		for _, u := range []apiPerson{j.mentor2, j.viewer, j.admin, j.partner} {
			res, _ := a.withBearer(u.token, "GET", cpath, "")
			if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
				t.Errorf("custody as %s: %d", u.Role, res.StatusCode)
			}
		}
	})
}
