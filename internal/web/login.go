package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/identity"
)

// loginPage is the data of the sign-in page.
type loginPage struct {
	Email   string
	Next    string
	Message string // catalogue key of a form-wide message
	Until   string // when a locked sign-in may be tried again
	Resend  *resend
}

func (h *Web) loginForm(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, http.StatusOK, "login", "", loginPage{Next: localPath(r.URL.Query().Get("next"))})
}

// login signs in and returns to the page the person wanted.
func (h *Web) login(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, maxSignInBytes); err != nil {
		return err
	}
	page := loginPage{Email: strings.TrimSpace(r.PostForm.Get("email")), Next: localPath(r.PostForm.Get("next")), Resend: readResend(r)}
	token, stage, err := h.identity.SignIn(r.Context(), page.Email, r.PostForm.Get("password"), clientAddress(r), r.UserAgent())
	var locked *identity.LockedError
	switch {
	case err == nil:
		h.endCurrentSession(r)
		h.setSessionCookie(w, token)
		switch stage {
		case auth.StageFull:
			_, u, err := h.identity.Resume(r.Context(), token)
			if err != nil {
				return err
			}
			return h.signedInTo(w, r, u.ID, page.Next, page.Resend)
		case auth.StageChallenge:
			// The kept form rides along on the second-factor page.
			return h.render(w, r, http.StatusOK, "factor", "", h.newFactorPage(r, token, page.Next, page.Resend))
		default:
			http.Redirect(w, r, h.StagePath(stage)+"?next="+url.QueryEscape(page.Next), http.StatusSeeOther)
		}
		return nil
	case errors.As(err, &locked):
		page.Message, page.Until = "login.locked", locked.Until.UTC().Format("15:04 UTC")
		return h.render(w, r, http.StatusTooManyRequests, "login", "", page)
	case errs.Is(err, errs.KindUnauthorized):
		page.Message = "login.bad_credentials"
		return h.render(w, r, http.StatusUnauthorized, "login", "", page)
	default:
		return err
	}
}

// logout ends the session and asks the browser to forget what it kept.
func (h *Web) logout(w http.ResponseWriter, r *http.Request) error {
	if c, ok := identity.SigningIn(r.Context()); ok {
		if err := h.identity.SignOut(r.Context(), c.Session); err != nil && !errs.Is(err, errs.KindNotFound) {
			return err
		}
	}
	h.clearSessionCookie(w)
	w.Header().Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// endCurrentSession ends the session the request came with, if any, when a
// new one replaces it (signing in again, or through a link).
func (h *Web) endCurrentSession(r *http.Request) {
	if c, ok := identity.SigningIn(r.Context()); ok {
		_ = h.identity.SignOut(r.Context(), c.Session)
	}
}

func (h *Web) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name:     identity.CookieName(h.secure),
		Value:    token,
		Path:     "/",
		HttpOnly: true,
		Secure:   h.secure,
		SameSite: http.SameSiteLaxMode,
		// No MaxAge: the cookie goes when the browser closes (shared
		// computers); the server ends the session after 12 hours anyway.
	})
}

func (h *Web) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: identity.CookieName(h.secure), Value: "", Path: "/", HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// clientAddress is the address a request came from, as the request's audit
// actor already holds it (server.observe), for throttling.
func clientAddress(r *http.Request) string { return audit.ActorFrom(r.Context()).Address }
