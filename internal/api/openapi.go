package api

import (
	_ "embed"
	"net/http"
)

// openapiDoc is the OpenAPI 3.1 document of this API, written by hand next to
// the route table; TestOpenAPIMatchesRoutes keeps the two in step.
//
//go:embed openapi.json
var openapiDoc []byte

// OpenAPIDocument returns the embedded document.
func OpenAPIDocument() []byte { return openapiDoc }

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, err := w.Write(openapiDoc)
	return err
}
