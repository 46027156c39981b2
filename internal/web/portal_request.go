package web

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// portalRequest records a request the mentee raises ("Ask for help") on
// their current case. Bad input shows the page again with what was typed.
func (h *Web) portalRequest(w http.ResponseWriter, r *http.Request) {
	own, err := h.portalOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, maxPortalForm) {
		return
	}
	f := newPortalForm()
	for _, name := range []string{"domain", "urgency", "text"} {
		f.Values[name] = r.PostForm.Get(name)
	}
	pg := &portalPage{Ask: f}
	if !own.HasCase || !own.Case.State.Open() {
		pg.Message = "portal.ask.closed"
		h.renderPortal(w, r, http.StatusConflict, pg)
		return
	}
	req := cases.Request{
		CaseID:         own.Case.ID,
		Domain:         f.Values["domain"],
		Urgency:        cases.Urgency(f.Values["urgency"]),
		Text:           f.Values["text"],
		Status:         cases.RequestOpen,
		RaisedByMentee: true,
		RecordedBy:     policy.Actor(r.Context()).ID,
	}
	_, err = h.store.AddRequest(r.Context(), req)
	if err == nil {
		http.Redirect(w, r, "/my?done=request", http.StatusSeeOther)
		return
	}
	switch errs.As(err).Kind {
	case errs.KindInvalid:
		applySaveError(err, f.Errors, &pg.Message, "")
		h.renderPortal(w, r, http.StatusUnprocessableEntity, pg)
	case errs.KindConflict:
		// The case closed meanwhile.
		pg.Message = "portal.ask.closed"
		h.renderPortal(w, r, http.StatusConflict, pg)
	default:
		h.fail(w, r, err)
	}
}
