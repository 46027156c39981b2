package web

import (
	"context"
	"net/http"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/policy"
	"homeward/internal/store"
)

type homePage struct {
	Programs  int
	CanCreate bool
	// Cases is the at-a-glance view of the signed-in user's cases: for
	// coordinators, mentors and psychologists (nil for everyone else).
	Cases *homeCases
}

// homeCases counts the cases of the user's scope that need attention.
type homeCases struct {
	Overdue, Quiet homeCount
}

// homeCount is a count of cases, capped: More tells that there are more
// than N (the count stops at one page of the case list).
type homeCount struct {
	N    int
	More bool
}

// home is the start page. A mentee has their own portal; staff who work on
// cases see which of theirs need attention; everyone sees the programs.
func (h *Web) home(w http.ResponseWriter, r *http.Request) {
	u := policy.Actor(r.Context())
	if u.Role == auth.Mentee {
		http.Redirect(w, r, "/my", http.StatusSeeOther)
		return
	}
	n, err := h.store.CountPrograms(r.Context(), policy.ProgramScope(r.Context(), ""))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page := homePage{Programs: n, CanCreate: policy.CheckRequest(r.Context(), policy.ProgramCreate, 0) == nil}
	if policy.Can(u, policy.CaseList, 0) {
		scope := policy.CaseScope(u)
		page.Cases = &homeCases{}
		if page.Cases.Overdue, err = h.countCases(r.Context(), scope, cases.SignalOverdue); err == nil {
			page.Cases.Quiet, err = h.countCases(r.Context(), scope, cases.SignalQuiet)
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, http.StatusOK, "home", "home", page)
}

// homeCountCap is where a count on the home page stops ("500+"): one
// page of the case list, which its indexes answer without a full scan.
const homeCountCap = store.MaxLimit

// countCases counts the cases in scope that show a signal, up to the cap.
func (h *Web) countCases(ctx context.Context, scope store.CaseScope, s cases.Signal) (homeCount, error) {
	list, next, err := h.store.ListCases(ctx, store.CaseFilter{Scope: scope, Signal: s}, store.Page{Limit: homeCountCap})
	if err != nil {
		return homeCount{}, err
	}
	return homeCount{N: len(list), More: next != ""}, nil
}
