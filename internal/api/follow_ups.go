package api

import (
	"net/http"
	"slices"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// followUpList returns the case's follow-ups: the program's coordinators
// and the case's psychologist only (they tell of work, housing and
// re-arrest after the mentor's time).
func (a *API) followUpList(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.FinalMeeting)
	if err != nil {
		return err
	}
	list, err := a.store.FollowUps(r.Context(), c.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(list, ""))
}

// followUpRecord records a follow-up's answers; the body carries the
// version last read.
func (a *API) followUpRecord(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	id, err := route.PathID(r, "followup", "follow-up")
	if err != nil {
		return err
	}
	type update struct {
		WorkKept   cases.Answer `json:"work_kept"`
		Housing    cases.Answer `json:"housing"`
		Rearrested cases.Answer `json:"rearrested"`
		Note       string       `json:"note"`
		Version    *int64       `json:"version"`
	}
	body, version, err := versionedBody(w, r, &update{})
	if err != nil {
		return err
	}
	list, err := a.store.FollowUps(r.Context(), c.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(list, func(f cases.FollowUp) bool { return f.ID == id })
	if i < 0 {
		return errs.NotFound("follow-up")
	}
	fu := &list[i]
	in := update{WorkKept: fu.WorkKept, Housing: fu.Housing, Rearrested: fu.Rearrested, Note: fu.Note}
	if err := decodeStrict(body, &in); err != nil {
		return err
	}
	fu.WorkKept, fu.Housing, fu.Rearrested, fu.Note, fu.Version = in.WorkKept, in.Housing, in.Rearrested, in.Note, version
	fu.RecordedBy = actorID(r)
	if err := fu.Validate(); err != nil {
		return err
	}
	saved, err := a.store.RecordFollowUp(r.Context(), *fu)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, saved)
}
