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

// casePost is a form posted on one of a case's pages, for postOnCase.
type casePost struct {
	action   policy.Action // what the user must be allowed to do on the case
	fields   []string      // the form's fields, read as typed
	multi    []string      // its groups of boxes
	conflict string        // what a conflict that names no field says (someone else saved meanwhile)
	// save checks what was sent and saves it; it returns where to go next.
	save func(c cases.Case, f *form) (next string, err error)
	// show shows the page again with the refused form, with status.
	show func(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error
}

// postOnCase is the sequence of a form posted on a case's page: load the
// case (if the user may do the action on it), read the form and save it;
// then go on where save says, or, when the save was refused for a reason
// the person can act on, show the page again with the form as typed and
// the refusal's messages (422 for the input, 409 for the case's state or
// someone else's edit). Any other error is returned.
func (h *Web) postOnCase(w http.ResponseWriter, r *http.Request, p casePost) error {
	c, err := h.caseFromPath(r, p.action)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, p.fields, p.multi...)
	if err != nil {
		return err
	}
	next, err := p.save(c, f)
	if err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	if !f.refuse(err, p.conflict) {
		return err
	}
	return p.show(w, r, refusedStatus(err), c, f)
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
	Tab  string // overview, contacts, requests, notes, closing, profile, erasure
	// What the signed-in user may do on the case.
	CanManage, CanWork bool
}

// headerFor builds the header of a case page for the request's user, with
// the person's name beside the code when the user may read it (those who
// may view the case, as on the profile): one read, audited as
// mentee.name_read, so a page calls it once.
func (h *Web) headerFor(r *http.Request, c cases.Case, tab string) (caseHeader, error) {
	hd := headerOf(r, c, tab)
	if !policy.CanCase(policy.Actor(r.Context()), policy.CaseView, policy.RefOf(c)) {
		return hd, nil
	}
	names, err := h.store.MenteeNames(r.Context(), []int64{c.MenteeID})
	if err != nil {
		return hd, err
	}
	hd.Case.MenteeName = names[c.MenteeID]
	return hd, nil
}

// menteeHeader builds the header of a case on a page of the person's (the
// profile, the history), whose name the page has opened already: m's.
func menteeHeader(r *http.Request, c cases.Case, m cases.Mentee) *caseHeader {
	hd := headerOf(r, c, "profile")
	if policy.CanCase(policy.Actor(r.Context()), policy.CaseView, policy.RefOf(c)) {
		hd.Case.MenteeName = m.FullName
	}
	return &hd
}

// headerOf is the header of a case page without the person's name.
func headerOf(r *http.Request, c cases.Case, tab string) caseHeader {
	u := policy.Actor(r.Context())
	ref := policy.RefOf(c)
	return caseHeader{Case: c, Tab: tab,
		CanManage: policy.CanCase(u, policy.CaseManage, ref),
		CanWork:   policy.CanCase(u, policy.CaseWork, ref)}
}
