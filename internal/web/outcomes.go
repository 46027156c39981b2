package web

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

// outcomeCreate records an outcome on the case's current period (a note is
// required for "other").
func (h *Web) outcomeCreate(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, []string{"kind", "note"})
	if err != nil {
		return err
	}
	o := cases.Outcome{CaseID: c.ID, Period: c.Period, Kind: cases.OutcomeKind(f.Value("kind")), Note: f.Value("note"),
		RecordedBy: policy.Actor(r.Context()).ID}
	if _, err := h.store.AddOutcome(r.Context(), o); err != nil {
		if !f.refuse(err, "work.conflict") {
			return err
		}
		return h.renderClosing(w, r, refusedStatus(err), c, closingForms{Outcome: f})
	}
	http.Redirect(w, r, workTab(c, "closing")+"?done=outcome#outcomes", http.StatusSeeOther)
	return nil
}
