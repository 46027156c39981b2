package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/partners"
	"homeward/internal/store"
)

// userForm holds what the administrator typed into the invitation form or
// the edit form of a user, as typed, so that a refused form comes back
// exactly as it was sent (the email address at an invitation, the name,
// the role, the version when editing, the ticked programs), with its
// choices.
type userForm struct {
	*form
	ID      int64 // 0 for an invitation
	Choices []store.ProgramName
	Roles   []auth.Role
	// Partners are the partner organisations a partner user may belong to.
	Partners []partners.Partner
}

// userFormFields are the text fields the form sends.
var userFormFields = []string{"email", "name", "role", "version", "partner_id"}

// version is how a user's UpdatedAt travels in the edit form: microseconds
// since 1970, the precision the store keeps on both engines.
func userVersion(t time.Time) string { return strconv.FormatInt(t.UnixMicro(), 10) }

func parseUserVersion(s string) time.Time {
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || v <= 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// newUserForm returns an empty form with the programs to choose from.
func (h *Web) newUserForm(r *http.Request) (*userForm, error) {
	choices, err := h.store.ProgramNames(r.Context())
	if err != nil {
		return nil, err
	}
	orgs, err := h.store.PartnerNames(r.Context())
	return &userForm{form: newForm(nil), Choices: choices, Roles: auth.StaffRoles(), Partners: orgs}, err
}

// formFromUser fills the edit form with a user as stored.
func (h *Web) formFromUser(r *http.Request, u auth.User) (*userForm, error) {
	f, err := h.newUserForm(r)
	if err != nil {
		return nil, err
	}
	f.ID, f.Multi["programs"] = u.ID, programIDs(u.Programs)
	f.Values = map[string]string{"name": u.Name, "role": string(u.Role), "version": userVersion(u.UpdatedAt)}
	if u.PartnerID != 0 {
		f.Values["partner_id"] = strconv.FormatInt(u.PartnerID, 10)
	}
	return f, nil
}

// parseUserForm reads a posted user form into what was typed and into a
// user. A program that is not a number is named in f.Errors; the user's
// own rules are checked by the store.
func (h *Web) parseUserForm(w http.ResponseWriter, r *http.Request) (*userForm, auth.User, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return nil, auth.User{}, errs.TooLarge()
	}
	f, err := h.newUserForm(r)
	if err != nil {
		return nil, auth.User{}, err
	}
	f.read(r, userFormFields, "programs")
	var programs []int64
	for _, v := range f.Multi["programs"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			f.Errors["programs"] = "validation.no_such_program"
			continue
		}
		if !slices.Contains(programs, id) {
			programs = append(programs, id)
		}
	}
	f.Multi["programs"] = programIDs(programs)
	u := auth.User{Email: f.Values["email"], Name: f.Values["name"], Role: auth.Role(strings.TrimSpace(f.Values["role"])), Programs: programs}
	if v := strings.TrimSpace(f.Values["partner_id"]); v != "" {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			u.PartnerID = id
		} else {
			f.Errors["partner_id"] = "validation.choice"
		}
	}
	for k, v := range u.MembershipErrors() {
		if f.Errors[k] == "" {
			f.Errors[k] = v
		}
	}
	return f, u, nil
}

// checkAll adds the user's own rule violations to a form that already has
// errors, so that every problem shows at once.
func (f *userForm) checkAll(u auth.User) {
	u.Normalize()
	if err := u.Validate(); err != nil {
		f.applyError(err)
	}
}

// applyError puts the messages of a refused save onto the form and tells
// whether the error was one the person can fix.
func (f *userForm) applyError(err error) bool {
	return f.refuse(err, "users.conflict")
}

// programIDs are the ids of programs as a form holds them.
func programIDs(ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.FormatInt(id, 10)
	}
	return out
}
