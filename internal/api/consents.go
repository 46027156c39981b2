package api

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

// consentList lists every consent record of the mentee, newest first; the
// newest of a kind is in force.
func (a *API) consentList(w http.ResponseWriter, r *http.Request) error {
	id, _, err := a.menteeIDFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	list, err := a.store.Consents(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(list, ""))
}

// consentRecord records a consent given or withdrawn, with who and when.
func (a *API) consentRecord(w http.ResponseWriter, r *http.Request) error {
	id, _, err := a.menteeIDFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	var in struct {
		Kind  cases.ConsentKind `json:"kind"`
		Given *bool             `json:"given"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	f := map[string]string{}
	if !in.Kind.Valid() {
		f["kind"] = "validation.choice"
	}
	if in.Given == nil {
		f["given"] = "validation.required"
	}
	if err := invalidIf(f); err != nil {
		return err
	}
	c, err := a.store.RecordConsent(r.Context(), cases.Consent{MenteeID: id, Kind: in.Kind, Given: *in.Given, RecordedBy: actorID(r)})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, c)
}
