package api

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// retentionShown is how many due cases the list returns at most.
const retentionShown = 500

// retentionList lists the closed cases of the user's programs whose person
// the program's retention erases within a month, soonest first, with
// their holds: ids, codes and days only.
func (a *API) retentionList(w http.ResponseWriter, r *http.Request) error {
	ids, _ := policy.Programs(policy.Actor(r.Context()))
	list, err := a.store.RetentionDue(r.Context(), store.RetentionFilter{ProgramIDs: ids}, a.store.Now().AddDate(0, 1, 0), retentionShown)
	if err != nil {
		return err
	}
	if list == nil {
		list = []cases.RetentionDue{}
	}
	return writeJSON(w, http.StatusOK, newList(list, ""))
}

// retentionHold puts the case on hold from the retention (a legal hold),
// with a reason from cases.HoldReasons, or changes the hold's reason.
func (a *API) retentionHold(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reason cases.HoldReason `json:"reason"`
	}
	c, err := a.caseAndBody(w, r, policy.RetentionHold, &in)
	if err != nil {
		return err
	}
	if err := a.store.HoldRetention(r.Context(), c.ID, in.Reason, actorID(r)); err != nil {
		return err
	}
	h, err := a.store.RetentionHoldOf(r.Context(), c.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, h)
}

// retentionLift lifts the case's hold (404 without one).
func (a *API) retentionLift(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.RetentionHold)
	if err != nil {
		return err
	}
	if err := a.store.LiftRetentionHold(r.Context(), c.ID, actorID(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
