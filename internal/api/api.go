// Package api is Homeward's JSON API under /api/v1: its route table, one file
// per resource, the error format and list pagination, and the OpenAPI document.
package api

import (
	"log/slog"
	"net/http"
	"time"

	"homeward/internal/i18n"
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
}

// API serves /api/v1.
type API struct {
	store  *store.Store
	bundle *i18n.Bundle
	log    *slog.Logger
	link   time.Duration
	probe  *http.ServeMux // the routes with a method, to tell 405 from 404
}

// New returns the API.
func New(d Deps) *API {
	a := &API{store: d.Store, bundle: d.Bundle, log: d.Log, link: d.LinkLifetime, probe: http.NewServeMux()}
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
