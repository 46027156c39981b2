package api

import (
	"net/http"
	"slices"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// noteList lists the notes of the levels the user may read
// (policy.NoteVisibilities), newest first; the store audits the read.
func (a *API) noteList(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	vis := policy.NoteVisibilities(policy.Actor(r.Context()), policy.RefOf(c))
	var list []cases.Note
	if len(vis) > 0 {
		if list, err = a.store.Notes(r.Context(), c.ID, vis); err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusOK, newList(list, ""))
}

// noteCreate adds a note at a level the user may write; any other level is
// refused (403).
func (a *API) noteCreate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Visibility cases.Visibility `json:"visibility"`
		Body       string           `json:"body"`
	}
	c, err := a.caseAndBody(w, r, policy.CaseView, &in)
	if err != nil {
		return err
	}
	n := cases.Note{CaseID: c.ID, Visibility: in.Visibility, Body: in.Body, AuthorID: actorID(r)}
	if err := n.Validate(); err != nil {
		return err
	}
	if !slices.Contains(policy.NoteVisibilities(policy.Actor(r.Context()), policy.RefOf(c)), n.Visibility) {
		return errs.Forbidden("You may not write notes of this visibility.")
	}
	n, err = a.store.AddNote(r.Context(), n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, n)
}
