// Package web is Homeward's server-rendered interface: the route table of its
// pages, one file per page or action, the templates and the assets.
package web

import (
	"log/slog"

	"homeward/internal/i18n"
	"homeward/internal/store"
)

// Deps are what the pages need.
type Deps struct {
	Store   *store.Store
	Bundle  *i18n.Bundle
	Log     *slog.Logger
	Version string
}

// Web serves the pages.
type Web struct {
	store   *store.Store
	bundle  *i18n.Bundle
	log     *slog.Logger
	version string
	views   *views
	assets  *assets
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
	return &Web{store: d.Store, bundle: d.Bundle, log: d.Log, version: d.Version, views: v, assets: a}, nil
}
