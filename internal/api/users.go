package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/route"
	"homeward/internal/store"
)

// Users: the administrator's user management, as the administration pages
// do it (web/users.go, user_form.go, user_access.go): list, invite, change
// name, role and programs, disable and enable, a new one-time link, sign
// out everywhere. policy.UserManage decides before anything is read. A
// user is an account: nothing of a case is read or shown here. Every change
// is audited by the store, as the pages' are.

// userView is a user as the API shows them to the administrator. Version
// is the user's last change (microseconds since 1970, as the edit form
// carries it); a change of name, role or programs sends it back.
type userView struct {
	auth.User
	Version int64 `json:"version"`
}

func viewOfUser(u auth.User) userView {
	if u.Programs == nil {
		u.Programs = []int64{}
	}
	return userView{User: u, Version: u.UpdatedAt.UnixMicro()}
}

// userFromPath checks that the user may manage users (before anything is
// read, so that others learn nothing), then loads the user the path names.
func (a *API) userFromPath(r *http.Request) (auth.User, error) {
	if err := policy.CheckRequest(r.Context(), policy.UserManage, 0); err != nil {
		return auth.User{}, err
	}
	id, err := route.PathID(r, "id", "user")
	if err != nil {
		return auth.User{}, err
	}
	u, err := a.store.GetUser(r.Context(), id)
	if err == nil && u.Role == auth.Mentee {
		// Mentees' portal accounts are their coordinators' to manage.
		return auth.User{}, errs.NotFound("user")
	}
	return u, err
}

// isSelf tells whether u is the request's signed-in user.
func isSelf(r *http.Request, u auth.User) bool { return actorID(r) == u.ID }

// userList lists the users by email address: ?q= (a part of the email
// address or the name), ?role=, ?status=, paged.
func (a *API) userList(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.UserManage, 0); err != nil {
		return err
	}
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.UserFilter{Query: strings.TrimSpace(q.Get("q")), Role: auth.Role(q.Get("role")), Status: q.Get("status")}
	users, next, err := a.store.SearchUsers(r.Context(), f, page)
	if err != nil {
		return err
	}
	items := make([]userView, len(users))
	for i, u := range users {
		items[i] = viewOfUser(u)
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

func (a *API) userGet(w http.ResponseWriter, r *http.Request) error {
	u, err := a.userFromPath(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, viewOfUser(u))
}

// userFields are what an administrator sets on a user. At an invitation
// those left out are empty; in a change those left out keep their value.
type userFields struct {
	Name      *string    `json:"name"`
	Role      *auth.Role `json:"role"`
	Programs  *[]int64   `json:"programs"`
	PartnerID *int64     `json:"partner_id"`
}

// apply sets the fields the body named on u.
func (in userFields) apply(u *auth.User) {
	patch(&u.Name, in.Name)
	patch(&u.Role, in.Role)
	patch(&u.Programs, in.Programs)
	patch(&u.PartnerID, in.PartnerID)
}

// checkUser refuses, with every problem named at once, what the user form
// refuses: the user's own rules and what an administrator may not set on
// their memberships.
func checkUser(u auth.User, more map[string]string) error {
	u.Normalize()
	f := u.MembershipErrors()
	for k, v := range more {
		f[k] = v
	}
	if err := u.Validate(); err != nil {
		for k, v := range errs.As(err).Fields {
			if f[k] == "" {
				f[k] = v
			}
		}
	}
	return invalidIf(f)
}

// invitedUser is an invited user with their one-time invitation link.
type invitedUser struct {
	User       userView   `json:"user"`
	Invitation linkAnswer `json:"invitation"`
}

// linkAnswer is a one-time link just made: shown in this answer only,
// never again (the database keeps its hash).
type linkAnswer struct {
	Purpose   string    `json:"purpose"` // invite or reset
	Path      string    `json:"path"`    // /link/…, on this site
	ExpiresAt time.Time `json:"expires_at"`
}

func (a *API) newLink(r *http.Request, u auth.User, purpose string) (linkAnswer, error) {
	token, err := a.store.CreateLink(r.Context(), purpose, u.ID, a.link)
	if err != nil {
		return linkAnswer{}, err
	}
	return linkAnswer{Purpose: purpose, Path: "/link/" + token, ExpiresAt: a.store.Now().Add(a.link)}, nil
}

// userCreate invites a person, as the invitation form and `homeward user
// create` do: they are stored as invited, and their one-time invitation
// link is in this answer, once. Nobody but the person chooses their
// password, on the link's page.
func (a *API) userCreate(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.UserManage, 0); err != nil {
		return err
	}
	var in struct {
		Email string `json:"email"`
		userFields
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	u := auth.User{Email: in.Email}
	in.apply(&u)
	if err := checkUser(u, nil); err != nil {
		return err
	}
	u, err := a.store.CreateUser(r.Context(), u)
	if err != nil {
		return err
	}
	link, err := a.newLink(r, u, store.LinkInvite)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/users/"+strconv.FormatInt(u.ID, 10))
	return writeJSON(w, http.StatusCreated, invitedUser{User: viewOfUser(u), Invitation: link})
}

// userUpdate changes a user's name, role, programs or organisation: what
// the body names. The body carries the version last read; when someone
// changed the user since, nothing is saved (409). An administrator cannot
// take the administrator role from themselves, and the store refuses to
// demote the last active one. A new role or organisation ends the user's
// sessions, as on the page.
func (a *API) userUpdate(w http.ResponseWriter, r *http.Request) error {
	cur, err := a.userFromPath(r)
	if err != nil {
		return err
	}
	// The email address is not among the fields: it never changes.
	var in struct {
		userFields
		Version *int64 `json:"version"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	more := map[string]string{}
	if in.Version == nil || *in.Version < 1 {
		more["version"] = "validation.version_required"
	}
	u := cur
	in.apply(&u)
	if isSelf(r, cur) && u.Role != auth.Admin {
		more["role"] = "users.error.self_demote"
	}
	if err := checkUser(u, more); err != nil {
		return err
	}
	u, err = a.store.UpdateUser(r.Context(), u, time.UnixMicro(*in.Version).UTC())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, viewOfUser(u))
}

// userStatus disables a user (their sessions end, their unused links and
// API tokens stop working at once) or enables them again, as the user's
// page does. An administrator cannot disable themselves; an invited person
// cannot be enabled (they have no password yet: make them a new invitation
// link instead).
func (a *API) userStatus(w http.ResponseWriter, r *http.Request) error {
	u, err := a.userFromPath(r)
	if err != nil {
		return err
	}
	var in struct {
		Status string `json:"status"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	switch {
	case in.Status != auth.StatusDisabled && in.Status != auth.StatusActive:
		return errs.Invalid(map[string]string{"status": "validation.status"})
	case in.Status == auth.StatusDisabled && isSelf(r, u):
		return errs.Invalid(map[string]string{"status": "users.error.self_disable"})
	case in.Status == auth.StatusActive && u.Status == auth.StatusInvited:
		return errs.Conflict("An invited person has no password yet: make them a new invitation link instead.",
			map[string]string{"status": "users.error.enable_invited"})
	}
	if err := a.store.SetUserStatus(r.Context(), u.ID, in.Status); err != nil {
		if errs.Is(err, errs.KindNotFound) {
			// The user was there a moment ago; SetUserStatus finds no row to
			// enable when they are invited only.
			if _, gerr := a.store.GetUser(r.Context(), u.ID); gerr == nil {
				return errs.Conflict("An invited person has no password yet: make them a new invitation link instead.",
					map[string]string{"status": "users.error.enable_invited"})
			}
		}
		return err
	}
	if u, err = a.store.GetUser(r.Context(), u.ID); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, viewOfUser(u))
}

// userLink makes a new one-time link for the user and answers it once: a
// password-reset link, or for a person who has not accepted their
// invitation yet, a new invitation link. Either replaces the user's earlier
// unused link of that kind. A disabled account gets none (enable it first).
func (a *API) userLink(w http.ResponseWriter, r *http.Request) error {
	u, err := a.userFromPath(r)
	if err != nil {
		return err
	}
	if u.Status == auth.StatusDisabled {
		return errs.Conflict("This account is disabled: enable it first.", map[string]string{"status": "users.error.link_disabled"})
	}
	purpose := store.LinkReset
	if u.Status == auth.StatusInvited {
		purpose = store.LinkInvite
	}
	link, err := a.newLink(r, u, purpose)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, link)
}

// userSessionsEnd signs the user out everywhere (their browsers' sessions
// and their API tokens) and says how many sessions ended.
func (a *API) userSessionsEnd(w http.ResponseWriter, r *http.Request) error {
	u, err := a.userFromPath(r)
	if err != nil {
		return err
	}
	n, err := a.store.EndUserSessions(r.Context(), u.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, struct {
		Ended int `json:"ended"`
	}{n})
}
