package api

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// needList lists the newest assessment of each domain, critical first, each
// with the assessment it replaced (previous), to show what changed.
func (a *API) needList(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	list, err := a.store.CurrentNeeds(r.Context(), c.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(list, ""))
}

// needAssess records an assessment of some domains; a reassessment keeps the
// one it replaces. The answer is the current needs, as needList gives them.
func (a *API) needAssess(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Assessments []cases.Assessment `json:"assessments"`
	}
	c, err := a.caseAndBody(w, r, policy.CaseManage, &in)
	if err != nil {
		return err
	}
	if len(in.Assessments) == 0 {
		return errs.Invalid(map[string]string{"assessments": "validation.required"})
	}
	if err := a.store.AssessNeeds(r.Context(), c.ID, in.Assessments, actorID(r)); err != nil {
		return err
	}
	list, err := a.store.CurrentNeeds(r.Context(), c.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(list, ""))
}
