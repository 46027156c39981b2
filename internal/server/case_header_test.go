package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/partners"
)

// Every page of a case names the person beside the case code, for those
// who may read the name (the case's coordinator, mentor and psychologist),
// with one audited read of the name per page, also when a refused form
// shows the page again. Those who may not open the case see no name, and
// nothing is read for them.
func TestCaseHeaderNamesThePerson(t *testing.T) {
	t.Parallel()
	w1Engines(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		p := a.w1Program("Headers", 2)
		coord, coordS := a.w1User(auth.Coordinator, p.ID)
		mentor, mentorS := a.w1User(auth.Mentor, p.ID)
		psych, psychS := a.w1User(auth.Psychologist, p.ID)
		_, strangerS := a.w1User(auth.Mentor, p.ID)
		_, otherPsychS := a.w1User(auth.Psychologist, p.ID)
		_, viewerS := a.w1User(auth.Viewer, p.ID)
		c := a.makeCase(caseSetup{Program: p, By: coord, MentorID: mentor.ID, Psychologist: psych.ID, State: cases.Active})
		m, err := a.store.GetMentee(ctx, c.MenteeID)
		if err != nil {
			t.Fatal(err)
		}
		heading := fmt.Sprintf(`%s <span class="person">%s</span>`, c.Code, m.FullName)

		org, err := a.store.CreatePartner(ctx, partners.Partner{Name: "Legal Aid Centre"})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := a.store.CreateService(ctx, partners.Service{PartnerID: org.ID, Name: "Debt counselling", NeedDomains: []string{"legal_debt"}})
		if err != nil {
			t.Fatal(err)
		}
		partner, err := a.store.CreateUser(ctx, auth.User{Email: fmt.Sprintf("partner%d@example.org", appCount.Add(1)), Role: auth.Partner, PartnerID: org.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.store.SetPassword(ctx, partner.ID, testPasswordHash()); err != nil {
			t.Fatal(err)
		}
		partner.Status = auth.StatusActive
		partnerS := a.w1Session(partner)
		res, body := a.w1Post(coordS, fmt.Sprintf("/cases/%d/referrals", c.ID), form("service_id", strconv.FormatInt(svc.ID, 10),
			"domain", "legal_debt", "message", "Fines from 2023.", "share", "languages", "consent_given", "1", "send", "send"))
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/referrals/") {
			t.Fatalf("sending a referral: %d → %q\n%s", res.StatusCode, loc, body)
		}
		referral := strings.SplitN(loc, "?", 2)[0]

		// named opens a page as the holder of session and checks that its
		// heading names the person and that the name was read once.
		named := func(who, session, method, path string, v map[string][]string, want int) {
			t.Helper()
			before := a.w1Audited("mentee.name_read", m.ID)
			var res *http.Response
			var body string
			if method == "GET" {
				a.session = session
				res, body = a.do("GET", path, nil)
			} else {
				res, body = a.w1Post(session, path, v)
			}
			if res.StatusCode != want {
				t.Fatalf("%s %s as the %s: %d, want %d\n%s", method, path, who, res.StatusCode, want, body)
			}
			if !strings.Contains(body, heading) {
				t.Errorf("%s %s as the %s: the heading does not name the person beside the code", method, path, who)
			}
			if n := a.w1Audited("mentee.name_read", m.ID) - before; n != 1 {
				t.Errorf("%s %s as the %s: the name was read %d times (mentee.name_read), want once", method, path, who, n)
			}
		}
		cp := func(tail string) string { return fmt.Sprintf("/cases/%d%s", c.ID, tail) }
		for _, path := range []string{cp(""), cp("/contacts"), cp("/requests"), cp("/referrals"),
			cp(fmt.Sprintf("/referrals/new?service=%d", svc.ID)), cp("/notes"), cp("/closing"), cp("/needs"),
			cp("/suggestions"), referral} {
			named("coordinator", coordS, "GET", path, nil, http.StatusOK)
		}
		// A refused form shows its page again, named.
		for _, post := range []struct{ path, field string }{
			{cp("/contacts"), "summary"}, {cp("/requests"), "text"}, {cp("/notes"), "body"},
			{cp("/psychologist"), "psychologist_id"}, {cp("/outcomes"), "kind"}, {cp("/feedback"), "text"},
			{cp("/referrals"), "message"},
		} {
			named("coordinator", coordS, "POST", post.path, form(post.field, ""), http.StatusUnprocessableEntity)
		}
		for _, path := range []string{cp(""), cp("/contacts"), cp("/requests"), cp("/notes"), cp("/closing"), referral} {
			named("mentor", mentorS, "GET", path, nil, http.StatusOK)
		}
		for _, path := range []string{cp(""), cp("/notes"), cp("/closing")} {
			named("psychologist", psychS, "GET", path, nil, http.StatusOK)
		}

		// The person's own pages name them in the heading too, from the
		// profile they open (audited as such): no second read of the name.
		for _, path := range []string{w1Mentee(c), w1Mentee(c) + "/history"} {
			before, profile := a.w1Audited("mentee.name_read", m.ID), a.w1Audited("mentee.profile_read", m.ID)
			if body := a.w1Get(coordS, path, http.StatusOK); !strings.Contains(body, heading) {
				t.Errorf("%s: the heading does not name the person beside the code", path)
			}
			if a.w1Audited("mentee.name_read", m.ID) != before || a.w1Audited("mentee.profile_read", m.ID) != profile+1 {
				t.Errorf("%s: the name should be read once, with the profile", path)
			}
		}

		// Those who may not open the case see no name, and no name is read.
		before := a.w1Audited("mentee.name_read", m.ID)
		for _, who := range []struct{ role, session string }{{"other mentor", strangerS}, {"other psychologist", otherPsychS}, {"viewer", viewerS}, {"partner", partnerS}} {
			for _, path := range []string{cp(""), cp("/contacts"), cp("/closing"), w1Mentee(c)} {
				a.session = who.session
				res, body := a.do("GET", path, nil)
				if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
					t.Errorf("the %s opened %s: %d", who.role, path, res.StatusCode)
				}
				if strings.Contains(body, m.FullName) {
					t.Errorf("the %s was shown the person's name on %s", who.role, path)
				}
			}
		}
		// The partner reads the referral sent to them, without the case's
		// heading or the person's name (the referral did not share it).
		if body := a.w1Get(partnerS, referral, http.StatusOK); strings.Contains(body, m.FullName) || !strings.Contains(body, "Fines from 2023.") {
			t.Error("the partner's referral page should show the referral without the person's name")
		}
		if n := a.w1Audited("mentee.name_read", m.ID) - before; n != 0 {
			t.Errorf("the name was read %d times for those who may not read it", n)
		}
	})
}
