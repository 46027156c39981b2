package api

import (
	"net/http"
	"strings"

	"homeward/internal/cases"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// caseList lists the cases the user may see (policy.CaseScope), filtered
// and sorted as the case list page does, one keyset page at a time.
func (a *API) caseList(w http.ResponseWriter, r *http.Request) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	bad := map[string]string{}
	f := store.CaseFilter{
		Scope:     policy.CaseScope(policy.Actor(r.Context())),
		ProgramID: queryID(r, "program_id", bad),
		MentorID:  queryID(r, "mentor_id", bad),
		State:     cases.State(q.Get("state")),
		Signal:    cases.Signal(q.Get("signal")),
		Need:      strings.TrimSpace(q.Get("need")),
		Code:      strings.ToUpper(strings.TrimSpace(q.Get("code"))),
		Query:     q.Get("q"),
		Sort:      store.CaseSort(q.Get("sort")),
	}
	if f.State != "" && !f.State.Valid() {
		bad["state"] = "validation.choice"
	}
	if f.Signal != "" && !f.Signal.Valid() {
		bad["signal"] = "validation.choice"
	}
	switch f.Sort {
	case "":
		f.Sort = store.SortDue
	case store.SortDue, store.SortCode, store.SortOpened:
	default:
		bad["sort"] = "validation.choice"
	}
	if err := invalidIf(bad); err != nil {
		return err
	}
	items, next, err := a.store.ListCases(r.Context(), f, page)
	if err != nil {
		return err
	}
	if err := a.menteeNames(r, items); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

// menteeNames opens the names of the people of the listed cases that the
// user may read (those of the cases they may view), in one batch.
func (a *API) menteeNames(r *http.Request, list []cases.Case) error {
	u := policy.Actor(r.Context())
	var ids []int64
	for _, c := range list {
		if policy.CanCase(u, policy.CaseView, policy.RefOf(c)) {
			ids = append(ids, c.MenteeID)
		}
	}
	names, err := a.store.MenteeNames(r.Context(), ids)
	if err != nil {
		return err
	}
	for i, c := range list {
		if policy.CanCase(u, policy.CaseView, policy.RefOf(c)) {
			list[i].MenteeName = names[c.MenteeID]
		}
	}
	return nil
}

func (a *API) caseGet(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	// Those who see the case see its custody phase, as on the case page.
	if c.Custody, err = a.caseCustody(r.Context(), c); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

// casePsychologist assigns a psychologist of the case's program to the
// case, for support and the final meeting; 0 removes the one assigned.
func (a *API) casePsychologist(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		PsychologistID *int64 `json:"psychologist_id"`
	}
	c, err := a.caseAndBody(w, r, policy.CaseManage, &in)
	if err != nil {
		return err
	}
	if in.PsychologistID == nil || *in.PsychologistID < 0 {
		return invalidIf(map[string]string{"psychologist_id": "validation.required"})
	}
	c, err = a.store.AssignPsychologist(r.Context(), c.ID, *in.PsychologistID, actorID(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}
