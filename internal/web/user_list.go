package web

import (
	"net/http"
	"slices"
	"strings"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/policy"
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
	Next                string // URL of the next page, "" on the last
	First               string // URL of the first page when not on it
}

// userRow is a listed user with the names of their programs.
type userRow struct {
	auth.User
	ProgramNames []string
}

const userPageSize = 50

// userList lists the users for the administrator: searched by email
// address or name, filtered by role and status, 50 at a time.
func (h *Web) userList(w http.ResponseWriter, r *http.Request) {
	if err := policy.CheckRequest(r.Context(), policy.UserManage, 0); err != nil {
		h.fail(w, r, err)
		return
	}
	v := r.URL.Query()
	page := userListPage{Query: strings.TrimSpace(v.Get("q")), Roles: auth.Roles, Statuses: userStatuses}
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
	users, next, err := h.store.SearchUsers(r.Context(), f, store.Page{Limit: userPageSize, Cursor: cursor})
	if errs.Is(err, errs.KindInvalid) && cursor != "" {
		// A stale or edited cursor: start from the first page.
		cursor = ""
		users, next, err = h.store.SearchUsers(r.Context(), f, store.Page{Limit: userPageSize})
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names, err := h.programNameIndex(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, u := range users {
		page.Users = append(page.Users, userRow{User: u, ProgramNames: namesOf(names, u.Programs)})
	}
	page.Next, page.First = pageLinks(r, "/admin/users", cursor, next)
	h.render(w, r, http.StatusOK, "users", "users", page)
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
