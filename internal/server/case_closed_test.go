package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/cases"
)

// A closed case names the mentor who supported it last, not "none yet".
func TestClosedCaseNamesItsLastMentor(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.w1Program("Closed program", 2)
	coord, session := a.w1User(auth.Coordinator, p.ID)
	mentor, _ := a.w1User(auth.Mentor, p.ID)
	c := a.makeCase(caseSetup{Program: p, By: coord, MentorID: mentor.ID, State: cases.Closed})
	page := a.w1Get(session, fmt.Sprintf("/cases/%d", c.ID), http.StatusOK)
	name := mentor.Name
	if name == "" {
		name = mentor.Email
	}
	if !strings.Contains(page, "Supported by "+name+" from ") {
		t.Errorf("the closed case does not name its last mentor %q", name)
	}
}
