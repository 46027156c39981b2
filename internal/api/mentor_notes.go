package api

import (
	"net/http"

	"homeward/internal/policy"
)

// Notes on a mentor are the coordinators' only: sealed, every read
// audited (policy.MentorManage).

func (a *API) mentorNoteList(w http.ResponseWriter, r *http.Request) error {
	ref, err := a.mentorFromPath(r, policy.MentorManage)
	if err != nil {
		return err
	}
	list, err := a.store.MentorNotes(r.Context(), ref.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(list, ""))
}

func (a *API) mentorNoteCreate(w http.ResponseWriter, r *http.Request) error {
	ref, err := a.mentorFromPath(r, policy.MentorManage)
	if err != nil {
		return err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	n, err := a.store.AddMentorNote(r.Context(), ref.ID, in.Body, actorID(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, n)
}
