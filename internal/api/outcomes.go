package api

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

// outcomeList lists the outcomes recorded on the case, of every period,
// oldest first.
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

// outcomeInput is an outcome as a client sends it.
type outcomeInput struct {
	Kind cases.OutcomeKind `json:"kind"`
	Note string            `json:"note"`
}
