package api

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

// outcomeList lists the outcomes recorded on the case, of every period,
// by the day they happened, oldest first.
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

// outcomeCreate records an outcome on the case's current period: its day
// today (the token user's, in their zone) unless an earlier one of the
// period is given, after_release from the case's custody phase unless
// given.
func (a *API) outcomeCreate(w http.ResponseWriter, r *http.Request) error {
	var in outcomeInput
	c, err := a.caseAndBody(w, r, policy.CaseManage, &in)
	if err != nil {
		return err
	}
	f := map[string]string{}
	o := in.outcome(c.ID, actorID(r), "", f)
	if err := invalidIf(f); err != nil {
		return err
	}
	o, err = a.store.AddOutcome(r.Context(), o)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, o)
}

// outcomeInput is an outcome as a client sends it (on its own, with a
// closure, or with a referral's "got help").
type outcomeInput struct {
	Kind         cases.OutcomeKind `json:"kind"`
	Note         string            `json:"note"`
	OccurredOn   *string           `json:"occurred_on"`   // a date; nil or "" is today
	AfterRelease *bool             `json:"after_release"` // nil: from the case's custody phase
}

// outcome is the outcome to record on case caseID by user by; a bad date
// is noted in f under prefix+"occurred_on".
func (in outcomeInput) outcome(caseID, by int64, prefix string, f map[string]string) cases.Outcome {
	o := cases.Outcome{CaseID: caseID, Kind: in.Kind, Note: in.Note, AfterRelease: in.AfterRelease, RecordedBy: by}
	if d := parseDate(prefix+"occurred_on", in.OccurredOn, f); d != nil {
		o.OccurredOn = *d
	}
	return o
}
