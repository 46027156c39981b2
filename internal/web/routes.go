package web

import (
	"net/http"

	"homeward/internal/route"
)

// Routes is the route table of the pages. GET and HEAD never change state.
func (h *Web) Routes() []route.Route {
	return []route.Route{
		{Method: "GET", Path: "/{$}", Access: route.SignedIn, Handler: http.HandlerFunc(h.home)},
		{Method: "GET", Path: "/assets/{file}", Access: route.Public, Handler: http.HandlerFunc(h.asset)},
		{Method: "POST", Path: "/language", Access: route.Public, Handler: http.HandlerFunc(h.setLanguage)},

		{Method: "GET", Path: "/login", Access: route.Public, Handler: http.HandlerFunc(h.loginForm)},
		{Method: "POST", Path: "/login", Access: route.Public, Handler: http.HandlerFunc(h.login)},
		{Method: "POST", Path: "/logout", Access: route.SignedIn, Handler: http.HandlerFunc(h.logout)},
		{Method: "GET", Path: "/link/{token}", Access: route.Public, Handler: http.HandlerFunc(h.linkForm)},
		{Method: "POST", Path: "/link/{token}", Access: route.Public, Handler: http.HandlerFunc(h.useLink)},

		{Method: "GET", Path: "/programs", Access: route.SignedIn, Handler: http.HandlerFunc(h.programList)},
		{Method: "GET", Path: "/programs/new", Access: route.SignedIn, Handler: http.HandlerFunc(h.programNew)},
		{Method: "POST", Path: "/programs", Access: route.SignedIn, Handler: http.HandlerFunc(h.programCreate)},
		{Method: "GET", Path: "/programs/{id}", Access: route.SignedIn, Handler: http.HandlerFunc(h.programShow)},
		{Method: "GET", Path: "/programs/{id}/edit", Access: route.SignedIn, Handler: http.HandlerFunc(h.programEdit)},
		{Method: "POST", Path: "/programs/{id}", Access: route.SignedIn, Handler: http.HandlerFunc(h.programUpdate)},

		// Anything else is a page that does not exist.
		{Path: "/", Access: route.SignedIn, Handler: http.HandlerFunc(h.notFound)},
	}
}
