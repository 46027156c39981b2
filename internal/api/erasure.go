package api

import (
	"encoding/json"
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/identity"
	"homeward/internal/policy"
	"homeward/internal/route"
	"homeward/internal/store"
)

// erasureLatest returns the newest erasure request of the case's person
// (404 without one), for the program's coordinators.
func (a *API) erasureLatest(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.ErasureAsk)
	if err != nil {
		return err
	}
	e, err := a.store.LatestErasure(r.Context(), c.MenteeID)
	if err != nil {
		return err
	}
	if e == nil {
		return errs.NotFound("erasure request")
	}
	return writeJSON(w, http.StatusOK, e)
}

// erasureAsk asks for the erasure of the case's person, with a reason from
// cases.ErasureReasons; another coordinator of the program or the admin
// decides it.
func (a *API) erasureAsk(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reason cases.ErasureReason `json:"reason"`
	}
	c, err := a.caseAndBody(w, r, policy.ErasureAsk, &in)
	if err != nil {
		return err
	}
	e, err := a.store.AskErasure(r.Context(), c.ID, in.Reason, actorID(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, e)
}

// erasureList lists the requests waiting for a decision in the user's
// programs (every program's for the admin), oldest first.
func (a *API) erasureList(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	ids, all := policy.Programs(policy.Actor(r.Context()))
	list, next, err := a.store.ErasureRequests(r.Context(), store.ErasureFilter{ProgramIDs: ids, All: all}, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(list, next))
}

// erasureDecide approves a waiting request, erasing the person at once, or
// refuses it: a coordinator of the case's program other than the one who
// asked (403 for them), or the admin.
func (a *API) erasureDecide(approve bool) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := route.PathID(r, "id", "erasure request")
		if err != nil {
			return err
		}
		e, err := a.store.GetErasureRequest(r.Context(), id)
		if err != nil {
			return err
		}
		c, err := a.store.GetCase(r.Context(), e.CaseID)
		if err != nil {
			return err
		}
		if err := policy.CheckCase(r.Context(), policy.ErasureDecide, policy.RefOf(c)); err != nil {
			return err
		}
		if approve {
			if err := a.requireFreshProof(r); err != nil {
				return err
			}
			e, err = a.store.ApproveErasure(r.Context(), id, actorID(r))
		} else {
			e, err = a.store.RefuseErasure(r.Context(), id, actorID(r))
		}
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, e)
	}
}

// menteeExport sends everything held about a person (GDPR art. 15) in the
// cases of theirs the coordinator manages, staff notes and the sealed
// history included, as one JSON object written as it is read: the head,
// then "cases". An erased person is 404.
func (a *API) menteeExport(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "mentee")
	if err != nil {
		return err
	}
	all, err := a.store.MenteeCases(r.Context(), id)
	if err != nil {
		return err
	}
	u := policy.Actor(r.Context())
	if _, _, err := policy.MenteeThrough(u, policy.MenteeExport, all); err != nil {
		return err
	}
	if err := a.requireFreshProof(r); err != nil {
		return err
	}
	head, err := a.store.ExportMentee(r.Context(), id)
	if err != nil {
		return err
	}
	b, err := json.Marshal(head)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	abort := func(err error) {
		a.log.Error("person export failed", "request_id", route.InfoFrom(r.Context()).RequestID, "err", err)
		panic(http.ErrAbortHandler)
	}
	write := func(b []byte) {
		if _, err := w.Write(b); err != nil {
			abort(err)
		}
	}
	write(b[:len(b)-1])
	write([]byte(`,"cases":[`))
	enc := json.NewEncoder(w)
	n := 0
	for _, c := range all {
		if !policy.CanCase(u, policy.MenteeExport, policy.RefOf(c)) {
			continue
		}
		one, err := a.store.ExportCase(r.Context(), c)
		if err != nil {
			abort(err)
		}
		if n > 0 {
			write([]byte(","))
		}
		n++
		if err := enc.Encode(one); err != nil {
			abort(err)
		}
	}
	write([]byte("]}\n"))
	return nil
}

// requireFreshProof refuses (identity.ErrFreshProof, 403
// fresh_proof_required) unless the request comes with a session that proved
// its person within the last ten minutes: a person's export and approving
// an erasure. An API token is always refused: a token proves nothing
// afresh, so these are for a signed-in browser session (the pages) and,
// for the admin, homeward erase.
func (a *API) requireFreshProof(r *http.Request) error {
	c, ok := identity.From(r.Context())
	if !ok {
		return identity.ErrFreshProof
	}
	return identity.FreshProof(c, a.store.Now())
}
