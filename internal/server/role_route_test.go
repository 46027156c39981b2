package server_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"homeward/internal/api"
	"homeward/internal/auth"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/route"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// record says what a route acts on, and so which records the role-by-route
// test tries it with.
type record int

const (
	noRecord      record = iota // the route acts on no record: tried once
	programRecord               // a program: the user's own, and another one
	ownRecord                   // something of the user's own account: theirs, and someone else's
	userRecord                  // a user, for administrators: one in the user's program, one elsewhere
	// caseRecord is a case (or a mentee, or something recorded on a case):
	// one the user works on, another mentor's in the user's program, and
	// one in another program. The fixture sets world.ref to the case it used.
	caseRecord
	// mentorRecord is a mentor's record: the user's own (a mentor's), or
	// one in the user's program; another in the user's program; one in
	// another program. The fixture sets world.mref to the mentor it used.
	mentorRecord
	// referralRecord is a referral: from a case the user works on (for a
	// partner user, to their organisation); from a colleague's case (to
	// another organisation); from a case of another program (to another
	// organisation). The fixture sets world.rref to the referral it used.
	referralRecord
)

// caseVariant is which case a caseRecord fixture acts on.
type caseVariant int

const (
	theirCase     caseVariant = iota // the user's own: their program's, matched to them, assigned to them
	colleagueCase                    // another mentor's and psychologist's, in the user's program
	elsewhereCase                    // in another program
)

// world is what the role-by-route test's requests act on.
type world struct {
	a            *app
	mine, other  program.Program
	stranger     auth.User            // a user of the other program
	n            int                  // makes names unique
	adminForUser auth.User            // an admin, whose actions create users' records
	variant      caseVariant          // which case a caseRecord fixture acts on
	ref          policy.CaseRef       // the case a caseRecord fixture acted on
	mref         store.MentorRef      // the mentor a mentorRecord fixture acted on
	rref         store.ReferralRef    // the referral a referralRecord fixture acted on
	dir          *fixtureDirectory    // the partner organisations, made once
	cases        map[string]int64     // cases shared by the roles trying one route
	users        map[string]auth.User // fixture staff by program
}

// call is one request of the role-by-route test.
type call struct {
	method, path string
	form         url.Values // sent as a form; nil sends json
	json         string
}

// fixture makes the request that tries a route as u, on u's own record
// (own) or on another's.
type fixture struct {
	record record
	make   func(w *world, u auth.User, own bool) call
}

func (w *world) next() int { w.n++; return w.n }

func (w *world) program(own bool) program.Program {
	if own {
		return w.mine
	}
	return w.other
}

// facility returns a facility of a program, made once.
func (w *world) facility(programID int64) program.Facility {
	w.a.t.Helper()
	k := fmt.Sprintf("facility|%d", programID)
	if u, ok := w.users[k]; ok {
		return program.Facility{ID: u.ID, ProgramID: programID}
	}
	f, err := w.a.store.CreateFacility(context.Background(), program.Facility{ProgramID: programID, Name: "Bory", Kind: program.Prison})
	if err != nil {
		w.a.t.Fatal(err)
	}
	w.users[k] = auth.User{ID: f.ID}
	return f
}

// owner is whose record a self-service route acts on.
func (w *world) owner(u auth.User, own bool) auth.User {
	if own {
		return u
	}
	return w.stranger
}

// throwaway makes a user to act on, in the own or the other program.
func (w *world) throwaway(own bool) auth.User {
	w.a.t.Helper()
	u, _ := w.a.signedIn(fmt.Sprintf("throwaway%d@example.org", w.next()), auth.Mentor, w.program(own).ID)
	return u
}

func (w *world) session(u auth.User) int64 {
	w.a.t.Helper()
	if _, err := w.a.store.CreateSession(context.Background(), u.ID, time.Hour, "192.0.2.5", "test"); err != nil {
		w.a.t.Fatal(err)
	}
	list, err := w.a.store.ListSessions(context.Background(), u.ID)
	if err != nil {
		w.a.t.Fatal(err)
	}
	return list[0].ID
}

func path(format string, id int64) string { return fmt.Sprintf(format, id) }

// routeFixtures has a fixture for every signed-in route. A route without one
// fails the test: each new route must say how to try it. Later issues add
// the records of their own routes (cases, mentors' records, referrals).
var routeFixtures = map[string]fixture{
	"GET /{$}": {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: "/"} }},
	"POST /logout": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "POST", path: "/logout", form: url.Values{}}
	}},
	"GET /login/factor": {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: "/login/factor"} }},
	"POST /login/factor": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "POST", path: "/login/factor", form: url.Values{"code": {"123456"}}}
	}},
	"POST /login/passkey/options": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "POST", path: "/login/passkey/options", json: "{}"}
	}},
	"POST /login/passkey": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "POST", path: "/login/passkey", json: "{}"}
	}},
	"GET /login/enrol": {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: "/login/enrol"} }},

	"GET /programs":     {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: "/programs"} }},
	"GET /programs/new": {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: "/programs/new"} }},
	"POST /programs": {noRecord, func(w *world, u auth.User, _ bool) call {
		return call{method: "POST", path: "/programs", form: programForm(fmt.Sprintf("By %s %d", u.Role, w.next()))}
	}},
	"GET /programs/{id}": {programRecord, func(w *world, _ auth.User, own bool) call {
		return call{method: "GET", path: path("/programs/%d", w.program(own).ID)}
	}},
	"GET /programs/{id}/edit": {programRecord, func(w *world, _ auth.User, own bool) call {
		return call{method: "GET", path: path("/programs/%d/edit", w.program(own).ID)}
	}},
	"POST /programs/{id}": {programRecord, func(w *world, u auth.User, own bool) call {
		// The version is stale on purpose after the first edit: a refused
		// stale edit (409) still passed the policy.
		v := programForm(fmt.Sprintf("Edited by %s %d", u.Role, w.next()))
		v.Set("version", "1")
		v.Del("mentor_checks") // a required check would make the fixture mentors unready
		return call{method: "POST", path: path("/programs/%d", w.program(own).ID), form: v}
	}},

	"GET /account": {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: "/account"} }},
	"GET /account/confirm": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "GET", path: "/account/confirm?next=/account"}
	}},
	"POST /account/confirm": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "POST", path: "/account/confirm", form: url.Values{"password": {"not the password"}, "next": {"/account"}}}
	}},
	"POST /account/confirm/passkey/options": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "POST", path: "/account/confirm/passkey/options", json: "{}"}
	}},
	"POST /account/confirm/passkey": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "POST", path: "/account/confirm/passkey", json: `{"password":"x","credential":{}}`}
	}},
	"POST /account/totp/begin": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "POST", path: "/account/totp/begin", form: url.Values{}}
	}},
	"POST /account/totp": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "POST", path: "/account/totp", form: url.Values{"code": {"123456"}}}
	}},
	"POST /account/totp/remove": {noRecord, func(w *world, u auth.User, _ bool) call {
		ctx := context.Background()
		if err := w.a.store.BeginTOTP(ctx, u.ID, 0, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"); err != nil {
			w.a.t.Fatal(err)
		}
		if err := w.a.store.UseTOTPStep(ctx, u.ID, 1, true, 0, false); err != nil {
			w.a.t.Fatal(err)
		}
		return call{method: "POST", path: "/account/totp/remove", form: url.Values{}}
	}},
	"POST /account/passkeys/options": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "POST", path: "/account/passkeys/options", json: "{}"}
	}},
	"POST /account/passkeys": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "POST", path: "/account/passkeys", json: `{"name":"x","credential":{}}`}
	}},
	"POST /account/passkeys/{id}/remove": {ownRecord, func(w *world, u auth.User, own bool) call {
		owner := w.owner(u, own)
		id := fmt.Sprintf("cred-%d", w.next())
		if err := w.a.store.AddPasskey(context.Background(), owner.ID, "key", []byte(id), "{}", 0, false); err != nil {
			w.a.t.Fatal(err)
		}
		keys, _ := w.a.store.Passkeys(context.Background(), owner.ID)
		return call{method: "POST", path: path("/account/passkeys/%d/remove", keys[len(keys)-1].ID), form: url.Values{}}
	}},
	"POST /account/recovery-codes": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "POST", path: "/account/recovery-codes", form: url.Values{}}
	}},
	"POST /account/sessions/{id}/end": {ownRecord, func(w *world, u auth.User, own bool) call {
		return call{method: "POST", path: path("/account/sessions/%d/end", w.session(w.owner(u, own))), form: url.Values{}}
	}},
	"POST /account/tokens": {noRecord, func(w *world, _ auth.User, _ bool) call {
		return call{method: "POST", path: "/account/tokens", form: url.Values{"name": {fmt.Sprintf("t%d", w.next())}, "days": {"7"}}}
	}},
	"POST /account/calendar-feed": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "POST", path: "/account/calendar-feed", form: url.Values{}}
	}},
	"POST /account/calendar-feed/revoke": {noRecord, func(w *world, u auth.User, _ bool) call {
		if _, _, err := w.a.store.CreateCalendarFeed(context.Background(), u.ID, "en"); err != nil {
			w.a.t.Fatal(err)
		}
		return call{method: "POST", path: "/account/calendar-feed/revoke", form: url.Values{}}
	}},
	"POST /account/notification-settings": {noRecord, func(*world, auth.User, bool) call {
		form := url.Values{}
		for _, k := range store.NotificationKinds {
			form.Set(k, store.DeliverDigest)
		}
		return call{method: "POST", path: "/account/notification-settings", form: form}
	}},
	"GET /api/v1/account/notification-settings": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "GET", path: "/api/v1/account/notification-settings"}
	}},
	"PUT /api/v1/account/notification-settings": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "PUT", path: "/api/v1/account/notification-settings", json: `{"kinds":{"urgent_request":"never"}}`}
	}},
	"POST /account/time-zone": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "POST", path: "/account/time-zone", form: url.Values{"time_zone": {"Europe/Prague"}}}
	}},
	"POST /account/tokens/{id}/revoke": {ownRecord, func(w *world, u auth.User, own bool) call {
		_, tok, err := w.a.store.CreateAPIToken(context.Background(), w.owner(u, own).ID, "t", time.Hour)
		if err != nil {
			w.a.t.Fatal(err)
		}
		return call{method: "POST", path: path("/account/tokens/%d/revoke", tok.ID), form: url.Values{}}
	}},

	"GET /admin/users":     {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: "/admin/users"} }},
	"GET /admin/users/new": {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: "/admin/users/new"} }},
	"POST /admin/users": {noRecord, func(w *world, _ auth.User, _ bool) call {
		return call{method: "POST", path: "/admin/users", form: url.Values{
			"email": {fmt.Sprintf("invited%d@example.org", w.next())}, "role": {"mentor"}, "programs": {fmt.Sprint(w.mine.ID)}}}
	}},
	"GET /admin/users/{id}": {userRecord, func(w *world, _ auth.User, own bool) call {
		return call{method: "GET", path: path("/admin/users/%d", w.throwaway(own).ID)}
	}},
	"POST /admin/users/{id}": {userRecord, func(w *world, _ auth.User, own bool) call {
		return call{method: "POST", path: path("/admin/users/%d", w.throwaway(own).ID), form: url.Values{"name": {"Renamed"}, "role": {"mentor"}}}
	}},
	"POST /admin/users/{id}/status": {userRecord, func(w *world, _ auth.User, own bool) call {
		return call{method: "POST", path: path("/admin/users/%d/status", w.throwaway(own).ID), form: url.Values{"status": {"disabled"}}}
	}},
	"POST /admin/users/{id}/reset-link": {userRecord, func(w *world, _ auth.User, own bool) call {
		return call{method: "POST", path: path("/admin/users/%d/reset-link", w.throwaway(own).ID), form: url.Values{}}
	}},
	"POST /admin/users/{id}/link-mail": {userRecord, func(w *world, _ auth.User, own bool) call {
		u := w.throwaway(own)
		token, err := w.a.store.CreateLink(context.Background(), store.LinkReset, u.ID, time.Hour)
		if err != nil {
			w.a.t.Fatal(err)
		}
		return call{method: "POST", path: path("/admin/users/%d/link-mail", u.ID), form: url.Values{"link": {token}}}
	}},
	"POST /admin/users/{id}/sessions/end": {userRecord, func(w *world, _ auth.User, own bool) call {
		return call{method: "POST", path: path("/admin/users/%d/sessions/end", w.throwaway(own).ID), form: url.Values{}}
	}},
	"GET /admin/audit": {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: "/admin/audit"} }},
	"GET /admin/jobs":  {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: "/admin/jobs"} }},
	"POST /admin/jobs/{id}/retry": {noRecord, func(w *world, _ auth.User, _ bool) call {
		return call{method: "POST", path: path("/admin/jobs/%d/retry", w.a.failedJob("test.failure")), form: url.Values{}}
	}},

	"GET /api/v1/programs": {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: "/api/v1/programs"} }},
	"POST /api/v1/programs": {noRecord, func(w *world, u auth.User, _ bool) call {
		return call{method: "POST", path: "/api/v1/programs", json: fmt.Sprintf(`{"name":"API by %s %d"}`, u.Role, w.next())}
	}},
	"GET /api/v1/programs/{id}": {programRecord, func(w *world, _ auth.User, own bool) call {
		return call{method: "GET", path: path("/api/v1/programs/%d", w.program(own).ID)}
	}},
	"GET /api/v1/programs/{id}/facilities": {programRecord, func(w *world, _ auth.User, own bool) call {
		return call{method: "GET", path: path("/api/v1/programs/%d/facilities", w.program(own).ID)}
	}},
	"POST /api/v1/programs/{id}/facilities": {programRecord, func(w *world, u auth.User, own bool) call {
		return call{method: "POST", path: path("/api/v1/programs/%d/facilities", w.program(own).ID),
			json: fmt.Sprintf(`{"name":"Prison by %s %d","kind":"prison"}`, u.Role, w.next())}
	}},
	"PATCH /api/v1/facilities/{id}": {programRecord, func(w *world, _ auth.User, own bool) call {
		return call{method: "PATCH", path: path("/api/v1/facilities/%d", w.facility(w.program(own).ID).ID), json: `{"kind":"remand","version":1}`}
	}},
	"POST /programs/{id}/facilities": {programRecord, func(w *world, u auth.User, own bool) call {
		return call{method: "POST", path: path("/programs/%d/facilities", w.program(own).ID),
			form: form("name", fmt.Sprintf("Prison by %s %d", u.Role, w.next()), "kind", "prison")}
	}},
	"POST /facilities/{id}": {programRecord, func(w *world, _ auth.User, own bool) call {
		return call{method: "POST", path: path("/facilities/%d", w.facility(w.program(own).ID).ID), form: form("name", "Bory", "kind", "remand", "version", "1")}
	}},
	"PATCH /api/v1/programs/{id}": {programRecord, func(w *world, u auth.User, own bool) call {
		return call{method: "PATCH", path: path("/api/v1/programs/%d", w.program(own).ID),
			json: fmt.Sprintf(`{"name":"API edit by %s %d","version":1}`, u.Role, w.next())}
	}},

	"GET /notifications": {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: "/notifications"} }},
	"POST /notifications/read": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "POST", path: "/notifications/read", form: url.Values{}}
	}},
	"GET /api/v1/notifications": {noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: "/api/v1/notifications"} }},
	"POST /api/v1/notifications/read": {noRecord, func(*world, auth.User, bool) call {
		return call{method: "POST", path: "/api/v1/notifications/read", json: `{"all":true}`}
	}},
}

// catchAll routes answer 404 for paths that name nothing: there is nothing
// to allow or refuse.
var catchAll = map[string]bool{"/": true, "/api/v1/": true}

// Every role against every signed-in route, on its own record and on another
// program's (or another person's): allowed or refused as the route's
// declared permission and the policy say, and a refusal changes nothing.
func TestRoleByRoute(t *testing.T) {
	t.Parallel()
	// The routes are tried in shards, each on an app of its own, so that the
	// shards run in parallel and each still sees only its own audit entries.
	shards := map[string]bool{}
	for name, table := range newBareApp(t, store.Options{DataDir: t.TempDir()}).srv.RouteTables() {
		for _, rt := range table {
			shards[routeShard(name, rt)] = true
		}
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			for _, shard := range slices.Sorted(maps.Keys(shards)) {
				t.Run(shard, func(t *testing.T) {
					t.Parallel()
					opts := store.Options{DataDir: t.TempDir()}
					if engine == "postgres" {
						opts = store.Options{DatabaseURL: testdb.Postgres(t)}
					}
					roleByRoute(t, newAppOn(t, opts), shard)
				})
			}
		})
	}
}

// routeShard is the part of the role-by-route test a route is tried in: its
// table and the first segment of its path ("api/cases", "web/mentors").
func routeShard(table string, rt route.Route) string {
	p := strings.TrimPrefix(strings.TrimPrefix(rt.Path, api.Prefix), "/")
	first, _, _ := strings.Cut(p, "/")
	return table + "/" + strings.Trim(first, "{$}")
}

func roleByRoute(t *testing.T, a *app, shard string) {
	ctx := context.Background()
	w := &world{a: a, mine: a.program("Mine"), other: a.program("Other"), cases: map[string]int64{}, users: map[string]auth.User{}}
	w.stranger, _ = a.signedIn("stranger@example.org", auth.Coordinator, w.other.ID)

	for name, table := range a.srv.RouteTables() {
		for _, rt := range table {
			if rt.Access == route.Public || (rt.Method == "" && catchAll[rt.Path]) || routeShard(name, rt) != shard {
				continue
			}
			f, ok := routeFixtures[rt.Pattern()]
			if !ok {
				t.Errorf("%s route %q has no fixture in routeFixtures: add how to try it", name, rt.Pattern())
				continue
			}
			for _, role := range auth.Roles {
				var programs []int64
				if role != auth.Admin {
					programs = []int64{w.mine.ID}
				}
				u, _ := a.signedIn(fmt.Sprintf("%s-%d@example.org", role, w.next()), role, programs...)
				u.Status = auth.StatusActive // signedIn set the password, which activated them
				if role == auth.Partner {
					u = w.joinPartner(u)
				}
				type try struct {
					own     bool
					variant caseVariant
				}
				tries := []try{{own: true}}
				switch f.record {
				case noRecord:
				case caseRecord, mentorRecord, referralRecord:
					tries = append(tries, try{false, colleagueCase}, try{false, elsewhereCase})
				default:
					tries = append(tries, try{own: false})
				}
				for _, tr := range tries {
					own := tr.own
					w.variant = tr.variant
					c := f.make(w, u, own)
					want := allowed(f.record, rt.Action, u, w, own)
					_, a.session = "", freshSession(t, a, u)
					before, _ := a.store.AuditHead(ctx)
					res, _ := send(a, c)
					got := res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound
					if res.StatusCode == http.StatusUnauthorized || res.StatusCode >= 500 {
						t.Errorf("%s as %s (own record %v): %d", rt.Pattern(), role, own, res.StatusCode)
						continue
					}
					if got != want {
						t.Errorf("%s as %s (own record %v): %d, want allowed=%v", rt.Pattern(), role, own, res.StatusCode, want)
					}
					if !got {
						if after, _ := a.store.AuditHead(ctx); after != before {
							t.Errorf("%s as %s (own record %v) was refused but changed something: audit %v → %v", rt.Pattern(), role, own, before, after)
						}
					}
				}
			}
		}
	}
}

// allowed is what the route's declared permission allows.
func allowed(r record, action policy.Action, u auth.User, w *world, own bool) bool {
	switch r {
	case programRecord:
		return policy.Can(u, action, w.program(own).ID)
	case ownRecord:
		return own && policy.Can(u, action, 0) // nobody acts on another person's account
	case caseRecord:
		return policy.CanCase(u, action, w.ref)
	case mentorRecord:
		return policy.CanMentor(u, action, w.mref)
	case referralRecord:
		return policy.CanReferral(u, action, w.rref)
	default:
		return policy.Can(u, action, 0)
	}
}

func freshSession(t *testing.T, a *app, u auth.User) string {
	t.Helper()
	token, err := a.store.CreateSession(context.Background(), u.ID, time.Hour, "192.0.2.6", "test")
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func send(a *app, c call) (*http.Response, string) {
	a.t.Helper()
	if c.form != nil {
		return a.postForm(c.path, c.form)
	}
	if c.json != "" {
		return a.do(c.method, c.path, strings.NewReader(c.json), "Content-Type", "application/json")
	}
	return a.do(c.method, c.path, nil)
}
