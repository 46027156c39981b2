package api

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

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
