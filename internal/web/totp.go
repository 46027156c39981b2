package web

import (
	"errors"
	"html/template"
	"net/http"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/identity"
)

// totpPage is the data of the page that sets up an authenticator app.
type totpPage struct {
	*form  // the code's form (a code is never shown again)
	QR     template.HTML
	Secret string
	Next   string
	Until  string
	// Enrolling: the session is held until a factor is set up, so leaving
	// means signing out.
	Enrolling bool
}

// codesPage shows new recovery codes, once.
type codesPage struct {
	Codes []string
	Next  string
}

// afterFactorNext is where a person goes after setting up a factor: on
// with signing in, or back to their account.
func afterFactorNext(r *http.Request) string {
	if n := r.PostForm.Get("next"); n != "" {
		return localPath(n)
	}
	return "/account"
}

// totpBegin shows the QR code of a new authenticator app secret.
func (h *Web) totpBegin(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	return h.renderTOTP(w, r, http.StatusOK, &totpPage{form: newForm(nil), Next: r.PostForm.Get("next")})
}

func (h *Web) renderTOTP(w http.ResponseWriter, r *http.Request, status int, p *totpPage) error {
	c, _ := identity.SigningIn(r.Context())
	e, err := h.identity.BeginTOTP(r.Context(), c)
	if err != nil {
		return err
	}
	if p.QR, err = qrSVG(e.URL); err != nil {
		return err
	}
	p.Secret, p.Enrolling = e.Secret, c.Session.Stage == auth.StageEnrol
	return h.render(w, r, status, "totp", "account", p)
}

// totpConfirm finishes setting up the authenticator app with a code from it.
func (h *Web) totpConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	c, _ := identity.SigningIn(r.Context())
	next := afterFactorNext(r)
	codes, token, err := h.identity.ConfirmTOTP(r.Context(), c, r.PostForm.Get("code"))
	var locked *identity.LockedError
	switch {
	case err == nil:
		if token != "" {
			h.setSessionCookie(w, token) // signed in past enrolment, under a new token
		}
		return h.factorAdded(w, r, codes, next)
	case errors.As(err, &locked):
		p := &totpPage{form: newForm(nil), Next: r.PostForm.Get("next"), Until: locked.Until.In(zoneOf(r)).Format("15:04 MST")}
		p.say("login.locked")
		return h.renderTOTP(w, r, http.StatusTooManyRequests, p)
	case errs.Is(err, errs.KindInvalid):
		p := &totpPage{form: newForm(nil), Next: r.PostForm.Get("next")}
		p.Errors["code"] = errs.As(err).Fields["code"]
		return h.renderTOTP(w, r, http.StatusUnprocessableEntity, p)
	case errs.Is(err, errs.KindConflict):
		// The set-up was replaced (begun again elsewhere): show a new code.
		p := &totpPage{form: newForm(nil), Next: r.PostForm.Get("next")}
		p.say("totp.start_again")
		return h.renderTOTP(w, r, http.StatusConflict, p)
	default:
		return err
	}
}

// factorAdded shows the first recovery codes, when there are new ones, or
// goes on.
func (h *Web) factorAdded(w http.ResponseWriter, r *http.Request, codes []string, next string) error {
	if len(codes) > 0 {
		return h.render(w, r, http.StatusOK, "codes", "account", codesPage{Codes: codes, Next: next})
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// totpRemove removes the authenticator app.
func (h *Web) totpRemove(w http.ResponseWriter, r *http.Request) error {
	c, _ := identity.From(r.Context())
	if err := h.identity.RemoveTOTP(r.Context(), c); err != nil {
		return h.accountRefused(w, r, err)
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

// recoveryCodesNew replaces the recovery codes and shows the new ones once.
func (h *Web) recoveryCodesNew(w http.ResponseWriter, r *http.Request) error {
	c, _ := identity.From(r.Context())
	if err := h.identity.RequireFreshProof(c); err != nil {
		return err
	}
	f, err := h.identity.Factors(r.Context(), c.User.ID)
	if err != nil {
		return err
	}
	if !f.Any() {
		return h.accountRefused(w, r, &errs.Error{Kind: errs.KindConflict, Code: "no_factor", Message: "Set up a second factor first."})
	}
	codes, err := h.identity.NewRecoveryCodes(r.Context(), c.User.ID)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "codes", "account", codesPage{Codes: codes, Next: "/account"})
}
