package api

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// caseFromPath loads the case the path's {id} names, if the signed-in user
// may do the action on it (errs.NotFound when they may not even see it).
// It is the API's twin of the pages' caseFromPath: every case route calls
// it before it reads anything else of the case.
func (a *API) caseFromPath(r *http.Request, act policy.Action) (cases.Case, error) {
	id, err := route.PathID(r, "id", "case")
	if err != nil {
		return cases.Case{}, err
	}
	c, err := a.store.GetCase(r.Context(), id)
	if errs.Is(err, errs.KindNotFound) {
		return c, errs.NotFound("case")
	}
	if err != nil {
		return c, err
	}
	if err := policy.CheckCase(r.Context(), act, policy.RefOf(c)); err != nil {
		return cases.Case{}, err
	}
	return c, nil
}

// caseAndBody starts a write on a case: the case the path names, if the
// user may do the action on it (caseFromPath), then the body read into v
// (decode). The case is decided on first, so that a user who may not act
// on it learns nothing from the body's errors.
func (a *API) caseAndBody(w http.ResponseWriter, r *http.Request, act policy.Action, v any) (cases.Case, error) {
	c, err := a.caseFromPath(r, act)
	if err != nil {
		return c, err
	}
	return c, decode(w, r, v)
}

// menteeAccess loads the cases of the mentee id and decides as the pages'
// menteeFromPath does: the user may do the action on the mentee when they
// may do it on one of the mentee's cases, which is returned as via, with
// the cases of theirs the user may view. A mentee with no case the user may
// view is errs.NotFound, one they may view but not act on errs.Forbidden.
func (a *API) menteeAccess(r *http.Request, id int64, act policy.Action) (visible []cases.Case, via cases.Case, err error) {
	all, err := a.store.MenteeCases(r.Context(), id)
	if err != nil {
		return nil, via, err
	}
	return policy.MenteeThrough(policy.Actor(r.Context()), act, all)
}

// menteeFromPath loads the mentee the path's {id} names, if the user may do
// the action on them through one of their cases (menteeAccess).
func (a *API) menteeFromPath(r *http.Request, act policy.Action) (m cases.Mentee, visible []cases.Case, via cases.Case, err error) {
	id, err := route.PathID(r, "id", "mentee")
	if err != nil {
		return m, nil, via, err
	}
	visible, via, err = a.menteeAccess(r, id, act)
	if err != nil {
		return m, nil, via, err
	}
	m, err = a.store.GetMentee(r.Context(), id)
	return m, visible, via, err
}

// menteeIDFromPath decides on the mentee the path's {id} names as
// menteeFromPath does, without reading their profile: their id, and the
// case of theirs through which the user may do the action.
func (a *API) menteeIDFromPath(r *http.Request, act policy.Action) (id int64, via cases.Case, err error) {
	id, err = route.PathID(r, "id", "mentee")
	if err != nil {
		return 0, via, err
	}
	_, via, err = a.menteeAccess(r, id, act)
	return id, via, err
}

// actorID is the id of the request's signed-in user.
func actorID(r *http.Request) int64 { return policy.Actor(r.Context()).ID }
