package web

import (
	"net/http"
	"slices"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

// historyPage is the mentee's sensitive history as far as the user may read
// it; coordinators also get the form that records what the mentee chose to
// share with their mentor.
type historyPage struct {
	Mentee    cases.Mentee
	Header    *caseHeader
	Parts     []historyPart
	CanManage bool
	// Who recorded the mentee's choice of shared parts, and when.
	SharedBy string
	SharedAt string
	Version  int    // the history version the sharing form was read at
	Done     string // the notice of an action just done, as a catalogue key
}

// historyPart is one part of the history: its text when the user may read
// it, or that it is not shared with them.
type historyPart struct {
	Part     cases.HistoryPart
	Readable bool
	Text     string
	Shared   bool // shared with the mentor
}

// historyDone are the notices the history page shows after an action.
var historyDone = map[string]string{
	"saved":   "form.saved",
	"sharing": "history.done.sharing",
}

// historyShow opens only the parts of the history the user may read
// (policy.HistoryParts); the store records the read in the audit. A part
// the user may not read is named, without its content.
func (h *Web) historyShow(w http.ResponseWriter, r *http.Request) {
	m, visible, via, err := h.menteeFromPath(r, policy.HistoryRead)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	u := policy.Actor(ctx)
	sharing, err := h.store.HistorySharing(ctx, m.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	parts := policy.HistoryParts(u, policy.RefOf(via), sharing.Shared)
	opened := cases.History{}
	if len(parts) > 0 {
		if opened, err = h.store.MenteeHistory(ctx, m.ID, parts); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	page := historyPage{Mentee: m, Done: historyDone[r.URL.Query().Get("done")]}
	for _, c := range visible {
		page.CanManage = page.CanManage || policy.CanCase(u, policy.CaseManage, policy.RefOf(c))
	}
	if len(visible) == 1 {
		hd := headerFor(r, visible[0], "profile")
		page.Header = &hd
	}
	for _, p := range cases.HistoryParts {
		hp := historyPart{Part: p, Readable: slices.Contains(parts, p)}
		if hp.Readable {
			hp.Text = opened.Parts[p]
		}
		if page.CanManage {
			hp.Shared = slices.Contains(sharing.Shared, p)
		}
		page.Parts = append(page.Parts, hp)
	}
	page.Version = sharing.Version
	if page.CanManage && sharing.SharedAt != nil {
		page.SharedAt = sharing.SharedAt.UTC().Format("2006-01-02")
		if sharing.SharedBy != 0 {
			if by, err := h.store.GetUser(ctx, sharing.SharedBy); err == nil {
				page.SharedBy = by.Name
				if page.SharedBy == "" {
					page.SharedBy = by.Email
				}
			}
		}
	}
	h.render(w, r, http.StatusOK, "history", "cases", page)
}
