package web

import (
	"net/http"
	"strconv"
	"time"

	"homeward/internal/cases"
	"homeward/internal/policy"
	"homeward/internal/zone"
)

// closingPage is a case's closing tab: the closing steps of the current
// period in order, each with who and when, what comes next, and the forms
// of the steps the user may take now; then the outcomes and the follow-ups.
type closingPage struct {
	Header caseHeader
	Period int
	Steps  []closingStep
	Next   string // what comes next, as a catalogue key
	// NextOnOverview: the next step is taken on the case's overview page
	// (a transition: asking about readiness, closing the case).
	NextOnOverview bool
	Alert          string // why an action was refused, as a catalogue key
	Done           string

	CanAgree, CanFinalMeeting bool
	// Feedback of the period, for those who may read it (coordinators and
	// the psychologist); FeedbackGiven tells the others that there is some.
	Feedback      *cases.Feedback
	FeedbackGiven bool
	FeedbackBy    string
	FeedbackForm  *form // nil unless the user may record feedback now

	Outcomes    []cases.Outcome
	OutcomeForm *form             // nil unless the user may record outcomes
	OwnKinds    map[string]string // the program's own outcome kinds' labels, by key

	FollowUps []followUpRow
}

// closingStep is one step of the closing.
type closingStep struct {
	Key     string // closing.step.*
	Done    bool
	At      *time.Time
	By      string // who took the step, by name; "" when unknown or the mentee in the portal
	Note    string // a catalogue key saying how (in the portal, declined, the closure reason)
	Current bool   // the step to take next
}

// followUpRow is a follow-up with its form (nil when the user may not record it).
type followUpRow struct {
	cases.FollowUp
	By      string
	Overdue bool
	Form    *form
}

// closingForms are the forms of the closing page as typed, when a save was
// refused; nil ones are shown as stored.
type closingForms struct {
	Alert      string
	Feedback   *form
	Outcome    *form
	FollowUpID int64
	FollowUp   *form
}

// closingShow shows the closing of the case's current period.
func (h *Web) closingShow(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	return h.renderClosing(w, r, http.StatusOK, c, closingForms{})
}

// renderClosing shows the closing tab with the given forms as typed.
func (h *Web) renderClosing(w http.ResponseWriter, r *http.Request, status int, c cases.Case, forms closingForms) error {
	ctx := r.Context()
	u := policy.Actor(ctx)
	hd, err := h.headerFor(r, c, "closing")
	if err != nil {
		return err
	}
	canFinal := policy.CanCase(u, policy.FinalMeeting, policy.RefOf(c))
	page := closingPage{Header: hd, Period: c.Period, Alert: forms.Alert, Done: workDoneOf(r)}

	st, err := h.store.ClosingOf(ctx, c.ID, c.Period)
	if err != nil {
		return err
	}
	begun := st.ReadinessAskedAt != nil || c.State == cases.Closing || c.State == cases.Closed
	var fb *cases.Feedback
	switch {
	case begun && !canFinal && st.FeedbackAt != nil:
		// The mentor sees that feedback was given, never what it says:
		// nothing is opened for them.
		fb = &cases.Feedback{CaseID: c.ID, Period: c.Period, Declined: st.FeedbackDeclined, RecordedAt: *st.FeedbackAt}
	case begun && canFinal:
		if fb, err = h.store.FeedbackOf(ctx, c.ID, c.Period); err != nil {
			return err
		}
	}
	prog, err := h.store.GetProgram(ctx, c.ProgramID)
	if err != nil {
		return err
	}
	page.OwnKinds = ownKindLabels(prog)
	if page.Outcomes, err = h.store.Outcomes(ctx, c.ID); err != nil {
		return err
	}
	var followUps []cases.FollowUp
	if canFinal && (c.State == cases.Closed || c.Period > 1) {
		// Follow-ups (work, housing, re-arrest) are the team's: a mentor
		// of a reopened case does not read an earlier period's.
		// Follow-ups exist only after a completed closure.
		if followUps, err = h.store.FollowUps(ctx, c.ID); err != nil {
			return err
		}
	}
	ids := []int64{st.ReadinessAskedBy, st.AgreedBy, st.FinalMeetingBy}
	if fb != nil {
		ids = append(ids, fb.RecordedBy)
	}
	for _, fu := range followUps {
		ids = append(ids, fu.RecordedBy)
	}
	names, err := h.store.UserNames(ctx, ids)
	if err != nil {
		return err
	}

	page.Steps, page.Next, page.NextOnOverview = closingSteps(c, st, fb, names)
	closing := c.State == cases.Closing
	page.CanAgree = hd.CanManage && closing && st.AgreedAt == nil
	page.CanFinalMeeting = canFinal && closing && st.FinalMeetingAt == nil

	if fb != nil {
		page.FeedbackGiven = true
		if hd.CanManage || canFinal {
			page.Feedback = fb
			if !fb.InPortal {
				page.FeedbackBy = names[fb.RecordedBy]
			}
		}
	}
	if hd.CanManage && closing {
		page.FeedbackForm = forms.Feedback
		if page.FeedbackForm == nil {
			page.FeedbackForm = feedbackForm(fb)
		}
		page.FeedbackForm.Options["rating"] = []string{"1", "2", "3", "4", "5"}
	} else if page.Alert == "" {
		page.Alert = forms.Feedback.unshown()
	}

	if hd.CanManage && c.State != cases.Referred && c.State != cases.Intake && c.State != cases.Waiting {
		if page.OutcomeForm, err = h.outcomeForm(ctx, c, prog, forms.Outcome); err != nil {
			return err
		}
	} else if page.Alert == "" {
		page.Alert = forms.Outcome.unshown()
	}

	// A follow-up is overdue from its day on the user's calendar.
	today, placed := zone.Today(h.store.Now(), zoneOf(r)), false
	for _, fu := range followUps {
		row := followUpRow{FollowUp: fu, By: names[fu.RecordedBy], Overdue: fu.DoneAt == nil && !fu.DueOn.After(today)}
		typed := fu.ID == forms.FollowUpID && forms.FollowUp != nil
		// Follow-ups are recorded while the case is closed (not after a reopening).
		if hd.CanManage && (c.State == cases.Closed || typed) {
			row.Form = followUpForm(fu)
			if typed {
				if forms.FollowUp.conflicted("followups.conflict") {
					forms.FollowUp.Values["version"] = strconv.Itoa(fu.Version)
				}
				forms.FollowUp.ID, forms.FollowUp.Options = row.Form.ID, row.Form.Options
				row.Form, placed = forms.FollowUp, true
			}
		}
		page.FollowUps = append(page.FollowUps, row)
	}
	if !placed && page.Alert == "" {
		page.Alert = forms.FollowUp.unshown()
	}
	return h.render(w, r, status, "closing", "cases", page)
}

// closingSteps lists the steps of the closing in order, marks the next one,
// and says what comes next (and whether it is done on the overview page).
func closingSteps(c cases.Case, st cases.ClosingSteps, fb *cases.Feedback, names map[int64]string) ([]closingStep, string, bool) {
	steps := []closingStep{
		{Key: "closing.step.readiness", Done: st.ReadinessAskedAt != nil, At: st.ReadinessAskedAt, By: names[st.ReadinessAskedBy]},
		{Key: "closing.step.agreement", Done: st.AgreedAt != nil, At: st.AgreedAt},
		{Key: "closing.step.final_meeting", Done: st.FinalMeetingAt != nil, At: st.FinalMeetingAt, By: names[st.FinalMeetingBy]},
		{Key: "closing.step.feedback", Done: fb != nil},
		{Key: "closing.step.closure", Done: st.ClosedAt != nil, At: st.ClosedAt},
	}
	if st.AgreedInPortal {
		steps[1].Note = "closing.in_portal"
	} else {
		steps[1].By = names[st.AgreedBy]
	}
	if fb != nil {
		at := fb.RecordedAt
		steps[3].At = &at
		switch {
		case fb.InPortal:
			steps[3].Note = "closing.in_portal"
		default:
			steps[3].By = names[fb.RecordedBy]
		}
		if fb.Declined {
			steps[3].Note = "closing.feedback_declined"
		}
	}
	if st.ClosureReason != "" {
		steps[4].Note = "case.closure." + string(st.ClosureReason)
	}

	next, onOverview, current := "", false, -1
	switch c.State {
	case cases.Closed:
		next = "closing.next.closed"
		if c.ClosureReason == cases.Completed {
			next = "closing.next.follow_ups"
		}
	case cases.Closing:
		switch {
		case st.AgreedAt == nil:
			next, current = "closing.next.agreement", 1
		case st.FinalMeetingAt == nil:
			next, current = "closing.next.final_meeting", 2
		case fb == nil:
			next, current = "closing.next.feedback", 3
		default:
			next, current, onOverview = "closing.next.close", 4, true
		}
	case cases.Active:
		next, current, onOverview = "closing.next.ask_readiness", 0, true
	default:
		next = "closing.next.not_yet"
	}
	if current >= 0 {
		steps[current].Current = true
	}
	return steps, next, onOverview
}

// closingAgree records, for a coordinator, that the mentee agreed to close
// (the mentee can also agree in the portal). The case must be closing.
func (h *Web) closingAgree(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{action: policy.CaseManage, conflict: "work.refused",
		save: func(c cases.Case, _ *form) (string, error) {
			err := h.store.RecordAgreement(r.Context(), c.ID, policy.Actor(r.Context()).ID, false)
			return workTab(c, "closing") + "?done=agreement", err
		},
		show: h.closingRefused,
	})
}

// closingFinalMeeting records the psychologist's final meeting: the case's
// psychologist, or a coordinator on their behalf. The case must be closing.
func (h *Web) closingFinalMeeting(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{action: policy.FinalMeeting, conflict: "work.refused",
		save: func(c cases.Case, _ *form) (string, error) {
			err := h.store.RecordFinalMeeting(r.Context(), c.ID, policy.Actor(r.Context()).ID)
			return workTab(c, "closing") + "?done=final_meeting", err
		},
		show: h.closingRefused,
	})
}

// closingRefused shows the closing page again after the store refused a
// closing step (e.g. the case is not closing), saying why.
func (h *Web) closingRefused(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
	return h.renderClosing(w, r, status, c, closingForms{Alert: f.unshown()})
}
