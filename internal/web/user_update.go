package web

import (
	"net/http"
	"strconv"

	"homeward/internal/auth"
)

// userUpdate saves a user's name, role and programs. When someone else
// changed the user meanwhile, the form comes back with what was typed, a
// message saying so and the newer version, so that saving again is a
// deliberate choice. An administrator cannot take the administrator role
// from themselves (and the store refuses to demote the last one).
func (h *Web) userUpdate(w http.ResponseWriter, r *http.Request) {
	cur, err := h.userFromPath(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, u, err := h.parseUserForm(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f.ID, u.ID, u.Email = cur.ID, cur.ID, cur.Email
	if isSelf(r, cur) && u.Role != auth.Admin {
		f.Errors["role"] = "users.error.self_demote"
	}
	if len(f.Errors) > 0 {
		f.checkAll(u)
		h.renderUser(w, r, http.StatusUnprocessableEntity, cur, f, "", "")
		return
	}
	if _, err := h.store.UpdateUser(r.Context(), u, parseUserVersion(f.Values["version"])); err != nil {
		if !f.applyError(err) {
			h.fail(w, r, err)
			return
		}
		// Show the user as now stored beside the form as typed; after a
		// conflict the form takes the newer version.
		if cur, err = h.store.GetUser(r.Context(), cur.ID); err != nil {
			h.fail(w, r, err)
			return
		}
		if f.Message == "users.conflict" {
			f.Values["version"] = userVersion(cur.UpdatedAt)
		}
		h.renderUser(w, r, http.StatusUnprocessableEntity, cur, f, "", "")
		return
	}
	http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(cur.ID, 10)+"?done=saved", http.StatusSeeOther)
}
