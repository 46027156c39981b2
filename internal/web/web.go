// Package web is Homeward's server-rendered interface: the route table of
// its pages (routes.go), one file per noun, named as in the store, the
// templates and the assets. Its pages serve these words of the glossary:
// Program, Mentor, Mentee, Case, Match, Need, Plan step, Request, Contact,
// Partner (the organisations of /partners), Service, Referral, Outcome,
// Follow-up, Feedback, Note and Facility (of a custody phase); and the
// users who sign in to them, their second factors and the audit log.
//
// A page handler returns its error (route.Func), which h.handle answers
// with the page that fits it (fail). Every form of the pages is a form
// (form.go); a form posted on a case's page goes through postOnCase.
package web

import (
	"log/slog"

	"homeward/internal/i18n"
	"homeward/internal/identity"
	"homeward/internal/mail"
	"homeward/internal/seal"
	"homeward/internal/store"
)

// Deps are what the pages need.
type Deps struct {
	Store    *store.Store
	Identity *identity.Service
	Bundle   *i18n.Bundle
	Log      *slog.Logger
	Version  string
	// SecureCookies marks cookies Secure with the __Host- prefix; off only
	// for plain-HTTP use on this machine (serve --insecure-cookies).
	SecureCookies bool
	// Mail sends e-mail (one-time links); nil when it is not set up.
	Mail *mail.Sender
	// Epochs are the key epochs' settings, for the date by which an
	// erasure reaches every backup; the zero value rotates by no schedule.
	Epochs seal.Epochs
}

// Web serves the pages.
type Web struct {
	store    *store.Store
	identity *identity.Service
	bundle   *i18n.Bundle
	log      *slog.Logger
	version  string
	secure   bool
	mail     *mail.Sender
	epochs   seal.Epochs
	views    *views
	assets   *assets
}

// New parses the templates and indexes the assets; an error here is a bug in
// the embedded files, found at start-up rather than on the first request.
func New(d Deps) (*Web, error) {
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	v, err := loadViews(a, d.Bundle)
	if err != nil {
		return nil, err
	}
	return &Web{store: d.Store, identity: d.Identity, bundle: d.Bundle, log: d.Log, version: d.Version,
		secure: d.SecureCookies, mail: d.Mail, epochs: d.Epochs, views: v, assets: a}, nil
}
