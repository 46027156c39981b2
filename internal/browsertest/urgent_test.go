package browsertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"homeward/internal/auth"
)

// A mentee on a phone asks for help "right away" in the portal; their
// coordinator, on a laptop, sees it first thing on the home page and reaches
// the person's case in one click.
func TestUrgentRequestFromAPhone(t *testing.T) {
	a := startBare(t)
	ctx := t.Context()
	en := a.en

	prog, err := a.store.CreateProgram(ctx, testProgram("Safe return"))
	if err != nil {
		t.Fatal(err)
	}
	const coordEmail, menteeEmail = "coordinator@example.org", "hanna@example.org"
	coordUser, coordSecret := a.staff(coordEmail, "Dana Coordinator", auth.Coordinator, prog.ID)
	mentor, _ := a.staff("mentor@example.org", "Petr Mentor", auth.Mentor, prog.ID)
	menteeUser := a.user(menteeEmail, auth.Mentee, prog.ID)

	// Two people in the program; only Hanna, matched with her mentor, will
	// be scared.
	scared := a.waitingCase(prog.ID, coordUser, "SR-001", "Hanna Kavaliova", &menteeUser, &mentor)
	calm := a.waitingCase(prog.ID, coordUser, "SR-002", "Ihar Zhuk", nil, nil)
	scaredPath := fmt.Sprintf("/cases/%d", scared.ID)

	// The coordinator's home page before: nothing urgent.
	coord := a.session()
	coord.signIn(coordEmail, coordSecret)
	coord.wantNo("the home page before any urgent request", "#urgent-cases")

	// The mentee, on a phone.
	const fear = "Someone followed me home, I am scared"
	mentee := a.session()
	mentee.askRightAway(menteeEmail, fear)
	if overflow := get(mentee, "measure the portal", chromedp.Evaluate[bool](
		`document.documentElement.scrollWidth > window.innerWidth`)); overflow {
		t.Error("the portal is wider than the phone's screen")
	}
	mentee.wantHere("after asking", "/my?done=request")
	mentee.wantIn("ul.portal-requests li", fear, en.T("portal.request_status.open"))

	// The coordinator's home page leads with it, and one click reaches the
	// person.
	coord.open("/")
	coord.wantIn("#urgent-cases", en.N("home.cases.urgent", 1))
	coord.follow("open the urgent cases", "#urgent-cases a")
	coord.wantHere("the urgent cases", "/cases?signal=urgent")
	rows := coord.texts("table.list tbody tr")
	if len(rows) != 1 || !strings.Contains(rows[0], scared.Code) {
		t.Fatalf("the urgent list shows %q, want only %s", rows, scared.Code)
	}
	if coord.has(fmt.Sprintf(`table.list a[href="/cases/%d"]`, calm.ID)) {
		t.Errorf("the urgent list links the calm case %s", calm.Code)
	}
	coord.follow("open the scared person's case", `table.list a[href="`+scaredPath+`"]`)
	coord.wantHere("the case", scaredPath)
	coord.wantIn("main", en.N("case.urgent_requests", 1))
}
