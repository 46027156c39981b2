package api

import (
	"net/http"

	"homeward/internal/policy"
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
