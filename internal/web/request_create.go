package web

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

// requestCreate records a request the mentee raised with their mentor or
// a coordinator: its domain, urgency and text. It starts open.
func (h *Web) requestCreate(w http.ResponseWriter, r *http.Request) {
	c, err := h.caseFromPath(r, policy.CaseWork)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, ok := h.readWorkForm(w, r, []string{"domain", "urgency", "text"})
	if !ok {
		return
	}
	rq := cases.Request{CaseID: c.ID, Domain: f.Value("domain"), Urgency: cases.Urgency(f.Value("urgency")),
		Text: f.Value("text"), Status: cases.RequestOpen, RecordedBy: policy.Actor(r.Context()).ID}
	if _, err := h.store.AddRequest(r.Context(), rq); err != nil {
		if !f.apply(err, "work.conflict") {
			h.fail(w, r, err)
			return
		}
		h.renderRequests(w, r, workStatus(err), c, f, 0, nil)
		return
	}
	http.Redirect(w, r, workTab(c, "requests")+"?done=request", http.StatusSeeOther)
}
