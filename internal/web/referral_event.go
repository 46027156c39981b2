package web

import (
	"net/http"
	"strconv"

	"homeward/internal/cases"
	"homeward/internal/partners"
	"homeward/internal/policy"
)

// referralEvent moves a referral or adds an update with a message. A
// partner user answers as the partner; staff write as the referrer, or
// record the partner's answer (side=partner) for a referral sent by phone
// or email. A move to got help may record an outcome on the case.
func (h *Web) referralEvent(w http.ResponseWriter, r *http.Request) {
	ref, err := h.referralFromPath(r, policy.ReferralView)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, ok := h.readWorkForm(w, r, []string{"status", "reason", "message", "outcome_kind", "outcome_note", "version", "side"})
	if !ok {
		return
	}
	u := policy.Actor(r.Context())
	side, err := policy.CheckReferralSide(r.Context(), ref, f.Values["side"] == string(partners.Partner))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f.ID = string(side) + "-"
	e := partners.Event{ReferralID: ref.ID, Status: partners.Status(f.Values["status"]), Reason: partners.Reason(f.Values["reason"]),
		Message: f.Values["message"], Side: side, ByUser: u.ID}
	if k := f.Values["outcome_kind"]; k != "" && e.Status == partners.GotHelp {
		e.Outcome = &cases.Outcome{Kind: cases.OutcomeKind(k), Note: f.Values["outcome_note"]}
	}
	version, _ := strconv.Atoi(f.Values["version"])
	if _, err := h.store.AddReferralEvent(r.Context(), version, e); err != nil {
		if !f.apply(err, "referral.conflict") {
			h.fail(w, r, err)
			return
		}
		forms := referralForms{}
		if side == partners.Partner {
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
		h.renderReferral(w, r, workStatus(err), ref, forms)
		return
	}
	http.Redirect(w, r, "/referrals/"+strconv.FormatInt(ref.ID, 10)+"?done=event", http.StatusSeeOther)
}
