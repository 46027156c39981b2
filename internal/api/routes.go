package api

import (
	"net/http"

	"homeward/internal/policy"
	"homeward/internal/route"
)

// Routes is the route table of the API. The OpenAPI document must describe
// exactly these routes (TestOpenAPIMatchesRoutes).
func (a *API) Routes() []route.Route {
	return []route.Route{
		{Method: "GET", Path: Prefix + "/openapi.json", Access: route.Public, Handler: http.HandlerFunc(a.openAPI)},

		{Method: "GET", Path: Prefix + "/programs", Access: route.SignedIn, Action: policy.Any, Handler: http.HandlerFunc(a.programList)},
		{Method: "POST", Path: Prefix + "/programs", Access: route.SignedIn, Action: policy.ProgramCreate, Handler: http.HandlerFunc(a.programCreate)},
		{Method: "GET", Path: Prefix + "/programs/{id}", Access: route.SignedIn, Action: policy.ProgramView, Handler: http.HandlerFunc(a.programGet)},
		{Method: "PATCH", Path: Prefix + "/programs/{id}", Access: route.SignedIn, Action: policy.ProgramEdit, Handler: http.HandlerFunc(a.programUpdate)},

		// Anything else under the API answers with a JSON 404.
		{Path: Prefix + "/", Access: route.SignedIn, Action: policy.Any, Handler: http.HandlerFunc(a.notFound)},
	}
}
