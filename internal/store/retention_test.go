package store_test

import (
	"reflect"
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/report"
	"homeward/internal/store"
)

// closeCompleted takes an active case through its closing to a completed
// closure, which schedules its 6- and 12-month follow-ups.
func (j *journey) closeCompleted(c cases.Case) cases.Case {
	j.t.Helper()
	j.move(c.ID, cases.Closing)
	j.fatal(j.s.RecordAgreement(j.ctx, c.ID, j.coord.ID, false))
	j.fatal(j.s.RecordFinalMeeting(j.ctx, c.ID, j.coord.ID))
	j.fatal(j.s.SaveFeedback(j.ctx, cases.Feedback{CaseID: c.ID, Support: 4, RecordedBy: j.coord.ID}))
	c, err := j.s.Transition(j.ctx, store.TransitionInput{CaseID: c.ID, To: cases.Closed, ClosureReason: cases.Completed, ActorID: j.coord.ID})
	j.fatal(err)
	return c
}

// followUps records the case's follow-ups of the given months.
func (j *journey) followUps(caseID int64, months ...int) {
	j.t.Helper()
	list, err := j.s.FollowUps(j.ctx, caseID)
	j.fatal(err)
	for _, fu := range list {
		for _, m := range months {
			if fu.Months == m {
				fu.WorkKept, fu.Housing, fu.Rearrested, fu.RecordedBy = cases.Yes, cases.Yes, cases.No, j.coord.ID
				_, err := j.s.RecordFollowUp(j.ctx, fu)
				j.fatal(err)
			}
		}
	}
}

// A program that erases 24 months after closing, once follow-ups are
// done: the coordinators see what falls due a month ahead; when it is due,
// the job erases the person of a case whose follow-ups are done, not one on
// hold, not one with a follow-up still open; lifting the hold lets the
// next run erase that one too. The reports count the same throughout.
func TestRetentionErasesWhatIsDueAndNotHeld(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		p := j.prog
		p.RetentionMonths = 5
		if _, err := j.s.UpdateProgram(j.ctx, p); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("a retention of 5 months: %v, want refused", err)
		}
		p.RetentionMonths = 24
		var err error
		j.prog, err = j.s.UpdateProgram(j.ctx, p)
		j.fatal(err)
		if got, _ := j.s.GetProgram(j.ctx, j.prog.ID); got.RetentionMonths != 24 {
			t.Fatalf("the program's retention: %d months, want 24", got.RetentionMonths)
		}

		done := j.closeCompleted(j.active(j.waiting("RT-DONE", "Dana Done"), j.mentor.ID))
		held := j.closeCompleted(j.active(j.waiting("RT-HELD", "Hana Held"), j.mentor.ID))
		open := j.closeCompleted(j.active(j.waiting("RT-OPEN", "Olga Open"), j.mentor.ID))
		running := j.active(j.waiting("RT-RUN", "Rita Running"), j.mentor2.ID)
		closedAt := j.now()

		j.advance(13 * 31 * 24 * time.Hour)
		j.followUps(done.ID, 6, 12)
		j.followUps(held.ID, 6, 12)
		j.followUps(open.ID, 6) // the 12-month follow-up is still open

		if err := j.s.HoldRetention(j.ctx, held.ID, "because", j.coord.ID); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("a hold reason not on the list: %v", err)
		}
		j.fatal(j.s.HoldRetention(j.ctx, held.ID, cases.HoldLegalClaim, j.coord.ID))

		q := report.Query{ProgramIDs: []int64{j.prog.ID}, From: journeyStart.AddDate(0, -1, 0), To: closedAt.AddDate(3, 0, 0)}
		before, err := j.s.OutcomeFacts(j.ctx, q)
		j.fatal(err)

		// Three weeks before the day: listed a month ahead, nothing erased.
		due := cases.RetentionDueOn(closedAt, 24)
		j.clock.Store(due.Add(-21 * 24 * time.Hour).UnixNano())
		list, err := j.s.RetentionDue(j.ctx, store.RetentionFilter{ProgramIDs: []int64{j.prog.ID}}, j.now().AddDate(0, 1, 0), 100)
		j.fatal(err)
		var listed []string
		for _, d := range list {
			listed = append(listed, d.CaseCode)
			if d.CaseID == held.ID && (d.Hold == nil || d.Hold.Reason != cases.HoldLegalClaim || d.Hold.HeldBy != j.coord.ID) {
				t.Errorf("the held case is listed without its hold: %+v", d.Hold)
			}
		}
		if !reflect.DeepEqual(listed, []string{"RT-DONE", "RT-HELD"}) {
			t.Fatalf("due within a month: %v, want RT-DONE and RT-HELD (RT-OPEN has a follow-up open, RT-RUN is running)", listed)
		}
		if other, _ := j.s.RetentionDue(j.ctx, store.RetentionFilter{ProgramIDs: []int64{j.other.ID}}, j.now().AddDate(0, 1, 0), 100); len(other) != 0 {
			t.Errorf("another program's list shows %d cases", len(other))
		}
		if n, err := j.s.EraseDueByRetention(j.ctx); err != nil || n != 0 {
			t.Fatalf("before the day: erased %d (%v), want none", n, err)
		}

		// On the day: the one done and not held is erased, and only it.
		j.clock.Store(due.Add(time.Hour).UnixNano())
		n, err := j.s.EraseDueByRetention(j.ctx)
		if err != nil || n != 1 {
			t.Fatalf("on the day: erased %d (%v), want 1", n, err)
		}
		for _, c := range []struct {
			c    cases.Case
			gone bool
		}{{done, true}, {held, false}, {open, false}, {running, false}} {
			if erased, _ := j.s.MenteeErased(j.ctx, c.c.MenteeID); erased != c.gone {
				t.Errorf("case %s: erased %v, want %v", c.c.Code, erased, c.gone)
			}
		}
		if j.audits("erasure.retention", "case", done.ID) != 1 || j.audits("retention.hold", "case", held.ID) != 1 {
			t.Error("the retention's erasure and the hold are audited on their cases")
		}
		after, err := j.s.OutcomeFacts(j.ctx, q)
		j.fatal(err)
		if !reflect.DeepEqual(before, after) {
			t.Errorf("the report changed with the retention:\nbefore %+v\nafter  %+v", before, after)
		}
		if n, _ := j.s.EraseDueByRetention(j.ctx); n != 0 {
			t.Errorf("a second run erased %d more", n)
		}

		// The hold lifted, the next run erases that person too.
		j.fatal(j.s.LiftRetentionHold(j.ctx, held.ID, j.coord.ID))
		if err := j.s.LiftRetentionHold(j.ctx, held.ID, j.coord.ID); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("lifting a hold that is not there: %v", err)
		}
		if n, err := j.s.EraseDueByRetention(j.ctx); err != nil || n != 1 {
			t.Fatalf("after the hold was lifted: erased %d (%v), want 1", n, err)
		}
		if erased, _ := j.s.MenteeErased(j.ctx, held.MenteeID); !erased || j.audits("retention.lift", "case", held.ID) != 1 {
			t.Errorf("after the lift: erased %v, lift audited %d times", erased, j.audits("retention.lift", "case", held.ID))
		}
		if after, _ := j.s.OutcomeFacts(j.ctx, q); !reflect.DeepEqual(before, after) {
			t.Errorf("the report changed with the second erasure")
		}
	})
}
