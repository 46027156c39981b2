package web

import (
	"net/http"

	"homeward/internal/route"
)

// Routes is the route table of the pages. GET and HEAD never change state.
func (h *Web) Routes() []route.Route {
	return []route.Route{
		{Method: "GET", Path: "/{$}", Handler: http.HandlerFunc(h.home)},
		{Method: "GET", Path: "/assets/{file}", Handler: http.HandlerFunc(h.asset)},
		{Method: "POST", Path: "/language", Handler: http.HandlerFunc(h.setLanguage)},

		{Method: "GET", Path: "/programs", Handler: http.HandlerFunc(h.programList)},
		{Method: "GET", Path: "/programs/new", Handler: http.HandlerFunc(h.programNew)},
		{Method: "POST", Path: "/programs", Handler: http.HandlerFunc(h.programCreate)},
		{Method: "GET", Path: "/programs/{id}", Handler: http.HandlerFunc(h.programShow)},
		{Method: "GET", Path: "/programs/{id}/edit", Handler: http.HandlerFunc(h.programEdit)},
		{Method: "POST", Path: "/programs/{id}", Handler: http.HandlerFunc(h.programUpdate)},

		// Anything else is a page that does not exist.
		{Path: "/", Handler: http.HandlerFunc(h.notFound)},
	}
}
