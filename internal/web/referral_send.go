package web

import (
	"net/http"
	"strconv"

	"homeward/internal/policy"
)

// referralSend saves a draft's message, shared fields and consent, and
// sends it unless kept as a draft (send=draft).
func (h *Web) referralSend(w http.ResponseWriter, r *http.Request) {
	ref, err := h.referralFromPath(r, policy.ReferralSend)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, rf, ok := h.readReferralForm(w, r)
	if !ok {
		return
	}
	rf.ID, rf.CaseID = ref.ID, ref.CaseID
	c, err := h.store.GetCase(r.Context(), ref.CaseID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	send := f.Values["send"] != "draft"
	err = h.checkShare(r.Context(), c, rf.Share)
	if err == nil {
		_, err = h.store.SendReferral(r.Context(), rf, send)
	}
	if err != nil {
		if !f.apply(err, "referral.conflict") {
			h.fail(w, r, err)
			return
		}
		if f.conflicted("referral.conflict") {
			// Sending again is a deliberate choice over the newer version.
			if cur, err := h.store.GetReferral(r.Context(), ref.ID); err == nil {
				f.Values["version"] = strconv.Itoa(cur.Version)
			}
		}
		h.renderReferral(w, r, workStatus(err), ref, referralForms{Draft: f})
		return
	}
	done := "sent"
	if !send {
		done = "draft"
	}
	http.Redirect(w, r, "/referrals/"+strconv.FormatInt(ref.ID, 10)+"?done="+done, http.StatusSeeOther)
}
