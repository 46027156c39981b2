package policy

import (
	"testing"

	"homeward/internal/auth"
	"homeward/internal/cases"
)

func TestCanCaseByRole(t *testing.T) {
	t.Parallel()
	user := func(id int64, r auth.Role, programs ...int64) auth.User {
		return auth.User{ID: id, Role: r, Status: auth.StatusActive, Programs: programs}
	}
	coordinator := user(1, auth.Coordinator, 10)
	mentor := user(2, auth.Mentor, 10)
	otherMentor := user(3, auth.Mentor, 10)
	psychologist := user(4, auth.Psychologist, 10)
	otherPsychologist := user(5, auth.Psychologist, 10)
	admin := user(6, auth.Admin)
	viewer := user(7, auth.Viewer, 10)
	partner := user(8, auth.Partner, 10)
	mentee := user(9, auth.Mentee, 10)
	elsewhere := user(11, auth.Coordinator, 20)
	disabled := coordinator
	disabled.Status = auth.StatusDisabled
	ref := CaseRef{ProgramID: 10, MentorID: 2, PsychologistID: 4}

	tests := []struct {
		u    auth.User
		a    Action
		want bool
	}{
		{coordinator, CaseView, true}, {coordinator, CaseManage, true}, {coordinator, CaseWork, true},
		{coordinator, HistoryRead, true}, {coordinator, FinalMeeting, true},
		{mentor, CaseView, true}, {mentor, CaseWork, true}, {mentor, HistoryRead, true},
		{mentor, CaseManage, false}, {mentor, FinalMeeting, false},
		{otherMentor, CaseView, false}, {otherMentor, CaseWork, false}, {otherMentor, HistoryRead, false},
		{psychologist, CaseView, true}, {psychologist, FinalMeeting, true}, {psychologist, HistoryRead, true},
		{psychologist, CaseWork, false}, {psychologist, CaseManage, false},
		{otherPsychologist, CaseView, false},
		{admin, CaseView, false}, {admin, CaseManage, false}, {admin, HistoryRead, false},
		{viewer, CaseView, false}, {partner, CaseView, false}, {mentee, CaseView, false},
		{elsewhere, CaseView, false}, {disabled, CaseView, false},
	}
	for _, tt := range tests {
		if got := CanCase(tt.u, tt.a, ref); got != tt.want {
			t.Errorf("%s %d may %s: %v, want %v", tt.u.Role, tt.u.ID, tt.a, got, tt.want)
		}
	}
	// A mentor of the program whose match ended has no access any more.
	if CanCase(mentor, CaseView, CaseRef{ProgramID: 10}) {
		t.Error("a mentor reaches a case without being matched to it")
	}
	// A mentor matched to a case of a program they left has no access either.
	if CanCase(user(2, auth.Mentor), CaseView, ref) {
		t.Error("a mentor reaches a case of a program they are not in")
	}

	shared := []cases.HistoryPart{cases.Health, cases.Persecution}
	if got := HistoryParts(mentor, ref, shared); len(got) != 2 || got[0] != cases.Persecution || got[1] != cases.Health {
		t.Errorf("the mentor reads parts %v, want the two shared ones", got)
	}
	if got := HistoryParts(coordinator, ref, nil); len(got) != len(cases.HistoryParts) {
		t.Errorf("the coordinator reads %v, want every part", got)
	}
	if got := HistoryParts(otherMentor, ref, shared); len(got) != 0 {
		t.Errorf("another mentor reads %v", got)
	}
	if got := NoteVisibilities(mentor, ref); len(got) != 1 || got[0] != cases.VisibleMentor {
		t.Errorf("the mentor reads notes %v", got)
	}
	for _, v := range NoteVisibilities(coordinator, ref) {
		if v == cases.VisiblePsychologist {
			t.Error("the coordinator reads psychologist-only notes")
		}
	}
	if got := NoteVisibilities(psychologist, ref); len(got) != 3 {
		t.Errorf("the psychologist reads notes %v", got)
	}
	if sc := CaseScope(admin); !sc.None {
		t.Error("the admin's case list is not empty")
	}
	if sc := CaseScope(mentor); sc.MentorID != 2 || sc.None {
		t.Errorf("the mentor's scope %+v", sc)
	}
}
