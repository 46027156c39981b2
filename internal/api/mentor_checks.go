package api

import (
	"net/http"

	"homeward/internal/mentors"
	"homeward/internal/policy"
)

func (a *API) mentorCheckList(w http.ResponseWriter, r *http.Request) error {
	ref, err := a.mentorFromPath(r, policy.MentorView)
	if err != nil {
		return err
	}
	list, err := a.store.MentorChecks(r.Context(), ref.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(list, ""))
}

func (a *API) mentorCheckCreate(w http.ResponseWriter, r *http.Request) error {
	ref, err := a.mentorFromPath(r, policy.MentorManage)
	if err != nil {
		return err
	}
	var in struct {
		Kind      string              `json:"kind"`
		Result    mentors.CheckResult `json:"result"`
		DoneOn    *string             `json:"done_on"`
		ExpiresOn *string             `json:"expires_on"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	f := map[string]string{}
	c := mentors.Check{MentorID: ref.ID, Kind: in.Kind, Result: in.Result, ExpiresOn: parseDate("expires_on", in.ExpiresOn, f)}
	if d := parseDate("done_on", in.DoneOn, f); d != nil {
		c.DoneOn = *d
	}
	if err := invalidIf(f); err != nil {
		return err
	}
	c, err = a.store.RecordCheck(r.Context(), c, actorID(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, c)
}
