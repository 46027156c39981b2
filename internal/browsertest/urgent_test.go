package browsertest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/store"
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

	// Two people in the program, both active; only Hanna will be scared.
	take := func(code, name string) cases.Case {
		t.Helper()
		m, c, err := a.store.CreateIntake(ctx, store.Intake{ProgramID: prog.ID, State: cases.Intake, ActorID: coordUser.ID,
			Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: code, FullName: name, BirthYear: 1990}}})
		if err != nil {
			t.Fatalf("take in %s: %v", code, err)
		}
		if _, err := a.store.RecordConsent(ctx, cases.Consent{MenteeID: m.ID, Kind: cases.ConsentProcessing, Given: true, RecordedBy: coordUser.ID}); err != nil {
			t.Fatal(err)
		}
		if err := a.store.AssessNeeds(ctx, c.ID, []cases.Assessment{{Domain: "safety", Severity: cases.Critical, Status: cases.NotStarted}}, coordUser.ID); err != nil {
			t.Fatal(err)
		}
		for _, to := range []cases.State{cases.Waiting} {
			if _, err := a.store.Transition(ctx, store.TransitionInput{CaseID: c.ID, To: to, Reason: "ready", ActorID: coordUser.ID}); err != nil {
				t.Fatalf("move %s to %s: %v", code, to, err)
			}
		}
		if code == "SR-001" {
			if err := a.store.LinkMenteeUser(ctx, m.ID, menteeUser.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := a.store.Match(ctx, c.ID, mentor.ID, coordUser.ID); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
	scared := take("SR-001", "Hanna Kavaliova")
	calm := take("SR-002", "Ihar Zhuk")
	scaredPath := fmt.Sprintf("/cases/%d", scared.ID)

	// The coordinator's home page before: nothing urgent.
	coord := a.session()
	coord.signIn(coordEmail, coordSecret)
	coord.wantNo("the home page before any urgent request", "#urgent-cases")

	// The mentee, on a phone.
	mentee := a.session()
	mentee.do("a phone-sized window", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	mentee.open("/login")
	mentee.password(menteeEmail)
	mentee.wantHere("the mentee after signing in", "/my")
	if overflow := get(mentee, "measure the portal", chromedp.Evaluate[bool](
		`document.documentElement.scrollWidth > window.innerWidth`)); overflow {
		t.Error("the portal is wider than the phone's screen")
	}
	const fear = "Someone followed me home, I am scared"
	mentee.choose("#f-ask-domain", "safety")
	mentee.click("#f-ask-urgency-urgent")
	mentee.fill("#f-ask-text", fear)
	mentee.send("ask for help right away", "/my/requests", http.StatusOK)
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
