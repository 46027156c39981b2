package api

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

// contactList lists the case's contacts, newest first, one keyset page at a
// time; the summaries are opened (the store audits the read).
func (a *API) contactList(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	list, next, err := a.store.Contacts(r.Context(), c.ID, page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(list, next))
}

// contactCreate records a contact; the case's next contact due moves.
func (a *API) contactCreate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		At      string        `json:"at"`
		Channel cases.Channel `json:"channel"`
		Minutes int           `json:"minutes"`
		Summary string        `json:"summary"`
		Needs   []string      `json:"needs"`
	}
	c, err := a.caseAndBody(w, r, policy.CaseWork, &in)
	if err != nil {
		return err
	}
	f := map[string]string{}
	ct := cases.Contact{CaseID: c.ID, At: parseTime("at", in.At, f), Channel: in.Channel, Minutes: in.Minutes,
		Summary: in.Summary, Needs: in.Needs, RecordedBy: actorID(r)}
	if in.At == "" {
		f["at"] = "validation.required"
	}
	if ct.Needs == nil {
		ct.Needs = []string{}
	}
	if err := invalidIf(f); err != nil {
		return err
	}
	ct, err = a.store.AddContact(r.Context(), ct)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, ct)
}
