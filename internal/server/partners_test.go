package server_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/hsds"
	"homeward/internal/partners"
	"homeward/internal/store"
)

// partnerWorld is a program with a coordinator, an active case with a
// mentor, an organisation with a partner user, another with none, and the
// other organisation's partner user.
type partnerWorld struct {
	a                   *app
	coord, mentor       auth.User
	coordS, mentorS     string
	partner, stranger   auth.User
	partnerS, strangerS string
	c                   cases.Case
	portalSvc, phoneSvc partners.Service
	otherOrg            partners.Partner
	programID           int64
}

func newPartnerWorld(t *testing.T) *partnerWorld {
	t.Helper()
	a := newApp(t)
	ctx := context.Background()
	p := a.program("Returning Home")
	w := &partnerWorld{a: a, programID: p.ID}
	w.coord, w.coordS = a.w1User(auth.Coordinator, p.ID)
	w.mentor, w.mentorS = a.w1User(auth.Mentor, p.ID)
	w.c = a.makeCase(caseSetup{Program: p, By: w.coord, State: cases.Active, MentorID: w.mentor.ID})
	m, err := a.store.GetMentee(ctx, w.c.MenteeID)
	if err != nil {
		t.Fatal(err)
	}
	m.Languages, m.City, m.Country, m.ContactChannels = []string{"be", "ru"}, "Vilnius", "LT", "Signal after six"
	if _, err := a.store.UpdateMentee(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := a.store.SaveHistory(ctx, cases.History{MenteeID: m.ID, Version: 1, Parts: map[cases.HistoryPart]string{cases.Persecution: "Searched in 2021"}}); err != nil {
		t.Fatal(err)
	}
	org := func(name string) partners.Partner {
		o, err := a.store.CreatePartner(ctx, partners.Partner{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	legal, phone := org("Legal Aid Centre"), org("Housing Desk")
	w.otherOrg = org("Praha Jobs")
	if w.portalSvc, err = a.store.CreateService(ctx, partners.Service{PartnerID: legal.ID, Name: "Debt counselling", NeedDomains: []string{"legal_debt"}}); err != nil {
		t.Fatal(err)
	}
	if w.phoneSvc, err = a.store.CreateService(ctx, partners.Service{PartnerID: phone.ID, Name: "Emergency rooms", NeedDomains: []string{"housing"}}); err != nil {
		t.Fatal(err)
	}
	partnerUser := func(orgID int64) (auth.User, string) {
		u, err := a.store.CreateUser(ctx, auth.User{Email: fmt.Sprintf("partner%d@example.org", appCount.Add(1)), Role: auth.Partner, PartnerID: orgID})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.store.SetPassword(ctx, u.ID, testPasswordHash()); err != nil {
			t.Fatal(err)
		}
		u.Status = auth.StatusActive
		return u, a.w1Session(u)
	}
	w.partner, w.partnerS = partnerUser(legal.ID)
	w.stranger, w.strangerS = partnerUser(w.otherOrg.ID)
	return w
}

func (w *partnerWorld) referralAt(res *http.Response) int64 {
	w.a.t.Helper()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/referrals/") {
		w.a.t.Fatalf("want a redirect to a referral, got %d → %q", res.StatusCode, loc)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/referrals/"), 10, 64)
	if err != nil {
		w.a.t.Fatal(err)
	}
	return id
}

func (w *partnerWorld) version(id int64) string {
	w.a.t.Helper()
	r, err := w.a.store.GetReferral(context.Background(), id)
	if err != nil {
		w.a.t.Fatal(err)
	}
	return strconv.Itoa(r.Version)
}

func TestReferralPagesNeedConsentAndKeepWhatWasTyped(t *testing.T) {
	t.Parallel()
	w := newPartnerWorld(t)
	a := w.a
	page := a.w1Get(w.mentorS, fmt.Sprintf("/cases/%d/referrals/new?service=%d", w.c.ID, w.portalSvc.ID), http.StatusOK)
	for _, want := range []string{"Debt counselling", `value="languages"`, `value="location"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the new referral form lacks %q", want)
		}
	}
	// Nothing but the case code goes unless ticked: even a place can
	// endanger a persecuted person.
	if strings.Contains(page, `checked`) && strings.Contains(page, `name="share"`) {
		for _, f := range []string{"languages", "location", "full_name"} {
			if strings.Contains(page, `value="`+f+`" checked`) {
				t.Errorf("the new referral form ticks %s", f)
			}
		}
	}
	// The mentee shared no part of the history with the mentor: the mentor
	// is offered none; the coordinator, who reads it, is.
	if strings.Contains(page, `value="history.persecution"`) {
		t.Fatal("the mentor is offered a part of the history they may not read")
	}
	if coord := a.w1Get(w.coordS, fmt.Sprintf("/cases/%d/referrals/new?service=%d", w.c.ID, w.portalSvc.ID), http.StatusOK); !strings.Contains(coord, `value="history.persecution"`) {
		t.Fatal("the coordinator is not offered the history")
	}
	if strings.Contains(page, `value="full_name" checked`) {
		t.Fatal("the name is shared by default")
	}
	v := form("service_id", strconv.FormatInt(w.portalSvc.ID, 10), "domain", "legal_debt", "message", "Fines from 2023, needs a plan.",
		"share", "languages", "share", "contact_channels", "send", "send")
	res, body := a.w1Post(w.mentorS, fmt.Sprintf("/cases/%d/referrals", w.c.ID), v)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Fines from 2023, needs a plan.") ||
		!strings.Contains(body, "only with the mentee&#39;s consent") {
		t.Fatalf("send without consent: %d", res.StatusCode)
	}
	if !strings.Contains(body, `value="contact_channels" checked`) {
		t.Fatal("the refused form lost the ticked fields")
	}
	list, _, err := a.store.Referrals(context.Background(), store.ReferralFilter{CaseID: w.c.ID}, store.Page{})
	if err != nil || len(list) != 0 {
		t.Fatalf("a refused referral was stored: %v %v", list, err)
	}
	// A mentor may not share a part of the history the mentee did not share with them.
	v.Set("consent_given", "1")
	v.Add("share", "history.persecution")
	res, body = a.w1Post(w.mentorS, fmt.Sprintf("/cases/%d/referrals", w.c.ID), v)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "only what you may read yourself") {
		t.Fatalf("a mentor sharing unshared history: %d", res.StatusCode)
	}
	v.Del("share")
	v.Add("share", "languages")
	v.Add("share", "contact_channels")
	res, _ = a.w1Post(w.mentorS, fmt.Sprintf("/cases/%d/referrals", w.c.ID), v)
	id := w.referralAt(res)

	// The partner sees what was shared and nothing else; the case stays closed to them.
	page = a.w1Get(w.partnerS, fmt.Sprintf("/referrals/%d", id), http.StatusOK)
	for _, want := range []string{"Fines from 2023, needs a plan.", "Signal after six", "be, ru", w.c.Code} {
		if !strings.Contains(page, want) {
			t.Fatalf("the partner's page lacks %q", want)
		}
	}
	m, _ := a.store.GetMentee(context.Background(), w.c.MenteeID)
	for _, secret := range []string{m.FullName, "Searched in 2021", "Vilnius", fmt.Sprintf("/cases/%d", w.c.ID)} {
		if strings.Contains(page, secret) {
			t.Fatalf("the partner's page shows %q, which the referral does not share", secret)
		}
	}
	for _, p := range []string{fmt.Sprintf("/cases/%d", w.c.ID), fmt.Sprintf("/cases/%d/referrals", w.c.ID), fmt.Sprintf("/mentees/%d", w.c.MenteeID)} {
		a.session = w.partnerS
		if res, _ := a.do("GET", p, nil); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
			t.Fatalf("a partner reached %s: %d", p, res.StatusCode)
		}
	}
	// Another organisation's partner sees neither the referral nor it in their inbox.
	a.w1Get(w.strangerS, fmt.Sprintf("/referrals/%d", id), http.StatusNotFound)
	if inbox := a.w1Get(w.strangerS, "/referrals", http.StatusOK); strings.Contains(inbox, "Debt counselling") {
		t.Fatal("another organisation's inbox lists the referral")
	}
	if inbox := a.w1Get(w.partnerS, "/referrals", http.StatusOK); !strings.Contains(inbox, "Debt counselling") {
		t.Fatal("the partner's inbox lacks the referral")
	}
	if a.audited("referral.read", "referral", id) == 0 || a.audited("referral.inbox_read", "partner", w.partner.PartnerID) == 0 {
		t.Fatal("the partner's reads are not audited")
	}

	// The partner accepts, then reports help with an outcome on the case.
	res, _ = a.w1Post(w.partnerS, fmt.Sprintf("/referrals/%d/events", id), form("status", "accepted", "message", "We call her on Monday.", "version", w.version(id)))
	w.referralAt(res)
	// Staff may not answer for a partner who has an account.
	res, _ = a.w1Post(w.coordS, fmt.Sprintf("/referrals/%d/events", id), form("side", "partner", "status", "got_help", "version", w.version(id)))
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("staff answering for a portal partner: %d", res.StatusCode)
	}
	// A move that is not allowed keeps what was typed.
	res, body = a.w1Post(w.partnerS, fmt.Sprintf("/referrals/%d/events", id), form("status", "could_not_help", "message", "Tried twice.", "version", w.version(id)))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Tried twice.") {
		t.Fatalf("could not help without a reason: %d", res.StatusCode)
	}
	res, _ = a.w1Post(w.partnerS, fmt.Sprintf("/referrals/%d/events", id), form("status", "got_help", "message", "Plan agreed with the bailiff.",
		"outcome_kind", "debt_case_closed", "outcome_note", "Instalments of 50 EUR", "version", w.version(id)))
	w.referralAt(res)
	tab := a.w1Get(w.mentorS, fmt.Sprintf("/cases/%d/referrals", w.c.ID), http.StatusOK)
	if !strings.Contains(tab, "Got help") || !strings.Contains(tab, "Outcome recorded") {
		t.Fatal("the case's referrals tab does not show the result")
	}
	show := a.w1Get(w.mentorS, fmt.Sprintf("/referrals/%d", id), http.StatusOK)
	for _, want := range []string{"Debt case closed", "Instalments of 50 EUR", "We call her on Monday.", "Plan agreed with the bailiff."} {
		if !strings.Contains(show, want) {
			t.Fatalf("the referral page lacks %q", want)
		}
	}
	// The partner, once it has ended, reads neither the shared values nor
	// any message.
	ended := a.w1Get(w.partnerS, fmt.Sprintf("/referrals/%d", id), http.StatusOK)
	for _, gone := range []string{"We call her on Monday.", "Plan agreed with the bailiff.", "Fines from 2023", "Signal after six", "be, ru"} {
		if strings.Contains(ended, gone) {
			t.Errorf("the partner still reads %q on the ended referral", gone)
		}
	}
	if !strings.Contains(ended, "its messages are no longer shown") || !strings.Contains(ended, "what it shared is no longer shown") {
		t.Error("the ended referral does not tell the partner why its message and shared values are gone")
	}
	dir := a.w1Get(w.mentorS, "/directory?need=legal_debt", http.StatusOK)
	if !strings.Contains(dir, "100% got help (1 of 1 answered)") {
		t.Fatal("the directory does not show the service's results")
	}
}

func TestStaffRecordPhoneReferralAnswers(t *testing.T) {
	t.Parallel()
	w := newPartnerWorld(t)
	a := w.a
	res, body := a.w1Post(w.coordS, fmt.Sprintf("/cases/%d/referrals", w.c.ID), form("service_id", strconv.FormatInt(w.phoneSvc.ID, 10),
		"message", "A room for March.", "share", "languages", "channel", "email", "send", "draft"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: %d %s", res.StatusCode, body)
	}
	id := w.referralAt(res)
	// No partner user can see a phone referral; its draft is sent with consent from its page.
	a.w1Get(w.partnerS, fmt.Sprintf("/referrals/%d", id), http.StatusNotFound)
	res, _ = a.w1Post(w.coordS, fmt.Sprintf("/referrals/%d", id), form("service_id", strconv.FormatInt(w.phoneSvc.ID, 10),
		"message", "A room for March.", "share", "languages", "channel", "email", "send", "send", "version", w.version(id)))
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("sending a draft without consent: %d", res.StatusCode)
	}
	res, _ = a.w1Post(w.coordS, fmt.Sprintf("/referrals/%d", id), form("service_id", strconv.FormatInt(w.phoneSvc.ID, 10),
		"message", "A room for March.", "share", "languages", "channel", "email", "consent_given", "1", "send", "send", "version", w.version(id)))
	w.referralAt(res)
	// Unanswered for the program's reminder days, it shows as waiting.
	if list := a.w1Get(w.coordS, "/referrals?waiting=1", http.StatusOK); strings.Contains(list, "Emergency rooms") {
		t.Fatal("a referral sent today is listed as waiting")
	}
	a.clock.Add(8 * 24 * time.Hour)
	w.coordS = a.w1Session(w.coord)
	if list := a.w1Get(w.coordS, "/referrals?waiting=1", http.StatusOK); !strings.Contains(list, "Emergency rooms") || !strings.Contains(list, "No answer yet") {
		t.Fatal("a referral unanswered for 8 days is not listed as waiting")
	}
	if home := a.w1Get(w.coordS, "/", http.StatusOK); !strings.Contains(home, "referral without an answer for too long") {
		t.Fatal("the coordinator's home page does not count the waiting referral")
	}
	page := a.w1Get(w.coordS, fmt.Sprintf("/referrals/%d", id), http.StatusOK)
	if !strings.Contains(page, "Record the partner&#39;s answer") || !strings.Contains(page, "By email") {
		t.Fatal("staff cannot record the answer of a partner without an account")
	}
	res, _ = a.w1Post(w.coordS, fmt.Sprintf("/referrals/%d/events", id), form("side", "partner", "status", "declined", "reason", "no_capacity",
		"message", "Full until April (phone call).", "version", w.version(id)))
	w.referralAt(res)
	r, err := a.store.GetReferral(context.Background(), id)
	if err != nil || r.Status != partners.Declined || r.Reason != partners.NoCapacity || r.AnsweredAt == nil {
		t.Fatalf("after the recorded answer: %+v %v", r, err)
	}
}

func TestDirectoryPagesAndImport(t *testing.T) {
	t.Parallel()
	w := newPartnerWorld(t)
	a := w.a
	_, adminS := a.w1User(auth.Admin)
	// A bad form keeps what was typed and names the field.
	res, body := a.w1Post(w.coordS, "/partners", form("name", "Caritas Praha", "email", "not an address", "contacts.0.name", "Jana", "contacts.0.email", "jana@"))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Caritas Praha") || strings.Count(body, "name@example.org") < 2 {
		t.Fatalf("bad organisation form: %d", res.StatusCode)
	}
	res, _ = a.w1Post(w.coordS, "/partners", form("name", "Caritas Praha", "website", "https://caritas.example", "contacts.1.name", "Jana Nováková", "contacts.1.email", "jana@caritas.example"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("organisation: %d", res.StatusCode)
	}
	orgPath := strings.SplitN(res.Header.Get("Location"), "?", 2)[0]
	org := a.w1Get(w.coordS, orgPath, http.StatusOK)
	if !strings.Contains(org, "Jana Nováková") {
		t.Fatal("the contact typed in the second row is lost")
	}
	res, body = a.w1Post(w.coordS, orgPath+"/services", form("name", "Retraining in IT", "status", "active", "areas", "CZ Praha\nCZ Brno", "languages", "cs, uk", "url", "ftp://x"))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "CZ Praha") {
		t.Fatalf("service without needs and with a bad address: %d", res.StatusCode)
	}
	res, _ = a.w1Post(w.coordS, orgPath+"/services", form("name", "Retraining in IT", "status", "active", "areas", "CZ Praha\nCZ Brno",
		"languages", "Czech, ukrajinština", "need_domains", "employment", "need_domains", "education")) // by name: cs, uk
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("service: %d", res.StatusCode)
	}
	for q, want := range map[string]bool{"/directory?country=CZ&city=brno": true, "/directory?country=LT": false, "/directory?language=uk": true, "/directory?need=housing": false,
		"/directory?country=%C4%8Cesko": true, "/directory?country=Czechia&language=Ukrainian": true, "/directory?country=Lithuania": false, "/directory?language=cs": true} {
		if got := strings.Contains(a.w1Get(w.mentorS, q, http.StatusOK), "Retraining in IT"); got != want {
			t.Fatalf("%s lists the retraining: %v", q, got)
		}
	}
	// A country not understood is said so, as typed, and nothing is listed.
	dir := html.UnescapeString(a.w1Get(w.mentorS, "/directory?country=Atlantis", http.StatusOK))
	if !strings.Contains(dir, "This is not a country we know.") || !strings.Contains(dir, `value="Atlantis"`) || strings.Contains(dir, "Retraining in IT") {
		t.Errorf("an unknown country in the directory's filter is not refused as typed")
	}
	// A mentor reads the directory but does not edit it; only the admin imports.
	res, _ = a.w1Post(w.mentorS, "/partners", form("name", "By a mentor"))
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("a mentor adding an organisation: %d", res.StatusCode)
	}
	a.w1Get(w.coordS, "/directory/import", http.StatusForbidden)
	a.w1Get(adminS, "/directory/import", http.StatusOK)

	// Export, then import into another installation: the same directory.
	a.session = w.coordS
	res, file := a.do("GET", "/directory/export?format=datapackage", nil)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	b := newApp(t)
	_, bAdminS := b.w1User(auth.Admin)
	upload := func(app *app, session, name string, data []byte) (*http.Response, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
		mw.Close()
		app.session = session
		return app.do("POST", "/directory/import", &buf, "Content-Type", mw.FormDataContentType())
	}
	res, body = upload(b, bAdminS, "directory.zip", []byte(file))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "4 organisations added") || !strings.Contains(body, "3 services added") {
		t.Fatalf("import: %d %s", res.StatusCode, body)
	}
	got, err := b.store.Directory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := a.store.Directory(context.Background())
	if len(got.Partners) != len(want.Partners) {
		t.Fatalf("imported %d organisations, exported %d", len(got.Partners), len(want.Partners))
	}
	for i := range want.Partners {
		if got.Partners[i].HSDSID != want.Partners[i].HSDSID || len(got.Partners[i].Services) != len(want.Partners[i].Services) {
			t.Fatalf("organisation %d differs after the round trip", i)
		}
	}
	// A broken file names its problems and imports nothing.
	var js bytes.Buffer
	if err := hsds.WriteJSON(&js, want); err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(js.String(), `"name": "Retraining in IT"`, `"name": ""`, 1)
	if broken == js.String() {
		broken = strings.Replace(js.String(), `"name":"Retraining in IT"`, `"name":""`, 1)
	}
	c := newApp(t)
	_, cAdminS := c.w1User(auth.Admin)
	res, body = upload(c, cAdminS, "broken.json", []byte(broken))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "broken.json") || !strings.Contains(body, ".name") {
		t.Fatalf("broken import: %d %s", res.StatusCode, body)
	}
	if d, _ := c.store.Directory(context.Background()); len(d.Partners) != 0 {
		t.Fatal("a broken file imported something")
	}
}

func TestPartnerUserNeedsAnOrganisation(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, adminS := a.w1User(auth.Admin)
	res, body := a.w1Post(adminS, "/admin/users", form("email", "help@partner.example", "role", "partner"))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose the organisation of this partner user") {
		t.Fatalf("partner without organisation: %d", res.StatusCode)
	}
}

func TestReferralSharesOnlyWhatEachMayRead(t *testing.T) {
	t.Parallel()
	w := newPartnerWorld(t)
	a := w.a
	// The coordinator shares a part of the history the mentee did not share with the mentor.
	res, _ := a.w1Post(w.coordS, fmt.Sprintf("/cases/%d/referrals", w.c.ID), form("service_id", strconv.FormatInt(w.portalSvc.ID, 10),
		"message", "Asylum interview next month.", "share", "languages", "share", "history.persecution", "consent_given", "1", "send", "send"))
	id := w.referralAt(res)
	if page := a.w1Get(w.coordS, fmt.Sprintf("/referrals/%d", id), http.StatusOK); !strings.Contains(page, "Searched in 2021") {
		t.Fatal("the coordinator does not see what they shared")
	}
	page := a.w1Get(w.mentorS, fmt.Sprintf("/referrals/%d", id), http.StatusOK)
	if strings.Contains(page, "Searched in 2021") || !strings.Contains(page, "not for you to read") {
		t.Fatal("the mentor reads a part of the history through the referral")
	}
	if page := a.w1Get(w.partnerS, fmt.Sprintf("/referrals/%d", id), http.StatusOK); !strings.Contains(page, "Searched in 2021") {
		t.Fatal("the partner does not see what the referral shares")
	}
	// The partner's timeline names nobody of the program.
	if page := a.w1Get(w.partnerS, fmt.Sprintf("/referrals/%d", id), http.StatusOK); strings.Contains(page, w.coord.Email) {
		t.Fatal("the partner's timeline names the coordinator")
	}
	// Once the referral has ended, the partner no longer sees what it shared.
	res, _ = a.w1Post(w.partnerS, fmt.Sprintf("/referrals/%d/events", id), form("status", "declined", "reason", "not_eligible",
		"message", "Only for people under 25.", "version", w.version(id)))
	w.referralAt(res)
	page = a.w1Get(w.partnerS, fmt.Sprintf("/referrals/%d", id), http.StatusOK)
	if strings.Contains(page, "Searched in 2021") || strings.Contains(page, "be, ru") || !strings.Contains(page, "no longer shown") {
		t.Fatal("the partner still reads the shared values of an ended referral")
	}
}
