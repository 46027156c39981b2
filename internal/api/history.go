package api

import (
	"net/http"
	"slices"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// historyView is the sensitive history as the user may read it: only the
// parts policy.HistoryParts allows are opened and present.
type historyView struct {
	cases.History
	// Readable lists the parts the user may read (present in parts when written).
	Readable []cases.HistoryPart `json:"readable"`
}

// historyRead opens the parts of the mentee's history the user may read on
// the case via; the store audits the read. With no readable part nothing
// is opened.
func (a *API) historyRead(r *http.Request, menteeID int64, via cases.Case) (historyView, error) {
	sharing, err := a.store.HistorySharing(r.Context(), menteeID)
	if err != nil {
		return historyView{}, err
	}
	parts := policy.HistoryParts(policy.Actor(r.Context()), policy.RefOf(via), sharing.Shared)
	v := historyView{History: sharing, Readable: parts}
	if len(parts) > 0 {
		h, err := a.store.MenteeHistory(r.Context(), menteeID, parts)
		if err != nil {
			return historyView{}, err
		}
		v.History = h
	}
	// Whatever the store returned, only the readable parts with text leave.
	open := map[cases.HistoryPart]string{}
	for _, p := range parts {
		if s := v.Parts[p]; s != "" {
			open[p] = s
		}
	}
	v.Parts, v.MenteeID = open, menteeID
	if v.Shared == nil {
		v.Shared = []cases.HistoryPart{}
	}
	if v.Readable == nil {
		v.Readable = []cases.HistoryPart{}
	}
	return v, nil
}

func (a *API) historyGet(w http.ResponseWriter, r *http.Request) error {
	id, via, err := a.menteeIDFromPath(r, policy.HistoryRead)
	if err != nil {
		return err
	}
	v, err := a.historyRead(r, id, via)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// historyUpdate seals and stores the parts the body names (an empty text
// clears a part); the body carries the history's version last read.
func (a *API) historyUpdate(w http.ResponseWriter, r *http.Request) error {
	id, via, err := a.menteeIDFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	var in struct {
		Parts   map[cases.HistoryPart]string `json:"parts"`
		Version *int64                       `json:"version"`
	}
	_, version, err := versionedBody(w, r, &in)
	if err != nil {
		return err
	}
	if len(in.Parts) == 0 {
		return errs.Invalid(map[string]string{"parts": "validation.required"})
	}
	h := cases.History{MenteeID: id, Parts: in.Parts, Version: version}
	if err := h.Validate(); err != nil {
		return err
	}
	if err := a.store.SaveHistory(r.Context(), h); err != nil {
		return err
	}
	v, err := a.historyRead(r, id, via)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// sharingUpdate records which parts of the history the mentee chose to
// share with their mentor; it opens nothing.
func (a *API) sharingUpdate(w http.ResponseWriter, r *http.Request) error {
	id, _, err := a.menteeIDFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	var in struct {
		Shared  *[]cases.HistoryPart `json:"shared"`
		Version int                  `json:"version"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Shared == nil {
		return errs.Invalid(map[string]string{"shared": "validation.required"})
	}
	var shared []cases.HistoryPart
	for _, p := range *in.Shared {
		if !p.Valid() {
			return errs.Invalid(map[string]string{"shared": "validation.choice"})
		}
		if !slices.Contains(shared, p) {
			shared = append(shared, p)
		}
	}
	if err := a.store.SetHistorySharing(r.Context(), id, shared, in.Version, actorID(r)); err != nil {
		return err
	}
	h, err := a.store.HistorySharing(r.Context(), id)
	if err != nil {
		return err
	}
	if h.Shared == nil {
		h.Shared = []cases.HistoryPart{}
	}
	return writeJSON(w, http.StatusOK, sharingView{MenteeID: id, Shared: h.Shared, SharedBy: h.SharedBy, SharedAt: h.SharedAt, Version: h.Version})
}

// sharingView is the mentee's choice of shared parts, without any text.
type sharingView struct {
	MenteeID int64               `json:"mentee_id"`
	Shared   []cases.HistoryPart `json:"shared"`
	SharedBy int64               `json:"shared_by,omitempty"`
	SharedAt *time.Time          `json:"shared_at,omitempty"`
	Version  int                 `json:"version"`
}
