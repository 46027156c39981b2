package api

import (
	"net/http"
	"slices"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// requestList lists the case's requests, newest first, text opened (the
// store audits the read).
func (a *API) requestList(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	list, err := a.store.Requests(r.Context(), c.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(list, ""))
}

// requestCreate records a request as staff; the case's quiet period moves.
func (a *API) requestCreate(w http.ResponseWriter, r *http.Request) error {
	in := struct {
		Domain     string              `json:"domain"`
		Urgency    cases.Urgency       `json:"urgency"`
		Text       string              `json:"text"`
		Status     cases.RequestStatus `json:"status"`
		Resolution string              `json:"resolution"`
	}{Urgency: cases.Normal, Status: cases.RequestOpen}
	c, err := a.caseAndBody(w, r, policy.CaseWork, &in)
	if err != nil {
		return err
	}
	req, err := a.store.AddRequest(r.Context(), cases.Request{CaseID: c.ID, Domain: in.Domain, Urgency: in.Urgency,
		Text: in.Text, Status: in.Status, Resolution: in.Resolution, RecordedBy: actorID(r)})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, req)
}

// requestUpdate changes a request's status and resolution; the body
// carries the version last read.
func (a *API) requestUpdate(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseWork)
	if err != nil {
		return err
	}
	id, err := route.PathID(r, "request", "request")
	if err != nil {
		return err
	}
	type update struct {
		Status     cases.RequestStatus `json:"status"`
		Resolution string              `json:"resolution"`
		Version    *int64              `json:"version"`
	}
	body, version, err := versionedBody(w, r, &update{})
	if err != nil {
		return err
	}
	// The request is looked up among the case's own, so that a request of
	// another case is never opened (nor its read audited) on the way to a 404.
	list, err := a.store.Requests(r.Context(), c.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(list, func(q cases.Request) bool { return q.ID == id })
	if i < 0 {
		return errs.NotFound("request")
	}
	req := list[i]
	in := update{Status: req.Status, Resolution: req.Resolution}
	if err := decodeStrict(body, &in); err != nil {
		return err
	}
	req.Status, req.Resolution, req.Version = in.Status, in.Resolution, version
	req, err = a.store.UpdateRequest(r.Context(), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, req)
}
