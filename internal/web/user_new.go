package web

import (
	"net/http"

	"homeward/internal/auth"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// userNew shows the empty invitation form.
func (h *Web) userNew(w http.ResponseWriter, r *http.Request) {
	if err := policy.CheckRequest(r.Context(), policy.UserManage, 0); err != nil {
		h.fail(w, r, err)
		return
	}
	f, err := h.newUserForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "user_form", "users", f)
}

// userCreate invites a person: it stores them as invited and shows their
// one-time invitation link, once. The administrator never chooses the
// password; the person does, on the link's page. The link is shown in this
// response only: never in a redirect address, a log line or the database
// (which keeps its hash).
func (h *Web) userCreate(w http.ResponseWriter, r *http.Request) {
	if err := policy.CheckRequest(r.Context(), policy.UserManage, 0); err != nil {
		h.fail(w, r, err)
		return
	}
	f, u, err := h.parseUserForm(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(f.Errors) > 0 {
		f.checkAll(u)
		h.render(w, r, http.StatusUnprocessableEntity, "user_form", "users", f)
		return
	}
	invited, token, err := h.identity.Invite(r.Context(), u)
	if err != nil {
		// Bad input is refused before anything is saved; an error after the
		// user was stored (making the link) is not one the form can fix.
		if f.applyError(err) {
			h.render(w, r, http.StatusUnprocessableEntity, "user_form", "users", f)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.showLink(w, r, invited, store.LinkInvite, token)
}

// userLinkPage shows a one-time link right after it was made.
type userLinkPage struct {
	User    auth.User
	Purpose string // store.LinkInvite or store.LinkReset
	Path    string // /link/<token>, relative to the site
	Hours   int    // how long the link works
}

func (h *Web) showLink(w http.ResponseWriter, r *http.Request, u auth.User, purpose, token string) {
	h.render(w, r, http.StatusOK, "user_link", "users", userLinkPage{User: u, Purpose: purpose, Path: "/link/" + token,
		Hours: int(h.identity.Config().LinkLifetime.Hours())})
}
