package api

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

// signalsGet computes the case's progress signals now: contact overdue and
// when the next one is due, the quiet period ("ask about completion"), and
// requests per week since the period began with their trend (falling is
// progress).
func (a *API) signalsGet(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	times, err := a.store.RequestTimes(r.Context(), c.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, cases.ProgressOf(c, times, a.store.Now()))
}
