package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
)

// A coordinator sees, a month ahead, the closed case whose person the
// program's retention erases, with the day; puts it on hold with a reason
// from the list (none chosen: said so, nothing held) and lifts it again.
func TestRetentionListAndHold(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	p := a.w1Program("Keepers", 2)
	p.RetentionMonths = 24
	p, err := a.store.UpdateProgram(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	coord, _ := a.w1User(auth.Coordinator, p.ID)
	mentor, _ := a.w1User(auth.Mentor, p.ID)
	c := a.makeCase(caseSetup{Program: p, By: coord, MentorID: mentor.ID, State: cases.Closed})
	closedAt := a.getCase(c.ID).StateSince
	a.clock.Add(13 * 31 * 24 * time.Hour)
	fus, err := a.store.FollowUps(ctx, c.ID)
	if err != nil || len(fus) != 2 {
		t.Fatalf("follow-ups: %d %v", len(fus), err)
	}
	for _, fu := range fus {
		fu.WorkKept, fu.Housing, fu.Rearrested, fu.RecordedBy = cases.Yes, cases.Yes, cases.No, coord.ID
		if _, err := a.store.RecordFollowUp(ctx, fu); err != nil {
			t.Fatal(err)
		}
	}
	due := cases.RetentionDueOn(closedAt, 24)
	a.clock.Add(due.Add(-10 * 24 * time.Hour).Sub(a.clock.Now()))

	_, session := a.w1User(auth.Coordinator, p.ID)
	body := a.w1Get(session, "/retention", http.StatusOK)
	if !strings.Contains(body, c.Code) || !strings.Contains(body, due.Format(time.DateOnly)) || !strings.Contains(body, `action="/cases/`+itoa(c.ID)+`/retention-hold"`) {
		t.Fatalf("the retention list lacks the case, its day %s or the hold form:\n%s", due.Format(time.DateOnly), body)
	}
	a.session = session
	hold := "/cases/" + itoa(c.ID) + "/retention-hold"
	if res, body := a.postForm(hold, url.Values{"reason": {""}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose a reason for the hold.") {
		t.Fatalf("a hold without a reason: %d", res.StatusCode)
	}
	if h, _ := a.store.RetentionHoldOf(ctx, c.ID); h != nil {
		t.Fatalf("a hold without a reason was kept: %+v", h)
	}
	if res, _ := a.postForm(hold, url.Values{"reason": {"authority_request"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/retention?done=held" {
		t.Fatalf("hold: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	body = a.w1Get(session, "/retention?done=held", http.StatusOK)
	if !strings.Contains(body, "An authority or a court asked to keep it") || !strings.Contains(body, hold+"/lift") {
		t.Errorf("the held case does not show its hold and the way to lift it")
	}
	if n, err := a.store.EraseDueByRetention(ctx); err != nil || n != 0 {
		t.Fatalf("before the day: erased %d %v", n, err)
	}
	if res, _ := a.postForm(hold+"/lift", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("lift: %d", res.StatusCode)
	}
	if h, _ := a.store.RetentionHoldOf(ctx, c.ID); h != nil {
		t.Errorf("the hold is still there after the lift")
	}
	// Lifted twice (a second tab): the list as it is now, not a page not found.
	if res, _ := a.postForm(hold+"/lift", url.Values{}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/retention?done=lifted" {
		t.Errorf("a second lift: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	// The API lists the same case, with its day.
	res, js := a.do("GET", "/api/v1/retention", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(js, `"case_id":`+itoa(c.ID)) || !strings.Contains(js, `"due_on":"`+due.Format(time.DateOnly)) {
		t.Errorf("GET /api/v1/retention: %d %s", res.StatusCode, js)
	}
}
