package web

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

// consentRecord records a consent given or withdrawn, by the signed-in
// coordinator, now.
func (h *Web) consentRecord(w http.ResponseWriter, r *http.Request) error {
	m, visible, _, err := h.menteeFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	f := consentForm{Kind: r.PostForm.Get("kind"), Given: r.PostForm.Get("given")}
	kind := cases.ConsentKind(f.Kind)
	switch {
	case !kind.Valid():
		f.Err = "consents.error.kind"
	case f.Given != "1" && f.Given != "0":
		f.Err = "consents.error.given"
	}
	if f.Err != "" {
		return h.renderMentee(w, r, http.StatusUnprocessableEntity, m, visible, &menteePage{Consent: f})
	}
	c := cases.Consent{MenteeID: m.ID, Kind: kind, Given: f.Given == "1", RecordedBy: policy.Actor(r.Context()).ID}
	if _, err := h.store.RecordConsent(r.Context(), c); err != nil {
		return err
	}
	http.Redirect(w, r, menteePath(m.ID)+"?done=consent#consents", http.StatusSeeOther)
	return nil
}
