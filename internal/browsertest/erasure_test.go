package browsertest

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"homeward/internal/auth"
)

// A coordinator prints everything held about a person, then asks for their
// erasure from the case; the list shows them no way to approve it; a second
// coordinator approves it from the list, and the case stays with a neutral
// code and no name.
func TestErasureByTwoCoordinators(t *testing.T) {
	a := startBare(t)
	ctx := t.Context()
	en := a.en
	prog, err := a.store.CreateProgram(ctx, testProgram("Forgotten"))
	if err != nil {
		t.Fatal(err)
	}
	cora, coraSecret := a.staff("cora@example.org", "Cora Coordinator", auth.Coordinator, prog.ID)
	_, carlSecret := a.staff("carl@example.org", "Carl Coordinator", auth.Coordinator, prog.ID)
	c := a.waitingCase(prog.ID, cora, "FG-001", "Yelena Quorvex", nil, nil)
	casePath := fmt.Sprintf("/cases/%d", c.ID)

	first := a.session()
	first.signIn("cora@example.org", coraSecret)
	first.open(fmt.Sprintf("/mentees/%d", c.MenteeID))
	first.follow("open everything held about the person", fmt.Sprintf(`a[href="/mentees/%d/export"]`, c.MenteeID))
	first.wantIn("main", "Yelena Quorvex", "FG-001", en.T("history.title"), en.T("notes.title"))
	first.open(casePath)
	first.follow("open the erasure tab", `nav.tabs a[href="`+casePath+`/erasure"]`)
	// The page names the day by which an erasure done today reaches every
	// backup: today, plus the backup retention, plus at most one rotation.
	complete, _ := testEpochs.ErasureComplete(a.store.Now())
	byDay := complete.Format(time.DateOnly)
	if want := a.store.Now().UTC().AddDate(0, 0, 120).Format(time.DateOnly); byDay != want {
		t.Fatalf("an erasure today is complete by %s, want %s (90 days of retention and a 30-day rotation)", byDay, want)
	}
	first.wantIn("main", en.T("erasure.what.statistics"), en.T("erasure.backups", "date", byDay))
	first.send("ask without a reason", casePath+"/erasure", http.StatusUnprocessableEntity)
	first.click("#f-reason-person_asked")
	first.send("ask for the erasure", casePath+"/erasure", http.StatusOK)
	first.wantIn("main", en.T("erasure.done.asked"), en.T("erasure.status.pending"))
	first.open("/erasures")
	first.wantIn("main", "FG-001", en.T("erasures.own"))
	first.wantNo("an approval for the one who asked", `form[action$="/approve"]`)

	second := a.session()
	second.signIn("carl@example.org", carlSecret)
	second.open("/erasures")
	second.wantIn("main", "FG-001", en.T("erasure.reason.person_asked"))
	second.sendWith("approve the erasure", `form[action$="/approve"] button[type=submit]`, http.StatusOK)
	second.wantHere("after approving", casePath+"/erasure?done=approved")
	second.wantIn("main", en.T("erasure.done.approved"), en.T("erasure.erased"), fmt.Sprintf("ERASED_%d", c.ID), en.T("erasure.backups_done", "date", byDay))
	second.wantNotIn("main", "Yelena", "FG-001")
	second.open("/erasures")
	second.wantIn("main", en.T("erasures.empty"))
}
