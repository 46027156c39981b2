package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/partners"
	"homeward/internal/program"
)

// fixtureDirectory is the role-by-route test's directory: the partner
// users' own organisation (with a partner account, so its referrals go
// through the portal), another organisation with an account, and an
// organisation without one (its referrals go by phone).
type fixtureDirectory struct {
	own, other, phone          partners.Partner
	ownSvc, otherSvc, phoneSvc partners.Service
}

func (w *world) directory() *fixtureDirectory {
	w.a.t.Helper()
	if w.dir != nil {
		return w.dir
	}
	ctx := context.Background()
	d := &fixtureDirectory{}
	org := func(name string, account bool) (partners.Partner, partners.Service) {
		o, err := w.a.store.CreatePartner(ctx, partners.Partner{Name: name})
		if err != nil {
			w.a.t.Fatal(err)
		}
		v, err := w.a.store.CreateService(ctx, partners.Service{PartnerID: o.ID, Name: name + " service", NeedDomains: []string{"housing"}})
		if err != nil {
			w.a.t.Fatal(err)
		}
		if account {
			u, _ := w.a.signedIn(fmt.Sprintf("fixture-partner-%d@example.org", w.next()), auth.Partner)
			w.toPartner(u, o.ID)
		}
		return o, v
	}
	d.own, d.ownSvc = org("Own Partner", true)
	d.other, d.otherSvc = org("Other Partner", true)
	d.phone, d.phoneSvc = org("Phone Partner", false)
	w.dir = d
	return d
}

func (w *world) toPartner(u auth.User, orgID int64) auth.User {
	w.a.t.Helper()
	cur, err := w.a.store.GetUser(context.Background(), u.ID)
	if err != nil {
		w.a.t.Fatal(err)
	}
	cur.PartnerID = orgID
	out, err := w.a.store.UpdateUser(context.Background(), cur, cur.UpdatedAt)
	if err != nil {
		w.a.t.Fatal(err)
	}
	out.Status = auth.StatusActive
	return out
}

// joinPartner makes a partner user of the loop a member of the
// directory's own organisation.
func (w *world) joinPartner(u auth.User) auth.User {
	return w.toPartner(u, w.directory().own.ID)
}

// referralFor makes a referral a referralRecord fixture acts on, by
// world.variant (see referralRecord), sent unless draft, and sets world.rref.
func (w *world) referralFor(key string, u auth.User, own, draft, phone bool) partners.Referral {
	w.a.t.Helper()
	ctx := context.Background()
	d := w.directory()
	variant := w.variant
	if own {
		variant = theirCase
	}
	svc := d.ownSvc
	if variant != theirCase {
		svc = d.otherSvc
	}
	if phone {
		svc = d.phoneSvc
	}
	var c cases.Case
	if u.Role == auth.Partner {
		in := w.mine
		if variant == elsewhereCase {
			in = w.other
		}
		c = w.a.getCase(w.caseIn(key, in))
	} else {
		c = w.caseFor(key, u, own, cases.Active)
	}
	p := w.mine
	if c.ProgramID == w.other.ID {
		p = w.other
	}
	by := w.coordinator(p)
	r, err := w.a.store.CreateReferral(ctx, partners.Referral{CaseID: c.ID, ServiceID: svc.ID, Message: "Needs a room.",
		Share: []partners.Field{partners.Languages, partners.Location}, Channel: partners.Phone, ConsentGiven: true, CreatedBy: by.ID, ConsentBy: by.ID}, !draft)
	if err != nil {
		w.a.t.Fatal(err)
	}
	ref, err := w.a.store.ReferralRef(ctx, r.ID)
	if err != nil {
		w.a.t.Fatal(err)
	}
	w.rref = ref
	return r
}

// caseIn is an active case of the program, shared by the roles trying one route.
func (w *world) caseIn(key string, p program.Program) int64 {
	k := fmt.Sprintf("referral|%s|%d", key, p.ID)
	if id, ok := w.cases[k]; ok {
		return id
	}
	id := w.a.makeCase(caseSetup{Program: p, By: w.coordinator(p), State: cases.Active, MentorID: w.staff(p, auth.Mentor).ID}).ID
	w.cases[k] = id
	return id
}

// referralCall is a fixture acting on a referral.
func referralCall(key, method, format string, draft, phone bool, v func(w *world, u auth.User, r partners.Referral) (url.Values, string)) fixture {
	return fixture{referralRecord, func(w *world, u auth.User, own bool) call {
		r := w.referralFor(key, u, own, draft, phone)
		c := call{method: method, path: path(format, r.ID)}
		if v != nil {
			c.form, c.json = v(w, u, r)
		}
		return c
	}}
}

func init() {
	dirGet := func(p string) fixture {
		return fixture{noRecord, func(*world, auth.User, bool) call { return call{method: "GET", path: p} }}
	}
	orgPath := func(format string) fixture {
		return fixture{noRecord, func(w *world, _ auth.User, _ bool) call {
			return call{method: "GET", path: path(format, w.directory().phone.ID)}
		}}
	}
	svcPath := func(format string) fixture {
		return fixture{noRecord, func(w *world, _ auth.User, _ bool) call {
			return call{method: "GET", path: path(format, w.directory().phoneSvc.ID)}
		}}
	}
	f := map[string]fixture{
		"GET /directory":        dirGet("/directory?need=housing"),
		"GET /directory/export": dirGet("/directory/export"),
		"GET /directory/import": dirGet("/directory/import"),
		"POST /directory/import": {noRecord, func(*world, auth.User, bool) call {
			return call{method: "POST", path: "/directory/import", form: url.Values{}}
		}},
		"GET /partners":     dirGet("/partners"),
		"GET /partners/new": dirGet("/partners/new"),
		"POST /partners": {noRecord, func(w *world, u auth.User, _ bool) call {
			return call{method: "POST", path: "/partners", form: form("name", fmt.Sprintf("New by %s %d", u.Role, w.next()))}
		}},
		"GET /partners/{id}":      orgPath("/partners/%d"),
		"GET /partners/{id}/edit": orgPath("/partners/%d/edit"),
		"POST /partners/{id}": {noRecord, func(w *world, u auth.User, _ bool) call {
			return call{method: "POST", path: path("/partners/%d", w.directory().phone.ID), form: form("name", "Phone Partner", "version", "1")}
		}},
		"GET /partners/{id}/services/new": orgPath("/partners/%d/services/new"),
		"POST /partners/{id}/services": {noRecord, func(w *world, u auth.User, _ bool) call {
			return call{method: "POST", path: path("/partners/%d/services", w.directory().phone.ID),
				form: form("name", fmt.Sprintf("Service by %s %d", u.Role, w.next()), "need_domains", "income", "status", "active")}
		}},
		"GET /services/{id}":      svcPath("/services/%d"),
		"GET /services/{id}/edit": svcPath("/services/%d/edit"),
		"POST /services/{id}": {noRecord, func(w *world, _ auth.User, _ bool) call {
			return call{method: "POST", path: path("/services/%d", w.directory().phoneSvc.ID),
				form: form("name", "Phone Partner service", "need_domains", "housing", "status", "active", "version", "1")}
		}},
		"GET /cases/{id}/referrals":     caseGet("GET /cases/{id}/referrals", "/cases/%d/referrals", cases.Active),
		"GET /cases/{id}/referrals/new": caseGet("GET /cases/{id}/referrals/new", "/cases/%d/referrals/new", cases.Active),
		"POST /cases/{id}/referrals": casePost("POST /cases/{id}/referrals", "/cases/%d/referrals", cases.Active, func(w *world, _ cases.Case) url.Values {
			return form("service_id", strconv.FormatInt(w.directory().ownSvc.ID, 10), "message", "Needs a room.", "share", "languages",
				"consent_given", "1", "send", "send")
		}),
		"GET /referrals":      dirGet("/referrals"),
		"GET /referrals/{id}": referralCall("GET /referrals/{id}", "GET", "/referrals/%d", false, false, nil),
		"POST /referrals/{id}": referralCall("POST /referrals/{id}", "POST", "/referrals/%d", true, false, func(_ *world, _ auth.User, r partners.Referral) (url.Values, string) {
			return form("message", "Needs a room soon.", "share", "languages", "send", "draft", "version", strconv.Itoa(r.Version),
				"service_id", strconv.FormatInt(r.ServiceID, 10)), ""
		}),
		"POST /referrals/{id}/events": referralCall("POST /referrals/{id}/events", "POST", "/referrals/%d/events", false, false, func(_ *world, _ auth.User, r partners.Referral) (url.Values, string) {
			return form("status", "sent", "message", "Any news?", "version", strconv.Itoa(r.Version)), ""
		}),
	}
	const v = "/api/v1"
	apiCall := func(method, p string, body func(w *world) string) fixture {
		return fixture{noRecord, func(w *world, _ auth.User, _ bool) call {
			c := call{method: method, path: p}
			if body != nil {
				c.json = body(w)
			}
			return c
		}}
	}
	f["GET "+v+"/partners"] = apiCall("GET", v+"/partners", nil)
	f["POST "+v+"/partners"] = apiCall("POST", v+"/partners", func(w *world) string {
		return fmt.Sprintf(`{"name":"API partner %d"}`, w.next())
	})
	f["GET "+v+"/partners/{id}"] = orgPath(v + "/partners/%d")
	f["PATCH "+v+"/partners/{id}"] = fixture{noRecord, func(w *world, _ auth.User, _ bool) call {
		return call{method: "PATCH", path: path(v+"/partners/%d", w.directory().phone.ID), json: `{"description":"Calls back within a day.","version":1}`}
	}}
	f["GET "+v+"/services"] = apiCall("GET", v+"/services?need=housing", nil)
	f["POST "+v+"/services"] = fixture{noRecord, func(w *world, _ auth.User, _ bool) call {
		return call{method: "POST", path: v + "/services", json: fmt.Sprintf(`{"partner_id":%d,"name":"API service %d","need_domains":["income"]}`,
			w.directory().phone.ID, w.next())}
	}}
	f["GET "+v+"/services/{id}"] = svcPath(v + "/services/%d")
	f["PATCH "+v+"/services/{id}"] = fixture{noRecord, func(w *world, _ auth.User, _ bool) call {
		return call{method: "PATCH", path: path(v+"/services/%d", w.directory().phoneSvc.ID), json: `{"fees":"Free","version":1}`}
	}}
	f["GET "+v+"/directory/hsds"] = apiCall("GET", v+"/directory/hsds", nil)
	f["POST "+v+"/directory/hsds"] = apiCall("POST", v+"/directory/hsds", func(*world) string { return `{"contents":[]}` })
	f["GET "+v+"/cases/{id}/referrals"] = caseGet("GET "+v+"/cases/{id}/referrals", v+"/cases/%d/referrals", cases.Active)
	f["POST "+v+"/cases/{id}/referrals"] = fixture{caseRecord, func(w *world, u auth.User, own bool) call {
		c := w.caseFor("POST "+v+"/cases/{id}/referrals", u, own, cases.Active)
		return call{method: "POST", path: path(v+"/cases/%d/referrals", c.ID), json: fmt.Sprintf(
			`{"service_id":%d,"message":"Needs a room.","share":["languages"],"consent_given":true,"send":true}`, w.directory().ownSvc.ID)}
	}}
	f["GET "+v+"/referrals"] = apiCall("GET", v+"/referrals", nil)
	f["GET "+v+"/referrals/{id}"] = referralCall("GET "+v+"/referrals/{id}", "GET", v+"/referrals/%d", false, false, nil)
	f["PATCH "+v+"/referrals/{id}"] = referralCall("PATCH "+v+"/referrals/{id}", "PATCH", v+"/referrals/%d", true, false,
		func(_ *world, _ auth.User, r partners.Referral) (url.Values, string) {
			return nil, fmt.Sprintf(`{"message":"Needs a room soon.","share":["languages"],"version":%d}`, r.Version)
		})
	f["GET "+v+"/referrals/{id}/events"] = referralCall("GET "+v+"/referrals/{id}/events", "GET", v+"/referrals/%d/events", false, false, nil)
	f["POST "+v+"/referrals/{id}/events"] = referralCall("POST "+v+"/referrals/{id}/events", "POST", v+"/referrals/%d/events", false, false,
		func(_ *world, _ auth.User, r partners.Referral) (url.Values, string) {
			return nil, fmt.Sprintf(`{"status":"sent","message":"Any news?","version":%d}`, r.Version)
		})
	for k, fx := range f {
		routeFixtures[k] = fx
	}
}
