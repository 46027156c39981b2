package browsertest

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"homeward/internal/auth"
	"homeward/internal/cases"
)

// A coordinator of two programs takes a person in: choosing the program
// with a case code pattern puts its next code in the form, another program
// takes it away again, a code typed by hand stays; the consent ticked is
// recorded and a country typed by name in Czech is shown in English.
func TestIntakeProposesCodeAndRecordsConsent(t *testing.T) {
	coord := startBare(t)
	ctx := t.Context()
	patterned := testProgram("Volnyja")
	patterned.CaseCodePattern = "VOL-{year}-{n:3}"
	patterned, err := coord.store.CreateProgram(ctx, patterned)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := coord.store.CreateProgram(ctx, testProgram("Plain"))
	if err != nil {
		t.Fatal(err)
	}
	u, err := coord.store.CreateUser(ctx, auth.User{Email: "coordinator@example.org", Name: "Cora Coordinator", Role: auth.Coordinator,
		Programs: []int64{patterned.ID, plain.ID}})
	if err != nil {
		t.Fatal(err)
	}
	phc, err := testHasher.Hash(ctx, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := coord.store.SetPassword(ctx, u.ID, phc); err != nil {
		t.Fatal(err)
	}
	secret := coord.withTOTP(u)
	coord.signIn(u.Email, secret)
	coord.open("/mentees/new")
	pick := func(id int64) {
		t.Helper()
		get(coord, "choose a program", chromedp.Evaluate[bool](fmt.Sprintf(
			`(s => (s.value = %q, s.dispatchEvent(new Event("change")), true))(document.getElementById("f-program"))`, fmt.Sprint(id))))
	}
	first := fmt.Sprintf("VOL-%d-001", coord.store.Now().Year())
	if got := coord.value("f-case_code"); got != "" {
		t.Errorf("before a program is chosen the code is %q", got)
	}
	pick(patterned.ID)
	if got := coord.value("f-case_code"); got != first {
		t.Errorf("after choosing the program with a pattern the code is %q, want %q", got, first)
	}
	pick(plain.ID)
	if got := coord.value("f-case_code"); got != "" {
		t.Errorf("after choosing the program without one the code is %q, want it empty", got)
	}
	coord.fill("#f-case_code", "MY-0001")
	pick(patterned.ID)
	if got := coord.value("f-case_code"); got != "MY-0001" {
		t.Errorf("a code typed by hand became %q", got)
	}
	coord.fill("#f-case_code", first)
	coord.fill("#f-full_name", "Ales Novik")
	coord.fill("#f-country", "Německo")
	coord.fill("#f-languages", "běloruština")
	coord.click("#c-processing")
	coord.send("check and create", "/mentees/check", http.StatusOK)
	caseID := coord.match("after the intake", `^/cases/([0-9]+)$`)[1]
	coord.wantIn("main h1", first)
	id, err := strconv.ParseInt(caseID, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	c, err := coord.store.GetCase(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	list, err := coord.store.Consents(ctx, c.MenteeID)
	if err != nil || len(list) != 1 || list[0].Kind != cases.ConsentProcessing || !list[0].Given {
		t.Errorf("consents after intake: %+v %v", list, err)
	}
	coord.open(fmt.Sprintf("/mentees/%d", c.MenteeID))
	coord.wantIn("main dl.facts", "Germany", "Belarusian")
}
