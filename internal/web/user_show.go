package web

import (
	"net/http"

	"homeward/internal/auth"
	"homeward/internal/identity"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// userPage is a user's page for the administrator: details, the edit form
// and the account's actions.
type userPage struct {
	User         auth.User
	ProgramNames []string
	Sessions     int  // active sessions
	Self         bool // the administrator's own account
	Form         *userForm
	Done         string // the notice of an action just done, as a catalogue key
	Alert        string // why an action was refused, as a catalogue key
}

// userDone are the notices a user's page shows after an action (?done=…).
var userDone = map[string]string{
	"saved":          "users.done.saved",
	"disabled":       "users.done.disabled",
	"enabled":        "users.done.enabled",
	"sessions_ended": "users.done.sessions_ended",
}

// userFromPath checks that the signed-in user may manage users (before
// anything else, so that others learn nothing), then loads the user the
// path's {id} names.
func (h *Web) userFromPath(r *http.Request) (auth.User, error) {
	if err := policy.CheckRequest(r.Context(), policy.UserManage, 0); err != nil {
		return auth.User{}, err
	}
	id, err := route.PathID(r, "id", "user")
	if err != nil {
		return auth.User{}, err
	}
	return h.store.GetUser(r.Context(), id)
}

// isSelf tells whether u is the signed-in user.
func isSelf(r *http.Request, u auth.User) bool {
	c, ok := identity.From(r.Context())
	return ok && c.User.ID == u.ID
}

func (h *Web) userShow(w http.ResponseWriter, r *http.Request) {
	u, err := h.userFromPath(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, err := h.formFromUser(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderUser(w, r, http.StatusOK, u, f, userDone[r.URL.Query().Get("done")], "")
}

// renderUser shows a user's page with the given edit form (as stored, or as
// typed when refused), and a notice or the reason an action was refused.
func (h *Web) renderUser(w http.ResponseWriter, r *http.Request, status int, u auth.User, f *userForm, done, alert string) {
	n, err := h.store.CountActiveSessions(r.Context(), u.ID, h.identity.Config().IdleTimeout)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names, err := h.programNameIndex(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, "user", "users", userPage{User: u, ProgramNames: namesOf(names, u.Programs), Sessions: n,
		Self: isSelf(r, u), Form: f, Done: done, Alert: alert})
}
