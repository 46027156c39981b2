package web

import (
	"context"
	"net/http"
	"slices"
	"time"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/partners"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// referralRow is a referral in a list, with whether it waits for the
// partner's answer longer than its program's reminder days.
type referralRow struct {
	partners.Referral
	Waiting bool
}

// caseReferralsPage is a case's referrals tab.
type caseReferralsPage struct {
	Header    caseHeader
	Referrals []referralRow
	Days      int
}

// referralCaseList shows the referrals of a case, newest change first.
func (h *Web) referralCaseList(w http.ResponseWriter, r *http.Request) {
	c, err := h.caseFromPath(r, policy.CaseView)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.store.GetProgram(r.Context(), c.ProgramID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	list, _, err := h.store.Referrals(r.Context(), store.ReferralFilter{CaseID: c.ID}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page := caseReferralsPage{Header: headerFor(r, c, "referrals"), Days: p.ReferralReminderDays}
	now := h.store.Now()
	for _, rf := range list {
		page.Referrals = append(page.Referrals, referralRow{Referral: rf, Waiting: rf.Waiting(now, p.ReferralReminderDays)})
	}
	h.render(w, r, http.StatusOK, "case_referrals", "cases", page)
}

// referralsPage is a list of referrals: the staff's (a coordinator's
// programs, a mentor's own cases) or a partner's inbox.
type referralsPage struct {
	Referrals   []referralRow
	Status      string
	Open        bool
	Waiting     bool // only those unanswered for longer than their program's reminder days
	Statuses    []partners.Status
	Partner     bool
	Next, First string
}

// referralList lists the referrals the user works on: for coordinators
// their programs', for mentors their own cases', and for partner users
// their organisation's (an audited read of the inbox). Anyone else has no
// referrals to see.
func (h *Web) referralList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := policy.Actor(ctx)
	q := r.URL.Query()
	var err error
	f := store.ReferralFilter{Status: partners.Status(q.Get("status")), OpenOnly: q.Get("open") == "1"}
	if f.Status != "" && !slices.Contains(partners.Statuses, f.Status) {
		f.Status = ""
	}
	page := referralsPage{Status: string(f.Status), Open: f.OpenOnly, Statuses: partners.Statuses}
	switch {
	case policy.Can(u, policy.PartnerPortal, 0):
		f.OrganizationID, page.Partner = u.OrganizationID, true
		if f.Status == partners.Draft {
			f.Status = ""
		}
		page.Statuses = partners.Statuses[1:]
	case u.Role == auth.Coordinator:
		f.Scoped, f.ProgramIDs = true, u.Programs
	case u.Role == auth.Mentor:
		f.Scoped, f.ProgramIDs, f.MentorID = true, u.Programs, u.ID
	default: // policy.ReferralList let no one else in
		h.fail(w, r, errs.Forbidden("You may not do this."))
		return
	}
	if q.Get("waiting") == "1" && !page.Partner {
		page.Waiting = true
		if f.WaitingSince, err = h.waitingSince(ctx, u.Programs); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	cursor := q.Get("cursor")
	list, next, err := h.store.Referrals(ctx, f, store.Page{Limit: store.DefaultLimit, Cursor: cursor})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if page.Partner {
		if err := h.store.Audit(ctx, "referral.inbox_read", "organization", u.OrganizationID, "ok"); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	days := map[int64]int{}
	now := h.store.Now()
	for _, rf := range list {
		// One read per program of the page, for its reminder days.
		d, seen := days[rf.ProgramID]
		if !seen {
			p, err := h.store.GetProgram(ctx, rf.ProgramID)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			d, days[rf.ProgramID] = p.ReferralReminderDays, p.ReferralReminderDays
		}
		page.Referrals = append(page.Referrals, referralRow{Referral: rf, Waiting: rf.Waiting(now, d)})
	}
	page.Next, page.First = pageLinks(r, "/referrals", cursor, next)
	section := "referrals"
	if page.Partner {
		section = "partner"
	}
	h.render(w, r, http.StatusOK, "referrals", section, page)
}

// waitingSince is, for each of the programs, the moment before which a
// sent referral without an answer is waiting (now less the program's
// reminder days).
func (h *Web) waitingSince(ctx context.Context, programs []int64) (map[int64]time.Time, error) {
	now := h.store.Now()
	out := map[int64]time.Time{}
	for _, id := range programs {
		p, err := h.store.GetProgram(ctx, id)
		if err != nil {
			return nil, err
		}
		out[id] = now.AddDate(0, 0, -p.ReferralReminderDays)
	}
	return out, nil
}
