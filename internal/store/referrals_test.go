package store_test

import (
	"bytes"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/partners"
	"homeward/internal/store"
)

// partnerDirectory adds two organisations: one with a partner user (its
// referrals go through the portal), one without (phone or email).
func (j *journey) partnerDirectory() (withUser, without partners.Service, partner auth.User) {
	j.t.Helper()
	o1, err := j.s.CreatePartner(j.ctx, partners.Partner{Name: "Legal Aid Vilnius", Email: "help@legalaid.example"})
	j.fatal(err)
	o2, err := j.s.CreatePartner(j.ctx, partners.Partner{Name: "Housing Desk", Phone: "+370 600 00000"})
	j.fatal(err)
	withUser, err = j.s.CreateService(j.ctx, partners.Service{PartnerID: o1.ID, Name: "Debt counselling",
		NeedDomains: []string{"legal_debt"}, Languages: []string{"ru", "lt"}, Areas: []partners.Area{{Country: "LT", City: "Vilnius"}}})
	j.fatal(err)
	without, err = j.s.CreateService(j.ctx, partners.Service{PartnerID: o2.ID, Name: "Emergency rooms",
		NeedDomains: []string{"housing"}, Areas: []partners.Area{{Country: "LT"}}})
	j.fatal(err)
	partner = mustUser(j.t, j.s, auth.User{Email: "pat@legalaid.example", Name: "Pat Partner", Role: auth.Partner, PartnerID: o1.ID}, auth.StatusActive)
	return withUser, without, partner
}

func fieldOf(err error, field string) string {
	var de *errs.Error
	if e, ok := err.(*errs.Error); ok {
		de = e
	} else {
		return ""
	}
	return de.Fields[field]
}

func TestReferralNeedsConsentAndSharesOnlyWhatWasChosen(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		svc, phoneSvc, partner := j.partnerDirectory()
		c := j.active(j.waiting("LT-0101", "Aliaksandra Sidarenka"), j.mentor.ID)
		j.fatal(j.s.SaveHistory(j.ctx, cases.History{MenteeID: c.MenteeID, Version: 1,
			Parts: map[cases.HistoryPart]string{cases.Persecution: "Detained at the march of 2020"}}))

		// Without consent: nothing is stored at all.
		_, err := j.s.CreateReferral(j.ctx, partners.Referral{CaseID: c.ID, ServiceID: svc.ID, Domain: "legal_debt",
			Message: "Fines from before the move; needs a plan.", Share: []partners.Field{partners.Languages, partners.Location}, CreatedBy: j.mentor.ID, ConsentBy: j.mentor.ID}, true)
		if fieldOf(err, "consent_given") != "validation.referral_consent" {
			t.Fatalf("send without consent: %v", err)
		}
		list, _, err := j.s.Referrals(j.ctx, store.ReferralFilter{CaseID: c.ID}, store.Page{})
		j.fatal(err)
		if len(list) != 0 {
			t.Fatalf("a refused send left %d referrals", len(list))
		}

		r, err := j.s.CreateReferral(j.ctx, partners.Referral{CaseID: c.ID, ServiceID: svc.ID, Domain: "legal_debt",
			Message: "Fines from before the move; needs a plan.", Share: []partners.Field{partners.Languages, partners.ContactChannels},
			ConsentGiven: true, ConsentNote: "In person, 2 March", CreatedBy: j.mentor.ID, ConsentBy: j.mentor.ID}, true)
		j.fatal(err)
		if r.Status != partners.Sent || r.Channel != partners.Portal {
			t.Fatalf("sent referral: status %s channel %s", r.Status, r.Channel)
		}
		got, err := j.s.GetReferral(j.ctx, r.ID)
		j.fatal(err)
		if got.Shared[partners.ContactChannels] != "Signal, evenings only" || got.Shared[partners.Languages] != "be, ru" {
			t.Fatalf("shared values: %v", got.Shared)
		}
		if _, ok := got.Shared[partners.FullName]; ok {
			t.Fatal("the name was shared without being chosen")
		}
		if _, ok := got.Shared[partners.HistoryField(cases.Persecution)]; ok {
			t.Fatal("the history was shared without being chosen")
		}
		if !got.ConsentGiven || got.ConsentAt == nil || got.ConsentByName != "Mira Mentor" || got.Message != "Fines from before the move; needs a plan." {
			t.Fatalf("consent or message: %+v", got)
		}

		// Later changes of the profile do not change what was shared.
		m, err := j.s.GetMentee(j.ctx, c.MenteeID)
		j.fatal(err)
		m.ContactChannels = "Telegram only"
		_, err = j.s.UpdateMentee(j.ctx, m)
		j.fatal(err)
		got, err = j.s.GetReferral(j.ctx, r.ID)
		j.fatal(err)
		if got.Shared[partners.ContactChannels] != "Signal, evenings only" {
			t.Fatalf("the snapshot changed with the profile: %v", got.Shared)
		}

		// The partner's inbox holds it; the other organisation's holds nothing.
		inbox, _, err := j.s.Referrals(j.ctx, store.ReferralFilter{PartnerID: partner.PartnerID}, store.Page{})
		j.fatal(err)
		if len(inbox) != 1 || inbox[0].ID != r.ID {
			t.Fatalf("partner inbox: %+v", inbox)
		}
		other, _, err := j.s.Referrals(j.ctx, store.ReferralFilter{PartnerID: phoneSvc.PartnerID}, store.Page{})
		j.fatal(err)
		if len(other) != 0 {
			t.Fatalf("another organisation's inbox holds %d referrals", len(other))
		}

		// The partner accepts, then reports help with an outcome on the case.
		r, err = j.s.AddReferralEvent(j.ctx, r.Version, partners.Event{ReferralID: r.ID, Status: partners.Accepted, Side: partners.SidePartner,
			Message: "We will call her this week.", ByUser: partner.ID})
		j.fatal(err)
		if r.AnsweredAt == nil {
			t.Fatal("the first answer is not recorded")
		}
		_, err = j.s.AddReferralEvent(j.ctx, r.Version-1, partners.Event{ReferralID: r.ID, Status: partners.GotHelp, Side: partners.SidePartner, ByUser: partner.ID})
		if !errs.Is(err, errs.KindConflict) {
			t.Fatalf("a stale version: %v", err)
		}
		r, err = j.s.AddReferralEvent(j.ctx, r.Version, partners.Event{ReferralID: r.ID, Status: partners.GotHelp, Side: partners.SidePartner,
			Message: "Debt plan agreed with the bailiff.", ByUser: partner.ID,
			Outcome: &cases.Outcome{Kind: cases.DebtCaseClosed, Note: "Plan agreed"}})
		j.fatal(err)
		outs, err := j.s.Outcomes(j.ctx, c.ID)
		j.fatal(err)
		if len(outs) != 1 || outs[0].Kind != cases.DebtCaseClosed || r.OutcomeID != outs[0].ID {
			t.Fatalf("outcomes after got help: %+v (referral outcome %d)", outs, r.OutcomeID)
		}
		// Over: nobody moves it again.
		_, err = j.s.AddReferralEvent(j.ctx, r.Version, partners.Event{ReferralID: r.ID, Status: partners.Withdrawn, Side: partners.SideReferrer, ByUser: j.mentor.ID})
		if !errs.Is(err, errs.KindConflict) {
			t.Fatalf("withdrawing a referral that got help: %v", err)
		}
		evs, err := j.s.ReferralEvents(j.ctx, r.ID)
		j.fatal(err)
		want := []partners.Status{partners.Draft, partners.Sent, partners.Accepted, partners.GotHelp}
		if len(evs) != len(want) {
			t.Fatalf("timeline: %+v", evs)
		}
		for i, e := range evs {
			if e.Status != want[i] || e.ByName == "" {
				t.Fatalf("timeline step %d: %+v", i, e)
			}
		}
		if evs[2].Message != "We will call her this week." || evs[2].Side != partners.SidePartner {
			t.Fatalf("accept event: %+v", evs[2])
		}
		svcNow, err := j.s.GetService(j.ctx, svc.ID)
		j.fatal(err)
		if pct, ok := svcNow.Results.SuccessPercent(); !ok || pct != 100 || svcNow.Results.GotHelp != 1 {
			t.Fatalf("service results: %+v", svcNow.Results)
		}
		if j.audits("referral.read", "referral", r.ID) < 2 {
			t.Fatal("reading a referral is not audited")
		}

		// To an organisation without users: by phone; a draft first.
		d, err := j.s.CreateReferral(j.ctx, partners.Referral{CaseID: c.ID, ServiceID: phoneSvc.ID, Domain: "housing",
			Message: "A room for two months.", Share: []partners.Field{partners.FullName, partners.HistoryField(cases.Persecution)},
			Channel: partners.Email, CreatedBy: j.coord.ID}, false)
		j.fatal(err)
		if d.Status != partners.Draft || d.Channel != partners.Email {
			t.Fatalf("draft: %+v", d)
		}
		_, err = j.s.AddReferralEvent(j.ctx, d.Version, partners.Event{ReferralID: d.ID, Status: partners.Sent, Side: partners.SideReferrer, ByUser: j.coord.ID})
		if !errs.Is(err, errs.KindConflict) {
			t.Fatalf("sending a draft as an event, without consent: %v", err)
		}
		d.ConsentGiven, d.ConsentBy = true, j.coord.ID
		d, err = j.s.SendReferral(j.ctx, d, true)
		j.fatal(err)
		got, err = j.s.GetReferral(j.ctx, d.ID)
		j.fatal(err)
		if got.Shared[partners.FullName] != "Aliaksandra Sidarenka" || got.Shared[partners.HistoryField(cases.Persecution)] != "Detained at the march of 2020" {
			t.Fatalf("chosen and consented history: %v", got.Shared)
		}
		inbox, _, err = j.s.Referrals(j.ctx, store.ReferralFilter{PartnerID: phoneSvc.PartnerID}, store.Page{})
		j.fatal(err)
		if len(inbox) != 0 {
			t.Fatal("a referral sent by email shows in a portal inbox")
		}

		// The sealed parts never reach the database as plain text.
		dump := databaseBytes(t, j.s, opts)
		for _, secret := range []string{"Fines from before the move", "We will call her this week", "Signal, evenings only", "A room for two months"} {
			if bytes.Contains(dump, []byte(secret)) {
				t.Fatalf("%q is stored in plain text", secret)
			}
		}
	})
}

func TestReferralRefusals(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		svc, _, _ := j.partnerDirectory()
		c := j.active(j.waiting("LT-0102", "Ihar Kavalenka"), j.mentor.ID)
		// A withdrawn consent to partner sharing stops every referral.
		_, err := j.s.RecordConsent(j.ctx, cases.Consent{MenteeID: c.MenteeID, Kind: cases.ConsentPartners, Given: false, RecordedBy: j.coord.ID})
		j.fatal(err)
		_, err = j.s.CreateReferral(j.ctx, partners.Referral{CaseID: c.ID, ServiceID: svc.ID, Message: "Help", ConsentGiven: true,
			CreatedBy: j.mentor.ID, ConsentBy: j.mentor.ID}, true)
		if fieldOf(err, "consent_given") != "referral.refused.sharing_withdrawn" {
			t.Fatalf("withdrawn sharing consent: %v", err)
		}
		// A domain of no program, a bad field, an empty message: all named.
		_, err = j.s.CreateReferral(j.ctx, partners.Referral{CaseID: c.ID, ServiceID: svc.ID, Domain: "gardening",
			Share: []partners.Field{"password"}, CreatedBy: j.mentor.ID}, false)
		for _, f := range []string{"domain", "share", "message"} {
			if fieldOf(err, f) == "" {
				t.Fatalf("field %s not named: %v", f, err)
			}
		}
		// A closed service takes no referral.
		svc.Status, svc.Version = partners.TemporarilyClosed, 1
		_, err = j.s.UpdateService(j.ctx, svc)
		j.fatal(err)
		_, err = j.s.CreateReferral(j.ctx, partners.Referral{CaseID: c.ID, ServiceID: svc.ID, Message: "Help", CreatedBy: j.mentor.ID}, false)
		if fieldOf(err, "service_id") != "referral.refused.service_closed" {
			t.Fatalf("closed service: %v", err)
		}
	})
}

func TestReferralWaitingAfterReminderDays(t *testing.T) {
	t.Parallel()
	j := newJourney(t, store.Options{DataDir: t.TempDir()})
	svc, _, _ := j.partnerDirectory()
	c := j.active(j.waiting("LT-0103", "Hanna Bialiak"), j.mentor.ID)
	r, err := j.s.CreateReferral(j.ctx, partners.Referral{CaseID: c.ID, ServiceID: svc.ID, Message: "Help", ConsentGiven: true,
		CreatedBy: j.mentor.ID, ConsentBy: j.mentor.ID}, true)
	j.fatal(err)
	days := j.prog.ReferralReminderDays
	if days != 7 {
		t.Fatalf("default reminder days %d", days)
	}
	if r.Waiting(j.now().Add(6*24*time.Hour), days) {
		t.Fatal("waiting before the reminder days passed")
	}
	if !r.Waiting(j.now().Add(7*24*time.Hour), days) {
		t.Fatal("not waiting once the reminder days passed")
	}
}

func TestDirectorySearch(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		debt, rooms, _ := j.partnerDirectory()
		o, err := j.s.CreatePartner(j.ctx, partners.Partner{Name: "Praha Jobs"})
		j.fatal(err)
		anywhere, err := j.s.CreateService(j.ctx, partners.Service{PartnerID: o.ID, Name: "Online CV clinic", NeedDomains: []string{"employment"}, Languages: []string{"ru"}})
		j.fatal(err)
		names := func(f store.ServiceFilter) []string {
			list, _, err := j.s.Services(j.ctx, f, store.Page{})
			j.fatal(err)
			var out []string
			for _, v := range list {
				out = append(out, v.Name)
			}
			return out
		}
		eq := func(got []string, want ...string) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("got %v, want %v", got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("got %v, want %v", got, want)
				}
			}
		}
		eq(names(store.ServiceFilter{}), debt.Name, rooms.Name, anywhere.Name)
		eq(names(store.ServiceFilter{Domain: "housing"}), rooms.Name)
		// Any of a case's open needs, in its country (or anywhere).
		eq(names(store.ServiceFilter{Domains: []string{"housing", " Employment"}}), rooms.Name, anywhere.Name)
		eq(names(store.ServiceFilter{Domains: []string{"housing", "employment"}, Country: "CZ"}), anywhere.Name)
		eq(names(store.ServiceFilter{Language: "ru"}), debt.Name, anywhere.Name)
		eq(names(store.ServiceFilter{Country: "LT", City: "kaunas"}), rooms.Name, anywhere.Name)
		eq(names(store.ServiceFilter{Country: "lt", City: "Vilnius"}), debt.Name, rooms.Name, anywhere.Name)
		eq(names(store.ServiceFilter{Country: "CZ"}), anywhere.Name)
		eq(names(store.ServiceFilter{Query: "legal"}), debt.Name)
		// Pages follow one another without repeats.
		first, next, err := j.s.Services(j.ctx, store.ServiceFilter{}, store.Page{Limit: 2})
		j.fatal(err)
		rest, last, err := j.s.Services(j.ctx, store.ServiceFilter{}, store.Page{Limit: 2, Cursor: next})
		j.fatal(err)
		if len(first) != 2 || len(rest) != 1 || last != "" || rest[0].ID != anywhere.ID {
			t.Fatalf("pages: %d then %d (%q)", len(first), len(rest), last)
		}
		// Editing keeps the HSDS identifier; a stale version is refused.
		debt.Description, debt.Version = "Free, in Russian and Lithuanian.", 1
		upd, err := j.s.UpdateService(j.ctx, debt)
		j.fatal(err)
		if upd.HSDSID != debt.HSDSID || upd.Version != 2 {
			t.Fatalf("update: %+v", upd)
		}
		if _, err := j.s.UpdateService(j.ctx, debt); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("stale service update: %v", err)
		}
		// Only partner users belong to an organisation.
		_, err = j.s.CreateUser(j.ctx, auth.User{Email: "mentor@partner.example", Role: auth.Mentor, PartnerID: debt.PartnerID})
		if fieldOf(err, "partner_id") != "validation.partner_users_only" {
			t.Fatalf("a mentor in an organisation: %v", err)
		}
	})
}

func TestReferralReviewFixes(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		svc, phoneSvc, partner := j.partnerDirectory()
		c := j.active(j.waiting("LT-0104", "Maryia Kalesnikava"), j.mentor.ID)
		send := func(serviceID int64, draft bool) partners.Referral {
			t.Helper()
			r, err := j.s.CreateReferral(j.ctx, partners.Referral{CaseID: c.ID, ServiceID: serviceID, Message: "Help with the fines.",
				Share: []partners.Field{partners.FullName}, ConsentGiven: !draft, CreatedBy: j.coord.ID, ConsentBy: j.coord.ID}, !draft)
			j.fatal(err)
			return r
		}
		// A draft withdrawn unsent never reaches the partner.
		d := send(svc.ID, true)
		_, err := j.s.AddReferralEvent(j.ctx, d.Version, partners.Event{ReferralID: d.ID, Status: partners.Withdrawn, Side: partners.SideReferrer,
			Message: "The mentee said no.", ByUser: j.coord.ID})
		j.fatal(err)
		ref, err := j.s.ReferralRef(j.ctx, d.ID)
		j.fatal(err)
		inbox, _, err := j.s.Referrals(j.ctx, store.ReferralFilter{PartnerID: partner.PartnerID}, store.Page{})
		j.fatal(err)
		if ref.Sent || len(inbox) != 0 {
			t.Fatalf("a draft withdrawn unsent: sent %v, in the inbox %d", ref.Sent, len(inbox))
		}

		// Two answers from the same version: exactly one is taken.
		r := send(svc.ID, false)
		errs2 := make(chan error, 2)
		for _, st := range []partners.Status{partners.Accepted, partners.Declined} {
			go func() {
				_, err := j.s.AddReferralEvent(j.ctx, r.Version, partners.Event{ReferralID: r.ID, Status: st, Side: partners.SidePartner,
					Message: "Answer.", ByUser: partner.ID})
				errs2 <- err
			}()
		}
		failed := 0
		for range 2 {
			if err := <-errs2; err != nil {
				if !errs.Is(err, errs.KindConflict) {
					t.Fatalf("a concurrent answer: %v", err)
				}
				failed++
			}
		}
		if failed != 1 {
			t.Fatalf("%d of two concurrent answers from one version were refused, want 1", failed)
		}
		evs, err := j.s.ReferralEvents(j.ctx, r.ID)
		j.fatal(err)
		if len(evs) != 3 {
			t.Fatalf("timeline after two concurrent answers: %d events", len(evs))
		}

		// A draft whose service moved goes to the service's organisation now.
		moved := send(phoneSvc.ID, true)
		phoneSvc.PartnerID, phoneSvc.Version = svc.PartnerID, 1
		_, err = j.s.UpdateService(j.ctx, phoneSvc)
		j.fatal(err)
		moved.ConsentGiven, moved.ConsentBy = true, j.coord.ID
		moved, err = j.s.SendReferral(j.ctx, moved, true)
		j.fatal(err)
		ref, err = j.s.ReferralRef(j.ctx, moved.ID)
		j.fatal(err)
		if ref.PartnerID != svc.PartnerID || ref.Channel != partners.Portal {
			t.Fatalf("a moved service's draft went to organisation %d by %s", ref.PartnerID, ref.Channel)
		}

		// Withdrawing the consent to sharing withdraws the open referrals
		// and erases every shared value.
		open := send(svc.ID, false)
		_, err = j.s.RecordConsent(j.ctx, cases.Consent{MenteeID: c.MenteeID, Kind: cases.ConsentPartners, Given: false, RecordedBy: j.coord.ID})
		j.fatal(err)
		for _, id := range []int64{open.ID, moved.ID} {
			got, err := j.s.GetReferral(j.ctx, id)
			j.fatal(err)
			if got.Status != partners.Withdrawn || len(got.Shared) != 0 {
				t.Fatalf("referral %d after the consent was withdrawn: %s, shared %v", id, got.Status, got.Shared)
			}
		}
	})
}
