package api

import (
	"context"
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// caseCustody opens the custody phase of a case in a program that has one
// (its sealed parts' read audited by the store); nil in a program without.
func (a *API) caseCustody(ctx context.Context, c cases.Case) (*cases.Custody, error) {
	p, err := a.store.GetProgram(ctx, c.ProgramID)
	if err != nil || !p.Custody.Enabled {
		return nil, err
	}
	cu, err := a.store.CaseCustody(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	return &cu, nil
}

// custodyGet reads a case's custody phase, to those who see the case (as
// the case page shows it).
func (a *API) custodyGet(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	cu, err := a.caseCustody(r.Context(), c)
	if err != nil {
		return err
	}
	if cu == nil {
		return errs.Conflict("This program has no custody phase.", map[string]string{"custody": "case.custody.none"})
	}
	return writeJSON(w, http.StatusOK, cu)
}

// custodyInput is the whole custody phase of a case, as PUT replaces it.
type custodyInput struct {
	FacilityID      *int64            `json:"facility_id"` // null or 0: none
	FacilityDetail  string            `json:"facility_detail"`
	Phase           cases.Phase       `json:"phase"`
	ExpectedRelease *string           `json:"expected_release"`
	ReleasedOn      *string           `json:"released_on"`
	ReleasePlan     cases.ReleasePlan `json:"release_plan"`
}

// custodyPut replaces a case's custody phase: the program's coordinators,
// as the custody form of the case page.
func (a *API) custodyPut(w http.ResponseWriter, r *http.Request) error {
	var in custodyInput
	c, err := a.caseAndBody(w, r, policy.CaseManage, &in)
	if err != nil {
		return err
	}
	f := map[string]string{}
	cu := cases.Custody{FacilityDetail: in.FacilityDetail, Phase: in.Phase, ReleasePlan: in.ReleasePlan,
		ExpectedRelease: parseDate("expected_release", in.ExpectedRelease, f), ReleasedOn: parseDate("released_on", in.ReleasedOn, f)}
	if in.FacilityID != nil {
		cu.FacilityID = *in.FacilityID
	}
	if err := invalidIf(f); err != nil {
		return err
	}
	if err := a.store.SaveCustody(r.Context(), c.ID, cu, actorID(r)); err != nil {
		return err
	}
	return a.custodyGet(w, r)
}
