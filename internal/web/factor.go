package web

import (
	"errors"
	"net/http"
	"net/url"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/identity"
)

// StagePath is the page where a session at a stage of signing in goes on.
func (h *Web) StagePath(stage string) string {
	if stage == auth.StageEnrol {
		return "/login/enrol"
	}
	return "/login/factor"
}

// factorPage is the data of the second-factor page.
type factorPage struct {
	*form   // the code's form (a code is never shown again)
	Next    string
	Resend  *resend
	TOTP    bool // the user has an authenticator app
	Passkey bool // the user has a passkey
	Until   string
}

// newFactorPage prepares the second-factor page for the session a token names.
func (h *Web) newFactorPage(r *http.Request, token, next string, rs *resend) *factorPage {
	p := &factorPage{form: newForm(nil), Next: next, Resend: rs}
	if _, u, err := h.identity.Resume(r.Context(), token); err == nil {
		h.fillFactorPage(r, p, u.ID)
	}
	return p
}

func (h *Web) fillFactorPage(r *http.Request, p *factorPage, userID int64) {
	if f, err := h.identity.Factors(r.Context(), userID); err == nil {
		p.TOTP, p.Passkey = f.TOTP, f.Passkeys > 0
	}
}

// factorForm shows the second-factor step of signing in.
func (h *Web) factorForm(w http.ResponseWriter, r *http.Request) error {
	c, _ := identity.SigningIn(r.Context())
	next := localPath(r.URL.Query().Get("next"))
	if c.Session.Full() {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	if c.Session.Stage == auth.StageEnrol {
		http.Redirect(w, r, h.StagePath(auth.StageEnrol)+"?next="+url.QueryEscape(next), http.StatusSeeOther)
		return nil
	}
	p := &factorPage{form: newForm(nil), Next: next}
	h.fillFactorPage(r, p, c.User.ID)
	return h.render(w, r, http.StatusOK, "factor", "", p)
}

// factorProve checks a code from the authenticator app or a recovery code.
// A session that a passkey has just signed in comes here too (the page's
// script sends the form), to go on with the kept form or the next page.
func (h *Web) factorProve(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, maxSignInBytes); err != nil {
		return err
	}
	c, _ := identity.SigningIn(r.Context())
	p := &factorPage{form: newForm(nil), Next: localPath(r.PostForm.Get("next")), Resend: readResend(r)}
	if c.Session.Full() {
		return h.signedInTo(w, r, c.User.ID, p.Next, p.Resend)
	}
	if c.Session.Stage != auth.StageChallenge {
		http.Redirect(w, r, h.StagePath(c.Session.Stage), http.StatusSeeOther)
		return nil
	}
	token, err := h.identity.ProveSecondFactor(r.Context(), c, r.PostForm.Get("code"))
	if err == nil {
		// The session goes on under a new token; the one the password gave
		// is dead.
		h.setSessionCookie(w, token)
		return h.signedInTo(w, r, c.User.ID, p.Next, p.Resend)
	}
	h.fillFactorPage(r, p, c.User.ID)
	var locked *identity.LockedError
	switch {
	case errors.As(err, &locked):
		p.Until = locked.Until.In(zoneOf(r)).Format("15:04 MST")
		p.say("login.locked")
		return h.render(w, r, http.StatusTooManyRequests, "factor", "", p)
	case errs.Is(err, errs.KindInvalid):
		p.Errors["code"] = errs.As(err).Fields["code"]
		if p.Errors["code"] == "" {
			p.Errors["code"] = "factor.bad_code"
		}
		return h.render(w, r, http.StatusUnprocessableEntity, "factor", "", p)
	default:
		return err
	}
}

// enrolPage is the data of the page that sets up a first second factor.
type enrolPage struct {
	Next string
}

// enrolForm asks a person whose role needs a second factor to set one up.
func (h *Web) enrolForm(w http.ResponseWriter, r *http.Request) error {
	c, _ := identity.SigningIn(r.Context())
	next := localPath(r.URL.Query().Get("next"))
	if c.Session.Stage != auth.StageEnrol {
		http.Redirect(w, r, h.StagePath(c.Session.Stage)+"?next="+url.QueryEscape(next), http.StatusSeeOther)
		return nil
	}
	return h.render(w, r, http.StatusOK, "enrol", "", enrolPage{Next: next})
}
