package server

import (
	"context"
	"net/http"
	"net/url"

	"homeward/internal/errs"
	"homeward/internal/identity"
	"homeward/internal/route"
)

type resumeErrKey struct{}

// resumeSession puts the signed-in user of a valid session cookie into the
// request's context. Every response to such a request is personal: no cache
// may keep it (secure.Headers already sets no-store for all but assets).
func (s *Server) resumeSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(s.cookie)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		sess, u, err := s.identity.Resume(r.Context(), c.Value)
		switch {
		case err == nil:
			r = r.WithContext(identity.WithCurrent(r.Context(), identity.Current{User: u, Session: sess}))
		case !errs.Is(err, errs.KindNotFound):
			// The session could not be checked (the database is down). Public
			// routes (health, sign-in) still answer; the guard reports it on
			// the others, rather than sending a signed-in person to sign in.
			r = r.WithContext(context.WithValue(r.Context(), resumeErrKey{}, err))
		}
		next.ServeHTTP(w, r)
	})
}

// guard refuses an anonymous request to a route that needs a signed-in user:
// the API answers 401, a page sends the person to sign in and back.
func (s *Server) guard(rt route.Route, h http.Handler) http.Handler {
	if rt.Access == route.Public {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := identity.From(r.Context()); ok {
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
			next = r.URL.RequestURI()
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
	})
}
