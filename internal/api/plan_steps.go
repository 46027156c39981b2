package api

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// planStepInput is a plan step as a client writes it; due_on is a date.
type planStepInput struct {
	Title  string           `json:"title"`
	Domain string           `json:"domain"`
	Owner  cases.Owner      `json:"owner"`
	DueOn  *string          `json:"due_on"`
	Status cases.StepStatus `json:"status"`
}

func (in planStepInput) apply(st *cases.PlanStep) error {
	f := map[string]string{}
	st.Title, st.Domain, st.Owner, st.Status = in.Title, in.Domain, in.Owner, in.Status
	st.DueOn = parseDate("due_on", in.DueOn, f)
	return invalidIf(f)
}

func (a *API) planStepList(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	list, err := a.store.PlanSteps(r.Context(), c.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(list, ""))
}

// planStepCreate adds a step to the current period's plan.
func (a *API) planStepCreate(w http.ResponseWriter, r *http.Request) error {
	in := planStepInput{Status: cases.StepOpen}
	c, err := a.caseAndBody(w, r, policy.CaseWork, &in)
	if err != nil {
		return err
	}
	st := cases.PlanStep{CaseID: c.ID}
	if err := in.apply(&st); err != nil {
		return err
	}
	st, err = a.store.AddPlanStep(r.Context(), st)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, st)
}

// planStepUpdate changes the fields the body names; the body carries the
// version last read.
func (a *API) planStepUpdate(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseWork)
	if err != nil {
		return err
	}
	type update struct {
		planStepInput
		Version *int64 `json:"version"`
	}
	id, err := route.PathID(r, "step", "plan step")
	if err != nil {
		return err
	}
	body, version, err := versionedBody(w, r, &update{})
	if err != nil {
		return err
	}
	st, err := a.store.GetPlanStep(r.Context(), c.ID, id)
	if err != nil {
		return err
	}
	in := update{planStepInput: planStepInput{Title: st.Title, Domain: st.Domain, Owner: st.Owner, DueOn: dateString(st.DueOn), Status: st.Status}}
	if err := decodeStrict(body, &in); err != nil {
		return err
	}
	if err := in.apply(&st); err != nil {
		return err
	}
	st.Version = version
	st, err = a.store.UpdatePlanStep(r.Context(), st)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}
