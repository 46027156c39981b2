package web

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

// outcomeCreate records an outcome on the case's current period (a note is
// required for "other").
func (h *Web) outcomeCreate(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{
		action: policy.CaseManage, fields: []string{"kind", "note"}, conflict: "work.conflict",
		save: func(c cases.Case, f *form) (string, error) {
			o := cases.Outcome{CaseID: c.ID, Period: c.Period, Kind: cases.OutcomeKind(f.Value("kind")), Note: f.Value("note"),
				RecordedBy: policy.Actor(r.Context()).ID}
			_, err := h.store.AddOutcome(r.Context(), o)
			return workTab(c, "closing") + "?done=outcome#outcomes", err
		},
		show: func(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
			return h.renderClosing(w, r, status, c, closingForms{Outcome: f})
		},
	})
}
