package web

import (
	"net/http"
	"strconv"

	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// portalLinkNew makes a new one-time link for a mentee's portal account
// and shows it once, as the invitation is shown: a new invitation while the
// person has not chosen a password, a password reset once they have.
func (h *Web) portalLinkNew(w http.ResponseWriter, r *http.Request) error {
	m, visible, _, err := h.menteeFromPath(r, policy.PortalAccount)
	if err != nil {
		return err
	}
	ttl := h.identity.Config().LinkLifetime
	purpose, token, err := h.store.PortalLink(r.Context(), m.ID, ttl)
	if errs.Is(err, errs.KindConflict) || errs.Is(err, errs.KindNotFound) {
		return h.renderMentee(w, r, errs.Status(err), m, visible, &menteePage{Alert: portalAlert(err)})
	}
	if err != nil {
		return err
	}
	acct, err := h.store.PortalAccount(r.Context(), m.ID)
	if err != nil {
		return err
	}
	done := "portal_access.link_reset"
	if purpose == store.LinkInvite {
		done = "portal_access.link_invite"
	}
	return h.render(w, r, http.StatusOK, "portal_link", "cases", portalLinkPage{Mentee: m, Email: acct.Email, Path: "/link/" + token,
		Hours: int(ttl.Hours()), Done: done})
}

// portalStatus disables a mentee's portal account (their sessions and
// links end at once) or enables it again.
func (h *Web) portalStatus(w http.ResponseWriter, r *http.Request) error {
	m, visible, _, err := h.menteeFromPath(r, policy.PortalAccount)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, []string{"status"})
	if err != nil {
		return err
	}
	status := f.Value("status")
	err = h.store.SetPortalStatus(r.Context(), m.ID, status)
	if errs.Is(err, errs.KindConflict) || errs.Is(err, errs.KindNotFound) || errs.Is(err, errs.KindInvalid) {
		return h.renderMentee(w, r, errs.Status(err), m, visible, &menteePage{Alert: portalAlert(err)})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/mentees/"+strconv.FormatInt(m.ID, 10)+"?done=portal_"+status+"#portal", http.StatusSeeOther)
	return nil
}

// portalAlert is the message key of a refused change to a portal account.
func portalAlert(err error) string {
	e := errs.As(err)
	if k := e.Fields["status"]; k != "" {
		return k
	}
	if e.Kind == errs.KindNotFound {
		return "portal_access.none"
	}
	return "validation.status"
}
