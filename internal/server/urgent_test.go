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
)

// A request raised "right away" shows at once where staff look first: the
// coordinator's and the mentor's home page (a count linking to the cases),
// the case list (its column and its filter, in the API too) and the top of
// every tab of the case; once resolved, it shows nowhere.
func TestUrgentRequestIsVisible(t *testing.T) {
	t.Parallel()
	w1Engines(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		p := a.w1Program("Urgent program", 3)
		coord, coordSession := a.w1User(auth.Coordinator, p.ID)
		mentor, mentorSession := a.w1User(auth.Mentor, p.ID)
		c := a.makeCase(caseSetup{Program: p, By: coord, MentorID: mentor.ID, State: cases.Active})
		calm := a.makeCase(caseSetup{Program: p, By: coord, MentorID: mentor.ID, State: cases.Active})
		if _, err := a.store.AddRequest(ctx, cases.Request{CaseID: calm.ID, Domain: "housing", Urgency: cases.Soon,
			Text: "A room by spring", RecordedBy: coord.ID}); err != nil {
			t.Fatal(err)
		}
		home := a.w1Get(coordSession, "/", http.StatusOK)
		if strings.Contains(home, `id="urgent-cases"`) {
			t.Error("the home page shows urgent requests before any was raised")
		}

		req, err := a.store.AddRequest(ctx, cases.Request{CaseID: c.ID, Domain: "safety", Urgency: cases.Urgent,
			Text: "Someone followed me home, I am scared", RecordedBy: mentor.ID})
		if err != nil {
			t.Fatal(err)
		}
		for who, session := range map[string]string{"coordinator": coordSession, "mentor": mentorSession} {
			home := a.w1Get(session, "/", http.StatusOK)
			if !strings.Contains(home, `<h2 id="urgent-cases"><a href="/cases?signal=urgent">1 person asked for help right away</a></h2>`) {
				t.Errorf("the %s's home page does not lead with the urgent request", who)
			}
			list := a.w1Get(session, "/cases?signal=urgent", http.StatusOK)
			if !listed(list, c) || listed(list, calm) {
				t.Errorf("the %s's urgent filter lists the wrong cases", who)
			}
			if !strings.Contains(list, fmt.Sprintf(`<a href="/cases/%d/requests"><strong class="signal urgent">1 urgent request</strong></a>`, c.ID)) {
				t.Errorf("the %s's case list does not show the urgent request in its column", who)
			}
			for _, tab := range []string{"", "/contacts", "/notes"} {
				page := a.w1Get(session, fmt.Sprintf("/cases/%d%s", c.ID, tab), http.StatusOK)
				if !strings.Contains(page, `1 request raised “right away” is open.`) {
					t.Errorf("the %s's case page %q does not say an urgent request is open", who, tab)
				}
			}
		}
		secret, _, err := a.store.CreateAPIToken(ctx, coord.ID, "urgent", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		res, body := a.withBearer(secret, "GET", "/api/v1/cases?signal=urgent", "")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, fmt.Sprintf(`"id":%d,`, c.ID)) || strings.Contains(body, fmt.Sprintf(`"id":%d,`, calm.ID)) ||
			!strings.Contains(body, `"urgent_requests":1`) {
			t.Errorf("the API's urgent filter: %d %s", res.StatusCode, body)
		}

		// Resolved: nowhere any more.
		req.Status, req.Resolution = cases.RequestResolved, "Moved to a safe flat"
		if _, err := a.store.UpdateRequest(ctx, req); err != nil {
			t.Fatal(err)
		}
		if home := a.w1Get(coordSession, "/", http.StatusOK); strings.Contains(home, `id="urgent-cases"`) {
			t.Error("the home page still shows a resolved urgent request")
		}
		if list := a.w1Get(coordSession, "/cases?signal=urgent", http.StatusOK); listed(list, c) {
			t.Error("the urgent filter still lists a case whose urgent request is resolved")
		}
		if page := a.w1Get(coordSession, fmt.Sprintf("/cases/%d", c.ID), http.StatusOK); strings.Contains(page, "raised “right away”") {
			t.Error("the case page still says an urgent request is open")
		}
	})
}
