package server_test

import (
	"net/http"
	"strings"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/cases"
)

// A mentor whose places are all taken is not told they are ready to
// support someone.
func TestMentorHomeSaysWhenFull(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.w1Program("Full program", 1)
	coord, _ := a.w1User(auth.Coordinator, p.ID)
	mentor, session := a.w1User(auth.Mentor, p.ID)
	home := a.w1Get(session, "/", http.StatusOK)
	if !strings.Contains(home, "You are ready to support someone.") {
		t.Fatalf("a free mentor's home page does not say they are ready")
	}
	a.makeCase(caseSetup{Program: p, By: coord, MentorID: mentor.ID, State: cases.Active})
	home = a.w1Get(session, "/", http.StatusOK)
	if strings.Contains(home, "You are ready to support someone.") || !strings.Contains(home, "You support as many people as you have room for.") {
		t.Error("a full mentor's home page still says they are ready to support someone")
	}
}
