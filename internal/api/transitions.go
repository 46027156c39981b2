package api

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// transitionList lists every move of the case, oldest first: who, when, why.
func (a *API) transitionList(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	list, err := a.store.CaseTransitions(r.Context(), c.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(list, ""))
}

// transitionCreate moves the case when the state machine allows it; a
// refused move is 409 with a message that says what must happen first
// (and fields.state naming it).
func (a *API) transitionCreate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		To            cases.State         `json:"to"`
		ClosureReason cases.ClosureReason `json:"closure_reason"`
		Reason        string              `json:"reason"`
		Outcomes      []outcomeInput      `json:"outcomes"`
	}
	c, err := a.caseAndBody(w, r, policy.CaseManage, &in)
	if err != nil {
		return err
	}
	tr := store.TransitionInput{CaseID: c.ID, To: in.To, ClosureReason: in.ClosureReason, Reason: in.Reason, ActorID: actorID(r)}
	f := map[string]string{}
	for _, o := range in.Outcomes {
		tr.Outcomes = append(tr.Outcomes, o.outcome(c.ID, tr.ActorID, "outcomes.", f))
	}
	if err := invalidIf(f); err != nil {
		return err
	}
	c, err = a.store.Transition(r.Context(), tr)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}
