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
	f, err := readForm(w, r, []string{"kind", "given"})
	if err != nil {
		return err
	}
	kind, given := cases.ConsentKind(f.Value("kind")), f.Value("given")
	switch {
	case !kind.Valid():
		f.say("consents.error.kind")
	case given != "1" && given != "0":
		f.say("consents.error.given")
	}
	if f.Refused() {
		return h.renderMentee(w, r, http.StatusUnprocessableEntity, m, visible, &menteePage{Consent: f})
	}
	c := cases.Consent{MenteeID: m.ID, Kind: kind, Given: given == "1", RecordedBy: policy.Actor(r.Context()).ID}
	if _, err := h.store.RecordConsent(r.Context(), c); err != nil {
		return err
	}
	http.Redirect(w, r, menteePath(m.ID)+"?done=consent#consents", http.StatusSeeOther)
	return nil
}
