package web

import (
	"net/http"
	"slices"
	"strconv"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// sharingUpdate records which parts of the history the mentee chose to
// share with their mentor, who recorded it and when.
func (h *Web) sharingUpdate(w http.ResponseWriter, r *http.Request) {
	m, _, _, err := h.menteeFromPath(r, policy.CaseManage)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, maxFormBytes) {
		return
	}
	var shared []cases.HistoryPart
	for _, v := range r.PostForm["shared"] {
		p := cases.HistoryPart(v)
		if !p.Valid() {
			// The form offers only the parts: this is an edited request.
			h.fail(w, r, errs.Invalid(map[string]string{"shared": "validation.choice"}))
			return
		}
		if !slices.Contains(shared, p) {
			shared = append(shared, p)
		}
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	if err := h.store.SetHistorySharing(r.Context(), m.ID, shared, version, policy.Actor(r.Context()).ID); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, menteePath(m.ID)+"/history?done=sharing", http.StatusSeeOther)
}
