package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/store"
)

// radioBox is where a radio button and its label sit on the page.
type radioBox struct {
	ID                string
	X, Y, W, H        float64 // the radio button
	LX, LY, LW, LH    float64 // its label
	HasLabel, Visible bool
	LabelText         string
}

// radioBoxes measures every radio button of the current page and its label.
const radioBoxes = `Array.from(document.querySelectorAll('input[type=radio]'), r => {
  const b = r.getBoundingClientRect();
  const l = r.id ? document.querySelector('label[for="' + CSS.escape(r.id) + '"]') : null;
  const lb = l ? l.getBoundingClientRect() : {x: 0, y: 0, width: 0, height: 0};
  return {ID: r.id, X: b.x, Y: b.y, W: b.width, H: b.height,
    LX: lb.x, LY: lb.y, LW: lb.width, LH: lb.height,
    HasLabel: !!l, Visible: b.width > 0 && b.height > 0, LabelText: l ? l.innerText.trim() : ""};
})`

// wantRadiosBesideLabels checks that each radio button of the page is a
// small box on the same line as its label, just before it (as the portal's
// and the intake form's choices read) — not stretched over the whole width
// with its label pushed onto a line of its own.
func (a *app) wantRadiosBesideLabels(page string, min int) {
	a.t.Helper()
	boxes := get(a, "measure the radio buttons of "+page, chromedp.Evaluate[[]radioBox](radioBoxes))
	if len(boxes) < min {
		a.t.Fatalf("%s has %d radio buttons, want at least %d", page, len(boxes), min)
	}
	for _, b := range boxes {
		switch {
		case !b.Visible || !b.HasLabel:
			a.t.Errorf("%s: radio button %q is hidden or has no label", page, b.ID)
		case b.W > 32:
			a.t.Errorf("%s: radio button %q is %.0f px wide (stretched)", page, b.ID, b.W)
		case b.X+b.W > b.LX+1 || b.LX-(b.X+b.W) > 24:
			a.t.Errorf("%s: radio button %q (x %.0f–%.0f) is not just before its label %q (x %.0f)", page, b.ID, b.X, b.X+b.W, b.LabelText, b.LX)
		case b.Y+b.H/2 < b.LY || b.Y+b.H/2 > b.LY+b.LH:
			a.t.Errorf("%s: radio button %q (middle at y %.0f) is not on its label %q's line (y %.0f–%.0f)", page, b.ID, b.Y+b.H/2, b.LabelText, b.LY, b.LY+b.LH)
		}
	}
}

// Radio buttons sit beside their labels, on a laptop and on a phone: the
// intake form's starting state and the portal's "how soon".
func TestRadioButtonsBesideTheirLabels(t *testing.T) {
	a := startBare(t)
	ctx := t.Context()
	prog, err := a.store.CreateProgram(ctx, testProgram("Radio program"))
	if err != nil {
		t.Fatal(err)
	}
	const coordEmail, menteeEmail = "coordinator@example.org", "mentee@example.org"
	coordUser, coordSecret := a.staff(coordEmail, "Dana Coordinator", auth.Coordinator, prog.ID)
	menteeUser := a.user(menteeEmail, auth.Mentee, prog.ID)
	m, _, err := a.store.CreateIntake(ctx, store.Intake{ProgramID: prog.ID, State: cases.Intake, ActorID: coordUser.ID,
		Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: "RB-001", FullName: "Alena Example", BirthYear: 1988}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.store.LinkMenteeUser(ctx, m.ID, menteeUser.ID); err != nil {
		t.Fatal(err)
	}

	coord := a.session()
	coord.signIn(coordEmail, coordSecret)
	mentee := a.session()
	mentee.open("/login")
	mentee.password(menteeEmail)
	mentee.wantHere("the mentee after signing in", "/my")

	for _, size := range []struct {
		name string
		w, h int64
	}{{"laptop", 1366, 768}, {"phone", 390, 844}} {
		coord.do("a "+size.name+" window", chromedp.EmulateViewport(size.w, size.h))
		coord.open("/mentees/new")
		coord.wantRadiosBesideLabels("the intake form on a "+size.name, 2)
		mentee.do("a "+size.name+" window", chromedp.EmulateViewport(size.w, size.h))
		mentee.open("/my")
		mentee.wantRadiosBesideLabels("the portal on a "+size.name, 2)
	}
}
