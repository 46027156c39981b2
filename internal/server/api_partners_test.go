package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/partners"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// The JSON shapes of the directory's and the referrals' API, as far as the
// tests read them.
type apiPartner struct {
	ID       int64  `json:"id"`
	HSDSID   string `json:"hsds_id"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Phone    string `json:"phone"`
	Website  string `json:"website"`
	Contacts []struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"contacts"`
	Services []apiService `json:"services"`
	Version  int          `json:"version"`
}

type apiService struct {
	ID          int64    `json:"id"`
	HSDSID      string   `json:"hsds_id"`
	PartnerID   int64    `json:"partner_id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Status      string   `json:"status"`
	Languages   []string `json:"languages"`
	Areas       []struct {
		Country string `json:"country"`
		City    string `json:"city"`
	} `json:"areas"`
	NeedDomains []string `json:"need_domains"`
	Results     struct {
		Sent    int `json:"sent"`
		GotHelp int `json:"got_help"`
	} `json:"results"`
	Version int `json:"version"`
}

type apiReferral struct {
	ID           int64             `json:"id"`
	CaseID       int64             `json:"case_id"`
	CaseCode     string            `json:"case_code"`
	ServiceID    int64             `json:"service_id"`
	Status       string            `json:"status"`
	Channel      string            `json:"channel"`
	Message      string            `json:"message"`
	Share        []string          `json:"share"`
	Shared       map[string]string `json:"shared"`
	ConsentGiven bool              `json:"consent_given"`
	CreatedBy    int64             `json:"created_by"`
	ConsentBy    int64             `json:"consent_by"`
	OutcomeID    int64             `json:"outcome_id"`
	Version      int               `json:"version"`
}

type apiReferralEvent struct {
	From    string `json:"from"`
	Status  string `json:"status"`
	Side    string `json:"side"`
	Message string `json:"message"`
	ByUser  int64  `json:"by_user"`
	ByName  string `json:"by_name"`
}

// staffJourney is a program with a coordinator, two mentors and the app's
// admin, each with an API token. It is the case journey's apiJourney
// without the roles the directory's tests do not use.
func staffJourney(t *testing.T, a *app) *apiJourney {
	t.Helper()
	j := &apiJourney{t: t, a: a, prog: a.program(fmt.Sprintf("Partners %d", appCount.Add(1)))}
	for _, p := range []struct {
		to   *apiPerson
		role auth.Role
	}{{&j.coord, auth.Coordinator}, {&j.mentor, auth.Mentor}, {&j.mentor2, auth.Mentor}, {&j.psych, auth.Psychologist}} {
		u, _ := a.signedIn(fmt.Sprintf("%s-%d@example.org", p.role, appCount.Add(1)), p.role, j.prog.ID)
		*p.to = apiPerson{User: u, token: j.token(u.ID)}
	}
	j.admin = apiPerson{User: a.user, token: j.token(a.user.ID)}
	return j
}

// partnerUser makes an active partner user of the organisation, with an API token.
func (j *apiJourney) partnerUser(orgID int64) apiPerson {
	j.t.Helper()
	ctx := context.Background()
	u, err := j.a.store.CreateUser(ctx, auth.User{Email: fmt.Sprintf("partner-%d@partner.example", appCount.Add(1)),
		Name: "Pat Partner", Role: auth.Partner, PartnerID: orgID})
	if err != nil {
		j.t.Fatal(err)
	}
	if err := j.a.store.SetPassword(ctx, u.ID, testPasswordHash()); err != nil {
		j.t.Fatal(err)
	}
	return apiPerson{User: u, token: j.token(u.ID)}
}

// referralWorld is a program's staff, a case matched to the mentor, and a
// directory of three organisations: Legal Aid and Other Org have partner
// users (their referrals go through the portal), Housing Desk has none.
type referralWorld struct {
	*apiJourney
	c                   apiCase
	debt, rooms, others partners.Service
	partner, stranger   apiPerson // of Legal Aid; of Other Org
}

func newReferralWorld(t *testing.T, a *app) *referralWorld {
	t.Helper()
	w := &referralWorld{apiJourney: staffJourney(t, a)}
	ctx := context.Background()
	st := a.store
	org := func(name string) partners.Partner {
		o, err := st.CreatePartner(ctx, partners.Partner{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	service := func(o partners.Partner, name, domain string) partners.Service {
		v, err := st.CreateService(ctx, partners.Service{PartnerID: o.ID, Name: name, NeedDomains: []string{domain}})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	legal, housing, other := org("Legal Aid Vilnius"), org("Housing Desk"), org("Other Org")
	w.debt, w.rooms, w.others = service(legal, "Debt counselling", "legal_debt"), service(housing, "Emergency rooms", "housing"),
		service(other, "Other help", "legal_debt")
	w.partner, w.stranger = w.partnerUser(legal.ID), w.partnerUser(other.ID)
	_, w.c = w.matched(fmt.Sprintf("RF-%03d", appCount.Add(1)), "Aliaksandra Sidarenka", w.mentor)
	return w
}

// fields returns the fields of an error answer.
func fieldsOf(t *testing.T, body string) map[string]string {
	t.Helper()
	return decodeJSON[apiError](t, body).Error.Fields
}

// keysOf returns the keys of a JSON object, sorted.
func keysOf(t *testing.T, body string) []string {
	t.Helper()
	var keys []string
	for k := range decodeJSON[map[string]json.RawMessage](t, body) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// A coordinator builds the directory through the API: organisations and
// services, found by need, place and language; a PATCH keeps what it leaves
// out; a stale version and bad input are refused and change nothing.
func TestAPIPartnerDirectory(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		j := staffJourney(t, a)
		res, body := a.withBearer(j.coord.token, "POST", "/api/v1/partners",
			`{"name":"Legal  Aid Vilnius","email":"help@legalaid.example","website":"https://legalaid.example","contacts":[{"name":"Rasa","email":"rasa@legalaid.example"}]}`)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create organisation: %d %s", res.StatusCode, body)
		}
		legal := decodeJSON[apiPartner](t, body)
		if res.Header.Get("Location") != fmt.Sprintf("/api/v1/partners/%d", legal.ID) || legal.Name != "Legal Aid Vilnius" ||
			len(legal.HSDSID) != 36 || legal.Version != 1 || len(legal.Contacts) != 1 || legal.Services == nil {
			t.Fatalf("created organisation: %q %s", res.Header.Get("Location"), body)
		}

		// Bad input names its fields and stores nothing.
		f := fieldsOf(t, j.call(j.coord, 422, "POST", "/api/v1/partners", `{"name":"Broken","email":"not an email","contacts":[{"name":"X","email":"x@"}]}`))
		if f["email"] == "" || f["contacts.0.email"] == "" {
			t.Errorf("bad emails: fields %v", f)
		}
		j.refused(j.coord, 422, "invalid", "POST", "/api/v1/partners", `{"name":"Unknown","founded":1990}`)
		if list := decodeJSON[apiList[apiPartner]](t, j.call(j.coord, 200, "GET", "/api/v1/partners", "")); len(list.Items) != 1 {
			t.Fatalf("refused organisations were stored: %+v", list.Items)
		}
		housing := decodeJSON[apiPartner](t, j.call(j.admin, 201, "POST", "/api/v1/partners", `{"name":"Housing Desk","phone":"+370 600 00000"}`))

		service := func(body string) apiService {
			t.Helper()
			return decodeJSON[apiService](t, j.call(j.coord, 201, "POST", "/api/v1/services", body))
		}
		debt := service(fmt.Sprintf(`{"partner_id":%d,"name":"Debt counselling","need_domains":["legal_debt"],"languages":["ru","LT"],"areas":[{"country":"lt","city":"Vilnius"}]}`, legal.ID))
		rooms := service(fmt.Sprintf(`{"partner_id":%d,"name":"Emergency rooms","need_domains":["housing"],"areas":[{"country":"LT"}]}`, housing.ID))
		cv := service(fmt.Sprintf(`{"partner_id":%d,"name":"Online CV clinic","need_domains":["employment"],"languages":["ru"]}`, legal.ID))
		if debt.Status != "active" || !slices.Equal(debt.Languages, []string{"lt", "ru"}) || len(debt.Areas) != 1 || debt.Areas[0].Country != "LT" {
			t.Fatalf("created service: %+v", debt)
		}
		f = fieldsOf(t, j.call(j.coord, 422, "POST", "/api/v1/services", `{"name":"Nowhere","need_domains":["housing"]}`))
		if f["partner_id"] == "" {
			t.Errorf("a service without its organisation: fields %v", f)
		}
		f = fieldsOf(t, j.call(j.coord, 422, "POST", "/api/v1/services", fmt.Sprintf(`{"partner_id":%d,"name":"Bad","need_domains":[],"email":"nope","languages":["english"]}`, legal.ID)))
		if f["need_domains"] == "" || f["email"] == "" || f["languages"] == "" {
			t.Errorf("a bad service: fields %v", f)
		}

		names := func(query string) []string {
			t.Helper()
			list := decodeJSON[apiList[apiService]](t, j.call(j.mentor, 200, "GET", "/api/v1/services"+query, ""))
			var out []string
			for _, v := range list.Items {
				out = append(out, v.Name)
			}
			return out
		}
		for query, want := range map[string][]string{
			"":                         {"Debt counselling", "Emergency rooms", "Online CV clinic"},
			"?need=housing":            {"Emergency rooms"},
			"?language=ru":             {"Debt counselling", "Online CV clinic"},
			"?country=LT&city=Kaunas":  {"Emergency rooms", "Online CV clinic"},
			"?country=lt&city=vilnius": {"Debt counselling", "Emergency rooms", "Online CV clinic"},
			"?country=CZ":              {"Online CV clinic"},
			"?need=legal_debt&language=ru&country=LT": {"Debt counselling"},
			"?q=housing":                            {"Emergency rooms"},
			fmt.Sprintf("?partner_id=%d", legal.ID): {"Debt counselling", "Online CV clinic"},
		} {
			if got := names(query); !slices.Equal(got, want) {
				t.Errorf("GET /services%s: %q, want %q", query, got, want)
			}
		}
		page := decodeJSON[apiList[apiService]](t, j.call(j.coord, 200, "GET", "/api/v1/services?limit=2", ""))
		rest := decodeJSON[apiList[apiService]](t, j.call(j.coord, 200, "GET", "/api/v1/services?limit=2&cursor="+page.NextCursor, ""))
		if len(page.Items) != 2 || page.NextCursor == "" || len(rest.Items) != 1 || rest.Items[0].ID != cv.ID || rest.NextCursor != "" {
			t.Errorf("pages: %d then %d", len(page.Items), len(rest.Items))
		}
		j.refused(j.coord, 422, "invalid", "GET", "/api/v1/services?status=closed", "")
		// The filter's old name is refused, not ignored (it would list every service).
		if e := j.refused(j.coord, 422, "invalid", "GET", "/api/v1/services?organization_id=1", ""); e.Error.Fields["organization_id"] == "" {
			t.Errorf("the old filter name is not named: %+v", e)
		}

		// A PATCH changes what it names and keeps the rest.
		path := fmt.Sprintf("/api/v1/services/%d", debt.ID)
		upd := decodeJSON[apiService](t, j.call(j.coord, 200, "PATCH", path, `{"version":1,"description":"Free, in Russian and Lithuanian."}`))
		if upd.Version != 2 || upd.Description != "Free, in Russian and Lithuanian." || upd.Name != debt.Name || upd.HSDSID != debt.HSDSID ||
			!slices.Equal(upd.NeedDomains, debt.NeedDomains) || !slices.Equal(upd.Languages, debt.Languages) || len(upd.Areas) != 1 || upd.Areas[0].City != "Vilnius" {
			t.Fatalf("patched service: %+v", upd)
		}
		j.refused(j.coord, http.StatusConflict, "conflict", "PATCH", path, `{"version":1,"name":"Stale"}`)
		if f := fieldsOf(t, j.call(j.coord, 422, "PATCH", path, `{"name":"No version"}`)); f["version"] == "" {
			t.Errorf("a PATCH without version: fields %v", f)
		}
		if f := fieldsOf(t, j.call(j.coord, 422, "PATCH", path, `{"version":2,"email":"bad"}`)); f["email"] == "" {
			t.Errorf("a PATCH with a bad email: fields %v", f)
		}
		if f := fieldsOf(t, j.call(j.coord, 422, "PATCH", path, `{"version":2,"hsds_id":"00000000-0000-4000-8000-000000000000"}`)); f["hsds_id"] == "" {
			t.Errorf("a PATCH of the HSDS identifier: fields %v", f)
		}
		if now := decodeJSON[apiService](t, j.call(j.coord, 200, "GET", path, "")); now.Version != 2 || now.Name != debt.Name {
			t.Errorf("refused PATCHes changed the service: %+v", now)
		}
		// A closed service leaves the list unless status=any.
		j.call(j.coord, 200, "PATCH", fmt.Sprintf("/api/v1/services/%d", rooms.ID), `{"version":1,"status":"temporarily closed"}`)
		if got := names("?need=housing"); len(got) != 0 {
			t.Errorf("a closed service is listed: %q", got)
		}
		if got := names("?need=housing&status=any"); !slices.Equal(got, []string{"Emergency rooms"}) {
			t.Errorf("status=any: %q", got)
		}

		opath := fmt.Sprintf("/api/v1/partners/%d", legal.ID)
		o := decodeJSON[apiPartner](t, j.call(j.coord, 200, "PATCH", opath, `{"version":1,"phone":"+370 5 000 0000"}`))
		if o.Version != 2 || o.Phone != "+370 5 000 0000" || o.Name != "Legal Aid Vilnius" || o.Email != "help@legalaid.example" ||
			o.Website != "https://legalaid.example" || len(o.Contacts) != 1 || o.Contacts[0].Name != "Rasa" || len(o.Services) != 2 {
			t.Fatalf("patched organisation: %+v", o)
		}
		j.refused(j.coord, http.StatusConflict, "conflict", "PATCH", opath, `{"version":1,"phone":"stale"}`)
		if f := fieldsOf(t, j.call(j.coord, 422, "PATCH", opath, `{"version":2,"email":"@legalaid"}`)); f["email"] == "" {
			t.Errorf("an organisation PATCH with a bad email: fields %v", f)
		}
		got := decodeJSON[apiPartner](t, j.call(j.psych, 200, "GET", opath, ""))
		if got.Version != 2 || len(got.Services) != 2 || got.Services[0].Name != "Debt counselling" || got.Services[1].ID != cv.ID {
			t.Errorf("organisation with services: %+v", got)
		}
		if list := decodeJSON[apiList[apiPartner]](t, j.call(j.mentor, 200, "GET", "/api/v1/partners?q=legal", "")); len(list.Items) != 1 || list.Items[0].ID != legal.ID {
			t.Errorf("organisations named legal: %+v", list.Items)
		}
		j.refused(j.coord, 404, "not_found", "GET", "/api/v1/partners/999999", "")
		j.refused(j.coord, 404, "not_found", "PATCH", "/api/v1/services/999999", `{"version":1}`)

		// Who may read and who may edit.
		partner := j.partnerUser(legal.ID)
		for _, p := range []apiPerson{partner} {
			j.refused(p, 403, "forbidden", "GET", "/api/v1/services", "")
			j.refused(p, 403, "forbidden", "GET", opath, "")
		}
		j.refused(j.mentor, 403, "forbidden", "POST", "/api/v1/services", fmt.Sprintf(`{"partner_id":%d,"name":"By a mentor","need_domains":["housing"]}`, legal.ID))
		j.refused(j.psych, 403, "forbidden", "PATCH", opath, `{"version":2,"name":"By a psychologist"}`)
	})
}

// A referral needs the mentee's consent to be sent; the partner of the
// organisation then sees it in their inbox with only what it shares, and
// answers through the portal; nobody else's partner sees anything of it.
func TestAPIReferralThroughThePartnerPortal(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		w := newReferralWorld(t, a)
		ctx := context.Background()
		refs := apiCasePath(w.c.ID, "/referrals")
		send := fmt.Sprintf(`{"service_id":%d,"domain":"legal_debt","message":"Fines from before the move; needs a plan.","share":["location","languages"],"send":true`, w.debt.ID)

		// Without consent: refused by name, and nothing is stored.
		if f := fieldsOf(t, w.call(w.mentor, 422, "POST", refs, send+`}`)); f["consent_given"] == "" {
			t.Fatalf("send without consent: fields %v", f)
		}
		if f := fieldsOf(t, w.call(w.mentor, 422, "POST", refs, send+`,"consent_given":false}`)); f["consent_given"] == "" {
			t.Fatalf("send with consent_given false: fields %v", f)
		}
		if list := decodeJSON[apiList[apiReferral]](t, w.call(w.coord, 200, "GET", refs, "")); len(list.Items) != 0 {
			t.Fatalf("a refused send left referrals: %+v", list.Items)
		}

		res, body := a.withBearer(w.mentor.token, "POST", refs, send+`,"consent_given":true,"consent_note":"In person, 2 March"}`)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("send with consent: %d %s", res.StatusCode, body)
		}
		r := decodeJSON[apiReferral](t, body)
		if r.Status != "sent" || r.Channel != "portal" || r.CaseID != w.c.ID || r.CreatedBy != w.mentor.ID || r.ConsentBy != w.mentor.ID ||
			!r.ConsentGiven || !slices.Equal(r.Share, []string{"languages", "location"}) || res.Header.Get("Location") != fmt.Sprintf("/api/v1/referrals/%d", r.ID) {
			t.Fatalf("sent referral: %q %s", res.Header.Get("Location"), body)
		}
		rpath := fmt.Sprintf("/api/v1/referrals/%d", r.ID)
		if list := decodeJSON[apiList[apiReferral]](t, w.call(w.coord, 200, "GET", refs, "")); len(list.Items) != 1 || list.Items[0].ID != r.ID {
			t.Fatalf("the case's referrals: %+v", list.Items)
		}

		// The partner's inbox holds exactly it, without the case's ids; the
		// read is audited.
		body = w.call(w.partner, 200, "GET", "/api/v1/referrals", "")
		inbox := decodeJSON[apiList[json.RawMessage]](t, body)
		if len(inbox.Items) != 1 || decodeJSON[apiReferral](t, string(inbox.Items[0])).ID != r.ID || strings.Contains(body, `"case_id"`) {
			t.Fatalf("partner inbox: %s", body)
		}
		if n := auditCount(t, a, "referral.inbox_read", "partner"); n != 1 {
			t.Errorf("inbox reads audited: %d, want 1", n)
		}
		if list := decodeJSON[apiList[apiReferral]](t, w.call(w.partner, 200, "GET", "/api/v1/referrals?open=true&status=sent", "")); len(list.Items) != 1 {
			t.Errorf("open sent referrals in the inbox: %d", len(list.Items))
		}
		if list := decodeJSON[apiList[apiReferral]](t, w.call(w.partner, 200, "GET", "/api/v1/referrals?status=draft", "")); len(list.Items) != 0 {
			t.Errorf("drafts in the inbox: %d", len(list.Items))
		}
		w.refused(w.partner, 422, "invalid", "GET", "/api/v1/referrals?status=lost", "")

		// One referral, as the partner reads it: what it shares, nothing of the case.
		body = w.call(w.partner, 200, "GET", rpath, "")
		allowed := []string{"answered_at", "case_code", "domain", "id", "message", "partner_id", "partner_name", "reason",
			"sent_at", "service_id", "service_name", "share", "shared", "status", "updated_at", "version"}
		got := keysOf(t, body)
		for _, k := range got {
			if !slices.Contains(allowed, k) {
				t.Errorf("the partner's referral has %q\n%s", k, body)
			}
		}
		if !slices.Contains(got, "shared") || !slices.Contains(got, "case_code") || !slices.Contains(got, "message") {
			t.Fatalf("the partner's referral lacks what it shares: %q", got)
		}
		pr := decodeJSON[apiReferral](t, body)
		if pr.Message != "Fines from before the move; needs a plan." || pr.CaseCode != w.c.Code || len(pr.Shared) != 2 ||
			pr.Shared["languages"] != "be, ru" || pr.Shared["location"] != "LT" {
			t.Fatalf("the partner's referral: %s", body)
		}

		// The partner of another organisation: no such referral, an empty inbox.
		for _, c := range [][3]string{{"GET", rpath, ""}, {"GET", rpath + "/events", ""},
			{"POST", rpath + "/events", fmt.Sprintf(`{"version":%d,"status":"accepted"}`, pr.Version)}} {
			w.refused(w.stranger, 404, "not_found", c[0], c[1], c[2])
		}
		if list := decodeJSON[apiList[apiReferral]](t, w.call(w.stranger, 200, "GET", "/api/v1/referrals", "")); len(list.Items) != 0 {
			t.Errorf("another organisation's inbox: %+v", list.Items)
		}
		// A partner never reaches the case, its referrals, nor the referrer's side.
		for _, c := range [][3]string{{"GET", apiCasePath(w.c.ID, ""), ""}, {"GET", refs, ""}, {"POST", refs, send + `,"consent_given":true}`},
			{"PATCH", rpath, fmt.Sprintf(`{"version":%d,"message":"Edited"}`, pr.Version)}} {
			if res, body := a.withBearer(w.partner.token, c[0], c[1], c[2]); res.StatusCode != 403 && res.StatusCode != 404 {
				t.Errorf("%s %s as the partner: %d %s", c[0], c[1], res.StatusCode, body)
			}
		}

		// Staff may not answer for a partner who has the portal.
		w.refused(w.mentor, 403, "forbidden", "POST", rpath+"/events", fmt.Sprintf(`{"version":%d,"status":"accepted","side":"partner"}`, pr.Version))
		w.refused(w.coord, 403, "forbidden", "POST", rpath+"/events", fmt.Sprintf(`{"version":%d,"status":"accepted","side":"partner"}`, pr.Version))

		// The partner accepts, then reports help with an outcome on the case.
		body = w.call(w.partner, 201, "POST", rpath+"/events", fmt.Sprintf(`{"version":%d,"status":"accepted","message":"We will call her this week."}`, pr.Version))
		acc := decodeJSON[apiReferral](t, body)
		if acc.Status != "accepted" || acc.Version <= pr.Version || strings.Contains(body, `"case_id"`) || strings.Contains(body, `"consent`) {
			t.Fatalf("accepted: %s", body)
		}
		w.refused(w.partner, http.StatusConflict, "conflict", "POST", rpath+"/events", fmt.Sprintf(`{"version":%d,"status":"got_help"}`, pr.Version))
		e := w.refused(w.partner, http.StatusConflict, "conflict", "POST", rpath+"/events", fmt.Sprintf(`{"version":%d,"status":"sent"}`, acc.Version))
		if e.Error.Fields["status"] == "" {
			t.Errorf("a move back to sent: fields %v", e.Error.Fields)
		}
		if f := fieldsOf(t, w.call(w.partner, 422, "POST", rpath+"/events", fmt.Sprintf(`{"version":%d,"status":"could_not_help","message":"Full"}`, acc.Version))); f["reason"] == "" {
			t.Errorf("could not help without a reason: fields %v", f)
		}
		w.refused(w.partner, 422, "invalid", "POST", rpath+"/events", fmt.Sprintf(`{"version":%d}`, acc.Version))
		// A partner does not date the outcome, nor say whether it came after release.
		if f := fieldsOf(t, w.call(w.partner, 422, "POST", rpath+"/events", fmt.Sprintf(
			`{"version":%d,"status":"got_help","outcome":{"kind":"debt_case_closed","occurred_on":"2020-01-01","after_release":true}}`, acc.Version))); f["outcome_occurred_on"] == "" || f["outcome_after_release"] == "" {
			t.Errorf("a partner's dated outcome: fields %v", f)
		}
		body = w.call(w.partner, 201, "POST", rpath+"/events", fmt.Sprintf(
			`{"version":%d,"status":"got_help","message":"Debt plan agreed with the bailiff.","outcome":{"kind":"debt_case_closed","note":"Plan agreed"}}`, acc.Version))
		if strings.Contains(body, "outcome_id") || decodeJSON[apiReferral](t, body).Status != "got_help" {
			t.Fatalf("got help, as the partner reads it: %s", body)
		}
		outs := decodeJSON[apiList[apiRecord]](t, w.call(w.coord, 200, "GET", apiCasePath(w.c.ID, "/outcomes"), ""))
		if len(outs.Items) != 1 || outs.Items[0].Kind != "debt_case_closed" {
			t.Fatalf("the case's outcomes after got help: %+v", outs.Items)
		}
		full := decodeJSON[apiReferral](t, w.call(w.mentor, 200, "GET", rpath, ""))
		if full.CaseID != w.c.ID || full.OutcomeID != outs.Items[0].ID || full.Status != "got_help" || full.Shared["languages"] != "be, ru" {
			t.Fatalf("the referral as the mentor reads it: %+v", full)
		}
		if ended := decodeJSON[apiReferral](t, w.call(w.partner, 200, "GET", rpath, "")); ended.Message != "" || len(ended.Shared) != 0 {
			t.Fatalf("the partner still reads the ended referral's message or shared values: %+v", ended)
		}
		// Over: nobody moves it again.
		w.refused(w.mentor, http.StatusConflict, "conflict", "POST", rpath+"/events", fmt.Sprintf(`{"version":%d,"status":"withdrawn"}`, full.Version))

		// The timeline, for both sides: the partner's starts at the sending
		// and names nobody of the program.
		for _, p := range []apiPerson{w.partner, w.mentor} {
			evs := decodeJSON[apiList[apiReferralEvent]](t, w.call(p, 200, "GET", rpath+"/events", ""))
			var got []string
			for _, e := range evs.Items {
				got = append(got, e.Side+":"+e.Status)
			}
			want := []string{"referrer:draft", "referrer:sent", "partner:accepted", "partner:got_help"}
			if p.Role == auth.Partner {
				want = want[1:]
			}
			if !slices.Equal(got, want) {
				t.Fatalf("timeline as %s: %q, want %q", p.Role, got, want)
			}
			// Once the referral has ended, the partner reads no message of
			// either side any more; the program still does.
			accept, wantMsg := evs.Items[len(evs.Items)-2], "We will call her this week."
			if p.Role == auth.Partner {
				wantMsg = ""
			}
			if accept.Message != wantMsg || accept.ByUser != w.partner.ID {
				t.Errorf("the accept event as %s: %+v", p.Role, accept)
			}
			if sent := evs.Items[len(evs.Items)-3]; p.Role == auth.Partner && (sent.ByUser != 0 || sent.ByName != "") {
				t.Errorf("the partner reads who in the program sent it: %+v", sent)
			}
		}

		// The staff's lists: the coordinator's programs, the mentor's own cases.
		for _, c := range []struct {
			p    apiPerson
			want int
		}{{w.coord, 1}, {w.mentor, 1}, {w.mentor2, 0}} {
			if list := decodeJSON[apiList[apiReferral]](t, w.call(c.p, 200, "GET", "/api/v1/referrals", "")); len(list.Items) != c.want {
				t.Errorf("GET /referrals as %s %d: %d items, want %d", c.p.Role, c.p.ID, len(list.Items), c.want)
			}
		}
		for _, p := range []apiPerson{w.admin, w.psych} {
			w.refused(p, 403, "forbidden", "GET", "/api/v1/referrals", "")
			w.refused(p, 404, "not_found", "GET", rpath, "")
		}
		w.refused(w.mentor2, 404, "not_found", "GET", rpath, "")
		if svc, err := a.store.GetService(ctx, w.debt.ID); err != nil || svc.Results.GotHelp != 1 {
			t.Errorf("the service's results: %+v %v", svc.Results, err)
		}
	})
}

// To an organisation without partner users a referral goes by phone or
// email: a draft first, edited and sent with PATCH; staff record the
// partner's answers with side partner; no partner user sees it.
func TestAPIReferralByPhoneStaffRecordTheAnswer(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		w := newReferralWorld(t, a)
		res, body := a.withBearer(w.coord.token, "POST", apiCasePath(w.c.ID, "/referrals"), fmt.Sprintf(
			`{"service_id":%d,"domain":"housing","message":"A room for two months.","share":["full_name"],"channel":"email"}`, w.rooms.ID))
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("draft: %d %s", res.StatusCode, body)
		}
		d := decodeJSON[apiReferral](t, body)
		if d.Status != "draft" || d.Channel != "email" || d.Shared != nil || d.Message != "A room for two months." {
			t.Fatalf("draft: %s", body)
		}
		rpath := fmt.Sprintf("/api/v1/referrals/%d", d.ID)
		// Staff may not send a draft as an event: that skips the consent.
		w.refused(w.coord, http.StatusConflict, "conflict", "POST", rpath+"/events", fmt.Sprintf(`{"version":%d,"status":"sent"}`, d.Version))
		if f := fieldsOf(t, w.call(w.mentor, 422, "PATCH", rpath, fmt.Sprintf(`{"version":%d,"send":true}`, d.Version))); f["consent_given"] == "" {
			t.Fatalf("PATCH send without consent: fields %v", f)
		}
		w.refused(w.mentor, 422, "invalid", "PATCH", rpath, fmt.Sprintf(`{"version":%d,"service_id":%d}`, d.Version, w.debt.ID))
		w.refused(w.mentor, http.StatusConflict, "conflict", "PATCH", rpath, fmt.Sprintf(`{"version":%d,"consent_given":true}`, d.Version+5))
		sent := decodeJSON[apiReferral](t, w.call(w.mentor, 200, "PATCH", rpath, fmt.Sprintf(`{"version":%d,"consent_given":true,"send":true}`, d.Version)))
		if sent.Status != "sent" || sent.Message != "A room for two months." || !slices.Equal(sent.Share, []string{"full_name"}) ||
			sent.Channel != "email" || sent.ConsentBy != w.mentor.ID || !strings.HasPrefix(sent.Shared["full_name"], "Aliaksandra") {
			t.Fatalf("sent by PATCH: %+v", sent)
		}
		e := w.refused(w.mentor, http.StatusConflict, "conflict", "PATCH", rpath, fmt.Sprintf(`{"version":%d,"message":"Too late"}`, sent.Version))
		if e.Error.Fields["referral"] == "" {
			t.Errorf("editing a sent referral: fields %v", e.Error.Fields)
		}

		// The partner answered by phone: the coordinator records it.
		acc := decodeJSON[apiReferral](t, w.call(w.coord, 201, "POST", rpath+"/events", fmt.Sprintf(`{"version":%d,"status":"accepted","side":"partner","message":"They called back."}`, sent.Version)))
		if acc.Status != "accepted" || acc.CaseID != w.c.ID {
			t.Fatalf("recorded answer: %+v", acc)
		}
		// As the referrer, staff may not accept for the partner.
		e = w.refused(w.coord, http.StatusConflict, "conflict", "POST", rpath+"/events", fmt.Sprintf(`{"version":%d,"status":"in_progress"}`, acc.Version))
		if e.Error.Fields["status"] == "" {
			t.Errorf("a partner's move as the referrer: fields %v", e.Error.Fields)
		}
		w.refused(w.coord, 422, "invalid", "POST", rpath+"/events", fmt.Sprintf(`{"version":%d,"status":"in_progress","side":"someone"}`, acc.Version))
		evs := decodeJSON[apiList[apiReferralEvent]](t, w.call(w.mentor, 200, "GET", rpath+"/events", ""))
		last := evs.Items[len(evs.Items)-1]
		if last.Side != "partner" || last.Status != "accepted" || last.From != "sent" || last.ByUser != w.coord.ID {
			t.Errorf("the recorded answer in the timeline: %+v", last)
		}
		// No partner user sees a referral by phone.
		for _, p := range []apiPerson{w.partner, w.stranger} {
			w.refused(p, 404, "not_found", "GET", rpath, "")
			if list := decodeJSON[apiList[apiReferral]](t, w.call(p, 200, "GET", "/api/v1/referrals", "")); len(list.Items) != 0 {
				t.Errorf("an inbox holds a referral by phone: %+v", list.Items)
			}
		}
		// The mentor withdraws it.
		if wd := decodeJSON[apiReferral](t, w.call(w.mentor, 201, "POST", rpath+"/events", fmt.Sprintf(`{"version":%d,"status":"withdrawn"}`, acc.Version))); wd.Status != "withdrawn" {
			t.Errorf("withdrawn: %+v", wd)
		}
	})
}

// directoryEngines runs the test on SQLite and on PostgreSQL, with a maker
// of fresh apps on the engine.
func directoryEngines(t *testing.T, run func(t *testing.T, fresh func() *app)) {
	t.Run("sqlite", func(t *testing.T) { run(t, func() *app { return newApp(t) }) })
	t.Run("postgres", func(t *testing.T) {
		run(t, func() *app { return newAppOn(t, store.Options{DatabaseURL: testdb.Postgres(t)}) })
	})
}

// serviceSummary is a service's directory data in one comparable line.
func serviceSummary(v apiService) string {
	var areas []string
	for _, ar := range v.Areas {
		areas = append(areas, ar.Country+"/"+ar.City)
	}
	return fmt.Sprintf("%s|%s|%s|%s|%s|%s", v.Name, v.Status, strings.Join(v.NeedDomains, ","), strings.Join(areas, ","),
		strings.Join(v.Languages, ","), v.HSDSID)
}

func directoryOf(j *apiJourney) []string {
	j.t.Helper()
	var out []string
	for _, v := range decodeJSON[apiList[apiService]](j.t, j.call(j.coord, 200, "GET", "/api/v1/services?status=any", "")).Items {
		out = append(out, serviceSummary(v))
	}
	return out
}

// importFile sends an HSDS file as the app's admin.
func importFile(a *app, contentType string, body []byte) (*http.Response, string) {
	a.t.Helper()
	return a.do("POST", "/api/v1/directory/hsds", bytes.NewReader(body), "Content-Type", contentType)
}

// The directory leaves as an HSDS file and comes back whole into another
// installation; a broken file names its problems and imports nothing;
// only the admin imports.
func TestAPIDirectoryHSDSExportAndImport(t *testing.T) {
	t.Parallel()
	directoryEngines(t, func(t *testing.T, fresh func() *app) {
		a := fresh()
		j := staffJourney(t, a)
		legal := decodeJSON[apiPartner](t, j.call(j.coord, 201, "POST", "/api/v1/partners",
			`{"name":"Legal Aid Vilnius","email":"help@legalaid.example","phone":"+370 5 000 0000","contacts":[{"name":"Rasa","title":"Lawyer","email":"rasa@legalaid.example"}]}`))
		j.call(j.coord, 201, "POST", "/api/v1/services", fmt.Sprintf(`{"partner_id":%d,"name":"Debt counselling","need_domains":["legal_debt","income"],"languages":["ru","lt"],"areas":[{"country":"LT","city":"Vilnius"},{"country":"LV"}],"required_documents":["Passport"]}`, legal.ID))
		j.call(j.coord, 201, "POST", "/api/v1/services", fmt.Sprintf(`{"partner_id":%d,"name":"Emergency rooms","status":"temporarily closed","need_domains":["housing"]}`, legal.ID))
		want := directoryOf(j)

		res, export := j.a.withBearer(j.coord.token, "GET", "/api/v1/directory/hsds", "")
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") ||
			res.Header.Get("Content-Disposition") != `attachment; filename="homeward-directory.json"` || !json.Valid([]byte(export)) {
			t.Fatalf("JSON export: %d %q %q\n%s", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"), export)
		}
		if n := auditCount(t, a, "directory.export", "directory"); n != 1 {
			t.Errorf("exports audited: %d", n)
		}
		res, zipped := j.a.withBearer(j.admin.token, "GET", "/api/v1/directory/hsds?format=datapackage", "")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/zip" ||
			res.Header.Get("Content-Disposition") != `attachment; filename="homeward-directory.zip"` {
			t.Fatalf("data package export: %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
		}
		zr, err := zip.NewReader(strings.NewReader(zipped), int64(len(zipped)))
		if err != nil {
			t.Fatalf("the data package is no zip: %v", err)
		}
		var files []string
		for _, f := range zr.File {
			files = append(files, f.Name)
		}
		if !slices.Contains(files, "datapackage.json") || !slices.Contains(files, "service.csv") {
			t.Errorf("data package files: %q", files)
		}
		if f := fieldsOf(t, j.call(j.coord, 422, "GET", "/api/v1/directory/hsds?format=xml", "")); f["format"] == "" {
			t.Errorf("an unknown format: fields %v", f)
		}
		j.refused(j.mentor, 403, "forbidden", "GET", "/api/v1/directory/hsds", "")

		// Into a fresh installation: the same services, twice over without change.
		b := fresh()
		jb := staffJourney(t, b)
		jb.refused(jb.coord, 403, "forbidden", "POST", "/api/v1/directory/hsds", export)
		if got := directoryOf(jb); len(got) != 0 {
			t.Fatalf("a refused import imported %q", got)
		}
		res, body := importFile(b, "application/json", []byte(export))
		if res.StatusCode != 200 {
			t.Fatalf("import: %d %s", res.StatusCode, body)
		}
		counts := decodeJSON[map[string]int](t, body)
		if counts["partners_created"] != 1 || counts["services_created"] != 2 || counts["partners_updated"] != 0 {
			t.Errorf("import counts: %v", counts)
		}
		if got := directoryOf(jb); !slices.Equal(got, want) {
			t.Errorf("imported services:\n%q\nwant\n%q", got, want)
		}
		org := decodeJSON[apiList[apiPartner]](t, jb.call(jb.coord, 200, "GET", "/api/v1/partners", "")).Items
		if len(org) != 1 || org[0].HSDSID != legal.HSDSID || org[0].Email != legal.Email || len(org[0].Contacts) != 1 || org[0].Contacts[0].Name != "Rasa" {
			t.Errorf("imported organisation: %+v", org)
		}
		if res, body := importFile(b, "application/json", []byte(export)); res.StatusCode != 200 ||
			decodeJSON[map[string]int](t, body)["services_updated"] != 2 || decodeJSON[map[string]int](t, body)["services_created"] != 0 {
			t.Errorf("importing again: %d %s", res.StatusCode, body)
		}
		// The data package comes back whole too.
		c := fresh()
		if res, body := importFile(c, "application/zip", []byte(zipped)); res.StatusCode != 200 {
			t.Fatalf("data package import: %d %s", res.StatusCode, body)
		}
		if got := directoryOf(staffJourney(t, c)); !slices.Equal(got, want) {
			t.Errorf("services from the data package:\n%q\nwant\n%q", got, want)
		}

		// A broken file: every problem by file, row and field; nothing imported.
		var doc map[string]any
		if err := json.Unmarshal([]byte(export), &doc); err != nil {
			t.Fatal(err)
		}
		svc := doc["contents"].([]any)[0].(map[string]any)["services"].([]any)[0].(map[string]any)
		svc["name"] = ""
		broken, _ := json.Marshal(doc)
		d := fresh()
		jd := staffJourney(t, d)
		res, body = importFile(d, "application/json", broken)
		var answer struct {
			apiError
			Problems []struct {
				File  string `json:"file"`
				Row   int    `json:"row"`
				Field string `json:"field"`
				Key   string `json:"key"`
			} `json:"problems"`
		}
		if err := json.Unmarshal([]byte(body), &answer); err != nil || res.StatusCode != 422 || answer.Error.Code != "invalid" ||
			answer.Error.Message == "" || len(answer.Problems) == 0 {
			t.Fatalf("a broken file: %d %s", res.StatusCode, body)
		}
		p := answer.Problems[0]
		if p.File != "upload" || p.Row != 1 || !strings.HasPrefix(p.Field, "services[") || !strings.HasSuffix(p.Field, "name") || p.Key == "" {
			t.Errorf("the problem: %+v", p)
		}
		if strings.Contains(body, "Debt counselling") || strings.Contains(body, "Legal Aid") {
			t.Errorf("the problems quote the file: %s", body)
		}
		for _, junk := range [][]byte{[]byte("not json at all"), []byte("PK\x03\x04 not a zip")} {
			if res, body := importFile(d, "application/json", junk); res.StatusCode != 422 || !strings.Contains(body, `"problems":[{`) {
				t.Errorf("importing %q: %d %s", junk[:6], res.StatusCode, body)
			}
		}
		if res, _ := importFile(d, "text/csv", []byte(export)); res.StatusCode != 422 {
			t.Errorf("a CSV body: %d", res.StatusCode)
		}
		if got := directoryOf(jd); len(got) != 0 {
			t.Errorf("a broken file imported %q", got)
		}
		if list := decodeJSON[apiList[apiPartner]](t, jd.call(jd.coord, 200, "GET", "/api/v1/partners", "")); len(list.Items) != 0 {
			t.Errorf("a broken file imported organisations: %+v", list.Items)
		}
	})
}

// A file over 64 MiB is refused as too large.
func TestAPIDirectoryHSDSImportTooLarge(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	res, body := a.do("POST", "/api/v1/directory/hsds", io.LimitReader(spaces{}, 64<<20+1), "Content-Type", "application/json")
	if res.StatusCode != http.StatusRequestEntityTooLarge || decodeJSON[apiError](t, body).Error.Code != "too_large" {
		t.Fatalf("a 64 MiB file: %d %s", res.StatusCode, body)
	}
}

// spaces reads as endless blanks.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// auditCount counts the audit entries of the action on the object type.
func auditCount(t *testing.T, a *app, action, objectType string) int {
	t.Helper()
	entries, _, err := a.store.ListAudit(context.Background(), store.AuditFilter{ObjectType: objectType}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Action == action {
			n++
		}
	}
	return n
}
