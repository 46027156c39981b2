package web

import (
	"net/http"
	"slices"
	"strconv"

	"homeward/internal/errs"
	"homeward/internal/partners"
	"homeward/internal/policy"
)

// referralNew shows the form of a referral from the case to the service
// chosen in the directory (?service=), with the minimum shared by default.
func (h *Web) referralNew(w http.ResponseWriter, r *http.Request) {
	c, err := h.caseFromPath(r, policy.CaseWork)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := strconv.ParseInt(r.URL.Query().Get("service"), 10, 64)
	if err != nil || id <= 0 {
		http.Redirect(w, r, "/directory?case="+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
		return
	}
	v, err := h.store.GetService(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := &referralForm{workForm: newWorkForm(), Service: v}
	sharing, err := h.store.HistorySharing(r.Context(), c.MenteeID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.referralChoices(r.Context(), f, c, sharing.Shared); err != nil {
		h.fail(w, r, err)
		return
	}
	f.Values["service_id"] = strconv.FormatInt(v.ID, 10)
	f.Values["channel"] = string(partners.Phone)
	for _, d := range v.NeedDomains {
		if slices.Contains(f.Options["domain"], d) {
			f.Values["domain"] = d
			break
		}
	}
	for _, s := range partners.DefaultShare {
		f.Multi["share"] = append(f.Multi["share"], string(s))
	}
	h.render(w, r, http.StatusOK, "referral_form", "cases", referralPage{Header: headerFor(r, c, "referrals"), Form: f})
}

// referralPage is the referral form within the case's pages.
type referralPage struct {
	Header caseHeader
	Form   *referralForm
}

// referralCreate records a referral from the case: sent at once (the
// mentee's consent is then required) or kept as a draft.
func (h *Web) referralCreate(w http.ResponseWriter, r *http.Request) {
	c, err := h.caseFromPath(r, policy.CaseWork)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, ref, ok := h.readReferralForm(w, r)
	if !ok {
		return
	}
	ref.CaseID = c.ID
	if ref.ServiceID != 0 {
		if f.Service, err = h.store.GetService(r.Context(), ref.ServiceID); err != nil && !errs.Is(err, errs.KindNotFound) {
			h.fail(w, r, err)
			return
		}
	}
	sharing, err := h.store.HistorySharing(r.Context(), c.MenteeID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.referralChoices(r.Context(), f, c, sharing.Shared); err != nil {
		h.fail(w, r, err)
		return
	}
	send := f.Values["send"] != "draft"
	err = policy.CheckShare(policy.Actor(r.Context()), policy.RefOf(c), sharing.Shared, ref.Share)
	if err == nil {
		ref, err = h.store.CreateReferral(r.Context(), ref, send)
	}
	if err != nil {
		if !f.apply(err, "referral.conflict") {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, workStatus(err), "referral_form", "cases", referralPage{Header: headerFor(r, c, "referrals"), Form: f})
		return
	}
	done := "sent"
	if !send {
		done = "draft"
	}
	http.Redirect(w, r, "/referrals/"+strconv.FormatInt(ref.ID, 10)+"?done="+done, http.StatusSeeOther)
}
