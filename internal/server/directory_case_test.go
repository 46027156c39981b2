package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/partners"
)

// Opened from a case (the referrals tab's link, or a new referral without
// a service), the directory lists the services for the case's open needs
// in the mentee's country (or anywhere); the user can show all of them, and
// the filter they choose stays theirs from page to page. Someone who may
// not work on the case gets the plain directory.
func TestDirectoryOpensFilteredForTheCase(t *testing.T) {
	t.Parallel()
	w := newPartnerWorld(t)
	a, ctx := w.a, context.Background()
	// The mentee lives in LT; housing and documents are open, legal help is done.
	if err := a.store.AssessNeeds(ctx, w.c.ID, []cases.Assessment{
		{Domain: "housing", Severity: cases.High, Status: cases.InProgress},
		{Domain: "documents", Severity: cases.Medium, Status: cases.NotStarted},
		{Domain: "legal_debt", Severity: cases.High, Status: cases.Done},
	}, w.coord.ID); err != nil {
		t.Fatal(err)
	}
	org, err := a.store.CreatePartner(ctx, partners.Partner{Name: "Papers Office"})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []partners.Service{
		{PartnerID: org.ID, Name: "Papers in Vilnius", NeedDomains: []string{"documents"}, Areas: []partners.Area{{Country: "LT", City: "Vilnius"}}},
		{PartnerID: org.ID, Name: "Papers in Prague", NeedDomains: []string{"documents"}, Areas: []partners.Area{{Country: "CZ"}}},
	} {
		if _, err := a.store.CreateService(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	listed := func(body string) string {
		var out []string
		for _, name := range []string{"Emergency rooms", "Papers in Vilnius", "Papers in Prague", "Debt counselling"} {
			if strings.Contains(body, name) {
				out = append(out, name)
			}
		}
		return strings.Join(out, ", ")
	}
	fromCase := fmt.Sprintf("/directory?case=%d", w.c.ID)

	// The referrals tab links to the directory from the case.
	tab := a.w1Get(w.mentorS, fmt.Sprintf("/cases/%d/referrals", w.c.ID), http.StatusOK)
	if !strings.Contains(tab, `href="`+fromCase+`"`) {
		t.Fatalf("the referrals tab does not open the directory from the case")
	}
	body := a.w1Get(w.mentorS, fromCase, http.StatusOK)
	if got := listed(body); got != "Emergency rooms, Papers in Vilnius" {
		t.Errorf("opened from the case: %s", got)
	}
	ovHas(t, "directory from the case", body, "Filtered for the case: its open needs and the mentee", `value="Lithuania"`,
		`name="need" value="housing" checked`, `name="need" value="documents" checked`,
		fmt.Sprintf(`href="/directory?case=%d&amp;chosen=1"`, w.c.ID), `name="chosen" value="1"`)
	ovLacks(t, "directory from the case", body, `value="legal_debt" checked`)

	// Cleared: every service, each still offering a referral from the case.
	body = a.w1Get(w.mentorS, fromCase+"&chosen=1", http.StatusOK)
	if got := listed(body); got != "Emergency rooms, Papers in Vilnius, Papers in Prague, Debt counselling" {
		t.Errorf("cleared: %s", got)
	}
	ovLacks(t, "cleared", body, "Filtered for the case", `checked`)
	ovHas(t, "cleared", body, fmt.Sprintf(`/cases/%d/referrals/new?service=`, w.c.ID))
	// Chosen by the user: one of the case's needs, in another country.
	body = a.w1Get(w.mentorS, fromCase+"&chosen=1&need=documents&country=CZ", http.StatusOK)
	if got := listed(body); got != "Papers in Prague" {
		t.Errorf("documents in CZ: %s", got)
	}
	// A new referral without a service goes to the filtered directory.
	a.session = w.mentorS
	res, _ := a.do("GET", fmt.Sprintf("/cases/%d/referrals/new", w.c.ID), nil)
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != fromCase {
		t.Errorf("a referral without a service: %d → %q", res.StatusCode, loc)
	}

	// A coordinator of another program reads the directory but not the
	// case: nothing of it shows.
	_, otherS := a.w1User(auth.Coordinator, a.program("Elsewhere").ID)
	body = a.w1Get(otherS, fromCase, http.StatusOK)
	if got := listed(body); got != "Emergency rooms, Papers in Vilnius, Papers in Prague, Debt counselling" {
		t.Errorf("someone of another program opening the case's link: %s", got)
	}
	ovLacks(t, "someone of another program opening the case's link", body, "Filtered for the case", "referrals/new", `name="case"`)
}
