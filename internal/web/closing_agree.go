package web

import (
	"net/http"

	"homeward/internal/policy"
)

// closingAgree records, for a coordinator, that the mentee agreed to close
// (the mentee can also agree in the portal). The case must be closing.
func (h *Web) closingAgree(w http.ResponseWriter, r *http.Request) {
	c, err := h.caseFromPath(r, policy.CaseManage)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, maxFormBytes) {
		return
	}
	h.closingStepDone(w, r, c, "agreement", h.store.RecordAgreement(r.Context(), c.ID, policy.Actor(r.Context()).ID, false))
}
