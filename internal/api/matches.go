package api

import (
	"net/http"
	"strings"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/text"
)

// matchView is the mentor on a case now (null without one) and every match
// of the case, oldest first.
type matchView struct {
	Current *cases.Match  `json:"current"`
	History []cases.Match `json:"history"`
}

func (a *API) matchesOf(r *http.Request, caseID int64) (matchView, error) {
	list, err := a.store.CaseMatches(r.Context(), caseID)
	if err != nil {
		return matchView{}, err
	}
	v := matchView{History: list}
	if v.History == nil {
		v.History = []cases.Match{}
	}
	for i := range list {
		if list[i].EndedAt == nil {
			m := list[i]
			v.Current = &m
		}
	}
	return v, nil
}

func (a *API) matchGet(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	v, err := a.matchesOf(r, c.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// matchAssign assigns a mentor to a waiting case, within the program's
// mentor capacity (409 when the mentor's places are taken).
func (a *API) matchAssign(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		MentorID int64 `json:"mentor_id"`
	}
	c, err := a.caseAndBody(w, r, policy.CaseManage, &in)
	if err != nil {
		return err
	}
	if in.MentorID <= 0 {
		return errs.Invalid(map[string]string{"mentor_id": "validation.required"})
	}
	if _, err := a.store.Match(r.Context(), c.ID, in.MentorID, actorID(r)); err != nil {
		return err
	}
	v, err := a.matchesOf(r, c.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// matchEnd ends the running match; the case waits for another mentor and
// the mentor's place frees.
func (a *API) matchEnd(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reason string `json:"reason"`
	}
	c, err := a.caseAndBody(w, r, policy.CaseManage, &in)
	if err != nil {
		return err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	f := map[string]string{}
	text.Check(f, "reason", in.Reason, true, true, cases.MaxReason)
	if err := invalidIf(f); err != nil {
		return err
	}
	if _, err := a.store.EndMatch(r.Context(), c.ID, in.Reason, actorID(r)); err != nil {
		return err
	}
	v, err := a.matchesOf(r, c.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}
