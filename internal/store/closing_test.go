package store_test

import (
	"bytes"
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/store"
)

// The closing as the Volnyja process describes it: readiness asked → the
// mentee agrees → the psychologist's final meeting → feedback → closure
// with outcomes → follow-ups at 6 and 12 months.
func TestClosingStepByStep(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		c := f.active(t, "X-1")
		fb := cases.Feedback{CaseID: c.ID, Support: 4, Mentor: 5, Text: "Max helped me find the room", RecordedBy: f.coord.ID}

		// No closing step outside the closing.
		refusedFor(t, "agreement while active", s.RecordAgreement(ctx, c.ID, f.coord.ID, false), "case.refused.not_closing")
		refusedFor(t, "final meeting while active", s.RecordFinalMeeting(ctx, c.ID, f.psych.ID), "case.refused.not_closing")
		refusedFor(t, "feedback while active", s.SaveFeedback(ctx, fb), "case.refused.not_closing")
		if cs, err := s.ClosingOf(ctx, c.ID, 1); err != nil || cs.ReadinessAskedAt != nil || cs.AgreedAt != nil || cs.Period != 1 {
			t.Errorf("closing before it began: %+v %v", cs, err)
		}

		f.later(90 * 24 * time.Hour)
		asked := f.now
		f.move(t, c.ID, cases.Closing, "", "Quiet for three weeks")
		cs, err := s.ClosingOf(ctx, c.ID, 1)
		if err != nil || cs.ReadinessAskedAt == nil || !cs.ReadinessAskedAt.Equal(asked) || cs.ReadinessAskedBy != f.coord.ID {
			t.Fatalf("closing after readiness asked: %+v %v", cs, err)
		}
		complete := func() error {
			_, err := s.Transition(ctx, store.TransitionInput{CaseID: c.ID, To: cases.Closed, ClosureReason: cases.Completed, ActorID: f.coord.ID,
				Outcomes: []cases.Outcome{{Kind: cases.JobFound}, {Kind: cases.OtherOutcome, Note: "Reunited with the family"}}})
			return err
		}
		refusedFor(t, "completion before agreement", complete(), "case.refused.agreement")

		f.later(time.Hour)
		if err := s.RecordAgreement(ctx, c.ID, f.coord.ID, true); err != nil {
			t.Fatal(err)
		}
		refusedFor(t, "completion before the final meeting", complete(), "case.refused.final_meeting")
		if err := s.RecordFinalMeeting(ctx, c.ID, f.psych.ID); err != nil {
			t.Fatal(err)
		}
		refusedFor(t, "completion before feedback", complete(), "case.refused.feedback")
		cs, _ = s.ClosingOf(ctx, c.ID, 1)
		if cs.AgreedAt == nil || !cs.AgreedInPortal || cs.AgreedBy != f.coord.ID || cs.FinalMeetingAt == nil || cs.FinalMeetingBy != f.psych.ID {
			t.Errorf("closing steps recorded %+v", cs)
		}

		// Feedback is checked, then may be replaced until the closure.
		bad := fb
		bad.Plan, bad.Text = 7, ""
		if err := s.SaveFeedback(ctx, bad); errs.As(err).Fields["plan"] != "validation.rating" {
			t.Errorf("rating 7: %v", err)
		}
		if got, err := s.FeedbackOf(ctx, c.ID, 1); err != nil || got != nil {
			t.Fatalf("feedback stored by a refused save: %+v %v", got, err)
		}
		if err := s.SaveFeedback(ctx, fb); err != nil {
			t.Fatal(err)
		}
		fb.Support, fb.Text, fb.InPortal = 5, "Thank you for everything", true
		if err := s.SaveFeedback(ctx, fb); err != nil {
			t.Fatal(err)
		}
		got, err := s.FeedbackOf(ctx, c.ID, 1)
		if err != nil || got == nil || got.Support != 5 || got.Mentor != 5 || got.Text != "Thank you for everything" || !got.InPortal || got.Period != 1 {
			t.Fatalf("feedback after replacing it: %+v %v", got, err)
		}
		if n := f.audited(t, "case.feedback_read", "case", c.ID); n != 1 {
			t.Errorf("%d case.feedback_read entries, want 1", n)
		}

		// Not ready after all: back to active; asking again starts the
		// steps over, the feedback stays.
		f.move(t, c.ID, cases.Active, "", "A new court letter came")
		f.later(24 * time.Hour)
		f.move(t, c.ID, cases.Closing, "", "Asked again")
		if cs, _ := s.ClosingOf(ctx, c.ID, 1); cs.AgreedAt != nil || cs.AgreedInPortal || cs.FinalMeetingAt != nil || !cs.ReadinessAskedAt.Equal(f.now) {
			t.Errorf("a new ask kept the earlier steps: %+v", cs)
		}
		refusedFor(t, "completion after a new ask", complete(), "case.refused.agreement")
		if err := s.RecordAgreement(ctx, c.ID, f.coord.ID, false); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordFinalMeeting(ctx, c.ID, f.psych.ID); err != nil {
			t.Fatal(err)
		}
		f.later(time.Hour)
		closedAt := f.now
		if err := complete(); err != nil {
			t.Fatalf("completion with every step done: %v", err)
		}
		cs, _ = s.ClosingOf(ctx, c.ID, 1)
		if cs.ClosedAt == nil || !cs.ClosedAt.Equal(closedAt) || cs.ClosureReason != cases.Completed {
			t.Errorf("closing after the closure: %+v", cs)
		}
		outs, err := s.Outcomes(ctx, c.ID)
		if err != nil || len(outs) != 2 || outs[0].Kind != cases.JobFound || outs[1].Note != "Reunited with the family" ||
			outs[0].RecordedByName != "Cora Coordinator" || outs[0].Period != 1 {
			t.Errorf("outcomes %+v (%v)", outs, err)
		}

		// The closure is final for the closing steps.
		fb.Text = "changed my mind"
		refusedFor(t, "feedback after the closure", s.SaveFeedback(ctx, fb), "case.refused.not_closing")
		refusedFor(t, "agreement after the closure", s.RecordAgreement(ctx, c.ID, f.coord.ID, false), "case.refused.not_closing")
		if got, _ := s.FeedbackOf(ctx, c.ID, 1); got.Text != "Thank you for everything" {
			t.Errorf("feedback changed after the closure: %q", got.Text)
		}

		// Follow-ups at 6 and 12 months after the closure.
		fus, err := s.FollowUps(ctx, c.ID)
		if err != nil || len(fus) != 2 {
			t.Fatalf("follow-ups %+v (%v), want 2", fus, err)
		}
		for i, m := range []int{6, 12} {
			if fus[i].Months != m || !fus[i].DueOn.Equal(cases.FollowUpDue(closedAt, m)) || fus[i].DoneAt != nil || fus[i].Version != 1 || fus[i].Period != 1 {
				t.Errorf("follow-up %d: %+v, want due %v", i, fus[i], cases.FollowUpDue(closedAt, m))
			}
		}
		if n := f.audited(t, "case.follow_ups_read", "case", c.ID); n != 0 {
			t.Errorf("a read that opened no note was audited %d times", n)
		}

		// Half a year later the coordinator records the first one.
		f.later(183 * 24 * time.Hour)
		first := fus[0]
		first.WorkKept, first.Housing, first.Rearrested, first.Note = cases.Yes, cases.Yes, "maybe", ""
		if _, err := s.RecordFollowUp(ctx, first); errs.As(err).Fields["rearrested"] != "validation.choice" {
			t.Errorf("bad answer: %v", err)
		}
		first.Rearrested, first.Note, first.RecordedBy = cases.No, "Still at the welding shop", f.coord.ID
		done, err := s.RecordFollowUp(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		if done.DoneAt == nil || !done.DoneAt.Equal(f.now) || done.Version != 2 || done.Note != "Still at the welding shop" {
			t.Errorf("recorded follow-up %+v", done)
		}
		first.Note = "stale"
		if _, err := s.RecordFollowUp(ctx, first); !errs.Is(err, errs.KindConflict) {
			t.Errorf("stale follow-up: %v, want conflict", err)
		}
		moved := done
		moved.CaseID = f.intake(t, "X-2").ID
		if _, err := s.RecordFollowUp(ctx, moved); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("follow-up recorded through another case: %v", err)
		}
		fus, _ = s.FollowUps(ctx, c.ID)
		if fus[0].Note != "Still at the welding shop" || fus[0].WorkKept != cases.Yes || fus[0].RecordedBy != f.coord.ID || fus[1].DoneAt != nil {
			t.Errorf("follow-ups after recording the first %+v", fus)
		}
		if n := f.audited(t, "case.follow_ups_read", "case", c.ID); n != 1 {
			t.Errorf("%d case.follow_ups_read entries, want 1", n)
		}
		if n := f.audited(t, "follow_up.record", "follow_up", first.ID); n != 1 {
			t.Errorf("%d follow_up.record entries, want 1", n)
		}
		if _, err := s.VerifyAudit(ctx); err != nil {
			t.Errorf("audit chain: %v", err)
		}
	})
}

// Only a completed closure schedules follow-ups; a reopened case starts a
// new period whose closing and needs are its own.
func TestFollowUpsOnlyAfterACompletedClosure(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		c := f.active(t, "W-1")
		f.later(30 * 24 * time.Hour)
		if _, err := s.AddRequest(ctx, cases.Request{CaseID: c.ID, Domain: "housing", Urgency: cases.Normal, Text: "A room", RecordedBy: f.mentor.ID}); err != nil {
			t.Fatal(err)
		}
		f.move(t, c.ID, cases.Closed, cases.Withdrawn, "Moved to another country")
		if fus, err := s.FollowUps(ctx, c.ID); err != nil || len(fus) != 0 {
			t.Errorf("a withdrawn case has follow-ups %+v (%v)", fus, err)
		}
		if cs, _ := s.ClosingOf(ctx, c.ID, 1); cs.ClosedAt == nil || cs.ClosureReason != cases.Withdrawn || cs.ReadinessAskedAt != nil {
			t.Errorf("closing of a withdrawn case %+v", cs)
		}
		o, err := s.AddOutcome(ctx, cases.Outcome{CaseID: c.ID, Kind: cases.DebtCaseClosed, RecordedBy: f.coord.ID})
		if err != nil || o.Period != 1 || o.ID == 0 || o.RecordedByName != "Cora Coordinator" {
			t.Errorf("outcome learnt after the closure %+v (%v)", o, err)
		}
		if _, err := s.AddOutcome(ctx, cases.Outcome{CaseID: c.ID, Kind: cases.OtherOutcome}); errs.As(err).Fields["note"] != "validation.required" {
			t.Errorf("other outcome without a note: %v", err)
		}
		if _, err := s.AddOutcome(ctx, cases.Outcome{CaseID: c.ID + 1000, Kind: cases.JobFound}); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("outcome on a missing case: %v", err)
		}

		// Reopened: period 2. Its needs are assessed again even where
		// nothing changed, so that the new period counts as assessed.
		f.later(24 * time.Hour)
		re := f.move(t, c.ID, cases.Intake, "", "Came back")
		if re.Period != 2 {
			t.Fatalf("reopened case in period %d", re.Period)
		}
		if err := s.AssessNeeds(ctx, c.ID, []cases.Assessment{{Domain: "housing", Severity: cases.High, Status: cases.NotStarted}}, f.coord.ID); err != nil {
			t.Fatal(err)
		}
		needs, _ := s.CurrentNeeds(ctx, c.ID)
		if len(needs) != 1 || needs[0].Changed() || needs[0].Previous == nil || !needs[0].AssessedAt.Equal(f.now) {
			t.Errorf("needs of the new period %+v: want a new, unchanged assessment", needs)
		}
		if _, err := s.Transition(ctx, store.TransitionInput{CaseID: c.ID, To: cases.Waiting, ActorID: f.coord.ID}); err != nil {
			t.Errorf("a reopened case with its needs assessed again cannot wait for a mentor: %v", err)
		}
		if times, err := s.RequestTimes(ctx, c.ID); err != nil || len(times) != 0 {
			t.Errorf("request times of the new period %v (%v), want none: the requests of period 1 stay behind", times, err)
		}
		if _, err := s.AddRequest(ctx, cases.Request{CaseID: c.ID, Domain: "income", Urgency: cases.Normal, Text: "Benefits", RecordedBy: f.coord.ID}); err != nil {
			t.Fatal(err)
		}
		if times, _ := s.RequestTimes(ctx, c.ID); len(times) != 1 || !times[0].Equal(f.now) {
			t.Errorf("request times of the new period %v, want the new request only", times)
		}
		if all, _ := s.Requests(ctx, c.ID); len(all) != 2 {
			t.Errorf("%d requests over both periods, want 2", len(all))
		}
		if o, err := s.AddOutcome(ctx, cases.Outcome{CaseID: c.ID, Kind: cases.HousingSecured, RecordedBy: f.coord.ID}); err != nil || o.Period != 2 {
			t.Errorf("outcome of the new period %+v (%v)", o, err)
		}

		// A completed closure of another case; its follow-ups cannot be
		// recorded while the case is open again.
		d := f.active(t, "W-2")
		f.move(t, d.ID, cases.Closing, "", "")
		for _, err := range []error{
			s.RecordAgreement(ctx, d.ID, f.coord.ID, false),
			s.RecordFinalMeeting(ctx, d.ID, f.psych.ID),
			s.SaveFeedback(ctx, cases.Feedback{CaseID: d.ID, Declined: true, Support: 3, RecordedBy: f.coord.ID}),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got, err := s.FeedbackOf(ctx, d.ID, 1); err != nil || got == nil || !got.Declined || got.Support != 0 {
			t.Errorf("declined feedback %+v (%v)", got, err)
		}
		if n := f.audited(t, "case.feedback_read", "case", d.ID); n != 0 {
			t.Errorf("declined feedback opened nothing but was audited %d times", n)
		}
		f.move(t, d.ID, cases.Closed, cases.Completed, "")
		fus, _ := s.FollowUps(ctx, d.ID)
		if len(fus) != 2 {
			t.Fatalf("%d follow-ups of a completed case", len(fus))
		}
		f.move(t, d.ID, cases.Intake, "", "Came back")
		fu := fus[0]
		fu.WorkKept, fu.Housing, fu.Rearrested = cases.Unknown, cases.Unknown, cases.Unknown
		_, err = s.RecordFollowUp(ctx, fu)
		refusedFor(t, "follow-up of a reopened case", err, "case.refused.not_closed")
		if cs, _ := s.ClosingOf(ctx, d.ID, 2); cs.ReadinessAskedAt != nil || cs.ClosedAt != nil {
			t.Errorf("the new period inherited the closing %+v", cs)
		}
		if got, _ := s.FeedbackOf(ctx, d.ID, 2); got != nil {
			t.Errorf("the new period inherited the feedback %+v", got)
		}
	})
}

// Contact summaries, request text and resolution, notes, feedback text,
// follow-up notes and outcome notes leave no plaintext in the database
// bytes, and each read of them is audited. The case code, readable by
// design, shows the test looks in the right place.
func TestSealedCaseTextLeavesNoPlaintext(t *testing.T) {
	t.Parallel()
	secrets := []string{
		"SUMMARY-Talked about the search in Hrodna",
		"REQUEST-Needs a lawyer for the appeal",
		"RESOLUTION-Lawyer Marina takes the case",
		"NOTE-Panic attacks since the search",
		"FEEDBACK-The mentor saved my year",
		"FOLLOWUP-Works nights at the bakery",
		"OUTCOME-Found work at the bakery",
	}
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		c := f.active(t, "S-1")
		f.later(24 * time.Hour)
		if _, err := s.AddContact(ctx, cases.Contact{CaseID: c.ID, At: f.now, Channel: cases.Call, Summary: secrets[0], RecordedBy: f.mentor.ID}); err != nil {
			t.Fatal(err)
		}
		r, err := s.AddRequest(ctx, cases.Request{CaseID: c.ID, Domain: "legal_debt", Urgency: cases.Soon, Text: secrets[1], RecordedBy: f.mentor.ID})
		if err != nil {
			t.Fatal(err)
		}
		r.Status, r.Resolution = cases.RequestResolved, secrets[2]
		if _, err := s.UpdateRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddNote(ctx, cases.Note{CaseID: c.ID, Visibility: cases.VisiblePsychologist, Body: secrets[3], AuthorID: f.psych.ID}); err != nil {
			t.Fatal(err)
		}
		f.move(t, c.ID, cases.Closing, "", "")
		for _, err := range []error{
			s.RecordAgreement(ctx, c.ID, f.coord.ID, false),
			s.RecordFinalMeeting(ctx, c.ID, f.psych.ID),
			s.SaveFeedback(ctx, cases.Feedback{CaseID: c.ID, Support: 5, Text: secrets[4], RecordedBy: f.coord.ID}),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Transition(ctx, store.TransitionInput{CaseID: c.ID, To: cases.Closed, ClosureReason: cases.Completed,
			ActorID: f.coord.ID, Outcomes: []cases.Outcome{{Kind: cases.OtherOutcome, Note: secrets[6]}}}); err != nil {
			t.Fatal(err)
		}
		fus, _ := s.FollowUps(ctx, c.ID)
		fu := fus[0]
		fu.WorkKept, fu.Housing, fu.Rearrested, fu.Note = cases.Yes, cases.Yes, cases.No, secrets[5]
		if _, err := s.RecordFollowUp(ctx, fu); err != nil {
			t.Fatal(err)
		}

		// Every secret reads back through its audited call.
		contacts, _, err := s.Contacts(ctx, c.ID, store.Page{})
		if err != nil || len(contacts) != 1 || contacts[0].Summary != secrets[0] {
			t.Fatalf("contacts %+v %v", contacts, err)
		}
		if got, err := s.GetRequest(ctx, r.ID); err != nil || got.Text != secrets[1] || got.Resolution != secrets[2] {
			t.Fatalf("request %+v %v", got, err)
		}
		if reqs, err := s.Requests(ctx, c.ID); err != nil || len(reqs) != 1 || reqs[0].Resolution != secrets[2] {
			t.Fatalf("requests %+v %v", reqs, err)
		}
		if notes, err := s.Notes(ctx, c.ID, []cases.Visibility{cases.VisiblePsychologist}); err != nil || len(notes) != 1 || notes[0].Body != secrets[3] {
			t.Fatalf("notes %+v %v", notes, err)
		}
		if fb, err := s.FeedbackOf(ctx, c.ID, 1); err != nil || fb.Text != secrets[4] {
			t.Fatalf("feedback %+v %v", fb, err)
		}
		if fus, err := s.FollowUps(ctx, c.ID); err != nil || fus[0].Note != secrets[5] {
			t.Fatalf("follow-ups %+v %v", fus, err)
		}
		if outs, err := s.Outcomes(ctx, c.ID); err != nil || len(outs) != 1 || outs[0].Note != secrets[6] {
			t.Fatalf("outcomes %+v %v", outs, err)
		}
		for _, a := range []struct {
			action, object string
			id             int64
		}{
			{"case.contacts_read", "case", c.ID}, {"request.read", "request", r.ID}, {"case.requests_read", "case", c.ID},
			{"case.notes_read", "case", c.ID}, {"case.feedback_read", "case", c.ID}, {"case.follow_ups_read", "case", c.ID},
			{"case.outcomes_read", "case", c.ID},
		} {
			if n := f.audited(t, a.action, a.object, a.id); n != 1 {
				t.Errorf("%d %s entries, want 1", n, a.action)
			}
		}

		// The bytes of the database.
		dump := databaseBytes(t, s, opts)
		if !bytes.Contains(dump, []byte(c.Code)) {
			t.Fatal("the bytes do not hold the readable case code: the test looks in the wrong place")
		}
		for _, sec := range secrets {
			if bytes.Contains(dump, []byte(sec[:12])) {
				t.Errorf("the database holds %q in clear", sec)
			}
		}
	})
}
