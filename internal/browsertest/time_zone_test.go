package browsertest

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/store"
	"homeward/internal/zone"
)

// A mentor whose device is in Prague takes the zone the account page
// offers, logs a contact at 18:00 on their clock and sees 18:00; it is
// stored at 17:00 UTC in winter, 16:00 in summer. The program is in UTC.
func TestMentorInPragueLogsAContactAtSixLocal(t *testing.T) {
	mentor := startBare(t)
	ctx := t.Context()
	en := mentor.en

	// The clock is set to ten to six in Prague, the next time it is, before
	// anyone signs in; the case is made then.
	prague := zone.Of("Europe/Prague")
	now := time.Now().In(prague)
	six := time.Date(now.Year(), now.Month(), now.Day(), 18, 0, 0, 0, prague)
	if !six.After(now.Add(10 * time.Minute)) {
		six = time.Date(now.Year(), now.Month(), now.Day()+1, 18, 0, 0, 0, prague)
	}
	mentor.clock.Set(six.Add(-10 * time.Minute).Sub(now))

	prog, err := mentor.store.CreateProgram(ctx, testProgram("Returning to Brno"))
	if err != nil {
		t.Fatal(err)
	}
	coordUser, _ := mentor.staff("coordinator@example.org", "Cora Coordinator", auth.Coordinator, prog.ID)
	mentorUser, mentorSecret := mentor.staff("mentor@example.org", "Mira Mentor", auth.Mentor, prog.ID)
	c := waitingCase(t, mentor, prog.ID, coordUser.ID, "HW-0301")
	if _, err := mentor.store.Match(ctx, c.ID, mentorUser.ID, coordUser.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.store.AddPlanStep(ctx, cases.PlanStep{CaseID: c.ID, Title: "Find a flat", Owner: cases.OwnerMentee}); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.store.Transition(ctx, store.TransitionInput{CaseID: c.ID, To: cases.Active, ActorID: coordUser.ID}); err != nil {
		t.Fatal(err)
	}

	// The browser's device is in Prague.
	mentor.do("set the device's zone", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Europe/Prague"})
		return err
	}))
	mentor.signIn("mentor@example.org", mentorSecret)
	mentor.open("/account")
	mentor.wantText("#time-zone > p", en.T("account.time_zone_now", "zone", "UTC"))
	mentor.present("the offer of the device's zone", `[data-zone-offer="f-time_zone"]:not([hidden]) button`)
	mentor.wantText(`[data-zone-offer="f-time_zone"] [data-zone-name]`, "Europe/Prague")
	mentor.click(`[data-zone-offer="f-time_zone"] button`)
	if got := mentor.value("f-time_zone"); got != "Europe/Prague" {
		t.Fatalf("the offered zone filled in %q", got)
	}
	mentor.send("save the zone", "/account/time-zone", http.StatusOK)
	mentor.wantText("main .notice", en.T("account.time_zone_saved"))
	mentor.wantText("#time-zone > p", en.T("account.time_zone_now", "zone", "Europe/Prague"))

	// A quarter past six: the mentor records the call made at six.
	mentor.clock.Add(25 * time.Minute)
	casePath := "/cases/" + strconv.FormatInt(c.ID, 10)
	mentor.open(casePath + "/contacts")
	if got, want := mentor.value("f-at"), mentor.store.Now().In(prague).Format("2006-01-02T15:04"); got != want {
		t.Errorf("the contact's time is %q, want now in Prague %q", got, want)
	}
	mentor.wantText("#h-at", en.T("contacts.at_hint", "zone", "Europe/Prague"))
	mentor.choose("#f-at", six.Format("2006-01-02")+"T18:00")
	mentor.choose("#f-channel", "call")
	mentor.fill("#f-summary", "Called at six about the flat")
	mentor.send("record the contact", casePath+"/contacts", http.StatusOK)
	mentor.wantHere("after the contact", casePath+"/contacts?done=contact")
	shown := mentor.text("ul.work-list li.work-item .work-meta strong")
	if want := six.Format("2006-01-02") + " 18:00 " + six.Format("MST"); shown != want {
		t.Errorf("the contact shows %q, want %q", shown, want)
	}

	list, _, err := mentor.store.Contacts(ctx, c.ID, store.Page{Limit: 5})
	if err != nil || len(list) != 1 {
		t.Fatalf("contacts: %v %v", list, err)
	}
	at := list[0].At.UTC()
	_, offset := six.Zone()
	if wantHour := 18 - offset/3600; at.Hour() != wantHour || at.Minute() != 0 || (wantHour != 17 && wantHour != 16) || !strings.HasPrefix(at.Format(time.RFC3339), six.UTC().Format("2006-01-02")) {
		t.Errorf("18:00 in Prague is stored as %s, want %02d:00 UTC", at.Format(time.RFC3339), wantHour)
	}
}
