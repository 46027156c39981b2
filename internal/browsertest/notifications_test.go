package browsertest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"homeward/internal/auth"
)

// The mentee raises an urgent request in the portal; their mentor, on a
// phone, sees the bell count it, opens the inbox, and one tap on the
// notification reaches the case and takes one off the bell.
func TestMentorBellShowsTheMenteesUrgentRequest(t *testing.T) {
	a := startBare(t)
	ctx := t.Context()
	en := a.en
	prog, err := a.store.CreateProgram(ctx, testProgram("Bell program"))
	if err != nil {
		t.Fatal(err)
	}
	coordUser, _ := a.staff("coordinator@example.org", "Dana Coordinator", auth.Coordinator, prog.ID)
	mentor, mentorSecret := a.staff("mentor@example.org", "Petr Mentor", auth.Mentor, prog.ID)
	menteeUser := a.user("hanna@example.org", auth.Mentee, prog.ID)
	c := a.waitingCase(prog.ID, coordUser, "BL-001", "Hanna Kavaliova", &menteeUser, &mentor)

	// The mentor, on a phone: the match is on the bell.
	ment := a.session()
	ment.do("a phone-sized window", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	ment.signIn("mentor@example.org", mentorSecret)
	ment.wantIn("header .bell .count", "1")

	a.session().askRightAway("hanna@example.org", "Someone followed me home")

	ment.open("/")
	ment.wantIn("header .bell .count", "2")
	if h := get(ment, "the header's height", chromedp.Evaluate[float64](`document.querySelector("header.top").getBoundingClientRect().height`)); h > 844/8 {
		t.Errorf("with the bell the folded header takes %.0f px of a 844 px phone screen", h)
	}
	ment.follow("open the bell", "header a.bell")
	ment.wantHere("the inbox", "/notifications")
	items := ment.texts("ul.notifications li")
	if len(items) != 2 || !strings.Contains(items[0], en.T("notification.urgent_request", "code", "BL-001")) {
		t.Fatalf("the inbox shows %q, want the urgent request first", items)
	}
	ment.wantNotIn("the inbox", "Hanna", "followed me")
	if overflow := get(ment, "measure the inbox", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); overflow {
		t.Error("the inbox is wider than the phone's screen")
	}
	ment.sendWith("open the urgent request", "ul.notifications li:first-child button", http.StatusOK)
	ment.wantHere("the case", fmt.Sprintf("/cases/%d", c.ID))
	ment.wantIn("header .bell .count", "1")
}
