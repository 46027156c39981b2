package browsertest

import (
	"net/http"
	"strings"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/store"
)

// A coordinator finds a person by part of their name (issue 15): they type
// it into the case list's search box, see the person's case with the name
// beside the code (and no one of another program), and the name stays out
// of the address; two letters are refused with a reason.
func TestCoordinatorFindsPersonByPartOfName(t *testing.T) {
	a := startBare(t)
	ctx := t.Context()
	en := a.en

	prog, err := a.store.CreateProgram(ctx, testProgram("Return to freedom"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := a.store.CreateProgram(ctx, testProgram("Exiles in Vilnius"))
	if err != nil {
		t.Fatal(err)
	}
	const coordEmail = "coordinator@example.org"
	coord, coordSecret := a.staff(coordEmail, "Cora Coordinator", auth.Coordinator, prog.ID)
	otherCoord := a.user("other@example.org", auth.Coordinator, other.ID)
	take := func(programID, by int64, code, name string) {
		t.Helper()
		m := cases.Mentee{Profile: cases.Profile{CaseCode: code, FullName: name, BirthYear: 1985, Languages: []string{"be"}, Country: "LT", City: "Vilnius"}}
		if _, _, err := a.store.CreateIntake(ctx, store.Intake{Mentee: m, ProgramID: programID, State: cases.Intake, ActorID: by}); err != nil {
			t.Fatalf("take in %s: %v", code, err)
		}
	}
	take(prog.ID, coord.ID, "HW-0001", "Alesia Kavalenka")
	take(prog.ID, coord.ID, "HW-0002", "Jiří Novák")
	take(prog.ID, coord.ID, "HW-0003", "Ivan Piatrou")
	take(other.ID, otherCoord.ID, "OT-0001", "Alesia Kavalchuk")

	a.signIn(coordEmail, coordSecret)
	a.follow("open the cases", `header nav a[href="/cases"]`)
	if n := a.count("main table.cases tbody tr"); n != 3 {
		t.Fatalf("the case list shows %d cases, want the program's 3", n)
	}

	// Part of a word of the surname, in other letters' case.
	a.fill("#q", "KAVAL")
	a.send("search", "/cases", http.StatusOK)
	a.wantHere("after the search (no name in the address)", "/cases")
	if n := a.count("main table.cases tbody tr"); n != 1 {
		t.Fatalf("the search shows %d cases, want 1", n)
	}
	a.wantIn("main table.cases tbody tr td:first-child", "HW-0001", "Alesia Kavalenka")
	a.wantNotIn("the search's results", "Kavalchuk", "OT-0001", "HW-0002", "Piatrou")
	if got := a.value("q"); got != "KAVAL" {
		t.Errorf("the search box holds %q after the search, want what was typed", got)
	}

	// The name typed without its diacritics, with another word's start.
	a.fill("#q", "novak ji")
	a.send("search with two letters", "/cases", http.StatusUnprocessableEntity)
	a.wantText("#q-error", en.T("validation.search_short"))
	a.fill("#q", "novak jir")
	a.send("search again", "/cases", http.StatusOK)
	a.wantIn("main table.cases tbody", "HW-0002", "Jiří Novák")
	if n := a.count("main table.cases tbody tr"); n != 1 {
		t.Errorf("novak jir shows %d cases, want 1", n)
	}

	// The case page names the person beside the code.
	a.follow("open the case found", `main table.cases tbody tr td:first-child a`)
	a.match("the case page", `^/cases/[0-9]+$`)
	if h1 := a.text("main h1"); !strings.Contains(h1, "HW-0002") || !strings.Contains(h1, "Jiří Novák") {
		t.Errorf("the case page's heading is %q, want the code and the name", h1)
	}
}
