package store_test

import (
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/store"
)

func TestPlanStepsAndTheirVersion(t *testing.T) {
	t.Parallel()
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
		if got, _ := s.GetPlanStep(ctx, 0, undated.ID); got.Title != "Open a bank account" || got.Status != cases.StepDone || got.Version != 2 {
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
		if got, _ := s.GetPlanStep(ctx, 0, undated.ID); got.CaseID != c.ID || got.Version != 3 {
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
		if _, err := s.GetPlanStep(ctx, 0, missing.ID); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("get of a missing step: %v", err)
		}
		if _, err := s.GetPlanStep(ctx, other.ID, undated.ID); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("a step read through another case: %v", err)
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
