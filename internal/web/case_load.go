package web

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// caseFromPath loads the case the path's {id} names, if the signed-in user
// may do the action on it (errs.NotFound when they may not even see it).
func (h *Web) caseFromPath(r *http.Request, a policy.Action) (cases.Case, error) {
	id, err := route.PathID(r, "id", "case")
	if err != nil {
		return cases.Case{}, err
	}
	c, err := h.store.GetCase(r.Context(), id)
	if errs.Is(err, errs.KindNotFound) {
		return c, errs.NotFound("case")
	}
	if err != nil {
		return c, err
	}
	if err := policy.CheckCase(r.Context(), a, policy.RefOf(c)); err != nil {
		return cases.Case{}, err
	}
	return c, nil
}

// menteeFromPath loads the mentee the path's {id} names, with the cases of
// theirs the user may view; the user may do the action on the mentee when
// they may do it on one of those cases, which is returned as via.
func (h *Web) menteeFromPath(r *http.Request, a policy.Action) (m cases.Mentee, visible []cases.Case, via cases.Case, err error) {
	id, err := route.PathID(r, "id", "mentee")
	if err != nil {
		return m, nil, via, err
	}
	all, err := h.store.MenteeCases(r.Context(), id)
	if err != nil {
		return m, nil, via, err
	}
	visible, via, err = policy.MenteeThrough(policy.Actor(r.Context()), a, all)
	if err != nil {
		return m, nil, via, err
	}
	m, err = h.store.GetMentee(r.Context(), id)
	return m, visible, via, err
}

// caseHeader is the data of the "case_header" partial: the case's code,
// state and signals, and the tabs of its pages.
type caseHeader struct {
	Case cases.Case
	Tab  string // overview, contacts, requests, notes, closing, profile
	// What the signed-in user may do on the case.
	CanManage, CanWork bool
}

// headerFor builds the header of a case page for the request's user.
func headerFor(r *http.Request, c cases.Case, tab string) caseHeader {
	u := policy.Actor(r.Context())
	ref := policy.RefOf(c)
	return caseHeader{Case: c, Tab: tab,
		CanManage: policy.CanCase(u, policy.CaseManage, ref),
		CanWork:   policy.CanCase(u, policy.CaseWork, ref)}
}
