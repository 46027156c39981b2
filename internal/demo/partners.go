package demo

import (
	"fmt"
	"time"

	"homeward/internal/cases"
	"homeward/internal/partners"
	"homeward/internal/store"
)

// demoPartner is a partner organisation of the demo directory; the
// first has the demo partner user (its referrals go through the portal),
// the others none (referrals by phone or email).
type demoPartner struct {
	org      partners.Partner
	services []partners.Service
}

// demoDirectory is a directory of partners in the programs' countries:
// financial aid, legal aid, housing, employment, retraining, debt
// counselling, family law and psychological support.
var demoDirectory = []demoPartner{
	{partners.Partner{Name: "Pagalba: legal aid for exiles", Description: "Lawyers and volunteers helping people who fled persecution with residence, documents and fines left behind.",
		Website: "https://pagalba.example", Email: "intake@pagalba.example", Phone: "+370 5 200 0001",
		Contacts: []partners.ContactPerson{{Name: "Rūta Kazlauskienė", Title: "Intake coordinator", Email: "ruta@pagalba.example", Phone: "+370 600 00101"}}},
		[]partners.Service{
			{Name: "Legal aid on residence and documents", Description: "Consultations and representation on residence permits, humanitarian status and passports.",
				NeedDomains: []string{"documents", "legal_debt"}, Languages: []string{"be", "ru", "lt", "en"}, Areas: []partners.Area{{Country: "LT"}},
				Eligibility: "People who left Belarus or Russia because of persecution.", ApplicationProcess: "A referral with a short description; the lawyer calls within a week.",
				Fees: "Free", Schedule: "Mon–Thu 10:00–18:00", RequiredDocuments: []string{"Passport or any identity document", "Residence permit, if any"}},
			{Name: "Debt and fines counselling", Description: "Help with fines, bailiffs and debts from before the move.",
				NeedDomains: []string{"legal_debt", "income"}, Languages: []string{"be", "ru", "lt"}, Areas: []partners.Area{{Country: "LT", City: "Vilnius"}, {Country: "LT", City: "Kaunas"}},
				Fees: "Free", Schedule: "Tue and Thu 14:00–19:00", RequiredDocuments: []string{"Letters from the creditor or the bailiff"}},
		}},
	{partners.Partner{Name: "Namai Housing Foundation", Description: "Emergency rooms and rent guarantees in Vilnius.", Website: "https://namai.example", Phone: "+370 5 200 0002"},
		[]partners.Service{
			{Name: "Emergency rooms", Description: "A room for up to three months while a lease is found.", NeedDomains: []string{"housing"},
				Languages: []string{"lt", "ru", "en"}, Areas: []partners.Area{{Country: "LT", City: "Vilnius"}}, Eligibility: "Adults without a place to stay.", Fees: "Free"},
			{Name: "Rent guarantee", Description: "Pays the deposit and guarantees the first six months of rent.", NeedDomains: []string{"housing", "income"},
				Languages: []string{"lt", "ru"}, Areas: []partners.Area{{Country: "LT"}}, RequiredDocuments: []string{"Lease offer", "Proof of income or a job offer"}},
		}},
	{partners.Partner{Name: "Fundacja Nowy Start", Description: "Grants and psychological support for people rebuilding their lives in Poland.", Website: "https://nowystart.example", Email: "pomoc@nowystart.example"},
		[]partners.Service{
			{Name: "Start grants", Description: "One-off financial aid of up to 2,000 PLN for the first months.", NeedDomains: []string{"income"},
				Languages: []string{"pl", "ru", "uk", "be"}, Areas: []partners.Area{{Country: "PL"}}, ApplicationProcess: "A referral and a short interview.", Fees: "Free"},
			{Name: "Psychological support", Description: "Up to twelve sessions with a psychologist, in person in Warsaw or online.", NeedDomains: []string{"mental_health"},
				Languages: []string{"pl", "ru", "uk", "be"}, Areas: []partners.Area{{Country: "PL", City: "Warszawa"}}, Schedule: "Evenings and Saturdays"},
		}},
	{partners.Partner{Name: "Cesta domů z.s.", Description: "Re-entry support in Prague: housing first, retraining and family-law counselling.", Website: "https://cestadomu.example", Email: "info@cestadomu.example",
		Contacts: []partners.ContactPerson{{Name: "Petra Dvořáková", Title: "Social worker", Email: "petra@cestadomu.example"}, {Name: "Tomáš Král", Title: "Lawyer", Phone: "+420 600 000 301"}}},
		[]partners.Service{
			{Name: "Retraining courses", Description: "Accredited courses: welding, forklift, cooking, basic IT.", NeedDomains: []string{"education", "employment"},
				Languages: []string{"cs"}, Areas: []partners.Area{{Country: "CZ", City: "Praha"}}, Eligibility: "Released within the last two years.", Fees: "Free with a job-centre voucher"},
			{Name: "Housing first", Description: "A flat of one's own with a social worker's support.", NeedDomains: []string{"housing"},
				Languages: []string{"cs"}, Areas: []partners.Area{{Country: "CZ", City: "Praha"}}, RequiredDocuments: []string{"Release certificate", "Identity card"}},
			{Name: "Family-law counselling", Description: "Custody, contact with children, maintenance and divorce.", NeedDomains: []string{"family", "legal_debt"},
				Languages: []string{"cs", "en"}, Areas: []partners.Area{{Country: "CZ"}}, Fees: "Free"},
		}},
	{partners.Partner{Name: "Poradna dluhů Praha", Description: "Debt counselling and insolvency proposals.", Phone: "+420 222 000 400"},
		[]partners.Service{
			{Name: "Debt counselling and insolvency", Description: "A debt review, negotiation with creditors and an insolvency proposal.", NeedDomains: []string{"legal_debt"},
				Languages: []string{"cs", "uk"}, Areas: []partners.Area{{Country: "CZ"}}, Schedule: "Mon–Fri 9:00–16:00", RequiredDocuments: []string{"All letters from creditors"}},
		}},
	{partners.Partner{Name: "Job Bridge Warszawa", Description: "Job placement for refugees and migrants.", Email: "jobs@jobbridge.example"},
		[]partners.Service{
			{Name: "Job placement", Description: "CV, interview practice and introductions to employers who hire without Polish.", NeedDomains: []string{"employment"},
				Languages: []string{"uk", "ru", "en", "pl"}, Areas: []partners.Area{{Country: "PL", City: "Warszawa"}, {Country: "PL", City: "Kraków"}}},
		}},
	{partners.Partner{Name: "Neustart Berlin e.V.", Description: "Counselling for political emigrants in Germany.", Website: "https://neustart.example"},
		[]partners.Service{
			{Name: "Trauma counselling", Description: "Psychological support after imprisonment and torture, online across Germany.", NeedDomains: []string{"mental_health"},
				Languages: []string{"ru", "be", "de"}, Areas: []partners.Area{{Country: "DE"}}},
			{Name: "Family reunion advice", Description: "Visas for family members and family law.", NeedDomains: []string{"family", "documents"},
				Languages: []string{"ru", "de"}, Areas: []partners.Area{{Country: "DE", City: "Berlin"}}, Status: partners.TemporarilyClosed},
		}},
	{partners.Partner{Name: "Tbilisi Shelter Network", Description: "Short stays and help with a first rent in Georgia.", Phone: "+995 32 200 0500"},
		[]partners.Service{
			{Name: "Short-stay shelter", Description: "Up to one month in a shared flat.", NeedDomains: []string{"housing"},
				Languages: []string{"ka", "ru", "en"}, Areas: []partners.Area{{Country: "GE", City: "Tbilisi"}}},
		}},
}

// addDirectory stores the demo directory and returns its organisations in order.
func (j *journey) addDirectory() ([]partners.Partner, error) {
	var out []partners.Partner
	for _, d := range demoDirectory {
		o, err := j.st.CreatePartner(j.ctx, d.org)
		if err != nil {
			return nil, fmt.Errorf("demo organisation %q: %w", d.org.Name, err)
		}
		for _, v := range d.services {
			v.PartnerID = o.ID
			if _, err := j.st.CreateService(j.ctx, v); err != nil {
				return nil, fmt.Errorf("demo service %q: %w", v.Name, err)
			}
		}
		out = append(out, o)
	}
	return out, nil
}

// demoReferral is one referral of the demo: to which service (by name),
// where it ended up, and how many days ago it was sent.
type demoReferral struct {
	service string
	end     partners.Status
	reason  partners.Reason
	days    int
	message string
}

var demoReferrals = []demoReferral{
	{"Legal aid on residence and documents", partners.GotHelp, "", 60, "Needs a residence permit on humanitarian grounds; the first application was refused."},
	{"Debt and fines counselling", partners.InProgress, "", 30, "Fines from Belarus are being collected through a Lithuanian bailiff."},
	{"Legal aid on residence and documents", partners.Sent, "", 12, "The passport expires in two months; asks about a travel document."},
	{"Debt and fines counselling", partners.Accepted, "", 5, "A bank debt from 2019; wants a repayment plan."},
	{"Emergency rooms", partners.Declined, partners.NoCapacity, 40, "Needs a room from next week, for two months."},
	{"Rent guarantee", partners.CouldNotHelp, partners.NotEligible, 50, "Has a lease offer and a job starting next month."},
	{"Start grants", partners.CouldNotHelp, partners.CouldNotReach, 45, "Arrived in Warsaw last month; no income yet."},
	{"Psychological support", partners.CouldNotHelp, partners.MenteeDeclined, 35, "Asks for a psychologist who speaks Belarusian."},
	{"Retraining courses", partners.GotHelp, "", 80, "Wants to train as a welder; worked in a workshop in prison."},
	{"Housing first", partners.Withdrawn, "", 25, "Needs a flat after release; found a room with family meanwhile."},
	{"Debt and fines counselling", partners.Sent, "", 2, "Asks whether the fines can be paid in instalments."},
	{"Job placement", partners.Draft, "", 0, "Looking for warehouse work in Warsaw; speaks Ukrainian and some Polish."},
}

// addReferrals sends the demo referrals from the open cases of the modelled
// programs, each at its moment, and moves them to where they ended up:
// through the partner's portal for the organisation with the demo partner
// user, recorded by the coordinator for the others. The store's clock is
// moved back to each moment.
func (j *journey) addReferrals(orgs []partners.Partner) error {
	services := map[string]partners.Service{}
	for _, o := range orgs {
		list, _, err := j.st.Services(j.ctx, store.ServiceFilter{PartnerID: o.ID, AnyStatus: true}, store.Page{Limit: store.MaxLimit})
		if err != nil {
			return err
		}
		for _, v := range list {
			services[v.Name] = v
		}
	}
	open, _, err := j.st.ListCases(j.ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{j.programs[0].ID, j.programs[1].ID, j.programs[2].ID}},
		State: cases.Active}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	if len(open) == 0 {
		return nil
	}
	coord, partner := j.staff[byCoordinator], j.staff[byPartner]
	// The store's clock follows j.clock again (the applicants left it at
	// the real one), so each referral is sent and answered at its moment.
	j.st.SetClock(func() time.Time { return j.clock })
	defer j.st.SetClock(time.Now)
	next := 0
	for _, d := range demoReferrals {
		v, ok := services[d.service]
		if !ok {
			return fmt.Errorf("demo referral to an unknown service %q", d.service)
		}
		var at time.Time
		var sent partners.Referral
		for tries := 0; tries < len(open); tries++ {
			c := open[next%len(open)]
			next++
			began, err := j.supportBegan(c)
			if err != nil {
				return err
			}
			at = sentAt(j.now, d.days, began)
			j.clock = at
			r := partners.Referral{CaseID: c.ID, ServiceID: v.ID, Domain: firstDomainOf(j.programByID(c.ProgramID).NeedDomains, v.NeedDomains),
				Message: d.message, Share: []partners.Field{partners.Languages, partners.Location}, Channel: partners.Phone, ConsentGiven: d.end != partners.Draft,
				ConsentNote: "In person, at the weekly meeting", CreatedBy: coord.ID, ConsentBy: coord.ID}
			sent, err = j.st.CreateReferral(j.ctx, r, d.end != partners.Draft)
			if err == nil {
				break
			}
			// A mentee who withdrew their consent to sharing gets no referral.
			sent = partners.Referral{}
		}
		if sent.ID == 0 {
			continue
		}
		j.sum.Referrals++
		side, by := partners.SidePartner, coord.ID
		if sent.Channel == partners.Portal {
			by = partner.ID
		}
		moves := referralPath(d.end, d.reason)
		// An answer about a day after the last step, all of them before today.
		step := 26 * time.Hour
		if span := j.now.Sub(at) / time.Duration(len(moves)+1); span < step {
			step = span
		}
		for i, m := range moves {
			j.clock = at.Add(time.Duration(i+1) * step)
			e := partners.Event{ReferralID: sent.ID, Status: m.status, Reason: m.reason, Message: m.message, Side: side, ByUser: by}
			if m.status == partners.Withdrawn {
				e.Side, e.ByUser = partners.SideReferrer, coord.ID
			}
			if m.status == partners.GotHelp {
				e.Outcome = &cases.Outcome{Kind: outcomeFor(d.service), Note: m.message}
			}
			if sent, err = j.st.AddReferralEvent(j.ctx, sent.Version, e); err != nil {
				return fmt.Errorf("demo referral %q to %s: %w", d.service, m.status, err)
			}
		}
	}
	return nil
}

// sentAt is when a referral meant to be sent days ago is sent from a case
// whose support began then: that day (three hours earlier), or, when the
// support began after it, a third of the way from its beginning to today.
func sentAt(now time.Time, days int, began time.Time) time.Time {
	at := now.AddDate(0, 0, -days).Add(-3 * time.Hour).Truncate(time.Minute)
	if at.Before(began) {
		at = began.Add(now.Sub(began) / 3).Truncate(time.Minute)
	}
	return at
}

// supportBegan is when a case's support outside began: the match, or in a
// program with a custody phase the day of release, when that came later
// (what partners answer after it counts as after release).
func (j *journey) supportBegan(c cases.Case) (time.Time, error) {
	began := c.OpenedAt
	if c.ActiveSince != nil {
		began = *c.ActiveSince
	}
	if p := j.programByID(c.ProgramID); p == nil || !p.Custody.Enabled {
		return began, nil
	}
	cu, err := j.st.CaseCustody(j.ctx, c.ID)
	if err != nil {
		return began, fmt.Errorf("demo referral: custody of %s: %w", c.Code, err)
	}
	if cu.ReleasedOn != nil && cu.ReleasedOn.After(began) {
		began = *cu.ReleasedOn
	}
	return began, nil
}

type demoMove struct {
	status  partners.Status
	reason  partners.Reason
	message string
}

// referralPath is the way of a sent referral to its end.
func referralPath(end partners.Status, reason partners.Reason) []demoMove {
	accept := demoMove{partners.Accepted, "", "Received; we will call within the week."}
	switch end {
	case partners.Accepted:
		return []demoMove{accept}
	case partners.InProgress:
		return []demoMove{accept, {partners.InProgress, "", "First meeting held; documents requested from the bailiff."}}
	case partners.GotHelp:
		return []demoMove{accept, {partners.InProgress, "", "Working on it."}, {partners.GotHelp, "", "Done: the result is in the case."}}
	case partners.Declined:
		return []demoMove{{partners.Declined, reason, "Sorry, every room is taken until next month."}}
	case partners.CouldNotHelp:
		msg := map[partners.Reason]string{partners.NotEligible: "The guarantee is only for people without a job offer.",
			partners.CouldNotReach: "Three calls and a message, no answer.", partners.MenteeDeclined: "Preferred to wait for a psychologist who speaks Belarusian."}[reason]
		return []demoMove{accept, {partners.CouldNotHelp, reason, msg}}
	case partners.Withdrawn:
		return []demoMove{{partners.Withdrawn, "", "No longer needed: found a room with family."}}
	}
	return nil
}

func outcomeFor(service string) cases.OutcomeKind {
	switch service {
	case "Retraining courses":
		return cases.RetrainingCompleted
	case "Legal aid on residence and documents":
		return cases.LegalStatusObtained
	}
	return cases.OtherOutcome
}

func firstDomainOf(program, service []string) string {
	for _, d := range service {
		for _, p := range program {
			if d == p {
				return d
			}
		}
	}
	return ""
}
