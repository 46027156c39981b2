// Package route holds the shape of a route table entry, shared by the route
// tables of each surface (web pages, API, operations), and the per-request
// record of which route served a request, for logs and metrics.
package route

import (
	"context"
	"net/http"
	"strconv"

	"homeward/internal/errs"
)

// Route is one line of a route table.
type Route struct {
	Method  string // GET, POST, PUT, … ; GET also answers HEAD
	Path    string // a net/http pattern path, e.g. /programs/{id}
	Handler http.Handler
}

// Pattern is the ServeMux pattern of the route, e.g. "GET /programs/{id}".
func (r Route) Pattern() string {
	if r.Method == "" {
		return r.Path
	}
	return r.Method + " " + r.Path
}

// Info is filled in while a request is served: the outermost middleware puts
// an empty Info in the context, and the matched route writes its pattern.
type Info struct {
	Pattern   string // the matched route's pattern; "" when none matched
	RequestID string
}

type infoKey struct{}

// WithInfo returns a context carrying a fresh Info with a new request id, and the Info itself.
func WithInfo(ctx context.Context) (context.Context, *Info) {
	info := &Info{RequestID: NewRequestID()}
	return context.WithValue(ctx, infoKey{}, info), info
}

// Mount registers the routes on mux, each wrapped so that it records its pattern.
func Mount(mux *http.ServeMux, routes []Route) {
	for _, rt := range routes {
		pattern, h := rt.Pattern(), rt.Handler
		mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if info, ok := r.Context().Value(infoKey{}).(*Info); ok {
				info.Pattern = pattern
			}
			h.ServeHTTP(w, r)
		}))
	}
}

// ID reads the {id} of the path as a positive integer. A malformed id names
// no record: it is reported as errs.NotFound of the named type.
func ID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFound(what)
	}
	return id, nil
}
