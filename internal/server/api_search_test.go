package server_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"homeward/internal/audit"
	"homeward/internal/store"
)

// A coordinator finds a person of their program by part of a word of the
// name or of the case code (GET /api/v1/cases?q=), sees the name beside
// the code, and never finds another program's people.
func TestAPISearchCasesByName(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		j := newAPIJourney(t, a)
		other := newAPIJourney(t, a)
		j.intake("HW-3101", "Alesia Kavalenka", 1990)
		j.intake("HW-3102", "Jiří Novák", 1985)
		piatrou, _ := j.matched("HW-3103", "Ivan Piatrou", j.mentor)
		other.intake("OT-3101", "Alesia Kavalchuk", 1990)

		search := func(p apiPerson, q string) apiList[apiCaseNamed] {
			t.Helper()
			return decodeJSON[apiList[apiCaseNamed]](t, j.call(p, http.StatusOK, "GET", "/api/v1/cases?sort=code&q="+url.QueryEscape(q), ""))
		}
		codes := func(l apiList[apiCaseNamed]) []string {
			var out []string
			for _, c := range l.Items {
				out = append(out, c.Code)
			}
			return out
		}
		got := search(j.coord, "kaval")
		if len(got.Items) != 1 || got.Items[0].Code != "HW-3101" || got.Items[0].MenteeName != "Alesia Kavalenka" {
			t.Errorf("?q=kaval: %+v, want HW-3101 with its person's name", got.Items)
		}
		for q, want := range map[string][]string{
			"ales":         {"HW-3101"}, // not the other program's Alesia
			"NOVAK":        {"HW-3102"},
			"jiri nov":     {"HW-3102"},
			"jiri kaval":   nil,
			"HW-310":       {"HW-3101", "HW-3102", "HW-3103"},
			"OT-3101":      nil,
			"alenka":       nil, // inside a word, not its start
			"ivan HW-3103": {"HW-3103"},
		} {
			if got := codes(search(j.coord, q)); !slices.Equal(got, want) {
				t.Errorf("?q=%s: %v, want %v", q, got, want)
			}
		}
		// The search narrows the other filters, and pages.
		if got := codes(decodeJSON[apiList[apiCaseNamed]](t, j.call(j.coord, 200, "GET", "/api/v1/cases?q=hw-310&state=matched", ""))); !slices.Equal(got, []string{"HW-3103"}) {
			t.Errorf("?q=hw-310&state=matched: %v", got)
		}
		page := decodeJSON[apiList[apiCaseNamed]](t, j.call(j.coord, 200, "GET", "/api/v1/cases?q=hw-310&sort=code&limit=2", ""))
		if len(page.Items) != 2 || page.NextCursor == "" {
			t.Fatalf("first page of 2: %+v", page)
		}
		rest := decodeJSON[apiList[apiCaseNamed]](t, j.call(j.coord, 200, "GET", "/api/v1/cases?q=hw-310&sort=code&limit=2&cursor="+url.QueryEscape(page.NextCursor), ""))
		if got := codes(rest); !slices.Equal(got, []string{"HW-3103"}) {
			t.Errorf("second page: %v", got)
		}
		// Too short a word is refused with a reason.
		e := j.refused(j.coord, http.StatusUnprocessableEntity, "invalid", "GET", "/api/v1/cases?q=ka", "")
		if e.Error.Fields["q"] == "" {
			t.Errorf("?q=ka: fields %v, want q", e.Error.Fields)
		}
		// A mentor finds their own mentee only, by name.
		if got := search(j.mentor, "piat"); len(got.Items) != 1 || got.Items[0].MenteeName != "Ivan Piatrou" {
			t.Errorf("the mentor's ?q=piat: %+v", got.Items)
		}
		if got := search(j.mentor, "kaval"); len(got.Items) != 0 {
			t.Errorf("the mentor found someone else's mentee: %+v", got.Items)
		}
		j.refused(j.viewer, http.StatusForbidden, "forbidden", "GET", "/api/v1/cases?q=kaval", "")
		// Each name shown is an audited read.
		list, _, err := a.store.ListAudit(context.Background(), store.AuditFilter{ObjectType: "mentee", ObjectID: strconv.FormatInt(piatrou.ID, 10)}, store.Page{Limit: store.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(list, func(e audit.Entry) bool { return e.Action == "mentee.name_read" }) {
			t.Error("the names shown were not audited (mentee.name_read)")
		}
	})
}

// apiCaseNamed is a case of the list with its person's name.
type apiCaseNamed struct {
	apiCase
	MenteeName string `json:"mentee_name"`
}
