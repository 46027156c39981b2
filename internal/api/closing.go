package api

import (
	"net/http"
	"slices"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// closingGet shows the closing steps of a period of the case (the current
// one, or ?period=): readiness asked, the mentee's agreement, the final
// meeting, the closure.
func (a *API) closingGet(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	period, err := periodOf(r, c)
	if err != nil {
		return err
	}
	return a.writeClosing(w, r, c.ID, period)
}

func (a *API) writeClosing(w http.ResponseWriter, r *http.Request, caseID int64, period int) error {
	steps, err := a.store.ClosingOf(r.Context(), caseID, period)
	if err != nil {
		return err
	}
	steps.CaseID, steps.Period = caseID, period
	return writeJSON(w, http.StatusOK, steps)
}

// closingAgree records, as staff, that the mentee agreed to close. The case
// must be closing.
func (a *API) closingAgree(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	if err := a.store.RecordAgreement(r.Context(), c.ID, actorID(r), false); err != nil {
		return err
	}
	return a.writeClosing(w, r, c.ID, c.Period)
}

// closingFinalMeeting records the psychologist's final meeting (by the
// case's psychologist, or a coordinator on their behalf).
func (a *API) closingFinalMeeting(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.FinalMeeting)
	if err != nil {
		return err
	}
	if err := a.store.RecordFinalMeeting(r.Context(), c.ID, actorID(r)); err != nil {
		return err
	}
	return a.writeClosing(w, r, c.ID, c.Period)
}

// feedbackGet returns the mentee's feedback of a period (the current one,
// or ?period=), its text opened (audited); 204 while none was given. The
// program's coordinators and the case's psychologist read it, not the
// mentor: the mentee judges the mentor in it.
func (a *API) feedbackGet(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.FinalMeeting)
	if err != nil {
		return err
	}
	period, err := periodOf(r, c)
	if err != nil {
		return err
	}
	return a.writeFeedback(w, r, c.ID, period)
}

func (a *API) writeFeedback(w http.ResponseWriter, r *http.Request, caseID int64, period int) error {
	fb, err := a.store.FeedbackOf(r.Context(), caseID, period)
	if err == nil && fb == nil {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, fb)
}

// feedbackSave records the mentee's feedback as staff (or that they
// declined to give it); it may be replaced until the case is closed.
func (a *API) feedbackSave(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Declined  bool         `json:"declined"`
		Support   cases.Rating `json:"support"`
		Mentor    cases.Rating `json:"mentor"`
		Plan      cases.Rating `json:"plan"`
		Recommend cases.Rating `json:"recommend"`
		Text      string       `json:"text"`
	}
	c, err := a.caseAndBody(w, r, policy.CaseManage, &in)
	if err != nil {
		return err
	}
	fb := cases.Feedback{CaseID: c.ID, Period: c.Period, Declined: in.Declined, Support: in.Support, Mentor: in.Mentor,
		Plan: in.Plan, Recommend: in.Recommend, Text: in.Text, RecordedBy: actorID(r)}
	if err := fb.Validate(); err != nil {
		return err
	}
	if err := a.store.SaveFeedback(r.Context(), fb); err != nil {
		return err
	}
	return a.writeFeedback(w, r, c.ID, c.Period)
}

func (a *API) outcomeList(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	list, err := a.store.Outcomes(r.Context(), c.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(list, ""))
}

// outcomeCreate records an outcome on the case's current period.
func (a *API) outcomeCreate(w http.ResponseWriter, r *http.Request) error {
	var in outcomeInput
	c, err := a.caseAndBody(w, r, policy.CaseManage, &in)
	if err != nil {
		return err
	}
	o, err := a.store.AddOutcome(r.Context(), cases.Outcome{CaseID: c.ID, Kind: in.Kind, Note: in.Note, RecordedBy: actorID(r)})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, o)
}

// followUpList returns the case's follow-ups: the program's coordinators
// and the case's psychologist only (they tell of work, housing and
// re-arrest after the mentor's time).
func (a *API) followUpList(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.FinalMeeting)
	if err != nil {
		return err
	}
	list, err := a.store.FollowUps(r.Context(), c.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(list, ""))
}

// followUpRecord records a follow-up's answers; the body carries the
// version last read.
func (a *API) followUpRecord(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	id, err := route.PathID(r, "followup", "follow-up")
	if err != nil {
		return err
	}
	type update struct {
		WorkKept   cases.Answer `json:"work_kept"`
		Housing    cases.Answer `json:"housing"`
		Rearrested cases.Answer `json:"rearrested"`
		Note       string       `json:"note"`
		Version    *int64       `json:"version"`
	}
	body, version, err := versionedBody(w, r, &update{})
	if err != nil {
		return err
	}
	list, err := a.store.FollowUps(r.Context(), c.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(list, func(f cases.FollowUp) bool { return f.ID == id })
	if i < 0 {
		return errs.NotFound("follow-up")
	}
	fu := &list[i]
	in := update{WorkKept: fu.WorkKept, Housing: fu.Housing, Rearrested: fu.Rearrested, Note: fu.Note}
	if err := decodeStrict(body, &in); err != nil {
		return err
	}
	fu.WorkKept, fu.Housing, fu.Rearrested, fu.Note, fu.Version = in.WorkKept, in.Housing, in.Rearrested, in.Note, version
	fu.RecordedBy = actorID(r)
	if err := fu.Validate(); err != nil {
		return err
	}
	saved, err := a.store.RecordFollowUp(r.Context(), *fu)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, saved)
}
