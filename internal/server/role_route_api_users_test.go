package server_test

import (
	"context"
	"fmt"

	"homeward/internal/auth"
)

// userAPI is a fixture sending a request to an API path of a user made for
// it, in the own program or the other one.
func userAPI(method, format string, body func(u auth.User) string) fixture {
	return fixture{userRecord, func(w *world, _ auth.User, own bool) call {
		u, err := w.a.store.GetUser(context.Background(), w.throwaway(own).ID)
		if err != nil {
			w.a.t.Fatal(err)
		}
		js := ""
		if body != nil {
			js = body(u)
		}
		return call{method: method, path: path(format, u.ID), json: js}
	}}
}

func init() {
	const v = "/api/v1"
	f := map[string]fixture{
		"GET " + v + "/programs/{id}/staff": {programRecord, func(w *world, _ auth.User, own bool) call {
			return call{method: "GET", path: path(v+"/programs/%d/staff", w.program(own).ID)}
		}},
		"GET " + v + "/users": {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: v + "/users"} }},
		"POST " + v + "/users": {noRecord, func(w *world, _ auth.User, _ bool) call {
			return call{method: "POST", path: v + "/users", json: fmt.Sprintf(`{"email":"api-invited%d@example.org","role":"mentor","programs":[%d]}`, w.next(), w.mine.ID)}
		}},
		"GET " + v + "/users/{id}": userAPI("GET", v+"/users/%d", nil),
		"PATCH " + v + "/users/{id}": userAPI("PATCH", v+"/users/%d", func(u auth.User) string {
			return fmt.Sprintf(`{"name":"Renamed","version":%d}`, u.UpdatedAt.UnixMicro())
		}),
		"PUT " + v + "/users/{id}/status":      userAPI("PUT", v+"/users/%d/status", func(auth.User) string { return `{"status":"disabled"}` }),
		"POST " + v + "/users/{id}/link":       userAPI("POST", v+"/users/%d/link", nil),
		"DELETE " + v + "/users/{id}/sessions": userAPI("DELETE", v+"/users/%d/sessions", nil),
	}
	for k, fx := range f {
		routeFixtures[k] = fx
	}
}
