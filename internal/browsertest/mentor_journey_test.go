package browsertest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/store"
)

// A volunteer's way from the public application form to their first
// mentee, through the pages only: the applicant applies without an
// account; the coordinator screens them on the board, records the required
// check (which soon expires), accepts them and hands over the invitation;
// the new mentor chooses a password and an authenticator app and reports
// the required training done; the coordinator confirms it, finds the mentor
// first among the suggestions for a waiting case and confirms the match;
// the mentor sees the case on their home page. Only the program, the
// coordinator's account and the waiting case are made in the store.
func TestMentorJourneyApplicationToMatch(t *testing.T) {
	coord := startBare(t)
	ctx := t.Context()
	en := coord.en

	p := testProgram("Belarusians in Vilnius")
	p.Languages = []string{"be", "ru"}
	p.ApplicationsOpen = true
	p.MentorChecks = []string{"background_check"}
	prog, err := coord.store.CreateProgram(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	const (
		coordEmail, coordName = "coordinator@example.org", "Cora Coordinator"
		applicantName         = "Volha Volunteer"
		applicantEmail        = "volha@example.org"
		motivation            = "I was a political prisoner myself; I know the first months."
		moduleTitle           = "Boundaries and safety"
		noteText              = "Interview: calm, clear about boundaries."
	)
	coordUser, coordSecret := coord.staff(coordEmail, coordName, auth.Coordinator, prog.ID)
	waiting := waitingCase(t, coord, prog.ID, coordUser.ID, "HW-0101")

	applicant, mentor := coord.session(), coord.session()
	all := people{coord, applicant, mentor}
	progPath := fmt.Sprint(prog.ID)
	var mentorPath, inviteLink string

	all.step(t, "the volunteer applies on the public form", func(t *testing.T) {
		applicant.open("/programs/" + progPath + "/apply")
		applicant.fill("#f-full_name", applicantName)
		applicant.fill("#f-email", applicantEmail)
		applicant.choose("#f-gender", "female")
		applicant.fill("#f-country", "LT")
		applicant.fill("#f-city", "Vilnius")
		applicant.click("#l-be")
		applicant.click("#l-ru")
		applicant.fill("#f-motivation", motivation)
		applicant.fill("#f-skills", "Paperwork at the migration office, CVs")
		applicant.click("#d-" + prog.NeedDomains[0])
		applicant.fill("#f-hours_per_week", "4")
		applicant.click("#t-weekday_evenings")
		applicant.click("#x-political_persecution")
		applicant.click("#f-consent")
		coord.clock.Add(2 * time.Minute) // a person takes a while to fill it in
		applicant.send("send the application", "/programs/"+progPath+"/apply", http.StatusOK)
		applicant.wantHere("after applying", "/programs/"+progPath+"/apply/done")
		applicant.wantText("main h1", en.T("apply.done.title"))
		applicant.wantNotIn("the confirmation", applicantEmail, motivation)
	})

	all.step(t, "the coordinator screens the application on the board", func(t *testing.T) {
		coord.signIn(coordEmail, coordSecret)
		coord.open("/mentors/board?program=" + progPath)
		coord.wantIn("section[aria-labelledby=col-new]", applicantName)
		coord.sendWith("move to the interview", `section[aria-labelledby=col-new] button[value=interview]`, http.StatusOK)
		coord.wantIn("section[aria-labelledby=col-interview]", applicantName)
		coord.sendWith("move to the checks", `section[aria-labelledby=col-interview] button[value=checks]`, http.StatusOK)
		coord.wantIn("section[aria-labelledby=col-checks]", applicantName)

		coord.follow("open the mentor", `section[aria-labelledby=col-checks] h3 a`)
		mentorPath = coord.match("the mentor's page", `^/mentors/[0-9]+$`)[0]
		coord.wantIn("main", motivation)
		coord.wantIn("section[aria-labelledby=readiness]",
			en.T("mentor.not_ready.check_missing", "check", en.T("check.kind.background_check")))

		coord.fill("#f-body", noteText)
		coord.send("record the interview note", mentorPath+"/notes", http.StatusOK)
		coord.wantIn("section[aria-labelledby=notes]", noteText, coordName)

		// The background check was done today and is valid for three
		// weeks: it shows as expiring, here and on the board.
		today := coord.store.Now().UTC()
		expires := today.AddDate(0, 0, 21).Format(time.DateOnly)
		coord.click(`section[aria-labelledby=checks] details summary`)
		coord.choose("#f-kind", "background_check")
		coord.choose("#f-result", "passed")
		coord.choose("#f-done_on", today.Format(time.DateOnly))
		coord.choose("#f-expires_on", expires)
		coord.send("record the check", mentorPath+"/checks", http.StatusOK)
		expiring := en.T("mentors.check_expires", "check", en.T("check.kind.background_check"), "date", expires)
		coord.wantIn("section[aria-labelledby=readiness]", expiring)
		coord.open("/mentors/board?program=" + progPath)
		coord.wantIn("section[aria-labelledby=col-checks]", expiring)
	})

	all.step(t, "the coordinator adds a required module and accepts the mentor", func(t *testing.T) {
		coord.open("/programs/" + progPath + "/training")
		coord.fill("#new-title", moduleTitle)
		if !coord.checked("#new-required") {
			t.Error("a new module is not required by default")
			coord.click("#new-required")
		}
		coord.send("add the module", "/programs/"+progPath+"/training", http.StatusOK)
		coord.wantIn("main", moduleTitle)

		coord.open(mentorPath)
		coord.send("accept and invite", mentorPath+"/accept", http.StatusOK)
		inviteLink = coord.value("invite-link")
		if !strings.HasPrefix(inviteLink, "/link/") {
			t.Fatalf("the invitation link is %q, want /link/…", inviteLink)
		}
		coord.wantIn("section[aria-labelledby=readiness]",
			en.T("mentor.not_ready.account_invited"), en.T("mentor.not_ready.module", "detail", moduleTitle))
	})

	all.step(t, "the new mentor takes the invitation and reports the training", func(t *testing.T) {
		mentor.open(inviteLink)
		mentor.fill("#f-password", testPassword)
		mentor.fill("#f-password_again", testPassword)
		mentor.send("choose a password", inviteLink, http.StatusOK)
		mentor.wantHere("after the password", "/login/enrol")
		mentor.enrolTOTP()
		mentor.wantText("header .who", applicantEmail)
		mentor.wantIn("main", en.T("home.mentor.not_ready"), en.T("mentor.not_ready.module", "detail", moduleTitle))
		mentor.sendWith("report the module done", `main form[action^="/mentors/"] button[value=reported]`, http.StatusOK)
		mentor.wantIn("main", en.T("mentor.not_ready.module_reported", "detail", moduleTitle))
		mentor.wantText("#my-mentees + *", en.T("home.mentor.no_mentees"))
	})

	all.step(t, "the coordinator confirms the training: the mentor is ready", func(t *testing.T) {
		coord.open(mentorPath)
		coord.sendWith("confirm the module", `section[aria-labelledby=training] button[value=confirmed]`, http.StatusOK)
		coord.wantIn("section[aria-labelledby=readiness]", en.T("mentor.ready"))
	})

	all.step(t, "the coordinator matches the waiting case with the mentor", func(t *testing.T) {
		casePath := fmt.Sprintf("/cases/%d", waiting.ID)
		coord.open(casePath)
		coord.follow("open the suggestions", `main a[href="`+casePath+`/suggestions"]`)
		names := coord.texts("ol.suggestions > li h2")
		if len(names) == 0 || names[0] != applicantName {
			t.Fatalf("the suggestions are %q, want %s first", names, applicantName)
		}
		coord.wantIn("ol.suggestions > li:first-child .score-lines", en.T("match.item.language"))
		coord.sendWith("confirm the match", `ol.suggestions > li:first-child form button[type=submit]`, http.StatusOK)
		coord.wantHere("after the match", casePath+"?done=matched")
		coord.wantBadge(en.T("case.state.matched"))
	})

	all.step(t, "the mentor sees the new mentee on their home page", func(t *testing.T) {
		mentor.open("/")
		mentor.wantIn("#my-mentees + ul", "HW-0101")
		mentor.wantIn("main", en.T("home.mentor.new"))
		mentor.wantNotIn("the mentor's home page", "Test Person") // the code, not the name
	})
}

// waitingCase takes a person in through the store and moves their case to
// waiting for a mentor: consent given, one need assessed.
func waitingCase(t *testing.T, a *app, programID, coordinatorID int64, code string) cases.Case {
	t.Helper()
	ctx := t.Context()
	prog, err := a.store.GetProgram(ctx, programID)
	if err != nil {
		t.Fatal(err)
	}
	m := cases.Mentee{Profile: cases.Profile{CaseCode: code, FullName: "Test Person", BirthYear: 1985, Languages: []string{"be"}, Country: "LT", City: "Vilnius"}}
	_, c, err := a.store.CreateIntake(ctx, store.Intake{Mentee: m, ProgramID: programID, State: cases.Intake, ActorID: coordinatorID})
	if err != nil {
		t.Fatalf("intake: %v", err)
	}
	if _, err := a.store.RecordConsent(ctx, cases.Consent{MenteeID: c.MenteeID, Kind: cases.ConsentProcessing, Given: true, RecordedBy: coordinatorID}); err != nil {
		t.Fatalf("consent: %v", err)
	}
	if err := a.store.AssessNeeds(ctx, c.ID, []cases.Assessment{{Domain: prog.NeedDomains[0], Severity: cases.High, Status: cases.NotStarted}}, coordinatorID); err != nil {
		t.Fatalf("needs: %v", err)
	}
	if _, err := a.store.Transition(ctx, store.TransitionInput{CaseID: c.ID, To: cases.Waiting, Reason: "ready", ActorID: coordinatorID}); err != nil {
		t.Fatalf("to waiting: %v", err)
	}
	return c
}
