// Package api is Homeward's JSON API under /api/v1: its route table
// (routes.go), one file per noun, the error format (respond.go), request
// bodies (body.go), list pagination (list.go) and the OpenAPI document.
//
// It serves the glossary's words, each in the file named for it: Program
// (programs.go; program_staff.go), User (users.go), Mentor (mentors.go;
// mentor_checks.go, mentor_notes.go, training.go), Mentee (mentees.go;
// history.go, consents.go, portal_invite.go), Case (cases.go;
// transitions.go, signals.go, closing.go), Match (matches.go; matching.go
// ranks mentors and matches in bulk), Need (needs.go), Plan
// step (plan_steps.go), Request (requests.go), Contact (contacts.go),
// Partner (partners.go), Service (services.go), Referral (referrals.go),
// Outcome (outcomes.go), Follow-up (follow_ups.go), Feedback
// (feedback.go) and Note (notes.go).
//
// A handler is a route.Func: it returns its error, which fail answers in
// the API's one error shape (the status from errs.Status), and it writes
// its success with return writeJSON(w, status, v).
package api

import (
	"log/slog"
	"net/http"
	"time"

	"homeward/internal/i18n"
	"homeward/internal/mail"
	"homeward/internal/store"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

// Deps are what the API needs.
type Deps struct {
	Store  *store.Store
	Bundle *i18n.Bundle
	Log    *slog.Logger
	// LinkLifetime is how long an invitation link works (identity.Config).
	LinkLifetime time.Duration
	// Mail sends e-mail (one-time links); nil when it is not set up.
	Mail *mail.Sender
}

// API serves /api/v1.
type API struct {
	store  *store.Store
	bundle *i18n.Bundle
	log    *slog.Logger
	link   time.Duration
	mail   *mail.Sender
	probe  *http.ServeMux // the routes with a method, to tell 405 from 404
}

// New returns the API.
func New(d Deps) *API {
	a := &API{store: d.Store, bundle: d.Bundle, log: d.Log, link: d.LinkLifetime, mail: d.Mail, probe: http.NewServeMux()}
	if a.link <= 0 {
		a.link = 72 * time.Hour
	}
	for _, r := range a.Routes() {
		if r.Method != "" {
			a.probe.Handle(r.Pattern(), r.Handler)
		}
	}
	return a
}
