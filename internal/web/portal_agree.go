package web

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// portalAgree records that the mentee agrees to finish ("Yes, I am ready"),
// in the portal. Only while their case is closing; otherwise the page says
// that nothing is to be agreed now.
func (h *Web) portalAgree(w http.ResponseWriter, r *http.Request) {
	own, err := h.portalOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, maxPortalForm) {
		return
	}
	if !own.HasCase || own.Case.State != cases.Closing {
		h.renderPortal(w, r, http.StatusConflict, &portalPage{Message: "portal.closing.not_now"})
		return
	}
	err = h.store.RecordAgreement(r.Context(), own.Case.ID, policy.Actor(r.Context()).ID, true)
	switch {
	case err == nil:
		http.Redirect(w, r, "/my?done=agreed", http.StatusSeeOther)
	case errs.Is(err, errs.KindConflict) || errs.Is(err, errs.KindInvalid):
		h.renderPortal(w, r, http.StatusConflict, &portalPage{Message: "portal.closing.not_now"})
	default:
		h.fail(w, r, err)
	}
}
