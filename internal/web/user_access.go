package web

import (
	"net/http"
	"strconv"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/store"
)

// userStatus disables a user (their sessions end and their unused links
// stop working at once) or enables them again. An administrator cannot
// disable themselves, so that Homeward is never left without one.
func (h *Web) userStatus(w http.ResponseWriter, r *http.Request) error {
	u, err := h.userFromPath(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	status := r.PostForm.Get("status")
	refuse := ""
	switch {
	case status != auth.StatusDisabled && status != auth.StatusActive:
		refuse = "validation.status"
	case status == auth.StatusDisabled && isSelf(r, u):
		refuse = "users.error.self_disable"
	case status == auth.StatusActive && u.Status == auth.StatusInvited:
		// Enabling needs a password; an invited person gets a new invitation link instead.
		refuse = "users.error.enable_invited"
	}
	if refuse == "" {
		err = h.store.SetUserStatus(r.Context(), u.ID, status)
		if e := errs.As(err); e.Kind == errs.KindConflict && e.Fields["status"] != "" {
			refuse, err = e.Fields["status"], nil
		}
		if errs.Is(err, errs.KindNotFound) {
			// The user was there a moment ago: they became invited-only, or were removed.
			if u, err = h.store.GetUser(r.Context(), u.ID); err == nil {
				refuse = "users.error.enable_invited"
			}
		}
		if err != nil {
			return err
		}
	}
	if refuse != "" {
		f, err := h.formFromUser(r, u)
		if err != nil {
			return err
		}
		return h.renderUser(w, r, http.StatusUnprocessableEntity, u, f, "", refuse)
	}
	done := "disabled"
	if status == auth.StatusActive {
		done = "enabled"
	}
	http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10)+"?done="+done, http.StatusSeeOther)
	return nil
}

// userResetLink makes a new one-time link for the user and shows it once: a
// password-reset link, or, for a person who has not accepted their
// invitation yet, a new invitation link. Either replaces the user's earlier
// unused link of that kind. A disabled account gets none (it could not be
// used); enable it first.
func (h *Web) userResetLink(w http.ResponseWriter, r *http.Request) error {
	u, err := h.userFromPath(r)
	if err != nil {
		return err
	}
	if u.Status == auth.StatusDisabled {
		f, err := h.formFromUser(r, u)
		if err != nil {
			return err
		}
		return h.renderUser(w, r, http.StatusUnprocessableEntity, u, f, "", "users.error.link_disabled")
	}
	purpose := store.LinkReset
	if u.Status == auth.StatusInvited {
		purpose = store.LinkInvite
	}
	token, err := h.store.CreateLink(r.Context(), purpose, u.ID, h.identity.Config().LinkLifetime)
	if err != nil {
		return err
	}
	return h.showLink(w, r, u, purpose, token)
}

// userEndSessions signs the user out everywhere.
func (h *Web) userEndSessions(w http.ResponseWriter, r *http.Request) error {
	u, err := h.userFromPath(r)
	if err != nil {
		return err
	}
	if _, err := h.store.EndUserSessions(r.Context(), u.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10)+"?done=sessions_ended", http.StatusSeeOther)
	return nil
}
