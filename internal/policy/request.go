package policy

import (
	"context"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/identity"
	"homeward/internal/store"
)

// Actor returns the signed-in user of a request; without one (a route that
// forgot its access declaration) every check is refused.
func Actor(ctx context.Context) auth.User {
	c, _ := identity.From(ctx)
	return c.User
}

// ProgramScope is the program filter of the request's user: the admin sees
// every program, everyone else only their own.
func ProgramScope(ctx context.Context, query string) store.ProgramFilter {
	ids, all := Programs(Actor(ctx))
	return store.ProgramFilter{Query: query, Scoped: !all, IDs: ids}
}

// CheckRequest is Check for the signed-in user of the request.
func CheckRequest(ctx context.Context, a Action, programID int64) error {
	if _, ok := identity.From(ctx); !ok {
		return &errs.Error{Kind: errs.KindUnauthorized, Code: "unauthorized", Message: "Sign in first."}
	}
	return Check(Actor(ctx), a, programID)
}
