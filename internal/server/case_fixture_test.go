package server_test

import (
	"context"
	"fmt"
	"sync/atomic"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/program"
	"homeward/internal/store"
)

// caseSetup says who a test case is made for.
type caseSetup struct {
	Program      program.Program
	By           auth.User // the coordinator who records everything
	MentorID     int64     // matched to the case when set
	Psychologist int64     // assigned when set
	State        cases.State
}

// makeCase takes a person in and walks their case to the state asked for
// (intake, waiting, matched, active, closing or closed as completed),
// through the store's real calls, and returns it as stored.
func (a *app) makeCase(cs caseSetup) cases.Case {
	a.t.Helper()
	ctx := context.Background()
	n := a.nextCode()
	m := cases.Mentee{Profile: cases.Profile{CaseCode: fmt.Sprintf("T-%04d", n), FullName: fmt.Sprintf("Test Person %d", n), BirthYear: 1980}}
	_, c, err := a.store.CreateIntake(ctx, store.Intake{Mentee: m, ProgramID: cs.Program.ID, State: cases.Intake, ActorID: cs.By.ID})
	if err != nil {
		a.t.Fatalf("intake: %v", err)
	}
	must := func(err error, what string) {
		a.t.Helper()
		if err != nil {
			a.t.Fatalf("%s: %v", what, err)
		}
	}
	move := func(to cases.State, reason cases.ClosureReason) {
		a.t.Helper()
		_, err := a.store.Transition(ctx, store.TransitionInput{CaseID: c.ID, To: to, ClosureReason: reason, Reason: "test", ActorID: cs.By.ID})
		must(err, "transition to "+string(to))
	}
	if cs.Psychologist != 0 {
		_, err := a.store.AssignPsychologist(ctx, c.ID, cs.Psychologist, cs.By.ID)
		must(err, "assign psychologist")
	}
	if cs.State == cases.Intake {
		return a.getCase(c.ID)
	}
	_, err = a.store.RecordConsent(ctx, cases.Consent{MenteeID: c.MenteeID, Kind: cases.ConsentProcessing, Given: true, RecordedBy: cs.By.ID})
	must(err, "consent")
	must(a.store.AssessNeeds(ctx, c.ID, []cases.Assessment{{Domain: cs.Program.NeedDomains[0], Severity: cases.High, Status: cases.NotStarted}}, cs.By.ID), "needs")
	move(cases.Waiting, "")
	if cs.State == cases.Waiting || cs.MentorID == 0 {
		return a.getCase(c.ID)
	}
	_, err = a.store.Match(ctx, c.ID, cs.MentorID, cs.By.ID)
	must(err, "match")
	if cs.State == cases.Matched {
		return a.getCase(c.ID)
	}
	_, err = a.store.AddPlanStep(ctx, cases.PlanStep{CaseID: c.ID, Title: "Get a passport", Owner: cases.OwnerMentee, Status: cases.StepOpen})
	must(err, "plan step")
	move(cases.Active, "")
	if cs.State == cases.Active {
		return a.getCase(c.ID)
	}
	move(cases.Closing, "")
	if cs.State == cases.Closing {
		return a.getCase(c.ID)
	}
	must(a.store.RecordAgreement(ctx, c.ID, cs.By.ID, false), "agreement")
	must(a.store.RecordFinalMeeting(ctx, c.ID, cs.By.ID), "final meeting")
	must(a.store.SaveFeedback(ctx, cases.Feedback{CaseID: c.ID, Support: 5, RecordedBy: cs.By.ID}), "feedback")
	move(cases.Closed, cases.Completed)
	return a.getCase(c.ID)
}

func (a *app) getCase(id int64) cases.Case {
	a.t.Helper()
	c, err := a.store.GetCase(context.Background(), id)
	if err != nil {
		a.t.Fatal(err)
	}
	return c
}

var codeCounter atomic.Int64

func (a *app) nextCode() int { return int(codeCounter.Add(1)) }
