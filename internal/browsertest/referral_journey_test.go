package browsertest

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/partners"
	"homeward/internal/store"

	"github.com/chromedp/chromedp"
)

// A referral's whole loop, through the pages only: the mentor finds a
// service in the directory from the case, tries to send the referral
// without the mentee's consent and is refused with what they typed kept,
// records the consent and sends it; the partner user signs in, finds it
// in their inbox with only what it shares, accepts it and reports that the
// mentee got help, with an outcome; the mentor sees the result on the case.
// The program, the accounts, the active case and the directory are made in
// the store.
func TestReferralJourneyConsentToOutcome(t *testing.T) {
	mentor := startBare(t)
	ctx := t.Context()
	en := mentor.en

	prog, err := mentor.store.CreateProgram(ctx, testProgram("Exiles in Vilnius"))
	if err != nil {
		t.Fatal(err)
	}
	coordUser, _ := mentor.staff("coordinator@example.org", "Cora Coordinator", auth.Coordinator, prog.ID)
	mentorUser, mentorSecret := mentor.staff("mentor@example.org", "Mira Mentor", auth.Mentor, prog.ID)
	c := waitingCase(t, mentor, prog.ID, coordUser.ID, "HW-0201")
	if _, err := mentor.store.Match(ctx, c.ID, mentorUser.ID, coordUser.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.store.AddPlanStep(ctx, cases.PlanStep{CaseID: c.ID, Title: "Sort out the fines", Owner: cases.OwnerMentee}); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.store.Transition(ctx, store.TransitionInput{CaseID: c.ID, To: cases.Active, ActorID: coordUser.ID}); err != nil {
		t.Fatal(err)
	}
	org, err := mentor.store.CreatePartner(ctx, partners.Partner{Name: "Pagalba legal aid"})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := mentor.store.CreateService(ctx, partners.Service{PartnerID: org.ID, Name: "Debt and fines counselling",
		NeedDomains: []string{prog.NeedDomains[0], "legal_debt"}, Languages: []string{"be"}, Areas: []partners.Area{{Country: "LT"}}})
	if err != nil {
		t.Fatal(err)
	}
	const partnerEmail, message = "partner@pagalba.example", "Fines from 2021 are collected by a bailiff; needs a plan."
	pu, err := mentor.store.CreateUser(ctx, auth.User{Email: partnerEmail, Name: "Pat Partner", Role: auth.Partner, PartnerID: org.ID})
	if err != nil {
		t.Fatal(err)
	}
	phc, _ := testHasher.Hash(ctx, testPassword)
	if err := mentor.store.SetPassword(ctx, pu.ID, phc); err != nil {
		t.Fatal(err)
	}
	partnerSecret := mentor.withTOTP(pu)

	partner := mentor.session()
	all := people{mentor, partner}
	casePath := "/cases/" + strconv.FormatInt(c.ID, 10)
	var referralPath string

	all.step(t, "the mentor finds the service from the case", func(t *testing.T) {
		mentor.signIn("mentor@example.org", mentorSecret)
		mentor.open(casePath + "/referrals")
		mentor.follow("new referral", `a[href="/directory?case=`+strconv.FormatInt(c.ID, 10)+`"]`)
		mentor.choose("#need", "legal_debt")
		mentor.fill("#country", "LT")
		mentor.load("filter the directory", http.StatusOK, chromedp.Click(chromedp.CSS(`form[role=search] button[type=submit]`)))
		mentor.wantIn("main", svc.Name, org.Name)
		mentor.follow("refer to the service", `a[href="`+casePath+`/referrals/new?service=`+strconv.FormatInt(svc.ID, 10)+`"]`)
		for _, f := range []string{"languages", "location", "full_name"} {
			if mentor.checked("#f-share-" + f) {
				t.Fatalf("the form ticks %s: it must start from nothing but the case code", f)
			}
		}
	})

	all.step(t, "without consent the referral is not sent", func(t *testing.T) {
		mentor.choose("#f-domain", "legal_debt")
		mentor.fill("#f-message", message)
		mentor.click("#f-share-contact_channels")
		mentor.click("#f-share-languages")
		mentor.click("#f-share-location")
		mentor.sendWith("send without consent", `button[name=send][value=send]`, http.StatusUnprocessableEntity)
		mentor.wantIn("main", en.T("validation.referral_consent"))
		if got := mentor.value("f-message"); got != message || !mentor.checked("#f-share-contact_channels") {
			t.Fatalf("the refused form kept %q and the ticks %v", got, mentor.checked("#f-share-contact_channels"))
		}
		list, _, err := mentor.store.Referrals(ctx, store.ReferralFilter{CaseID: c.ID}, store.Page{})
		if err != nil || len(list) != 0 {
			t.Fatalf("a refused referral was stored: %d %v", len(list), err)
		}
	})

	all.step(t, "with the mentee's consent it is sent", func(t *testing.T) {
		mentor.click("#f-consent_given")
		mentor.fill("#f-consent_note", "In person, at our meeting")
		mentor.sendWith("send with consent", `button[name=send][value=send]`, http.StatusOK)
		if !strings.HasPrefix(mentor.here(), "/referrals/") {
			t.Fatalf("after sending the browser is at %s", mentor.here())
		}
		referralPath, _, _ = strings.Cut(mentor.here(), "?")
		mentor.wantIn("main", en.T("referral.done.sent"), en.T("referral.status.sent"), message)
	})

	all.step(t, "the partner sees it in their inbox with only what it shares", func(t *testing.T) {
		partner.open("/login")
		partner.password(partnerEmail)
		partner.do("type the code", chromedp.SendKeys(chromedp.ID("f-code"), partner.code(partnerSecret)))
		partner.load("confirm the code", http.StatusOK, chromedp.Click(chromedp.CSS("#factor-form button[type=submit]")))
		partner.wantHere("the partner's start page", "/referrals")
		partner.wantIn("main", svc.Name, "HW-0201")
		partner.follow("open the referral", `a[href="`+referralPath+`"]`)
		// The languages and the place the mentor ticked go; the name and the case do not.
		partner.wantIn("main", message, "be", "Vilnius, LT")
		partner.wantNotIn("the partner's view", "Test Person", casePath)
		partner.load("open the case", http.StatusNotFound, chromedp.Navigate(partner.url+casePath))
	})

	all.step(t, "the partner accepts it, then reports help with an outcome", func(t *testing.T) {
		partner.open(referralPath)
		partner.click("#f-partner-status-accepted")
		partner.fill("#f-partner-message", "We call her on Monday.")
		partner.sendWith("accept", `section[aria-labelledby=answer] button[type=submit]`, http.StatusOK)
		partner.wantIn("main", en.T("referral.status.accepted"), "We call her on Monday.")
		partner.click("#f-partner-status-got_help")
		partner.fill("#f-partner-message", "A repayment plan was agreed with the bailiff.")
		partner.choose("#f-partner-outcome_kind", string(cases.DebtCaseClosed))
		partner.fill("#f-partner-outcome_note", "Instalments of 50 EUR a month")
		partner.sendWith("got help", `section[aria-labelledby=answer] button[type=submit]`, http.StatusOK)
		partner.wantIn("main", en.T("referral.status.got_help"))
	})

	all.step(t, "the case shows the outcome", func(t *testing.T) {
		mentor.open(casePath + "/referrals")
		mentor.wantIn("main", svc.Name, en.T("referral.status.got_help"), en.T("referral.outcome_recorded"))
		mentor.open(referralPath)
		mentor.wantIn("main", en.T("outcomes.kind.debt_case_closed"), "Instalments of 50 EUR a month",
			"We call her on Monday.", "A repayment plan was agreed with the bailiff.")
		mentor.open(casePath + "/closing")
		mentor.wantIn("main", en.T("outcomes.kind.debt_case_closed"))
		mentor.open("/directory?need=legal_debt")
		mentor.wantIn("main", "100%")
	})
}
