package web

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

// outcomeCreate records an outcome on the case's current period (a note is
// required for "other").
func (h *Web) outcomeCreate(w http.ResponseWriter, r *http.Request) {
	c, err := h.caseFromPath(r, policy.CaseManage)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, ok := h.readWorkForm(w, r, []string{"kind", "note"})
	if !ok {
		return
	}
	o := cases.Outcome{CaseID: c.ID, Period: c.Period, Kind: cases.OutcomeKind(f.Value("kind")), Note: f.Value("note"),
		RecordedBy: policy.Actor(r.Context()).ID}
	if _, err := h.store.AddOutcome(r.Context(), o); err != nil {
		if !f.apply(err, "work.conflict") {
			h.fail(w, r, err)
			return
		}
		h.renderClosing(w, r, workStatus(err), c, closingForms{Outcome: f})
		return
	}
	http.Redirect(w, r, workTab(c, "closing")+"?done=outcome#outcomes", http.StatusSeeOther)
}
