package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/identity"
	"homeward/internal/policy"
	"homeward/internal/route"
	"homeward/internal/store"
)

// userStatuses are the statuses the list filters by, in the order shown.
var userStatuses = []string{auth.StatusActive, auth.StatusInvited, auth.StatusDisabled}

type userListPage struct {
	Query, Role, Status string
	Roles               []auth.Role
	Statuses            []string
	Users               []userRow
	Filtered            bool
	listPager
}

// userRow is a listed user with the names of their programs.
type userRow struct {
	auth.User
	ProgramNames []string
}

const userPageSize = 50

// userList lists the users for the administrator: searched by email
// address or name, filtered by role and status, 50 at a time.
func (h *Web) userList(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.UserManage, 0); err != nil {
		return err
	}
	v := r.URL.Query()
	page := userListPage{Query: strings.TrimSpace(v.Get("q")), Roles: auth.StaffRoles(), Statuses: userStatuses}
	// An unknown role or status (an edited address) filters nothing.
	if role := auth.Role(v.Get("role")); role.Valid() {
		page.Role = string(role)
	}
	if slices.Contains(userStatuses, v.Get("status")) {
		page.Status = v.Get("status")
	}
	page.Filtered = page.Query != "" || page.Role != "" || page.Status != ""
	f := store.UserFilter{Query: page.Query, Role: auth.Role(page.Role), Status: page.Status}
	cursor := v.Get("cursor")
	var total int
	users, next, err := h.store.SearchUsers(r.Context(), f, store.Page{Limit: userPageSize, Cursor: cursor, Total: &total})
	if errs.Is(err, errs.KindInvalid) && cursor != "" {
		// A stale or edited cursor: start from the first page.
		cursor = ""
		users, next, err = h.store.SearchUsers(r.Context(), f, store.Page{Limit: userPageSize, Total: &total})
	}
	if err != nil {
		return err
	}
	names, err := h.programNameIndex(r)
	if err != nil {
		return err
	}
	for _, u := range users {
		page.Users = append(page.Users, userRow{User: u, ProgramNames: namesOf(names, u.Programs)})
	}
	page.listPager = pager(r, "/admin/users", cursor, next, total, userPageSize, "list.total.users")
	return h.render(w, r, http.StatusOK, "users", "users", page)
}

// programNameIndex maps every program's id to its name.
func (h *Web) programNameIndex(r *http.Request) (map[int64]string, error) {
	list, err := h.store.ProgramNames(r.Context())
	if err != nil {
		return nil, err
	}
	m := make(map[int64]string, len(list))
	for _, p := range list {
		m[p.ID] = p.Name
	}
	return m, nil
}

// namesOf returns the names of the programs, in name order.
func namesOf(index map[int64]string, ids []int64) []string {
	var out []string
	for _, id := range ids {
		if n, ok := index[id]; ok {
			out = append(out, n)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return out
}

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
	"link_mailed":    "users.link.mailed",
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
	u, err := h.store.GetUser(r.Context(), id)
	if err == nil && u.Role == auth.Mentee {
		// Mentees' portal accounts are their coordinators' to manage.
		return auth.User{}, errs.NotFound("user")
	}
	return u, err
}

// isSelf tells whether u is the signed-in user.
func isSelf(r *http.Request, u auth.User) bool {
	c, ok := identity.From(r.Context())
	return ok && c.User.ID == u.ID
}

func (h *Web) userShow(w http.ResponseWriter, r *http.Request) error {
	u, err := h.userFromPath(r)
	if err != nil {
		return err
	}
	f, err := h.formFromUser(r, u)
	if err != nil {
		return err
	}
	return h.renderUser(w, r, http.StatusOK, u, f, userDone[r.URL.Query().Get("done")], "")
}

// renderUser shows a user's page with the given edit form (as stored, or as
// typed when refused), and a notice or the reason an action was refused.
func (h *Web) renderUser(w http.ResponseWriter, r *http.Request, status int, u auth.User, f *userForm, done, alert string) error {
	n, err := h.store.CountActiveSessions(r.Context(), u.ID, h.identity.Config().IdleTimeout)
	if err != nil {
		return err
	}
	names, err := h.programNameIndex(r)
	if err != nil {
		return err
	}
	return h.render(w, r, status, "user", "users", userPage{User: u, ProgramNames: namesOf(names, u.Programs), Sessions: n,
		Self: isSelf(r, u), Form: f, Done: done, Alert: alert})
}

// userNew shows the empty invitation form.
func (h *Web) userNew(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.UserManage, 0); err != nil {
		return err
	}
	f, err := h.newUserForm(r)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "user_form", "users", f)
}

// userCreate invites a person: it stores them as invited and shows their
// one-time invitation link, once. The administrator never chooses the
// password; the person does, on the link's page. The link is shown in this
// response only: never in a redirect address, a log line or the database
// (which keeps its hash).
func (h *Web) userCreate(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.UserManage, 0); err != nil {
		return err
	}
	f, u, err := h.parseUserForm(w, r)
	if err != nil {
		return err
	}
	if len(f.Errors) > 0 {
		f.checkAll(u)
		return h.render(w, r, http.StatusUnprocessableEntity, "user_form", "users", f)
	}
	invited, token, err := h.identity.Invite(r.Context(), u)
	if err != nil {
		// Bad input is refused before anything is saved; an error after the
		// user was stored (making the link) is not one the form can fix.
		if f.applyError(err) {
			return h.render(w, r, http.StatusUnprocessableEntity, "user_form", "users", f)
		}
		return err
	}
	return h.showLink(w, r, invited, store.LinkInvite, token)
}

// userLinkPage shows a one-time link right after it was made.
type userLinkPage struct {
	User    auth.User
	Purpose string // store.LinkInvite or store.LinkReset
	Path    string // /link/<token>, relative to the site
	Hours   int    // how long the link works
	// Mail says e-mail is set up: the page offers to send the link (Token).
	Mail  bool
	Token string
	Alert string // why sending it by e-mail failed, as a catalogue key
}

func (h *Web) showLink(w http.ResponseWriter, r *http.Request, u auth.User, purpose, token string) error {
	return h.showLinkAlert(w, r, http.StatusOK, u, purpose, token, "")
}

func (h *Web) showLinkAlert(w http.ResponseWriter, r *http.Request, status int, u auth.User, purpose, token, alert string) error {
	return h.render(w, r, status, "user_link", "users", userLinkPage{User: u, Purpose: purpose, Path: "/link/" + token,
		Hours: int(h.identity.Config().LinkLifetime.Hours()), Mail: h.mail != nil, Token: token, Alert: alert})
}

// userUpdate saves a user's name, role and programs. When someone else
// changed the user meanwhile, the form comes back with what was typed, a
// message saying so and the newer version, so that saving again is a
// deliberate choice. An administrator cannot take the administrator role
// from themselves (and the store refuses to demote the last one).
func (h *Web) userUpdate(w http.ResponseWriter, r *http.Request) error {
	cur, err := h.userFromPath(r)
	if err != nil {
		return err
	}
	f, u, err := h.parseUserForm(w, r)
	if err != nil {
		return err
	}
	f.ID, u.ID, u.Email = cur.ID, cur.ID, cur.Email
	if isSelf(r, cur) && u.Role != auth.Admin {
		f.Errors["role"] = "users.error.self_demote"
	}
	if len(f.Errors) > 0 {
		f.checkAll(u)
		return h.renderUser(w, r, http.StatusUnprocessableEntity, cur, f, "", "")
	}
	if _, err := h.store.UpdateUser(r.Context(), u, parseUserVersion(f.Values["version"])); err != nil {
		if !f.applyError(err) {
			return err
		}
		// Show the user as now stored beside the form as typed; after a
		// conflict the form takes the newer version.
		if cur, err = h.store.GetUser(r.Context(), cur.ID); err != nil {
			return err
		}
		if f.conflicted("users.conflict") {
			f.Values["version"] = userVersion(cur.UpdatedAt)
		}
		return h.renderUser(w, r, http.StatusUnprocessableEntity, cur, f, "", "")
	}
	http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(cur.ID, 10)+"?done=saved", http.StatusSeeOther)
	return nil
}
