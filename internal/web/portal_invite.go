package web

import (
	"net/http"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// portalLinkPage shows a mentee's portal invitation link right after it was
// made, once.
type portalLinkPage struct {
	Mentee cases.Mentee
	Email  string
	Path   string // /link/<token>, relative to the site
	Hours  int    // how long the link works
	Done   string // the notice, as a catalogue key ("" when the account was just made)
}

// portalInvite gives the mentee a portal account: a user of the mentee role
// in the programs of the person's cases the coordinator manages, linked to
// the mentee, and a one-time invitation link shown once (never in an
// address, a log line or the database, which keeps its hash).
func (h *Web) portalInvite(w http.ResponseWriter, r *http.Request) error {
	m, visible, _, err := h.menteeFromPath(r, policy.PortalAccount)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, []string{"email"})
	if err != nil {
		return err
	}
	email := f.Value("email")
	refuse := func(status int, key string) error {
		if key != "" {
			f.Errors["email"] = key
		}
		return h.renderMentee(w, r, status, m, visible, &menteePage{Access: f})
	}
	if m.UserID != 0 {
		return refuse(http.StatusConflict, "portal_access.error.exists")
	}
	// The account is in the programs of the person's cases the coordinator
	// manages; it is made, linked and given its link in one transaction.
	u := auth.User{Email: email, Role: auth.Mentee, Programs: policy.ManagedPrograms(policy.Actor(r.Context()), visible)}
	invited, token, err := h.store.InviteMentee(r.Context(), m.ID, u, h.identity.Config().LinkLifetime)
	switch key := portalEmailError(err); {
	case key == "portal_access.error.exists":
		return refuse(http.StatusConflict, key)
	case key != "" || errs.Is(err, errs.KindInvalid):
		return refuse(http.StatusUnprocessableEntity, key)
	case err != nil:
		return err
	}
	return h.render(w, r, http.StatusOK, "portal_link", "cases", portalLinkPage{Mentee: m, Email: invited.Email, Path: "/link/" + token,
		Hours: int(h.identity.Config().LinkLifetime.Hours())})
}

// portalEmailError is the message key of a refused email address, or "".
func portalEmailError(err error) string {
	e := errs.As(err)
	if e.Kind == errs.KindInvalid || e.Kind == errs.KindConflict {
		if k := e.Fields["email"]; k != "" {
			return k
		}
	}
	return ""
}
