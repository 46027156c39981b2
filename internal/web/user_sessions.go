package web

import (
	"net/http"
	"strconv"
)

// userEndSessions signs the user out everywhere.
func (h *Web) userEndSessions(w http.ResponseWriter, r *http.Request) {
	u, err := h.userFromPath(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.store.EndUserSessions(r.Context(), u.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10)+"?done=sessions_ended", http.StatusSeeOther)
}
