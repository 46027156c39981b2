package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/identity"
	"homeward/internal/policy"
	"homeward/internal/route"
)

type resumeErrKey struct{}

// endedKey holds the user of a session cookie whose session had ended (idle
// or past its lifetime): a form sent with it is kept for that user alone.
type endedKey struct{}

// resumeSession puts the user of a valid session cookie, or of a valid API
// token on an API request, into the request's context. Every response to
// such a request is personal: no cache may keep it (secure.Headers already
// sets no-store for all but assets).
func (s *Server) resumeSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token, ok := bearer(r); ok && isAPI(r) {
			t, u, err := s.identity.ResumeToken(r.Context(), token)
			switch {
			case err == nil:
				r = r.WithContext(identity.WithCurrent(r.Context(), identity.Current{User: u, Token: &t,
					Session: auth.Session{UserID: u.ID, Stage: auth.StageFull}}))
			case !errs.Is(err, errs.KindNotFound):
				r = r.WithContext(context.WithValue(r.Context(), resumeErrKey{}, err))
			}
			// A request with a token never falls back to a cookie.
			next.ServeHTTP(w, r)
			return
		}
		c, err := r.Cookie(s.cookie)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		sess, u, err := s.identity.Resume(r.Context(), c.Value)
		switch {
		case err == nil:
			r = r.WithContext(identity.WithCurrent(r.Context(), identity.Current{User: u, Session: sess}))
		case errs.Is(err, errs.KindNotFound) && sess.UserID != 0:
			r = r.WithContext(context.WithValue(r.Context(), endedKey{}, sess.UserID))
		case !errs.Is(err, errs.KindNotFound):
			// The session could not be checked (the database is down). Public
			// routes (health, sign-in) still answer; the guard reports it on
			// the others, rather than sending a signed-in person to sign in.
			r = r.WithContext(context.WithValue(r.Context(), resumeErrKey{}, err))
		}
		next.ServeHTTP(w, r)
	})
}

// bearer returns the token of an "Authorization: Bearer …" header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return "", false
	}
	return strings.TrimSpace(h[7:]), true
}

// guard refuses a request to a route that needs more than the request has:
// a signed-in user without the route's permission gets 403;
// the API answers 401; a page sends an anonymous person to sign in and back,
// and a person half-way through signing in to the second-factor step.
func (s *Server) guard(rt route.Route, h http.Handler) http.Handler {
	if rt.Access == route.Public {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, ok := identity.From(r.Context()); ok {
			// An action that depends on the role alone is decided here; one
			// on a record by the handler, which reads the record.
			if !policy.OnRecord(rt.Action) && !policy.Can(c.User, rt.Action, 0) {
				if isAPI(r) {
					s.api.Fail(w, r, errs.Forbidden("You may not do this."))
				} else {
					s.web.Fail(w, r, errs.Forbidden("You may not do this."))
				}
				return
			}
			h.ServeHTTP(w, r)
			return
		}
		c, signingIn := identity.SigningIn(r.Context())
		if signingIn && rt.Access == route.SigningIn {
			h.ServeHTTP(w, r)
			return
		}
		if err, ok := r.Context().Value(resumeErrKey{}).(error); ok {
			if isAPI(r) {
				s.api.Fail(w, r, err)
			} else {
				s.web.Fail(w, r, err)
			}
			return
		}
		if isAPI(r) {
			s.api.Unauthorized(w, r)
			return
		}
		next := "/"
		if r.Method == http.MethodGet {
			// The path only: a query (a search for a name) would carry
			// personal data into the sign-in page's address.
			next = r.URL.Path
		}
		if signingIn {
			http.Redirect(w, r, s.web.StagePath(c.Session.Stage)+"?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			// A form sent after the session ended: sign in, then send it again.
			ended, _ := r.Context().Value(endedKey{}).(int64)
			s.web.LoginToResend(w, r, ended)
			return
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
	})
}
