package cases

import (
	"testing"
	"time"

	"homeward/internal/errs"
	"homeward/internal/program"
)

func TestCheckTransitionSaysWhatMustHappenFirst(t *testing.T) {
	t.Parallel()
	ready := Facts{ProcessingConsent: true, NeedsAssessed: 2, PlanSteps: 1, HasMentor: true, MenteeAgreed: true, FinalMeeting: true, Feedback: true}
	tests := []struct {
		name     string
		from, to State
		reason   ClosureReason
		text     string
		facts    Facts
		refusal  string // the message key in Fields["state"], "" for allowed
		invalid  string // a field refused as invalid input
	}{
		{name: "start intake", from: Referred, to: Intake},
		{name: "waiting needs consent", from: Intake, to: Waiting, facts: Facts{NeedsAssessed: 1}, refusal: "case.refused.consent"},
		{name: "waiting needs needs", from: Intake, to: Waiting, facts: Facts{ProcessingConsent: true}, refusal: "case.refused.needs"},
		{name: "waiting", from: Intake, to: Waiting, facts: ready},
		{name: "matched only by the match", from: Waiting, to: Matched, facts: ready, refusal: "case.refused.match"},
		{name: "active needs a plan", from: Matched, to: Active, refusal: "case.refused.plan"},
		{name: "active", from: Matched, to: Active, facts: ready},
		{name: "closing from active", from: Active, to: Closing},
		{name: "back to active", from: Closing, to: Active},
		{name: "completed only from closing", from: Active, to: Closed, reason: Completed, facts: ready, refusal: "case.refused.ask_readiness"},
		{name: "completed needs agreement", from: Closing, to: Closed, reason: Completed, facts: Facts{FinalMeeting: true, Feedback: true}, refusal: "case.refused.agreement"},
		{name: "completed needs the final meeting", from: Closing, to: Closed, reason: Completed, facts: Facts{MenteeAgreed: true, Feedback: true}, refusal: "case.refused.final_meeting"},
		{name: "completed needs feedback", from: Closing, to: Closed, reason: Completed, facts: Facts{MenteeAgreed: true, FinalMeeting: true}, refusal: "case.refused.feedback"},
		{name: "completed", from: Closing, to: Closed, reason: Completed, facts: ready},
		{name: "withdrawn from anywhere open", from: Waiting, to: Closed, reason: Withdrawn, text: "moved away"},
		{name: "withdrawn needs a reason", from: Waiting, to: Closed, reason: Withdrawn, invalid: "reason"},
		{name: "closed needs a closure reason", from: Active, to: Closed, invalid: "closure_reason"},
		{name: "reopen", from: Closed, to: Intake},
		{name: "closed stays closed", from: Closed, to: Active, refusal: "case.refused.closed"},
		{name: "no skipping", from: Referred, to: Active, facts: ready, refusal: "case.refused.order"},
		{name: "waiting again only by ending the match", from: Active, to: Waiting, refusal: "case.refused.end_match"},
		{name: "unknown state", from: Active, to: "gone", invalid: "to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CheckTransition(tt.from, tt.to, tt.reason, tt.text, tt.facts)
			switch {
			case tt.invalid != "":
				e := errs.As(err)
				if e.Kind != errs.KindInvalid || e.Fields[tt.invalid] == "" {
					t.Fatalf("want invalid %s, got %v", tt.invalid, err)
				}
			case tt.refusal != "":
				e := errs.As(err)
				if e.Kind != errs.KindConflict || e.Fields["state"] != tt.refusal {
					t.Fatalf("want refusal %s, got %v (%v)", tt.refusal, err, e.Fields)
				}
			case err != nil:
				t.Fatalf("want allowed, got %v", err)
			}
		})
	}
}

func TestNextOffersOnlyAllowedMoves(t *testing.T) {
	t.Parallel()
	all := Facts{ProcessingConsent: true, NeedsAssessed: 1, PlanSteps: 1, HasMentor: true, MenteeAgreed: true, FinalMeeting: true, Feedback: true}
	for _, from := range States {
		for _, to := range Next(from) {
			reason := ClosureReason("")
			if to == Closed {
				reason = Withdrawn
			}
			if err := CheckTransition(from, to, reason, "why", all); err != nil {
				t.Errorf("Next(%s) offers %s, which is refused: %v", from, to, err)
			}
		}
	}
}

func TestContactDueFollowsTheCadence(t *testing.T) {
	t.Parallel()
	p := program.New() // 2 a week for 4 weeks, then 1 a week
	start := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	if got := ContactDue(p, start, nil); !got.Equal(start.Add(84 * time.Hour)) {
		t.Errorf("first contact due %v, want three and a half days after the match", got)
	}
	later := start.Add(40 * 24 * time.Hour)
	if got := ContactDue(p, start, &later); !got.Equal(later.Add(7 * 24 * time.Hour)) {
		t.Errorf("after the first weeks the next contact is due %v, want a week later", got)
	}
	c := Case{State: Active, ActiveSince: &start}
	due, quiet := Due(p, c)
	if due == nil || quiet == nil || !quiet.Equal(start.Add(3*7*24*time.Hour)) {
		t.Errorf("active case: due %v quiet %v", due, quiet)
	}
	c.State = Waiting
	if due, quiet := Due(p, c); due != nil || quiet != nil {
		t.Errorf("a waiting case has no signals, got %v %v", due, quiet)
	}
}

func TestProgressSeesFallingRequestsAndQuiet(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	now := start.Add(8 * 7 * 24 * time.Hour)
	var times []time.Time
	for w, n := range []int{5, 4, 3, 2, 1, 0, 0, 0} {
		for i := 0; i < n; i++ {
			times = append(times, start.Add(time.Duration(w)*7*24*time.Hour+time.Duration(i)*time.Hour))
		}
	}
	due := now.Add(-49 * time.Hour)
	quiet := now.Add(-time.Hour)
	pr := ProgressOf(Case{State: Active, OpenedAt: start, ContactDueAt: &due, QuietAt: &quiet}, times, now)
	if !pr.Falling || pr.Trend >= 0 {
		t.Errorf("requests 5,4,3,2,1,0… should read as falling, got trend %v", pr.Trend)
	}
	if !pr.ContactOverdue || pr.DaysOverdue != 2 {
		t.Errorf("overdue %v by %d days, want 2", pr.ContactOverdue, pr.DaysOverdue)
	}
	if !pr.Quiet {
		t.Error("quiet period passed: ask about completion")
	}
	if len(pr.RequestsPerWeek) != 9 || pr.RequestsPerWeek[0] != 5 {
		t.Errorf("weekly counts %v", pr.RequestsPerWeek)
	}
	pr = ProgressOf(Case{State: Closed, OpenedAt: now, ContactDueAt: &due}, nil, now)
	if pr.ContactOverdue || pr.Quiet || len(pr.RequestsPerWeek) != 1 {
		t.Errorf("a closed case shows no signals: %+v", pr)
	}
}

func TestValidationRefusesBadInput(t *testing.T) {
	t.Parallel()
	m := Mentee{Profile: Profile{CaseCode: " bx-17 ", FullName: "  Ales   Bialacki ", Languages: []string{"BE", "be", " ru"}, Country: "lt"}}
	m.Normalize()
	if m.CaseCode != "BX-17" || m.FullName != "Ales Bialacki" || len(m.Languages) != 2 || m.Country != "LT" {
		t.Fatalf("normalized %+v", m)
	}
	if err := m.Validate(2026); err != nil {
		t.Fatalf("valid mentee refused: %v", err)
	}
	bad := Mentee{Profile: Profile{CaseCode: "x", FullName: "a\x00b", BirthYear: 2025, Gender: "unknown", Children: -1}}
	e := errs.As(bad.Validate(2026))
	for _, f := range []string{"case_code", "full_name", "birth_year", "gender", "children"} {
		if e.Fields[f] == "" {
			t.Errorf("field %s not refused: %v", f, e.Fields)
		}
	}
	fb := Feedback{}
	if errs.As(fb.Validate()).Fields["text"] != "validation.feedback_empty" {
		t.Error("empty feedback accepted")
	}
	fb = Feedback{Support: 6}
	if errs.As(fb.Validate()).Fields["support"] == "" {
		t.Error("rating 6 accepted")
	}
	o := Outcome{Kind: OtherOutcome}
	if errs.As(o.Validate(program.New(), time.Now(), time.Now())).Fields["note"] == "" {
		t.Error("'other' outcome without a note accepted")
	}
	if err := ValidateAssessments([]Assessment{{Domain: "housing", Severity: Critical, Status: NotStarted}, {Domain: "housing", Severity: Low, Status: Done}}, []string{"housing"}); err == nil {
		t.Error("a domain assessed twice accepted")
	}
}
