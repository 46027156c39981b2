package api

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// needList lists the newest assessment of each domain, critical first, each
// with the assessment it replaced (previous), to show what changed.
func (a *API) needList(w http.ResponseWriter, r *http.Request) {
	c, err := a.caseFromPath(r, policy.CaseView)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.store.CurrentNeeds(r.Context(), c.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newList(list, ""))
}

// needAssess records an assessment of some domains; a reassessment keeps the
// one it replaces. The answer is the current needs, as needList gives them.
func (a *API) needAssess(w http.ResponseWriter, r *http.Request) {
	c, err := a.caseFromPath(r, policy.CaseManage)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in struct {
		Assessments []cases.Assessment `json:"assessments"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if len(in.Assessments) == 0 {
		a.fail(w, r, errs.Invalid(map[string]string{"assessments": "validation.required"}))
		return
	}
	if err := a.store.AssessNeeds(r.Context(), c.ID, in.Assessments, actorID(r)); err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.store.CurrentNeeds(r.Context(), c.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newList(list, ""))
}
