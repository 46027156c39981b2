package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// The bell counts what is unread; the inbox says the kind and the case
// code (never a name), opens the record, marks everything read, and drops
// what the reader may no longer see. The API lists and marks the same.
func TestNotificationsBellInboxAndAPI(t *testing.T) {
	t.Parallel()
	w1Engines(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		p := a.w1Program("Bell program", 3)
		coord, coordSession := a.w1User(auth.Coordinator, p.ID)
		mentor, mentorSession := a.w1User(auth.Mentor, p.ID)
		mentor2, mentor2Session := a.w1User(auth.Mentor, p.ID)
		c := a.makeCase(caseSetup{Program: p, By: coord, MentorID: mentor.ID, State: cases.Active})
		c2 := a.makeCase(caseSetup{Program: p, By: coord, MentorID: mentor2.ID, State: cases.Active})
		if _, err := a.store.AddRequest(ctx, cases.Request{CaseID: c.ID, Domain: "safety", Urgency: cases.Urgent,
			Text: "Someone followed me home", RaisedByMentee: true}); err != nil {
			t.Fatal(err)
		}
		bell := func(n int) string { return fmt.Sprintf(`<span class="count" aria-label="%d unread">%d</span>`, n, n) }
		if home := a.w1Get(mentorSession, "/", http.StatusOK); !strings.Contains(home, bell(2)) {
			t.Error("the mentor's bell does not count the match and the urgent request")
		}
		if home := a.w1Get(coordSession, "/cases", http.StatusOK); !strings.Contains(home, bell(1)) {
			t.Error("the coordinator's bell does not count the urgent request")
		}
		inbox := a.w1Get(mentorSession, "/notifications", http.StatusOK)
		urgent := "Urgent request in case " + c.Code
		if !strings.Contains(inbox, urgent) || !strings.Contains(inbox, "You were matched with case "+c.Code) {
			t.Errorf("the mentor's inbox lacks the urgent request or the match:\n%s", inbox)
		}
		if strings.Contains(inbox, "Test Person") || strings.Contains(inbox, "followed me") {
			t.Error("the inbox shows a name or a request's text")
		}
		if other := a.w1Get(mentor2Session, "/notifications", http.StatusOK); strings.Contains(other, c.Code) {
			t.Error("the mentor of another case is told of this one")
		}

		// Opening one marks it read and goes to the case; another's is not found.
		list, _, err := a.store.Notifications(ctx, policy.NotificationScope(active(mentor)), true, store.Page{})
		if err != nil || len(list) != 2 || list[0].Kind != store.NotifyUrgentRequest {
			t.Fatalf("mentor's unread %+v %v", list, err)
		}
		open := url.Values{"id": {fmt.Sprint(list[0].ID)}}
		if res, _ := a.w1Post(mentor2Session, "/notifications/read", open); res.StatusCode != http.StatusNotFound {
			t.Errorf("another mentor opened the notification: %d", res.StatusCode)
		}
		res, _ := a.w1Post(mentorSession, "/notifications/read", open)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/cases/%d", c.ID) {
			t.Fatalf("opening a notification: %d → %q", res.StatusCode, res.Header.Get("Location"))
		}
		if home := a.w1Get(mentorSession, "/", http.StatusOK); !strings.Contains(home, bell(1)) {
			t.Error("the bell did not go down when one was opened")
		}
		if unread := a.w1Get(mentorSession, "/notifications?unread=1", http.StatusOK); strings.Contains(unread, urgent) {
			t.Error("the opened notification is still listed as unread")
		}
		res, _ = a.w1Post(mentorSession, "/notifications/read", url.Values{})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/notifications?done=read" {
			t.Fatalf("mark all read: %d → %q", res.StatusCode, res.Header.Get("Location"))
		}
		if home := a.w1Get(mentorSession, "/", http.StatusOK); strings.Contains(home, `class="count"`) {
			t.Error("the bell still counts after mark all read")
		}

		// The API: the coordinator's list and unread count, marking all read.
		secret, _, err := a.store.CreateAPIToken(ctx, coord.ID, "bell", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		res, body := a.withBearer(secret, "GET", "/api/v1/notifications?unread=1", "")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `"kind":"urgent_request"`) || !strings.Contains(body, `"case_code":"`+c.Code+`"`) ||
			!strings.Contains(body, `"unread":1`) || !strings.Contains(body, `"read_at":null`) {
			t.Errorf("API list: %d %s", res.StatusCode, body)
		}
		if res, body := a.withBearer(secret, "POST", "/api/v1/notifications/read", `{}`); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("API read with neither ids nor all: %d %s", res.StatusCode, body)
		}
		if res, body := a.withBearer(secret, "POST", "/api/v1/notifications/read", `{"all":true}`); res.StatusCode != http.StatusOK || body != `{"marked":1,"unread":0}`+"\n" {
			t.Errorf("API mark all read: %d %q", res.StatusCode, body)
		}

		// Unmatched, mentor2 no longer sees their old case's notifications.
		if inbox := a.w1Get(mentor2Session, "/notifications", http.StatusOK); !strings.Contains(inbox, c2.Code) {
			t.Fatal("mentor2 was not told of their match")
		}
		if _, err := a.store.EndMatch(ctx, c2.ID, "Moved away", coord.ID); err != nil {
			t.Fatal(err)
		}
		if inbox := a.w1Get(mentor2Session, "/notifications", http.StatusOK); strings.Contains(inbox, c2.Code) || strings.Contains(inbox, `class="count"`) {
			t.Error("an unmatched mentor still sees the case's notifications")
		}
	})
}

func active(u auth.User) auth.User { u.Status = auth.StatusActive; return u }
