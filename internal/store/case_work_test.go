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
		Mentee:    cases.Mentee{CaseCode: code, FullName: "Alesia " + code},
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
	c, err := f.s.Transition(f.ctx, store.TransitionRequest{CaseID: caseID, To: to, ClosureReason: reason, Reason: why, ActorID: f.coord.ID})
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

func TestNeedsReassessmentKeepsHistory(t *testing.T) {
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		c := f.intake(t, "N-1")

		// Nothing is stored from an assessment with a domain the program lacks.
		err := s.AssessNeeds(ctx, c.ID, []cases.Assessment{
			{Domain: "housing", Severity: cases.Critical, Status: cases.NotStarted},
			{Domain: "astrology", Severity: cases.Low, Status: cases.NotStarted},
		}, f.coord.ID)
		if errs.As(err).Fields["domain"] != "validation.domain_of_program" {
			t.Fatalf("unknown domain: %v", err)
		}
		if needs, _ := s.NeedHistory(ctx, c.ID); len(needs) != 0 {
			t.Fatalf("%d needs stored by a refused assessment", len(needs))
		}

		if err := s.AssessNeeds(ctx, c.ID, []cases.Assessment{
			{Domain: "income", Severity: cases.Low, Status: cases.InProgress},
			{Domain: "housing", Severity: cases.Critical, Status: cases.NotStarted},
			{Domain: "documents", Severity: cases.High, Status: cases.NotStarted},
		}, f.coord.ID); err != nil {
			t.Fatal(err)
		}
		first, err := s.CurrentNeeds(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := needDomains(first); got != "housing documents income" {
			t.Fatalf("current needs %s, want critical first, then by severity", got)
		}
		for _, n := range first {
			if n.Previous != nil || !n.Changed() || n.AssessedByName != "Cora Coordinator" || !n.AssessedAt.Equal(workStart) {
				t.Errorf("first assessment of %s: previous %v, changed %v, by %q at %v", n.Domain, n.Previous, n.Changed(), n.AssessedByName, n.AssessedAt)
			}
		}

		// A week later the psychologist reassesses: housing got better,
		// income is as it was, documents are done.
		f.later(7 * 24 * time.Hour)
		if err := s.AssessNeeds(ctx, c.ID, []cases.Assessment{
			{Domain: "housing", Severity: cases.Medium, Status: cases.InProgress},
			{Domain: "income", Severity: cases.Low, Status: cases.InProgress},
			{Domain: "documents", Severity: cases.High, Status: cases.Done},
		}, f.psych.ID); err != nil {
			t.Fatal(err)
		}
		now, err := s.CurrentNeeds(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := needDomains(now); got != "documents housing income" {
			t.Fatalf("current needs after reassessment %s", got)
		}
		byDomain := map[string]cases.Need{}
		for _, n := range now {
			byDomain[n.Domain] = n
		}
		h := byDomain["housing"]
		if !h.Changed() || h.Previous == nil || h.Previous.Severity != cases.Critical || h.Previous.Status != cases.NotStarted ||
			h.Severity != cases.Medium || h.AssessedByName != "Pia Psychologist" || h.Previous.AssessedByName != "Cora Coordinator" {
			t.Errorf("housing after reassessment: %+v (previous %+v), want medium replacing critical", h, h.Previous)
		}
		if d := byDomain["documents"]; !d.Changed() || d.Previous == nil || d.Previous.Status != cases.NotStarted || d.Status != cases.Done || d.Open() {
			t.Errorf("documents after reassessment: %+v", d)
		}
		in := byDomain["income"]
		if in.Previous != nil || !in.AssessedAt.Equal(workStart) || in.AssessedByName != "Cora Coordinator" {
			t.Errorf("unchanged income was touched: %+v", in)
		}
		hist, err := s.NeedHistory(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 5 || !hist[0].AssessedAt.After(hist[len(hist)-1].AssessedAt) {
			t.Fatalf("history has %d assessments (%s), want 5, newest first", len(hist), needDomains(hist))
		}
		if n := f.audited(t, "case.needs_assess", "case", c.ID); n != 2 {
			t.Errorf("%d case.needs_assess entries, want 2", n)
		}

		// A closed case is not assessed.
		f.move(t, c.ID, cases.Closed, cases.Withdrawn, "Moved away")
		err = s.AssessNeeds(ctx, c.ID, []cases.Assessment{{Domain: "housing", Severity: cases.NoNeed, Status: cases.Done}}, f.coord.ID)
		refusedFor(t, "assessment of a closed case", err, "case.refused.closed")
		if _, err := s.CurrentNeeds(ctx, c.ID+1000); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("needs of a missing case: %v", err)
		}
	})
}

func needDomains(ns []cases.Need) string {
	out := ""
	for i, n := range ns {
		if i > 0 {
			out += " "
		}
		out += n.Domain
	}
	return out
}

func TestPlanStepsAndTheirVersion(t *testing.T) {
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		c := f.intake(t, "P-1")
		day := func(d int) *time.Time { v := time.Date(2026, 2, d, 0, 0, 0, 0, time.UTC); return &v }

		if _, err := s.AddPlanStep(ctx, cases.PlanStep{CaseID: c.ID, Title: "  ", Owner: "nobody", Domain: "astrology"}); errs.As(err).Kind != errs.KindInvalid ||
			len(errs.As(err).Fields) != 3 {
			t.Fatalf("bad step: %v %v, want title, owner and domain named", err, errs.As(err).Fields)
		}
		undated, err := s.AddPlanStep(ctx, cases.PlanStep{CaseID: c.ID, Title: "Open a bank account", Owner: cases.OwnerMentee})
		if err != nil {
			t.Fatal(err)
		}
		if undated.Status != cases.StepOpen || undated.Period != 1 || undated.Version != 1 || undated.DoneAt != nil {
			t.Errorf("new step %+v, want open, period 1, version 1", undated)
		}
		late, _ := s.AddPlanStep(ctx, cases.PlanStep{CaseID: c.ID, Title: "Job centre", Owner: cases.OwnerMentor, Domain: "employment", DueOn: day(20)})
		soon, err := s.AddPlanStep(ctx, cases.PlanStep{CaseID: c.ID, Title: "Residence permit", Owner: cases.OwnerCoordinator, Domain: "documents", DueOn: day(9), Status: cases.StepDone})
		if err != nil {
			t.Fatal(err)
		}
		if soon.DoneAt == nil || !soon.DoneAt.Equal(workStart) {
			t.Errorf("a step added as done has done_at %v", soon.DoneAt)
		}
		list, err := s.PlanSteps(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 || list[0].ID != soon.ID || list[1].ID != late.ID || list[2].ID != undated.ID {
			t.Fatalf("plan order %v, want by due date with the undated step last", stepTitles(list))
		}

		// The mentee marks the step done; an editor who started before that
		// cannot overwrite it.
		f.later(time.Hour)
		done := undated
		done.Status = cases.StepDone
		saved, err := s.UpdatePlanStep(ctx, done)
		if err != nil {
			t.Fatal(err)
		}
		if saved.Version != 2 || saved.DoneAt == nil || !saved.DoneAt.Equal(f.now) || saved.Status != cases.StepDone {
			t.Errorf("after marking done: %+v", saved)
		}
		stale := undated
		stale.Title = "Open two bank accounts"
		_, err = s.UpdatePlanStep(ctx, stale)
		if !errs.Is(err, errs.KindConflict) {
			t.Fatalf("stale edit: %v, want conflict", err)
		}
		if got, _ := s.GetPlanStep(ctx, undated.ID); got.Title != "Open a bank account" || got.Status != cases.StepDone || got.Version != 2 {
			t.Errorf("a stale edit changed the step: %+v", got)
		}
		// Opening it again clears done_at.
		saved.Status = cases.StepInProgress
		again, err := s.UpdatePlanStep(ctx, saved)
		if err != nil || again.DoneAt != nil || again.Version != 3 {
			t.Errorf("reopened step %+v (%v), want done_at cleared", again, err)
		}

		// A step is not moved to, nor reached through, another case.
		other := f.intake(t, "P-2")
		moved := again
		moved.CaseID = other.ID
		if _, err := s.UpdatePlanStep(ctx, moved); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("step edited through another case: %v, want not found", err)
		}
		if got, _ := s.GetPlanStep(ctx, undated.ID); got.CaseID != c.ID || got.Version != 3 {
			t.Errorf("step after an edit through another case: %+v", got)
		}
		if steps, _ := s.PlanSteps(ctx, other.ID); len(steps) != 0 {
			t.Errorf("the other case has %d steps", len(steps))
		}
		missing := again
		missing.ID += 1000
		if _, err := s.UpdatePlanStep(ctx, missing); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("edit of a missing step: %v", err)
		}
		if _, err := s.GetPlanStep(ctx, missing.ID); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("get of a missing step: %v", err)
		}
		noVersion := again
		noVersion.Version = 0
		if _, err := s.UpdatePlanStep(ctx, noVersion); errs.As(err).Fields["version"] == "" {
			t.Errorf("edit without a version: %v", err)
		}
		if n := f.audited(t, "plan_step.update", "plan_step", undated.ID); n != 2 {
			t.Errorf("%d plan_step.update entries, want 2 (refused edits leave none)", n)
		}
		if n := f.audited(t, "plan_step.add", "plan_step", late.ID); n != 1 {
			t.Errorf("%d plan_step.add entries", n)
		}

		f.move(t, c.ID, cases.Closed, cases.LostContact, "No answer for months")
		_, err = s.AddPlanStep(ctx, cases.PlanStep{CaseID: c.ID, Title: "Too late", Owner: cases.OwnerMentee})
		refusedFor(t, "step on a closed case", err, "case.refused.closed")
		_, err = s.UpdatePlanStep(ctx, again)
		refusedFor(t, "edit of a step on a closed case", err, "case.refused.closed")
	})
}

func stepTitles(l []cases.PlanStep) []string {
	var out []string
	for _, st := range l {
		out = append(out, st.Title)
	}
	return out
}

// The next contact falls due by the program's cadence: every 3.5 days in
// the first two weeks after the match, every 14 days later. The case
// list's overdue signal follows.
func TestContactsMoveTheNextContactDue(t *testing.T) {
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		const hour = time.Hour
		c := f.active(t, "C-1")
		matched := f.now
		if c.ContactDueAt == nil || !c.ContactDueAt.Equal(matched.Add(84*hour)) {
			t.Fatalf("due after the match %v, want 3.5 days after %v", c.ContactDueAt, matched)
		}
		overdue := func(at time.Time) bool {
			t.Helper()
			items, _, err := s.ListCases(ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{f.prog.ID}}, Signal: cases.SignalOverdue, Now: at}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			return len(items) == 1 && items[0].ID == c.ID
		}
		if overdue(matched.Add(80*hour)) || !overdue(matched.Add(90*hour)) {
			t.Errorf("overdue signal before/after the due time: %v/%v, want false/true", overdue(matched.Add(80*hour)), overdue(matched.Add(90*hour)))
		}

		// A call two days after the match: the next one is due 3.5 days later.
		f.later(3 * 24 * hour)
		call := matched.Add(48 * hour)
		if _, err := s.AddContact(ctx, cases.Contact{CaseID: c.ID, At: call, Channel: cases.Call, Minutes: 40,
			Summary: "Talked about the flat in Vilnius", Needs: []string{"housing"}, RecordedBy: f.mentor.ID}); err != nil {
			t.Fatal(err)
		}
		got := f.get(t, c.ID)
		if got.LastContactAt == nil || !got.LastContactAt.Equal(call) || !got.ContactDueAt.Equal(call.Add(84*hour)) {
			t.Fatalf("after a call: last %v, due %v, want %v and 3.5 days later", got.LastContactAt, got.ContactDueAt, call)
		}
		if overdue(matched.Add(90*hour)) || !overdue(call.Add(85*hour)) {
			t.Error("the overdue signal did not follow the contact")
		}
		// A contact logged late, with an earlier time, moves nothing back.
		if _, err := s.AddContact(ctx, cases.Contact{CaseID: c.ID, At: matched.Add(24 * hour), Channel: cases.Message,
			Summary: "Sent the address of the job centre", RecordedBy: f.mentor.ID}); err != nil {
			t.Fatal(err)
		}
		if again := f.get(t, c.ID); !again.LastContactAt.Equal(call) || !again.ContactDueAt.Equal(*got.ContactDueAt) {
			t.Errorf("an earlier contact moved the last contact to %v", again.LastContactAt)
		}

		// After the first two weeks the cadence thins out to every 14 days.
		f.later(15 * 24 * hour)
		visit := f.now.Add(-hour)
		if _, err := s.AddContact(ctx, cases.Contact{CaseID: c.ID, At: visit, Channel: cases.InPerson, Minutes: 90,
			Summary: "Met at the café; the room is rented", RecordedBy: f.mentor.ID}); err != nil {
			t.Fatal(err)
		}
		if got := f.get(t, c.ID); !got.ContactDueAt.Equal(visit.Add(14 * 24 * hour)) {
			t.Errorf("due after a later contact %v, want 14 days after %v", got.ContactDueAt, visit)
		}
		if overdue(visit.Add(13*24*hour)) || !overdue(visit.Add(15*24*hour)) {
			t.Error("the overdue signal does not follow the later cadence")
		}

		// Bad contacts change nothing.
		_, err := s.AddContact(ctx, cases.Contact{CaseID: c.ID, At: f.now.Add(24 * hour), Channel: "pigeon", Minutes: -1, Needs: []string{"astrology"}})
		if e := errs.As(err); e.Kind != errs.KindInvalid || len(e.Fields) != 4 {
			t.Errorf("bad contact: %v %v, want at, channel, minutes and needs named", err, e.Fields)
		}
		if _, err := s.AddContact(ctx, cases.Contact{CaseID: c.ID + 1000, At: f.now, Channel: cases.Call}); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("contact on a missing case: %v", err)
		}
	})
}

func TestContactsPageNewestFirstAndAuditEachRead(t *testing.T) {
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		c := f.active(t, "C-3")
		f.later(10 * 24 * time.Hour)
		for i := range 5 {
			if _, err := s.AddContact(ctx, cases.Contact{CaseID: c.ID, At: workStart.Add(time.Duration(i+1) * 24 * time.Hour),
				Channel: cases.Video, Minutes: 30, Summary: fmt.Sprintf("Summary %d", i+1), Needs: []string{"housing", "income", "housing"},
				RecordedBy: f.mentor.ID}); err != nil {
				t.Fatal(err)
			}
		}
		var sums []string
		cursor, pages := "", 0
		for {
			items, next, err := s.Contacts(ctx, c.ID, store.Page{Limit: 2, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, it := range items {
				sums = append(sums, it.Summary)
				if it.RecordedByName != "Max Mentor" || fmt.Sprint(it.Needs) != "[housing income]" {
					t.Errorf("contact %+v", it)
				}
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		if pages != 3 || fmt.Sprint(sums) != "[Summary 5 Summary 4 Summary 3 Summary 2 Summary 1]" {
			t.Fatalf("%d pages: %v, want 3 pages newest first", pages, sums)
		}
		if n := f.audited(t, "case.contacts_read", "case", c.ID); n != 3 {
			t.Errorf("%d case.contacts_read entries for 3 pages, want 3", n)
		}
		// A case without contacts opens nothing and logs nothing.
		other := f.intake(t, "C-4")
		if items, next, err := s.Contacts(ctx, other.ID, store.Page{}); err != nil || len(items) != 0 || next != "" {
			t.Errorf("contacts of a case without any: %v %q %v", items, next, err)
		}
		if n := f.audited(t, "case.contacts_read", "case", other.ID); n != 0 {
			t.Errorf("an empty read was audited %d times", n)
		}
		if _, _, err := s.Contacts(ctx, c.ID, store.Page{Cursor: "nonsense"}); !errs.Is(err, errs.KindInvalid) {
			t.Errorf("bad cursor: %v", err)
		}
	})
}

// Contacts are refused on a case nobody has taken in yet, and on a closed one.
func TestContactsRefusedOnReferredAndClosedCases(t *testing.T) {
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		_, ref, err := s.CreateIntake(ctx, store.Intake{Mentee: cases.Mentee{CaseCode: "R-1", FullName: "Ihar Referred"},
			ProgramID: f.prog.ID, State: cases.Referred, ActorID: f.coord.ID})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.AddContact(ctx, cases.Contact{CaseID: ref.ID, At: f.now, Channel: cases.Call})
		refusedFor(t, "contact on a referred case", err, "case.refused.referred")
		f.move(t, ref.ID, cases.Intake, "", "")
		if _, err := s.AddContact(ctx, cases.Contact{CaseID: ref.ID, At: f.now, Channel: cases.Call, Summary: "Intake call"}); err != nil {
			t.Errorf("contact during intake: %v", err)
		}
		if got := f.get(t, ref.ID); got.ContactDueAt != nil {
			t.Errorf("a case in intake has a contact due at %v; the cadence starts with the match", got.ContactDueAt)
		}
		f.move(t, ref.ID, cases.Closed, cases.Withdrawn, "Changed their mind")
		_, err = s.AddContact(ctx, cases.Contact{CaseID: ref.ID, At: f.now, Channel: cases.Call})
		refusedFor(t, "contact on a closed case", err, "case.refused.closed")
		if items, _, _ := s.Contacts(ctx, ref.ID, store.Page{}); len(items) != 1 {
			t.Errorf("%d contacts, want the intake call only", len(items))
		}
	})
}

func TestRequestsMoveTheQuietPeriod(t *testing.T) {
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		const week = 7 * 24 * time.Hour
		c := f.active(t, "Q-1")
		matched := f.now
		if c.QuietAt == nil || !c.QuietAt.Equal(matched.Add(3*week)) {
			t.Fatalf("quiet after the match at %v, want three weeks after %v", c.QuietAt, matched)
		}
		quiet := func(at time.Time) bool {
			t.Helper()
			items, _, err := s.ListCases(ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{f.prog.ID}}, Signal: cases.SignalQuiet, Now: at}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			return len(items) == 1
		}
		f.later(2 * week)
		r1, err := s.AddRequest(ctx, cases.Request{CaseID: c.ID, Domain: "legal_debt", Urgency: cases.Urgent,
			Text: "A bailiff letter about the old fine", RecordedBy: f.mentor.ID})
		if err != nil {
			t.Fatal(err)
		}
		if r1.Status != cases.RequestOpen || r1.Version != 1 || !r1.CreatedAt.Equal(f.now) {
			t.Errorf("new request %+v", r1)
		}
		got := f.get(t, c.ID)
		if !got.QuietAt.Equal(f.now.Add(3*week)) || !got.LastRequestAt.Equal(f.now) {
			t.Errorf("after a request: quiet at %v, last request %v", got.QuietAt, got.LastRequestAt)
		}
		if quiet(matched.Add(3*week+time.Hour)) || !quiet(f.now.Add(3*week+time.Hour)) {
			t.Error("the quiet signal did not follow the request")
		}
		f.later(24 * time.Hour)
		r2, err := s.AddRequest(ctx, cases.Request{CaseID: c.ID, Domain: "employment", Urgency: cases.Normal,
			Text: "Wants a course in welding", RaisedByMentee: true, Status: cases.RequestResolved, Resolution: "Enrolled"})
		if err != nil {
			t.Fatal(err)
		}
		if r2.ResolvedAt == nil {
			t.Error("a request added as resolved has no resolved_at")
		}
		times, err := s.RequestTimes(ctx, c.ID)
		if err != nil || len(times) != 2 || !times[0].Equal(r1.CreatedAt) || !times[1].Equal(r2.CreatedAt) {
			t.Errorf("request times %v (%v), want both, oldest first", times, err)
		}

		// Resolving a request keeps its text, stamps resolved_at and is
		// refused to an editor who started earlier.
		f.later(time.Hour)
		r1.Status, r1.Resolution = cases.RequestResolved, "Paid in instalments"
		up, err := s.UpdateRequest(ctx, r1)
		if err != nil {
			t.Fatal(err)
		}
		if up.Version != 2 || up.ResolvedAt == nil || !up.ResolvedAt.Equal(f.now) || up.Resolution != "Paid in instalments" {
			t.Errorf("resolved request %+v", up)
		}
		r1.Resolution = "stale"
		if _, err := s.UpdateRequest(ctx, r1); !errs.Is(err, errs.KindConflict) {
			t.Errorf("stale request edit: %v", err)
		}
		if _, err := s.UpdateRequest(ctx, cases.Request{ID: r1.ID, Version: 2, Status: "forgotten"}); errs.As(err).Fields["status"] == "" {
			t.Errorf("bad status: %v", err)
		}
		moved := up
		moved.CaseID = f.intake(t, "Q-2").ID
		if _, err := s.UpdateRequest(ctx, moved); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("request edited through another case: %v", err)
		}
		read, err := s.GetRequest(ctx, r1.ID)
		if err != nil || read.Text != "A bailiff letter about the old fine" || read.Resolution != "Paid in instalments" ||
			read.Status != cases.RequestResolved || read.RecordedByName != "Max Mentor" {
			t.Errorf("request read back %+v (%v)", read, err)
		}
		if n := f.audited(t, "request.read", "request", r1.ID); n != 1 {
			t.Errorf("%d request.read entries, want 1", n)
		}
		all, err := s.Requests(ctx, c.ID)
		if err != nil || len(all) != 2 || all[0].ID != r2.ID || all[0].Text != "Wants a course in welding" || !all[0].RaisedByMentee {
			t.Errorf("requests %+v (%v), want both opened, newest first", all, err)
		}
		if n := f.audited(t, "case.requests_read", "case", c.ID); n != 1 {
			t.Errorf("%d case.requests_read entries, want 1", n)
		}
		if _, err := s.AddRequest(ctx, cases.Request{CaseID: c.ID, Domain: "astrology", Urgency: "now"}); len(errs.As(err).Fields) != 3 {
			t.Errorf("bad request: %v %v, want domain, urgency and text named", err, errs.As(err).Fields)
		}
	})
}

func TestNotesByVisibility(t *testing.T) {
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		c := f.active(t, "V-1")
		for _, n := range []cases.Note{
			{CaseID: c.ID, Visibility: cases.VisibleMentor, Body: "Prefers calls in the evening", AuthorID: f.coord.ID},
			{CaseID: c.ID, Visibility: cases.VisibleTeam, Body: "Debt case may need a lawyer", AuthorID: f.coord.ID},
			{CaseID: c.ID, Visibility: cases.VisiblePsychologist, Body: "Nightmares since the arrest", AuthorID: f.psych.ID},
		} {
			f.later(time.Minute)
			if _, err := s.AddNote(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.AddNote(ctx, cases.Note{CaseID: c.ID, Visibility: "everyone", Body: " "}); len(errs.As(err).Fields) != 2 {
			t.Errorf("bad note: %v", err)
		}
		mentor, err := s.Notes(ctx, c.ID, []cases.Visibility{cases.VisibleMentor})
		if err != nil || len(mentor) != 1 || mentor[0].Body != "Prefers calls in the evening" || mentor[0].AuthorName != "Cora Coordinator" {
			t.Errorf("mentor's notes %+v (%v)", mentor, err)
		}
		team, _ := s.Notes(ctx, c.ID, []cases.Visibility{cases.VisibleMentor, cases.VisibleTeam})
		if len(team) != 2 || team[0].Visibility != cases.VisibleTeam {
			t.Errorf("coordinator's notes %+v, want two, newest first", team)
		}
		psych, _ := s.Notes(ctx, c.ID, []cases.Visibility{cases.VisibleMentor, cases.VisibleTeam, cases.VisiblePsychologist})
		if len(psych) != 3 || psych[0].Body != "Nightmares since the arrest" || psych[0].AuthorName != "Pia Psychologist" {
			t.Errorf("psychologist's notes %+v", psych)
		}
		if none, err := s.Notes(ctx, c.ID, nil); err != nil || len(none) != 0 {
			t.Errorf("notes of no visibility: %v %v", none, err)
		}
		if n := f.audited(t, "case.notes_read", "case", c.ID); n != 3 {
			t.Errorf("%d case.notes_read entries, want one per read that opened notes (3)", n)
		}
	})
}
