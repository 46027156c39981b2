package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/mail"
	"homeward/internal/policy"
	"homeward/internal/route"
	"homeward/internal/store"
)

// linkMailTimeout bounds the wait for the mail server while the admin waits.
const linkMailTimeout = 20 * time.Second

// linkMail sends a one-time link, just shown on the link's page, to its
// user by e-mail. The page posts the link back (it is nowhere else: the
// database keeps only its hash); it is sent at once, while the admin
// waits, and never queued, so that it is never stored readable. When the
// mail server cannot take it the page shows the link again with the reason,
// for the admin to pass it on another way.
func (h *Web) linkMail(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.UserManage, 0); err != nil {
		return err
	}
	id, err := route.PathID(r, "id", "user")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	u, err := h.store.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	if u.Role == auth.Mentee {
		return errs.NotFound("user") // the person's coordinators manage the account
	}
	token := r.PostForm.Get("link")
	link, err := h.store.CheckLink(r.Context(), token)
	if err != nil || link.UserID != u.ID || (link.Purpose != store.LinkInvite && link.Purpose != store.LinkReset) {
		if err != nil && !errs.Is(err, errs.KindNotFound) {
			return err
		}
		f, err := h.formFromUser(r, u)
		if err != nil {
			return err
		}
		return h.renderUser(w, r, http.StatusConflict, u, f, "", "users.link.mail_invalid")
	}
	if h.mail == nil {
		return h.showLinkAlert(w, r, http.StatusConflict, u, link.Purpose, token, "users.link.mail_failed")
	}
	purpose := store.MailInvitation
	if link.Purpose == store.LinkReset {
		purpose = store.MailReset
	}
	lang := h.printer(r).Lang()
	if rcp, err := h.store.MailRecipient(r.Context(), u.ID); err == nil && rcp.Language != "" {
		lang = rcp.Language
	}
	hours := int(h.identity.Config().LinkLifetime.Hours())
	msg := mail.Link(h.bundle.Printer(lang), purpose, h.mail.Site()+"/link/"+token, hours)
	ctx, cancel := context.WithTimeout(r.Context(), linkMailTimeout)
	defer cancel()
	err = h.mail.Send(ctx, u.Email, msg)
	var bounce *mail.Bounce
	switch {
	case errors.As(err, &bounce):
		if rerr := h.store.RecordLinkMail(r.Context(), u.ID, purpose, store.MailBounced, "smtp."+strconv.Itoa(bounce.Code)); rerr != nil {
			return rerr
		}
		return h.showLinkAlert(w, r, http.StatusUnprocessableEntity, u, link.Purpose, token, "users.link.mail_refused")
	case err != nil:
		h.log.Warn("mail: a one-time link could not be sent", "user", u.ID, "err", err)
		return h.showLinkAlert(w, r, http.StatusServiceUnavailable, u, link.Purpose, token, "users.link.mail_failed")
	}
	if err := h.store.RecordLinkMail(r.Context(), u.ID, purpose, store.MailSent, ""); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10)+"?done=link_mailed", http.StatusSeeOther)
	return nil
}
