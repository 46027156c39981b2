package store_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// refused asserts that a transition is refused with the message key and
// leaves the case as it was.
func (j *journey) refused(tr store.TransitionInput, key string) {
	j.t.Helper()
	before, err := j.s.GetCase(j.ctx, tr.CaseID)
	j.fatal(err)
	if tr.ActorID == 0 {
		tr.ActorID = j.coord.ID
	}
	_, err = j.s.Transition(j.ctx, tr)
	e := errs.As(err)
	if err == nil || e.Kind != errs.KindConflict || e.Fields["state"] != key {
		j.t.Errorf("%s → %s: %v (fields %v), want refused with %s", before.State, tr.To, err, e.Fields, key)
	}
	after, err := j.s.GetCase(j.ctx, tr.CaseID)
	j.fatal(err)
	if after.State != before.State || after.Version != before.Version {
		j.t.Errorf("the refused move %s → %s changed the case", before.State, tr.To)
	}
}

func to(c cases.Case, s cases.State) store.TransitionInput {
	return store.TransitionInput{CaseID: c.ID, To: s}
}

// Every rule of the journey: refused with what must happen first, allowed
// once its facts hold.
func TestTransitionRules(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		m, c := j.intake(j.prog.ID, person("HW-0001", "Alesia Kavalenka", 1990), cases.Referred)
		j.refused(to(c, cases.Waiting), "case.refused.order")
		j.refused(to(c, cases.Matched), "case.refused.match")
		c = j.move(c.ID, cases.Intake)

		j.refused(to(c, cases.Waiting), "case.refused.consent")
		j.consent(m.ID, true)
		j.refused(to(c, cases.Waiting), "case.refused.needs")
		j.assess(c.ID, "housing", cases.Critical, cases.NotStarted)
		j.consent(m.ID, false) // the newest record of a kind is in force
		j.refused(to(c, cases.Waiting), "case.refused.consent")
		j.consent(m.ID, true)
		c = j.move(c.ID, cases.Waiting)

		j.refused(to(c, cases.Matched), "case.refused.match")
		j.refused(to(c, cases.Active), "case.refused.order")
		c, err := j.s.Match(j.ctx, c.ID, j.mentor.ID, j.coord.ID)
		j.fatal(err)
		j.refused(to(c, cases.Active), "case.refused.plan")
		j.refused(to(c, cases.Waiting), "case.refused.end_match")
		j.step(c.ID)
		c = j.move(c.ID, cases.Active)

		j.refused(to(c, cases.Waiting), "case.refused.end_match")
		j.refused(store.TransitionInput{CaseID: c.ID, To: cases.Closed, ClosureReason: cases.Completed}, "case.refused.ask_readiness")
		c = j.move(c.ID, cases.Closing)
		steps, err := j.s.ClosingOf(j.ctx, c.ID, 1)
		j.fatal(err)
		if steps.ReadinessAskedAt == nil || steps.ReadinessAskedBy != j.coord.ID {
			t.Errorf("closing steps %+v, want readiness asked by the coordinator", steps)
		}
		complete := store.TransitionInput{CaseID: c.ID, To: cases.Closed, ClosureReason: cases.Completed}
		j.refused(complete, "case.refused.agreement")
		j.fatal(j.s.RecordAgreement(j.ctx, c.ID, j.coord.ID, false))
		j.refused(complete, "case.refused.final_meeting")
		j.fatal(j.s.RecordFinalMeeting(j.ctx, c.ID, j.psych.ID))
		j.refused(complete, "case.refused.feedback")
		j.fatal(j.s.SaveFeedback(j.ctx, cases.Feedback{CaseID: c.ID, Declined: true, RecordedBy: j.coord.ID}))

		// Not ready after all, and back: the closing starts over.
		c = j.move(c.ID, cases.Active)
		c = j.move(c.ID, cases.Closing)
		j.refused(complete, "case.refused.agreement")
		j.fatal(j.s.RecordAgreement(j.ctx, c.ID, j.coord.ID, false))
		j.fatal(j.s.RecordFinalMeeting(j.ctx, c.ID, j.psych.ID))

		_, err = j.s.Transition(j.ctx, store.TransitionInput{CaseID: c.ID, To: cases.Closed, ActorID: j.coord.ID})
		wantField(t, "closure without a reason", err, errs.KindInvalid, "closure_reason", "validation.required")
		_, err = j.s.Transition(j.ctx, store.TransitionInput{CaseID: c.ID, To: cases.Active, ActorID: j.coord.ID,
			Outcomes: []cases.Outcome{{Kind: cases.JobFound}}})
		wantField(t, "outcomes without a closure", err, errs.KindInvalid, "outcomes", "validation.outcomes_with_closure")
		_, err = j.s.Transition(j.ctx, store.TransitionInput{CaseID: c.ID, To: cases.Closed, ClosureReason: cases.Completed,
			ActorID: j.coord.ID, Outcomes: []cases.Outcome{{Kind: cases.JobFound}, {Kind: cases.OtherOutcome}}})
		wantField(t, "an invalid outcome", err, errs.KindInvalid, "note", "validation.required")
		if got, _ := j.s.GetCase(j.ctx, c.ID); got.State != cases.Closing {
			t.Fatalf("a closure refused for its outcome left the case %s", got.State)
		}
		if list, _ := j.s.Outcomes(j.ctx, c.ID); len(list) != 0 {
			t.Errorf("%d outcomes kept from a refused closure", len(list))
		}

		j.advance(time.Hour)
		c, err = j.s.Transition(j.ctx, store.TransitionInput{CaseID: c.ID, To: cases.Closed, ClosureReason: cases.Completed,
			Reason: "Plan done", ActorID: j.coord.ID, Outcomes: []cases.Outcome{{Kind: cases.JobFound}, {Kind: cases.HousingSecured}}})
		j.fatal(err)
		if c.State != cases.Closed || c.ClosureReason != cases.Completed || c.MentorID != 0 || c.ContactDueAt != nil || !c.StateSince.Equal(j.now()) {
			t.Errorf("closed case %+v", c)
		}
		matches, err := j.s.CaseMatches(j.ctx, c.ID)
		j.fatal(err)
		if len(matches) != 1 || matches[0].EndedAt == nil || !matches[0].EndedAt.Equal(j.now()) || matches[0].MentorName != "Mira Mentor" {
			t.Errorf("matches %+v, want the match ended at the closure", matches)
		}
		if list, _ := j.s.Outcomes(j.ctx, c.ID); len(list) != 2 || list[0].Kind != cases.JobFound || list[0].Period != 1 {
			t.Errorf("outcomes %+v", list)
		}
		if fu, _ := j.s.FollowUps(j.ctx, c.ID); len(fu) != 2 || fu[0].Months != 6 || fu[1].Months != 12 {
			t.Errorf("follow-ups %+v, want 6 and 12 months", fu)
		}
		mentors, err := j.s.ProgramMentors(j.ctx, j.prog.ID)
		j.fatal(err)
		for _, mc := range mentors {
			if mc.User.ID == j.mentor.ID && mc.Load != 0 {
				t.Errorf("the mentor's load is %d after the closure, want 0 (capacity freed)", mc.Load)
			}
		}
		j.refused(to(c, cases.Active), "case.refused.closed")
		j.refused(store.TransitionInput{CaseID: c.ID, To: cases.Closed, ClosureReason: cases.Withdrawn, Reason: "again"}, "case.refused.closed")

		// Reopen: a new period on the same case, history kept.
		j.advance(24 * time.Hour)
		c = j.move(c.ID, cases.Intake)
		if c.Period != 2 || !c.OpenedAt.Equal(j.now()) || c.ClosureReason != "" || c.MentorID != 0 || c.ActiveSince != nil || c.LastContactAt != nil {
			t.Errorf("reopened case %+v, want period 2 opened now with nothing of the last period", c)
		}
		j.refused(to(c, cases.Waiting), "case.refused.needs") // the new period has its own assessment
		j.assess(c.ID, "housing", cases.Critical, cases.NotStarted)
		c = j.move(c.ID, cases.Waiting)
		_, err = j.s.Match(j.ctx, c.ID, j.mentor2.ID, j.coord.ID)
		j.fatal(err)
		j.refused(to(c, cases.Active), "case.refused.plan") // the first period's steps do not count
		tr, err := j.s.CaseTransitions(j.ctx, c.ID)
		j.fatal(err)
		var path []string
		for _, x := range tr {
			path = append(path, fmt.Sprintf("%d:%s>%s", x.Period, x.From, x.To))
		}
		want := "1:>referred 1:referred>intake 1:intake>waiting 1:waiting>matched 1:matched>active 1:active>closing " +
			"1:closing>active 1:active>closing 1:closing>closed 2:closed>intake 2:intake>waiting 2:waiting>matched"
		if strings.Join(path, " ") != want {
			t.Errorf("transitions\n%s\nwant\n%s", strings.Join(path, " "), want)
		}
		if tr[8].ClosureReason != cases.Completed || tr[8].Reason != "Plan done" || tr[8].ActorName != "Cora Coordinator" {
			t.Errorf("the closure's transition %+v", tr[8])
		}
		if matches, _ := j.s.CaseMatches(j.ctx, c.ID); len(matches) != 2 || matches[1].Period != 2 || matches[1].EndedAt != nil {
			t.Errorf("matches after reopening %+v, want the old one kept and a new one running", matches)
		}
		if n := j.audits("case.transition", "case", c.ID); n != 9 {
			t.Errorf("%d transitions audited, want 9", n)
		}

		// Withdrawn, transferred, lost contact: from any open state, with a reason.
		_, c2 := j.intake(j.prog.ID, person("HW-0002", "Ivan Piatrou", 1980), cases.Referred)
		_, err = j.s.Transition(j.ctx, store.TransitionInput{CaseID: c2.ID, To: cases.Closed, ClosureReason: cases.Withdrawn, ActorID: j.coord.ID})
		wantField(t, "withdrawal without a reason", err, errs.KindInvalid, "reason", "case.refused.reason_required")
		c2, err = j.s.Transition(j.ctx, store.TransitionInput{CaseID: c2.ID, To: cases.Closed, ClosureReason: cases.Withdrawn, Reason: "Moved abroad", ActorID: j.coord.ID})
		j.fatal(err)
		if c2.ClosureReason != cases.Withdrawn {
			t.Errorf("closure reason %q", c2.ClosureReason)
		}
		if fu, _ := j.s.FollowUps(j.ctx, c2.ID); len(fu) != 0 {
			t.Errorf("%d follow-ups of a withdrawn case, want none", len(fu))
		}
		if _, err := j.s.Transition(j.ctx, store.TransitionInput{CaseID: c2.ID + 100, To: cases.Intake}); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("transition of a missing case: %v", err)
		}
	})
}

func TestMatchAndCapacity(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts) // mentor capacity 2
		_, referred := j.intake(j.prog.ID, person("HW-0009", "Jan Referred", 1990), "")
		_, err := j.s.Match(j.ctx, referred.ID, j.mentor.ID, j.coord.ID)
		wantField(t, "match of a referred case", err, errs.KindConflict, "state", "case.refused.match_state")

		a, b, c := j.waiting("HW-0001", "Alesia Kavalenka"), j.waiting("HW-0002", "Ivan Piatrou"), j.waiting("HW-0003", "Olga Novik")
		for _, bad := range []struct {
			what string
			id   int64
		}{{"a mentor of another program", j.oMentor.ID}, {"a psychologist", j.psych.ID}, {"a coordinator", j.coord.ID}, {"nobody", j.coord.ID + 1000}} {
			_, err := j.s.Match(j.ctx, a.ID, bad.id, j.coord.ID)
			wantField(t, bad.what, err, errs.KindInvalid, "mentor_id", "validation.mentor_not_in_program")
		}
		gone := mustUser(t, j.s, auth.User{Email: "gone@example.org", Role: auth.Mentor, Programs: []int64{j.prog.ID}}, auth.StatusDisabled)
		_, err = j.s.Match(j.ctx, a.ID, gone.ID, j.coord.ID)
		wantField(t, "a disabled mentor", err, errs.KindInvalid, "mentor_id", "validation.mentor_not_in_program")

		j.advance(time.Hour)
		a, err = j.s.Match(j.ctx, a.ID, j.mentor.ID, j.coord.ID)
		j.fatal(err)
		if a.State != cases.Matched || a.MentorID != j.mentor.ID || a.MentorName != "Mira Mentor" || a.ActiveSince == nil ||
			!a.ActiveSince.Equal(j.now()) || a.ContactDueAt == nil || !a.ContactDueAt.After(j.now()) {
			t.Errorf("matched case %+v, want the mentor, active since now and a contact due", a)
		}
		_, err = j.s.Match(j.ctx, a.ID, j.mentor2.ID, j.coord.ID)
		wantField(t, "second match", err, errs.KindConflict, "state", "case.refused.match_state")
		_, err = j.s.Match(j.ctx, b.ID, j.mentor.ID, j.coord.ID)
		j.fatal(err)
		_, err = j.s.Match(j.ctx, c.ID, j.mentor.ID, j.coord.ID)
		wantField(t, "a full mentor", err, errs.KindConflict, "mentor_id", "case.refused.capacity")
		if e := errs.As(err); e.Message != "This mentor already supports as many mentees as they can." {
			t.Errorf("message %q", e.Message)
		}
		mentors, err := j.s.ProgramMentors(j.ctx, j.prog.ID)
		j.fatal(err)
		var loads []string
		for _, mc := range mentors {
			loads = append(loads, fmt.Sprintf("%s:%d/%d", mc.User.Email, mc.Load, mc.Capacity))
		}
		if strings.Join(loads, " ") != "max@example.org:0/2 mira@example.org:2/2" {
			t.Errorf("mentors %v, want by name with their load", loads)
		}

		_, err = j.s.EndMatch(j.ctx, a.ID, " ", j.coord.ID)
		wantField(t, "end without a reason", err, errs.KindInvalid, "reason", "validation.required")
		_, err = j.s.EndMatch(j.ctx, c.ID, "No match to end", j.coord.ID)
		wantField(t, "end of a waiting case", err, errs.KindConflict, "state", "case.refused.end_match_state")
		j.advance(time.Hour)
		a, err = j.s.EndMatch(j.ctx, a.ID, "Mentor moved away", j.coord.ID)
		j.fatal(err)
		if a.State != cases.Waiting || a.MentorID != 0 || a.ActiveSince != nil || a.ContactDueAt != nil {
			t.Errorf("after the end %+v, want waiting without mentor or signals", a)
		}
		// The place freed: the third case can have the mentor now.
		if _, err = j.s.Match(j.ctx, c.ID, j.mentor.ID, j.coord.ID); err != nil {
			t.Errorf("match after a place freed: %v", err)
		}
		ms, err := j.s.CaseMatches(j.ctx, a.ID)
		j.fatal(err)
		if len(ms) != 1 || ms[0].EndReason != "Mentor moved away" || ms[0].EndedAt == nil || ms[0].AssignedBy != j.coord.ID || ms[0].Period != 1 {
			t.Errorf("matches %+v", ms)
		}
		tr, _ := j.s.CaseTransitions(j.ctx, a.ID)
		if last := tr[len(tr)-1]; last.From != cases.Matched || last.To != cases.Waiting || last.Reason != "Mentor moved away" {
			t.Errorf("last transition %+v", last)
		}
		if j.audits("case.match", "case", a.ID) != 1 || j.audits("case.match_end", "case", a.ID) != 1 {
			t.Error("match and its end must be audited")
		}
		if _, err := j.s.ProgramMentors(j.ctx, j.prog.ID+100); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("mentors of a missing program: %v", err)
		}
	})
}

// Two coordinators give the last place of a mentor to two cases at the
// same moment: exactly one succeeds.
func TestConcurrentMatchesRespectCapacityOnPostgres(t *testing.T) {
	t.Parallel()
	j := newJourney(t, store.Options{DatabaseURL: testdb.Postgres(t)})
	for round := range 5 {
		mentor := mustUser(t, j.s, auth.User{Email: fmt.Sprintf("m%d@example.org", round), Role: auth.Mentor, Programs: []int64{j.other.ID}}, auth.StatusActive)
		var ids [2]int64
		for i := range ids {
			m, c := j.intake(j.other.ID, person(fmt.Sprintf("R%d-%d", round, i), "Person Concurrent", 1990), cases.Intake)
			j.consent(m.ID, true)
			j.assess(c.ID, "housing", cases.High, cases.NotStarted)
			ids[i] = j.move(c.ID, cases.Waiting).ID
		}
		start := make(chan struct{})
		errc := make(chan error, 2)
		var wg sync.WaitGroup
		for _, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := j.s.Match(j.ctx, id, mentor.ID, j.coord.ID)
				errc <- err
			}()
		}
		close(start)
		wg.Wait()
		close(errc)
		ok, full := 0, 0
		for err := range errc {
			switch {
			case err == nil:
				ok++
			case errs.As(err).Fields["mentor_id"] == "case.refused.capacity":
				full++
			default:
				t.Errorf("round %d: %v", round, err)
			}
		}
		if ok != 1 || full != 1 {
			t.Fatalf("round %d: %d matches and %d refusals, want exactly one of each", round, ok, full)
		}
	}
}

func TestAssignPsychologist(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		_, c := j.intake(j.prog.ID, person("HW-0001", "Alesia Kavalenka", 1990), "")
		got, err := j.s.AssignPsychologist(j.ctx, c.ID, j.psych.ID, j.coord.ID)
		j.fatal(err)
		if got.PsychologistID != j.psych.ID || got.PsychologistName != "Pavel Psychologist" || got.Version != c.Version+1 {
			t.Errorf("assigned %+v", got)
		}
		otherPsych := mustUser(t, j.s, auth.User{Email: "psy2@example.org", Role: auth.Psychologist, Programs: []int64{j.other.ID}}, auth.StatusActive)
		for _, id := range []int64{j.mentor.ID, otherPsych.ID} {
			_, err := j.s.AssignPsychologist(j.ctx, c.ID, id, j.coord.ID)
			wantField(t, "not a psychologist of the program", err, errs.KindInvalid, "psychologist_id", "validation.psychologist_not_in_program")
		}
		if got, _ := j.s.GetCase(j.ctx, c.ID); got.PsychologistID != j.psych.ID {
			t.Error("a refused assignment changed the case")
		}
		got, err = j.s.AssignPsychologist(j.ctx, c.ID, 0, j.coord.ID)
		j.fatal(err)
		if got.PsychologistID != 0 || got.PsychologistName != "" {
			t.Errorf("after removal %+v", got)
		}
		if j.audits("case.psychologist", "case", c.ID) != 2 {
			t.Error("assignments are not audited")
		}
		staff, err := j.s.ProgramStaff(j.ctx, j.prog.ID, auth.Psychologist)
		j.fatal(err)
		if len(staff) != 1 || staff[0].ID != j.psych.ID || !slices.Equal(staff[0].Programs, []int64{j.prog.ID}) {
			t.Errorf("psychologists %+v", staff)
		}
		if _, err := j.s.AssignPsychologist(j.ctx, c.ID+100, j.psych.ID, j.coord.ID); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("assignment on a missing case: %v", err)
		}
	})
}

func TestCustody(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts) // j.other has a custody phase, j.prog none
		_, plain := j.intake(j.prog.ID, person("HW-0001", "Alesia Kavalenka", 1990), "")
		err := j.s.SaveCustody(j.ctx, plain.ID, cases.Custody{Phase: cases.InCustody, FacilityDetail: "Colony 4"}, j.coord.ID)
		wantField(t, "custody in a program without one", err, errs.KindInvalid, "phase", "validation.custody_disabled")

		_, c := j.intake(j.other.ID, person("OT-0001", "Ivan Piatrou", 1980), "")
		release := time.Date(2026, 9, 14, 15, 30, 0, 0, time.UTC)
		in := cases.Custody{Phase: cases.InCustody, FacilityDetail: " Colony 4, Homiel ", ExpectedRelease: &release,
			ReleasePlan: cases.ReleasePlan{Pickup: "Uncle Mikalai", FirstNight: "Shelter on Main Street", FirstAppointments: "Doctor on day 2"}}
		j.fatal(j.s.SaveCustody(j.ctx, c.ID, in, j.coord.ID))
		got, err := j.s.CaseCustody(j.ctx, c.ID)
		j.fatal(err)
		if got.FacilityDetail != "Colony 4, Homiel" || got.Phase != cases.InCustody || got.ReleasePlan != in.ReleasePlan ||
			got.ExpectedRelease == nil || !got.ExpectedRelease.Equal(time.Date(2026, 9, 14, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("custody read back %+v", got)
		}
		if j.audits("case.custody_read", "case", c.ID) != 1 || j.audits("case.custody_write", "case", c.ID) != 1 {
			t.Error("custody read and write must be audited")
		}
		if cc, _ := j.s.GetCase(j.ctx, c.ID); cc.Custody != nil || cc.Version != c.Version+1 {
			t.Errorf("GetCase %+v, want no custody opened and the version moved", cc)
		}
		err = j.s.SaveCustody(j.ctx, c.ID, cases.Custody{Phase: "on_parole", FacilityDetail: strings.Repeat("x", cases.MaxShort+1)}, j.coord.ID)
		if e := errs.As(err); e.Kind != errs.KindInvalid || e.Fields["phase"] != "validation.choice" || e.Fields["facility_detail"] != "validation.too_long" {
			t.Errorf("bad custody: %v %v", err, e.Fields)
		}
		j.fatal(j.s.SaveCustody(j.ctx, c.ID, cases.Custody{Phase: cases.AfterRelease}, j.coord.ID))
		if got, _ := j.s.CaseCustody(j.ctx, c.ID); got.FacilityDetail != "" || got.ExpectedRelease != nil || got.Phase != cases.AfterRelease {
			t.Errorf("after clearing %+v", got)
		}
	})
}

// listAll walks every page of a list with a small page size.
func listAll(t *testing.T, j *journey, f store.CaseFilter, limit int) []cases.Case {
	t.Helper()
	var out []cases.Case
	cursor := ""
	for pages := 0; ; pages++ {
		page, next, err := j.s.ListCases(j.ctx, f, store.Page{Limit: limit, Cursor: cursor})
		j.fatal(err)
		if len(page) > limit || (next != "" && len(page) != limit) {
			t.Fatalf("page of %d with next %q, limit %d", len(page), next, limit)
		}
		out = append(out, page...)
		if next == "" {
			return out
		}
		if pages > 100 {
			t.Fatal("the pages never end")
		}
		cursor = next
	}
}

func codes(list []cases.Case) string {
	var out []string
	for _, c := range list {
		out = append(out, c.Code)
	}
	return strings.Join(out, " ")
}

// A coordinator of several programs sees their cases as one list: in each
// sort, page after page, in the order of the whole list (not program by
// program), each case with its mentor's name.
func TestListCasesOfSeveralPrograms(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		var all []cases.Case
		for i, code := range []string{"HW-005", "HW-002", "HW-008", "HW-003"} {
			j.advance(time.Hour)
			c := j.waiting(code, "Person "+code)
			if i < 2 {
				j.advance(time.Hour)
				c = j.active(c, []int64{j.mentor.ID, j.mentor2.ID}[i])
			}
			all = append(all, c)
		}
		for _, code := range []string{"HW-001", "HW-007", "HW-004"} {
			j.advance(time.Hour)
			_, c := j.intake(j.other.ID, person(code, "Person "+code, 1990), cases.Intake)
			all = append(all, c)
		}
		for i := range all {
			all[i] = j.getCase(all[i].ID)
		}
		due := func(c cases.Case) time.Time {
			if c.ContactDueAt == nil {
				return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
			}
			return *c.ContactDueAt
		}
		orders := map[store.CaseSort]func(a, b cases.Case) int{
			store.SortDue: func(a, b cases.Case) int {
				if n := due(a).Compare(due(b)); n != 0 {
					return n
				}
				return int(a.ID - b.ID)
			},
			store.SortCode:   func(a, b cases.Case) int { return strings.Compare(a.Code, b.Code) },
			store.SortOpened: func(a, b cases.Case) int { return b.OpenedAt.Compare(a.OpenedAt) },
		}
		scope := store.CaseScope{ProgramIDs: []int64{j.other.ID, j.prog.ID}}
		for sort, cmp := range orders {
			want := slices.Clone(all)
			slices.SortFunc(want, cmp)
			var got []cases.Case
			cursor := ""
			for range len(all) {
				page, next, err := j.s.ListCases(j.ctx, store.CaseFilter{Scope: scope, Sort: sort}, store.Page{Limit: 3, Cursor: cursor})
				j.fatal(err)
				got = append(got, page...)
				if cursor = next; cursor == "" {
					break
				}
			}
			if codes(got) != codes(want) {
				t.Errorf("sorted by %s: %q, want %q", sort, codes(got), codes(want))
			}
			for _, c := range got {
				if (c.Code == "HW-005" && c.MentorName != "Mira Mentor") || (c.Code == "HW-002" && c.MentorName != "max@example.org") ||
					(c.MentorID == 0 && c.MentorName != "") || c.ProgramID == 0 || c.OpenedAt.IsZero() {
					t.Errorf("sorted by %s, %s: mentor %d %q, program %d, opened %s", sort, c.Code, c.MentorID, c.MentorName, c.ProgramID, c.OpenedAt)
				}
			}
		}
	})
}

func TestListCases(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		var all, others []cases.Case
		// Pairs share their opening time, so that the sorts' ties are
		// broken by id across pages.
		for i := range 10 {
			if i%2 == 0 {
				j.advance(time.Hour)
			}
			_, c := j.intake(j.prog.ID, person(fmt.Sprintf("HW-%03d", i), "Person Listed", 1990), cases.Intake)
			all = append(all, c)
			if i%3 == 0 { // cases of another program, out of the scope of most lists
				_, o := j.intake(j.other.ID, person(fmt.Sprintf("HW-9%02d", i), "Person Elsewhere", 1990), "")
				others = append(others, o)
			}
		}
		consentAll := func(ids ...int) {
			for _, i := range ids {
				j.consent(all[i].MenteeID, true)
			}
		}
		consentAll(4, 5, 6, 7, 8, 9)
		j.assess(all[4].ID, "housing", cases.Critical, cases.NotStarted) // open need
		j.assess(all[5].ID, "housing", cases.NoNeed, cases.NotStarted)   // no need
		j.assess(all[6].ID, "housing", cases.High, cases.Done)           // done
		j.assess(all[6].ID, "employment", cases.High, cases.InProgress)  // open need
		for _, i := range []int{7, 8, 9} {
			j.assess(all[i].ID, "family", cases.Low, cases.NotRequired)
		}
		for _, i := range []int{4, 5, 6, 7, 8, 9} {
			j.move(all[i].ID, cases.Waiting)
		}
		j.advance(time.Hour)
		all[6] = j.active(all[6], j.mentor.ID)
		all[7] = j.active(all[7], j.mentor.ID)
		j.advance(time.Minute)
		all[8] = j.active(all[8], j.mentor2.ID)
		_, err := j.s.Transition(j.ctx, store.TransitionInput{CaseID: all[9].ID, To: cases.Closed, ClosureReason: cases.LostContact, Reason: "No answer", ActorID: j.coord.ID})
		j.fatal(err)

		scope := store.CaseScope{ProgramIDs: []int64{j.prog.ID}}
		list := func(f store.CaseFilter) string {
			t.Helper()
			if f.Scope.ProgramIDs == nil && !f.Scope.None {
				f.Scope = scope
			}
			if f.Sort == "" {
				f.Sort = store.SortCode
			}
			got, _, err := j.s.ListCases(j.ctx, f, store.Page{Limit: store.MaxLimit})
			if err != nil {
				t.Fatalf("list %+v: %v", f, err)
			}
			return codes(got)
		}
		checks := []struct {
			what string
			f    store.CaseFilter
			want string
		}{
			{"everything in scope", store.CaseFilter{}, "HW-000 HW-001 HW-002 HW-003 HW-004 HW-005 HW-006 HW-007 HW-008 HW-009"},
			{"state", store.CaseFilter{State: cases.Waiting}, "HW-004 HW-005"},
			{"program and state", store.CaseFilter{ProgramID: j.prog.ID, State: cases.Active}, "HW-006 HW-007 HW-008"},
			{"a program out of scope", store.CaseFilter{ProgramID: j.other.ID}, ""},
			{"mentor", store.CaseFilter{MentorID: j.mentor2.ID}, "HW-008"},
			{"a mentor's scope", store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{j.prog.ID}, MentorID: j.mentor.ID}}, "HW-006 HW-007"},
			{"a psychologist's scope", store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{j.prog.ID}, PsychologistID: j.psych.ID}}, ""},
			{"no scope", store.CaseFilter{Scope: store.CaseScope{None: true}}, ""},
			{"open need", store.CaseFilter{Need: "housing"}, "HW-004"},
			{"open need of another domain", store.CaseFilter{Need: "employment"}, "HW-006"},
			{"code prefix", store.CaseFilter{Code: " hw-00 "}, "HW-000 HW-001 HW-002 HW-003 HW-004 HW-005 HW-006 HW-007 HW-008 HW-009"},
			// LIKE's wildcards are plain characters (codes never hold them).
			{"code with an underscore", store.CaseFilter{Code: "HW_0"}, ""},
			{"code with a percent", store.CaseFilter{Code: "%"}, ""},
			{"longer code prefix", store.CaseFilter{Code: "hw-008"}, "HW-008"},
			{"nothing overdue yet", store.CaseFilter{Signal: cases.SignalOverdue}, ""},
		}
		for _, c := range checks {
			if got := list(c.f); got != c.want {
				t.Errorf("%s: %q, want %q", c.what, got, c.want)
			}
		}
		// Days later the contacts are overdue; one contact puts a case right.
		j.advance(5 * 24 * time.Hour)
		if got := list(store.CaseFilter{Signal: cases.SignalOverdue}); got != "HW-006 HW-007 HW-008" {
			t.Errorf("overdue: %q", got)
		}
		_, err = j.s.AddContact(j.ctx, cases.Contact{CaseID: all[7].ID, At: j.now(), Channel: cases.Call, Minutes: 20, RecordedBy: j.mentor.ID})
		j.fatal(err)
		if got := list(store.CaseFilter{Signal: cases.SignalOverdue, MentorID: j.mentor.ID}); got != "HW-006" {
			t.Errorf("overdue of the mentor after a contact: %q", got)
		}
		if got := list(store.CaseFilter{Signal: cases.SignalQuiet}); got != "" {
			t.Errorf("quiet too early: %q", got)
		}
		j.advance(3 * 7 * 24 * time.Hour) // the program's quiet weeks
		_, err = j.s.AddRequest(j.ctx, cases.Request{CaseID: all[8].ID, Domain: "housing", Urgency: cases.Normal, Text: "A room", RecordedBy: j.coord.ID})
		j.fatal(err)
		if got := list(store.CaseFilter{Signal: cases.SignalQuiet}); got != "HW-006 HW-007" {
			t.Errorf("quiet: %q", got)
		}
		if got := list(store.CaseFilter{Signal: cases.SignalQuiet, Now: journeyStart}); got != "" {
			t.Errorf("quiet at an earlier moment: %q", got)
		}

		// Every sort, walked three at a time: the same cases in the same
		// order as one big page, none twice, none missing.
		byID := map[int64]cases.Case{}
		for _, c := range append(slices.Clone(all), others...) {
			got, err := j.s.GetCase(j.ctx, c.ID)
			j.fatal(err)
			byID[c.ID] = got
		}
		due := func(c cases.Case) time.Time {
			if c.ContactDueAt == nil {
				return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
			}
			return *c.ContactDueAt
		}
		sorts := map[store.CaseSort]func(a, b cases.Case) bool{
			store.SortDue: func(a, b cases.Case) bool {
				if !due(a).Equal(due(b)) {
					return due(a).Before(due(b))
				}
				return a.ID < b.ID
			},
			store.SortCode: func(a, b cases.Case) bool {
				if a.Code != b.Code {
					return a.Code < b.Code
				}
				return a.ID < b.ID
			},
			store.SortOpened: func(a, b cases.Case) bool {
				if !a.OpenedAt.Equal(b.OpenedAt) {
					return a.OpenedAt.After(b.OpenedAt)
				}
				return a.ID > b.ID
			},
		}
		// A coordinator of both programs: the list merges them.
		both := store.CaseScope{ProgramIDs: []int64{j.other.ID, j.prog.ID}}
		for sortBy, less := range sorts {
			for _, f := range []store.CaseFilter{{}, {State: cases.Intake}, {Code: "HW-"}, {Scope: both}, {Scope: both, State: cases.Referred},
				{Scope: both, Code: "HW-9"}, {Scope: both, ProgramID: j.other.ID},
				{Scope: store.CaseScope{ProgramIDs: []int64{j.prog.ID, j.other.ID, j.prog.ID}}}} {
				if f.Scope.ProgramIDs == nil {
					f.Scope = scope
				}
				f.Sort = sortBy
				var want []cases.Case
				for _, c := range byID {
					if slices.Contains(f.Scope.ProgramIDs, c.ProgramID) && (f.ProgramID == 0 || c.ProgramID == f.ProgramID) &&
						(f.State == "" || c.State == f.State) && strings.HasPrefix(c.Code, f.Code) {
						want = append(want, c)
					}
				}
				if len(want) < 4 {
					t.Fatalf("filter %+v keeps %d cases: too few to page", f, len(want))
				}
				sort.Slice(want, func(a, b int) bool { return less(want[a], want[b]) })
				got := listAll(t, j, f, 3)
				if codes(got) != codes(want) {
					t.Errorf("sort %s, filter %+v by pages of 3:\n%s\nwant\n%s", sortBy, f, codes(got), codes(want))
				}
				seen := map[int64]bool{}
				for _, c := range got {
					if seen[c.ID] {
						t.Errorf("sort %s: case %s twice", sortBy, c.Code)
					}
					seen[c.ID] = true
				}
			}
		}
		first, next, err := j.s.ListCases(j.ctx, store.CaseFilter{Scope: scope, Sort: store.SortDue}, store.Page{Limit: 2})
		j.fatal(err)
		if first[0].MentorName == "" || first[0].ContactDueAt == nil || next == "" {
			t.Errorf("first page by due %+v: want the supported cases first, with their mentor's name", first)
		}

		_, _, err = j.s.ListCases(j.ctx, store.CaseFilter{Scope: scope, Sort: "name"}, store.Page{})
		wantField(t, "unknown sort", err, errs.KindInvalid, "sort", "validation.choice")
		_, _, err = j.s.ListCases(j.ctx, store.CaseFilter{Scope: scope, State: "lost"}, store.Page{})
		wantField(t, "unknown state", err, errs.KindInvalid, "state", "validation.choice")
		_, _, err = j.s.ListCases(j.ctx, store.CaseFilter{Scope: scope, Signal: "loud"}, store.Page{})
		wantField(t, "unknown signal", err, errs.KindInvalid, "signal", "validation.choice")
		_, _, err = j.s.ListCases(j.ctx, store.CaseFilter{Scope: scope}, store.Page{Cursor: "garbage"})
		wantField(t, "bad cursor", err, errs.KindInvalid, "cursor", "validation.cursor")
		codeCursor := listCursor(t, j, store.CaseFilter{Scope: scope, Sort: store.SortCode})
		_, _, err = j.s.ListCases(j.ctx, store.CaseFilter{Scope: scope, Sort: store.SortDue}, store.Page{Cursor: codeCursor})
		wantField(t, "a cursor of another sort", err, errs.KindInvalid, "cursor", "validation.cursor")
	})
}

// listCursor returns the cursor after the first case of a list.
func listCursor(t *testing.T, j *journey, f store.CaseFilter) string {
	t.Helper()
	_, next, err := j.s.ListCases(j.ctx, f, store.Page{Limit: 1})
	j.fatal(err)
	if next == "" {
		t.Fatal("no second page")
	}
	return next
}

// What a mentee shared of their history with one mentor is not handed on to
// the next: the end of a match withdraws it.
func TestSharingEndsWithTheMatch(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		a := j.waiting("HW-0101", "Hanna Sharing")
		shared := func() []cases.HistoryPart {
			t.Helper()
			h, err := j.s.HistorySharing(j.ctx, a.MenteeID)
			j.fatal(err)
			return h.Shared
		}
		j.fatal(j.s.SetHistorySharing(j.ctx, a.MenteeID, []cases.HistoryPart{cases.Health}, j.sharingVersion(a.MenteeID), j.coord.ID))
		_, err := j.s.Match(j.ctx, a.ID, j.mentor.ID, j.coord.ID)
		j.fatal(err)
		if got := shared(); len(got) != 1 {
			t.Errorf("the choice recorded before the first match is lost: %v", got)
		}
		stale := j.sharingVersion(a.MenteeID) // a form left open during the match
		_, err = j.s.EndMatch(j.ctx, a.ID, "mentor moved away", j.coord.ID)
		j.fatal(err)
		if got := shared(); len(got) != 0 {
			t.Errorf("the parts stay shared after the match ended: %v", got)
		}
		err = j.s.SetHistorySharing(j.ctx, a.MenteeID, []cases.HistoryPart{cases.Health}, stale, j.coord.ID)
		wantField(t, "sharing from a form read before the match ended", err, errs.KindConflict, "shared", "history.sharing_stale")
		_, err = j.s.Match(j.ctx, a.ID, j.mentor2.ID, j.coord.ID)
		j.fatal(err)
		if got := shared(); len(got) != 0 {
			t.Errorf("the next mentor inherits the parts shared with the one before: %v", got)
		}
	})
}

// sharingVersion is the history version a sharing form would carry now.
func (j *journey) sharingVersion(menteeID int64) int {
	j.t.Helper()
	h, err := j.s.HistorySharing(j.ctx, menteeID)
	j.fatal(err)
	return h.Version
}
