// Package route holds the shape of a route table entry, shared by the route
// tables of each surface (web pages, API, operations), and the per-request
// record of which route served a request, for logs and metrics.
package route

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"homeward/internal/errs"
	"homeward/internal/policy"
)

// Access is who may use a route. Every route declares one; a route without
// is refused at start-up (deny by default).
type Access string

const (
	// Public routes serve anyone: sign-in, one-time links, assets, health.
	Public Access = "public"
	// SignedIn routes serve any signed-in user; what each may do to which
	// record is then decided by the policy and the store's scoped queries.
	SignedIn Access = "signed-in"
	// SigningIn routes serve a session at any stage of signing in: the
	// pages that prove or set up a second factor, and signing out.
	SigningIn Access = "signing-in"
)

// Route is one line of a route table.
type Route struct {
	Method string // GET, POST, PUT, … ; GET also answers HEAD
	Path   string // a net/http pattern path, e.g. /programs/{id}
	Access Access
	// Action is the permission a signed-in route needs. The guard checks an
	// action that depends on the role alone; the handler checks one that is
	// decided on a record (policy.OnRecord), once it has the record.
	Action  policy.Action
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

// Guard wraps a route's handler with its access check.
type Guard func(Route, http.Handler) http.Handler

// Mount registers the routes on mux, each behind guard and wrapped so that
// it records its pattern. A route that declares no access is an error.
func Mount(mux *http.ServeMux, routes []Route, guard Guard) error {
	for _, rt := range routes {
		if rt.Access != Public && rt.Access != SignedIn && rt.Access != SigningIn {
			return fmt.Errorf("route %q declares no access", rt.Pattern())
		}
		if rt.Access != Public && !policy.Known(rt.Action) {
			return fmt.Errorf("route %q declares no permission", rt.Pattern())
		}
		pattern, h := rt.Pattern(), guard(rt, rt.Handler)
		mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if info, ok := r.Context().Value(infoKey{}).(*Info); ok {
				info.Pattern = pattern
			}
			h.ServeHTTP(w, r)
		}))
	}
	return nil
}

// PathID reads the path value name (e.g. "id" of /cases/{id}) as a positive
// integer. A malformed id names no record: it is reported as errs.NotFound
// of what ("case").
func PathID(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFound(what)
	}
	return id, nil
}
