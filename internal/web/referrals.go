package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
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
func (h *Web) referralCaseList(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	p, err := h.store.GetProgram(r.Context(), c.ProgramID)
	if err != nil {
		return err
	}
	list, _, err := h.store.Referrals(r.Context(), store.ReferralFilter{CaseID: c.ID}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	hd, err := h.headerFor(r, c, "referrals")
	if err != nil {
		return err
	}
	page := caseReferralsPage{Header: hd, Days: p.ReferralReminderDays}
	now := h.store.Now()
	for _, rf := range list {
		page.Referrals = append(page.Referrals, referralRow{Referral: rf, Waiting: rf.Waiting(now, p.ReferralReminderDays)})
	}
	return h.render(w, r, http.StatusOK, "case_referrals", "cases", page)
}

// referralsPage is a list of referrals: the staff's (a coordinator's
// programs, a mentor's own cases) or a partner's inbox.
type referralsPage struct {
	Referrals []referralRow
	Status    string
	Open      bool
	Waiting   bool // only those unanswered for longer than their program's reminder days
	Statuses  []partners.Status
	Partner   bool
	listPager
}

// referralList lists the referrals the user works on: for coordinators
// their programs', for mentors their own cases', and for partner users
// their organisation's (an audited read of the inbox). Anyone else has no
// referrals to see.
func (h *Web) referralList(w http.ResponseWriter, r *http.Request) error {
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
		f.PartnerID, page.Partner = u.PartnerID, true
		if f.Status == partners.Draft {
			f.Status = ""
		}
		page.Statuses = partners.Statuses[1:]
	case u.Role == auth.Coordinator:
		f.Scoped, f.ProgramIDs = true, u.Programs
	case u.Role == auth.Mentor:
		f.Scoped, f.ProgramIDs, f.MentorID = true, u.Programs, u.ID
	default: // policy.ReferralList let no one else in
		return errs.Forbidden("You may not do this.")
	}
	if q.Get("waiting") == "1" && !page.Partner {
		page.Waiting = true
		if f.WaitingSince, err = h.waitingSince(ctx, u.Programs); err != nil {
			return err
		}
	}
	cursor := q.Get("cursor")
	var total int
	list, next, err := h.store.Referrals(ctx, f, store.Page{Limit: store.DefaultLimit, Cursor: cursor, Total: &total})
	if err != nil {
		return err
	}
	if page.Partner {
		if err := h.store.Audit(ctx, "referral.inbox_read", "partner", u.PartnerID, "ok"); err != nil {
			return err
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
				return err
			}
			d, days[rf.ProgramID] = p.ReferralReminderDays, p.ReferralReminderDays
		}
		page.Referrals = append(page.Referrals, referralRow{Referral: rf, Waiting: rf.Waiting(now, d)})
	}
	page.listPager = pager(r, "/referrals", cursor, next, total, store.DefaultLimit, "list.total.referrals")
	section := "referrals"
	if page.Partner {
		section = "partner"
	}
	return h.render(w, r, http.StatusOK, "referrals", section, page)
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

// referralNew shows the form of a referral from the case to the service
// chosen in the directory (?service=), with the minimum shared by default.
func (h *Web) referralNew(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.CaseWork)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.URL.Query().Get("service"), 10, 64)
	if err != nil || id <= 0 {
		http.Redirect(w, r, "/directory?case="+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
		return nil
	}
	v, err := h.store.GetService(r.Context(), id)
	if err != nil {
		return err
	}
	f := &referralForm{form: newForm(nil), Service: v}
	sharing, err := h.store.HistorySharing(r.Context(), c.MenteeID)
	if err != nil {
		return err
	}
	if err := h.referralChoices(r.Context(), f, c, sharing.Shared); err != nil {
		return err
	}
	f.Values["service_id"] = strconv.FormatInt(v.ID, 10)
	f.Values["channel"] = string(partners.Phone)
	for _, d := range v.NeedDomains {
		if slices.Contains(f.Options["domain"], d) {
			f.Values["domain"] = d
			break
		}
	}
	f.Multi["share"] = optionsOf(partners.DefaultShare)
	hd, err := h.headerFor(r, c, "referrals")
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "referral_form", "cases", referralPage{Header: hd, Form: f})
}

// referralPage is the referral form within the case's pages.
type referralPage struct {
	Header caseHeader
	Form   *referralForm
}

// referralCreate records a referral from the case: sent at once (the
// mentee's consent is then required) or kept as a draft.
func (h *Web) referralCreate(w http.ResponseWriter, r *http.Request) error {
	var rf *referralForm
	return h.postOnCase(w, r, casePost{
		action: policy.CaseWork, fields: referralFormFields, multi: []string{"share"}, conflict: "referral.conflict",
		save: func(c cases.Case, f *form) (string, error) {
			rf = &referralForm{form: f}
			ref := referralOf(r, f)
			ref.CaseID = c.ID
			var err error
			if ref.ServiceID != 0 {
				if rf.Service, err = h.store.GetService(r.Context(), ref.ServiceID); err != nil && !errs.Is(err, errs.KindNotFound) {
					return "", err
				}
			}
			sharing, err := h.store.HistorySharing(r.Context(), c.MenteeID)
			if err != nil {
				return "", err
			}
			if err := h.referralChoices(r.Context(), rf, c, sharing.Shared); err != nil {
				return "", err
			}
			if err := policy.CheckShare(policy.Actor(r.Context()), policy.RefOf(c), sharing.Shared, ref.Share); err != nil {
				return "", err
			}
			send := f.Values["send"] != "draft"
			ref, err = h.store.CreateReferral(r.Context(), ref, send)
			return referralAt(ref.ID, send), err
		},
		show: func(w http.ResponseWriter, r *http.Request, status int, c cases.Case, _ *form) error {
			hd, err := h.headerFor(r, c, "referrals")
			if err != nil {
				return err
			}
			return h.render(w, r, status, "referral_form", "cases", referralPage{Header: hd, Form: rf})
		},
	})
}

// referralSend saves a draft's message, shared fields and consent, and
// sends it unless kept as a draft (send=draft).
func (h *Web) referralSend(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.referralFromPath(r, policy.ReferralSend)
	if err != nil {
		return err
	}
	f, rf, err := readReferralForm(w, r)
	if err != nil {
		return err
	}
	rf.ID, rf.CaseID = ref.ID, ref.CaseID
	c, err := h.store.GetCase(r.Context(), ref.CaseID)
	if err != nil {
		return err
	}
	send := f.Values["send"] != "draft"
	err = h.checkShare(r.Context(), c, rf.Share)
	if err == nil {
		_, err = h.store.SendReferral(r.Context(), rf, send)
	}
	if err != nil {
		if !f.refuse(err, "referral.conflict") {
			return err
		}
		if f.conflicted("referral.conflict") {
			// Sending again is a deliberate choice over the newer version.
			if cur, err := h.store.GetReferral(r.Context(), ref.ID); err == nil {
				f.Values["version"] = strconv.Itoa(cur.Version)
			}
		}
		return h.renderReferral(w, r, refusedStatus(err), ref, referralForms{Draft: f})
	}
	http.Redirect(w, r, referralAt(ref.ID, send), http.StatusSeeOther)
	return nil
}

// referralAt is the address of a referral just sent (or kept as a draft),
// with the notice saying which.
func referralAt(id int64, sent bool) string {
	done := "sent"
	if !sent {
		done = "draft"
	}
	return "/referrals/" + strconv.FormatInt(id, 10) + "?done=" + done
}

// referralEvent moves a referral or adds an update with a message. A
// partner user answers as the partner; staff write as the referrer, or
// record the partner's answer (side=partner) for a referral sent by phone
// or email. A move to got help may record an outcome on the case.
func (h *Web) referralEvent(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.referralFromPath(r, policy.ReferralView)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, []string{"status", "reason", "message", "outcome_kind", "outcome_note", "version", "side"})
	if err != nil {
		return err
	}
	u := policy.Actor(r.Context())
	side, err := policy.CheckReferralSide(r.Context(), ref, f.Values["side"] == string(partners.SidePartner))
	if err != nil {
		return err
	}
	f.ID = string(side) + "-"
	e := partners.Event{ReferralID: ref.ID, Status: partners.Status(f.Values["status"]), Reason: partners.Reason(f.Values["reason"]),
		Message: f.Values["message"], Side: side, ByUser: u.ID}
	if k := f.Values["outcome_kind"]; k != "" && e.Status == partners.GotHelp {
		e.Outcome = &cases.Outcome{Kind: cases.OutcomeKind(k), Note: f.Values["outcome_note"]}
	}
	version, _ := strconv.Atoi(f.Values["version"])
	if _, err := h.store.AddReferralEvent(r.Context(), version, e); err != nil {
		if !f.refuse(err, "referral.conflict") {
			return err
		}
		forms := referralForms{}
		if side == partners.SidePartner {
			forms.Answer = f
		} else {
			forms.Referrer = f
		}
		if f.conflicted("referral.conflict") {
			// The page shows the referral as it is now; the form keeps
			// what was typed with the version now current.
			if cur, err := h.store.GetReferral(r.Context(), ref.ID); err == nil {
				f.Values["version"] = strconv.Itoa(cur.Version)
			}
		}
		return h.renderReferral(w, r, refusedStatus(err), ref, forms)
	}
	http.Redirect(w, r, "/referrals/"+strconv.FormatInt(ref.ID, 10)+"?done=event", http.StatusSeeOther)
	return nil
}
