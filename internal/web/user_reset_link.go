package web

import (
	"net/http"

	"homeward/internal/auth"
	"homeward/internal/store"
)

// userResetLink makes a new one-time link for the user and shows it once: a
// password-reset link, or, for a person who has not accepted their
// invitation yet, a new invitation link. Either replaces the user's earlier
// unused link of that kind. A disabled account gets none (it could not be
// used); enable it first.
func (h *Web) userResetLink(w http.ResponseWriter, r *http.Request) {
	u, err := h.userFromPath(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if u.Status == auth.StatusDisabled {
		f, err := h.formFromUser(r, u)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.renderUser(w, r, http.StatusUnprocessableEntity, u, f, "", "users.error.link_disabled")
		return
	}
	purpose := store.LinkReset
	if u.Status == auth.StatusInvited {
		purpose = store.LinkInvite
	}
	token, err := h.store.CreateLink(r.Context(), purpose, u.ID, h.identity.Config().LinkLifetime)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showLink(w, r, u, purpose, token)
}
