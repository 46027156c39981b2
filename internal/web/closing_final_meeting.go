package web

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

// closingFinalMeeting records the psychologist's final meeting: the case's
// psychologist, or a coordinator on their behalf. The case must be closing.
func (h *Web) closingFinalMeeting(w http.ResponseWriter, r *http.Request) {
	c, err := h.caseFromPath(r, policy.FinalMeeting)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, maxFormBytes) {
		return
	}
	h.closingStepDone(w, r, c, "final_meeting", h.store.RecordFinalMeeting(r.Context(), c.ID, policy.Actor(r.Context()).ID))
}

// closingStepDone goes back to the closing page after a closing step: with
// a notice when it was recorded, or with why the store refused it (e.g. the
// case is not closing).
func (h *Web) closingStepDone(w http.ResponseWriter, r *http.Request, c cases.Case, done string, err error) {
	if err == nil {
		http.Redirect(w, r, workTab(c, "closing")+"?done="+done, http.StatusSeeOther)
		return
	}
	key, ok := workRefusal(err)
	if !ok {
		h.fail(w, r, err)
		return
	}
	h.renderClosing(w, r, workStatus(err), c, closingForms{Alert: key})
}
