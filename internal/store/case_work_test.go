package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/program"
	"homeward/internal/store"
)

// workFixture is a store with a program, its staff and a clock the test
// moves by hand (no sleeps), for the tests of the work on a case.
type workFixture struct {
	s                    *store.Store
	ctx                  context.Context
	prog                 program.Program
	coord, mentor, psych auth.User
	now                  time.Time
}

// workStart is when every work test begins.
var workStart = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func newWorkFixture(t *testing.T, opts store.Options) *workFixture {
	t.Helper()
	opts.Keyring = keyring(t)
	f := &workFixture{s: open(t, opts), now: workStart}
	f.ctx = audit.WithActor(context.Background(), audit.Actor{Who: "test"})
	f.s.SetClock(func() time.Time { return f.now })
	p := newProgram("Work")
	p.MentorCapacity = 20
	// Two contacts a week for the first two weeks (every 3.5 days), then one
	// every two weeks; three quiet weeks.
	p.Cadence = program.Cadence{FirstWeeks: 2, FirstPerWeek: 2, LaterPerWeek: 0.5}
	p.QuietWeeks = 3
	var err error
	if f.prog, err = f.s.CreateProgram(f.ctx, p); err != nil {
		t.Fatal(err)
	}
	f.coord = f.user(t, "coord@example.org", "Cora Coordinator", auth.Coordinator)
	f.mentor = f.user(t, "mentor@example.org", "Max Mentor", auth.Mentor)
	f.psych = f.user(t, "psych@example.org", "Pia Psychologist", auth.Psychologist)
	return f
}

func (f *workFixture) user(t *testing.T, email, name string, role auth.Role) auth.User {
	t.Helper()
	u, err := f.s.CreateUser(f.ctx, auth.User{Email: email, Name: name, Role: role, Programs: []int64{f.prog.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetPassword(f.ctx, u.ID, "$argon2id$test"); err != nil {
		t.Fatal(err)
	}
	return u
}

// later moves the clock on.
func (f *workFixture) later(d time.Duration) { f.now = f.now.Add(d) }

// intake takes a person in: a case in state intake.
func (f *workFixture) intake(t *testing.T, code string) cases.Case {
	t.Helper()
	_, c, err := f.s.CreateIntake(f.ctx, store.Intake{
		Mentee:    cases.Mentee{Profile: cases.Profile{CaseCode: code, FullName: "Alesia " + code}},
		ProgramID: f.prog.ID, State: cases.Intake, ActorID: f.coord.ID,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// move asks for a transition and fails the test when it is refused.
func (f *workFixture) move(t *testing.T, caseID int64, to cases.State, reason cases.ClosureReason, why string) cases.Case {
	t.Helper()
	c, err := f.s.Transition(f.ctx, store.TransitionInput{CaseID: caseID, To: to, ClosureReason: reason, Reason: why, ActorID: f.coord.ID})
	if err != nil {
		t.Fatalf("move case to %s: %v", to, err)
	}
	return c
}

// active walks a new case to active: consent, needs, waiting, a mentor, a
// first plan step, active. Support begins at the match, at the clock's time.
func (f *workFixture) active(t *testing.T, code string) cases.Case {
	t.Helper()
	c := f.intake(t, code)
	if _, err := f.s.RecordConsent(f.ctx, cases.Consent{MenteeID: c.MenteeID, Kind: cases.ConsentProcessing, Given: true, RecordedBy: f.coord.ID}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.AssessNeeds(f.ctx, c.ID, []cases.Assessment{{Domain: "housing", Severity: cases.High, Status: cases.NotStarted}}, f.coord.ID); err != nil {
		t.Fatal(err)
	}
	f.move(t, c.ID, cases.Waiting, "", "")
	if _, err := f.s.Match(f.ctx, c.ID, f.mentor.ID, f.coord.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AddPlanStep(f.ctx, cases.PlanStep{CaseID: c.ID, Title: "Find a room", Owner: cases.OwnerMentee}); err != nil {
		t.Fatal(err)
	}
	return f.move(t, c.ID, cases.Active, "", "")
}

// get reads a case back.
func (f *workFixture) get(t *testing.T, id int64) cases.Case {
	t.Helper()
	c, err := f.s.GetCase(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// audited counts the audit entries of an action on an object.
func (f *workFixture) audited(t *testing.T, action, objectType string, id int64) int {
	t.Helper()
	n := 0
	cursor := ""
	for {
		es, next, err := f.s.ListAudit(f.ctx, store.AuditFilter{ObjectType: objectType, ObjectID: fmt.Sprint(id)}, store.Page{Limit: store.MaxLimit, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if e.Action == action {
				n++
			}
		}
		if cursor = next; cursor == "" {
			return n
		}
	}
}

// refusedFor checks that err is a conflict naming key as what must happen first.
func refusedFor(t *testing.T, what string, err error, key string) {
	t.Helper()
	if e := errs.As(err); e.Kind != errs.KindConflict || e.Fields["state"] != key {
		t.Errorf("%s: %v (fields %v), want a conflict with state %q", what, err, errs.As(err).Fields, key)
	}
}
