package web

import (
	"net/http"
	"strconv"

	"homeward/internal/policy"
)

// menteeEdit shows the profile's edit form, with the version it starts from.
func (h *Web) menteeEdit(w http.ResponseWriter, r *http.Request) {
	m, _, _, err := h.menteeFromPath(r, policy.CaseManage)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "mentee_form", "cases", formFromMentee(m))
}

// menteeUpdate saves an edited profile. When someone else saved it in the
// meantime, the form comes back with what this person typed, a message
// saying so, and the newer version, so that sending again is a deliberate
// choice.
func (h *Web) menteeUpdate(w http.ResponseWriter, r *http.Request) {
	stored, _, _, err := h.menteeFromPath(r, policy.CaseManage)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := formFromMentee(stored)
	m, err := parseMenteeForm(w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m.ID, m.UserID = stored.ID, stored.UserID
	if f.check(m, h.store.Now().Year()) {
		h.render(w, r, http.StatusUnprocessableEntity, "mentee_form", "cases", f)
		return
	}
	if _, err := h.store.UpdateMentee(r.Context(), m); err != nil {
		if !f.applyError(err) {
			h.fail(w, r, err)
			return
		}
		if f.Message != "" {
			current, err := h.store.GetMentee(r.Context(), m.ID)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			f.Values["version"] = strconv.Itoa(current.Version)
		}
		h.render(w, r, http.StatusUnprocessableEntity, "mentee_form", "cases", f)
		return
	}
	http.Redirect(w, r, menteePath(m.ID)+"?done=saved", http.StatusSeeOther)
}
