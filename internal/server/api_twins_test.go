package server_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"homeward/internal/api"
	"homeward/internal/store"
)

// twin is what a page route has in the API: the API routes that do what it
// does ("METHOD /path" under /api/v1), or why it has none.
type twin struct {
	api    []string
	reason string
}

func to(routes ...string) twin { return twin{api: routes} }
func none(reason string) twin  { return twin{reason: reason} }

// Reasons shared by several pages.
const (
	signIn     = "signing in and proving a second factor: the API signs in with a bearer token instead"
	ownAccess  = "a person's own sign-in methods, sessions and tokens: kept in the browser where the second factor is proven, so that a token can neither make nor undo credentials"
	freshProof = "the \"confirm it is you\" page: a fresh proof of the password and the second factor before a sensitive step, which only a signed-in browser gives; a token proves nothing afresh"
	emptyForm  = "the empty form of the action beside it: it shows no record"
	editForm   = "the form of the change beside it, filled with the record its API twin reads"
	portal     = "the mentee's own portal, a page for the person on their phone: the API serves staff"
)

// pageTwins names, for every page route, its API twin or why it has none.
var pageTwins = map[string]twin{
	"GET /{$}":           none("the home page sums up the user's lists (cases, mentors, referrals), each of which the API lists"),
	"GET /assets/{file}": none("the pages' stylesheet, scripts and images"),
	"POST /language":     none("the pages' language choice: the API answers in the language of Accept-Language"),

	"GET /login":                  none(signIn),
	"POST /login":                 none(signIn),
	"POST /logout":                none(signIn),
	"GET /login/factor":           none(signIn),
	"POST /login/factor":          none(signIn),
	"POST /login/passkey/options": none(signIn),
	"POST /login/passkey":         none(signIn),
	"GET /login/enrol":            none(signIn),
	"GET /link/{token}":           none("the one-time link's page, where an invited person chooses their own password: only they may, in a browser"),
	"POST /link/{token}":          none("the one-time link's page, where an invited person chooses their own password: only they may, in a browser"),

	"GET /programs":                         to("GET /programs"),
	"GET /programs/new":                     none(emptyForm),
	"POST /programs":                        to("POST /programs"),
	"GET /programs/{id}":                    to("GET /programs/{id}", "GET /programs/{id}/facilities"),
	"GET /programs/{id}/edit":               none(editForm),
	"POST /programs/{id}":                   to("PATCH /programs/{id}"),
	"POST /programs/{id}/facilities":        to("POST /programs/{id}/facilities"),
	"POST /facilities/{id}":                 to("PATCH /facilities/{id}"),
	"GET /programs/{id}/import":             none(emptyForm),
	"POST /programs/{id}/import":            to("POST /programs/{id}/import"),
	"GET /programs/{id}/funder-table":       to("GET /programs/{id}"),
	"POST /programs/{id}/funder-table":      to("PATCH /programs/{id}"),
	"GET /reports/outcomes":                 to("GET /reports/outcomes"),
	"GET /reports/outcomes.csv":             to("GET /reports/outcomes.csv"),
	"GET /reports/outcomes.xlsx":            to("GET /reports/outcomes.xlsx"),
	"GET /programs/{id}/apply":              none("the public application form: it shows only the program's name and description, which GET /programs/{id} gives staff"),
	"POST /programs/{id}/apply":             to("POST /mentor-applications"),
	"GET /programs/{id}/apply/done":         none("the thanks after an application: it shows no record"),
	"GET /account":                          none(ownAccess),
	"GET /account/confirm":                  none(freshProof),
	"POST /account/confirm":                 none(freshProof),
	"POST /account/confirm/passkey/options": none(freshProof),
	"POST /account/confirm/passkey":         none(freshProof),
	"POST /account/totp/begin":              none(ownAccess),
	"POST /account/totp":                    none(ownAccess),
	"POST /account/totp/remove":             none(ownAccess),
	"POST /account/passkeys/options":        none(ownAccess),
	"POST /account/passkeys":                none(ownAccess),
	"POST /account/passkeys/{id}/remove":    none(ownAccess),
	"POST /account/recovery-codes":          none(ownAccess),
	"POST /account/sessions/{id}/end":       none(ownAccess),
	"POST /account/tokens":                  none(ownAccess),
	"POST /account/time-zone":               none("the zone the pages show and read times in: the API takes and gives every time in RFC 3339 with its offset, so it needs no zone of its own"),
	"POST /account/tokens/{id}/revoke":      none(ownAccess),
	"POST /account/calendar-feed":           none("the address of a person's calendar feed is shown once on the account page, never through the API: a token could otherwise hand out a lasting address of its own"),
	"POST /account/calendar-feed/revoke":    none("revokes the calendar feed the account page made; the API has none"),
	"GET /calendar/{file}":                  none("a calendar app's address (iCalendar, RFC 5545), read by its secret token without a session: not an API"),

	// E-mail: the choices have their twin; a link is sent from its page.
	"POST /account/notification-settings": to("PUT /account/notification-settings"),
	"POST /admin/users/{id}/link-mail":    none("sends the person, by e-mail, the one-time link the page has just shown: POST /users/{id}/link answers the link itself, and the API client passes it on"),

	"GET /admin/users":                    to("GET /users"),
	"GET /admin/users/new":                none(emptyForm),
	"POST /admin/users":                   to("POST /users"),
	"GET /admin/users/{id}":               to("GET /users/{id}"),
	"POST /admin/users/{id}":              to("PATCH /users/{id}"),
	"POST /admin/users/{id}/status":       to("PUT /users/{id}/status"),
	"POST /admin/users/{id}/reset-link":   to("POST /users/{id}/link"),
	"POST /admin/users/{id}/sessions/end": to("DELETE /users/{id}/sessions"),
	"GET /admin/audit":                    none("the administrator reads who did what in the browser, behind a second factor, and `homeward audit verify` checks the chain where the server runs: an API token able to read every program's trail would be the widest key in Homeward"),
	"GET /admin/jobs":                     none("an operator's page of the background jobs: its twin is the command `homeward jobs`, run where the server runs"),
	"POST /admin/jobs/{id}/retry":         none("an operator's retry of a failed background job, after the cause is mended where the server runs"),

	"GET /cases":                       to("GET /cases"),
	"POST /cases":                      to("GET /cases"), // the search box, posted so that no name stands in an address; the API takes q in its query
	"GET /cases/export":                none("the case list as a spreadsheet for people to open; a program reads the same rows from GET /cases"),
	"GET /mentees/new":                 none(emptyForm),
	"POST /mentees/check":              to("POST /mentees"),
	"POST /mentees":                    to("POST /mentees"),
	"GET /mentees/{id}":                to("GET /mentees/{id}", "GET /mentees/{id}/consents", "GET /mentees/{id}/portal"),
	"GET /mentees/{id}/edit":           none(editForm),
	"POST /mentees/{id}":               to("PUT /mentees/{id}"),
	"GET /mentees/{id}/history":        to("GET /mentees/{id}/history"),
	"GET /mentees/{id}/history/edit":   none(editForm),
	"POST /mentees/{id}/history":       to("PUT /mentees/{id}/history"),
	"POST /mentees/{id}/sharing":       to("PUT /mentees/{id}/history/sharing"),
	"POST /mentees/{id}/consents":      to("POST /mentees/{id}/consents"),
	"POST /mentees/{id}/portal":        to("POST /mentees/{id}/portal"),
	"POST /mentees/{id}/portal/link":   to("POST /mentees/{id}/portal/link"),
	"POST /mentees/{id}/portal/status": to("PUT /mentees/{id}/portal/status"),
	"GET /mentees/{id}/export":         to("GET /mentees/{id}/export"),
	"GET /mentees/{id}/export.json":    to("GET /mentees/{id}/export"),
	"GET /cases/{id}/erasure":          to("GET /cases/{id}/erasure"),
	"POST /cases/{id}/erasure":         to("POST /cases/{id}/erasure"),
	"GET /erasures":                    to("GET /erasures"),
	"POST /erasures/{id}/approve":      to("POST /erasures/{id}/approve"),
	"POST /erasures/{id}/refuse":       to("POST /erasures/{id}/refuse"),

	// Retention per program.
	"GET /retention":                       to("GET /retention"),
	"POST /cases/{id}/retention-hold":      to("PUT /cases/{id}/retention-hold"),
	"POST /cases/{id}/retention-hold/lift": to("DELETE /cases/{id}/retention-hold"),

	"GET /cases/{id}":                        to("GET /cases/{id}", "GET /cases/{id}/match", "GET /cases/{id}/signals", "GET /cases/{id}/custody", "GET /cases/{id}/transitions", "GET /programs/{id}/staff"),
	"POST /cases/{id}/transitions":           to("POST /cases/{id}/transitions"),
	"POST /cases/{id}/match":                 to("PUT /cases/{id}/match"),
	"POST /cases/{id}/match/end":             to("DELETE /cases/{id}/match"),
	"POST /cases/{id}/psychologist":          to("PUT /cases/{id}/psychologist"),
	"POST /cases/{id}/custody":               to("PUT /cases/{id}/custody"),
	"GET /cases/{id}/needs":                  to("GET /cases/{id}/needs"),
	"POST /cases/{id}/needs":                 to("POST /cases/{id}/needs"),
	"POST /cases/{id}/plan-steps":            to("POST /cases/{id}/plan-steps"),
	"POST /cases/{id}/plan-steps/{step}":     to("PATCH /cases/{id}/plan-steps/{step}"),
	"GET /cases/{id}/contacts":               to("GET /cases/{id}/contacts"),
	"POST /cases/{id}/contacts":              to("POST /cases/{id}/contacts"),
	"GET /cases/{id}/requests":               to("GET /cases/{id}/requests"),
	"POST /cases/{id}/requests":              to("POST /cases/{id}/requests"),
	"POST /cases/{id}/requests/{request}":    to("PATCH /cases/{id}/requests/{request}"),
	"GET /cases/{id}/notes":                  to("GET /cases/{id}/notes"),
	"POST /cases/{id}/notes":                 to("POST /cases/{id}/notes"),
	"GET /cases/{id}/closing":                to("GET /cases/{id}/closing", "GET /cases/{id}/feedback", "GET /cases/{id}/outcomes", "GET /cases/{id}/follow-ups"),
	"POST /cases/{id}/closing/agreement":     to("POST /cases/{id}/closing/agreement"),
	"POST /cases/{id}/closing/final-meeting": to("POST /cases/{id}/closing/final-meeting"),
	"POST /cases/{id}/feedback":              to("PUT /cases/{id}/feedback"),
	"POST /cases/{id}/outcomes":              to("POST /cases/{id}/outcomes"),
	"POST /cases/{id}/follow-ups/{followup}": to("PUT /cases/{id}/follow-ups/{followup}"),

	"GET /mentors":                         to("GET /mentors"),
	"GET /mentors/board":                   to("GET /mentors"),
	"GET /mentors/{id}":                    to("GET /mentors/{id}", "GET /mentors/{id}/checks", "GET /mentors/{id}/notes", "GET /mentors/{id}/training"),
	"GET /mentors/{id}/edit":               none(editForm),
	"POST /mentors/{id}":                   to("PATCH /mentors/{id}"),
	"POST /mentors/{id}/stage":             to("PATCH /mentors/{id}"),
	"POST /mentors/{id}/accept":            to("POST /mentors/{id}/acceptance"),
	"POST /mentors/{id}/invite":            to("POST /mentors/{id}/invitation"),
	"POST /mentors/{id}/notes":             to("POST /mentors/{id}/notes"),
	"POST /mentors/{id}/checks":            to("POST /mentors/{id}/checks"),
	"POST /mentors/{id}/availability":      to("PATCH /mentors/{id}"),
	"POST /mentors/{id}/training/{module}": to("PUT /mentors/{id}/training/{module}"),
	"GET /programs/{id}/training":          to("GET /training-modules"),
	"POST /programs/{id}/training":         to("POST /training-modules"),
	"POST /training-modules/{id}":          to("PATCH /training-modules/{id}"),
	"GET /cases/{id}/suggestions":          to("GET /cases/{id}/match-suggestions", "GET /cases/{id}/match-profile"),
	"POST /cases/{id}/match-profile":       to("PUT /cases/{id}/match-profile"),
	"GET /programs/{id}/matching":          to("POST /matching/preview"),
	"POST /programs/{id}/matching":         to("POST /matching/confirm"),

	"GET /directory":                  to("GET /services"),
	"GET /directory/export":           to("GET /directory/hsds"),
	"GET /directory/import":           none(emptyForm),
	"POST /directory/import":          to("POST /directory/hsds"),
	"GET /partners":                   to("GET /partners"),
	"GET /partners/new":               none(emptyForm),
	"POST /partners":                  to("POST /partners"),
	"GET /partners/{id}":              to("GET /partners/{id}", "GET /services"),
	"GET /partners/{id}/edit":         none(editForm),
	"POST /partners/{id}":             to("PATCH /partners/{id}"),
	"GET /partners/{id}/services/new": none(emptyForm),
	"POST /partners/{id}/services":    to("POST /services"),
	"GET /services/{id}":              to("GET /services/{id}"),
	"GET /services/{id}/edit":         none(editForm),
	"POST /services/{id}":             to("PATCH /services/{id}"),
	"GET /cases/{id}/referrals":       to("GET /cases/{id}/referrals"),
	"GET /cases/{id}/referrals/new":   none("the referral form; the services it offers are GET /services"),
	"POST /cases/{id}/referrals":      to("POST /cases/{id}/referrals"),
	"GET /referrals":                  to("GET /referrals"),
	"GET /referrals/{id}":             to("GET /referrals/{id}", "GET /referrals/{id}/events"),
	"POST /referrals/{id}":            to("PATCH /referrals/{id}"),
	"POST /referrals/{id}/events":     to("POST /referrals/{id}/events"),

	"GET /my":                  none(portal),
	"POST /my/steps/{id}/done": none(portal),
	"POST /my/requests":        none(portal),
	"POST /my/agreement":       none(portal),
	"POST /my/feedback":        none(portal),
	"POST /my/data":            none(portal),

	"GET /notifications":       to("GET /notifications"),
	"POST /notifications/read": to("POST /notifications/read"),
}

// What a page can do, the API can do: every page route (an action, or a
// page that shows data) has an API twin that exists, or is named here with
// the reason it has none. A new page route fails this test until it says
// which.
func TestEveryPageHasAnAPITwinOrAReason(t *testing.T) {
	t.Parallel()
	tables := newBareApp(t, store.Options{DataDir: t.TempDir()}).srv.RouteTables()
	served := map[string]bool{}
	for _, rt := range tables["api"] {
		if rt.Method != "" {
			served[rt.Method+" "+strings.TrimPrefix(rt.Path, api.Prefix)] = true
		}
	}
	pages := map[string]bool{}
	for _, rt := range tables["web"] {
		if rt.Method == "" {
			continue // the catch-all that answers 404
		}
		p := rt.Pattern()
		pages[p] = true
		tw, ok := pageTwins[p]
		switch {
		case !ok:
			t.Errorf("page route %s has no API twin in pageTwins: add one (and to the API), or name it with the reason it has none", p)
		case len(tw.api) == 0 && strings.TrimSpace(tw.reason) == "":
			t.Errorf("page route %s names neither an API twin nor a reason", p)
		case len(tw.api) > 0 && tw.reason != "":
			t.Errorf("page route %s names an API twin and a reason: which is it?", p)
		}
		for _, op := range tw.api {
			if !served[op] {
				t.Errorf("page route %s names the API twin %s, which the API does not serve", p, op)
			}
		}
	}
	for _, p := range slices.Sorted(maps.Keys(pageTwins)) {
		if !pages[p] {
			t.Errorf("pageTwins names %s, which is no page route: remove it", p)
		}
	}
}
