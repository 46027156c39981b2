package partners

import (
	"slices"
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/program"
)

func fields(err error) map[string]string {
	if e, ok := err.(*errs.Error); ok {
		return e.Fields
	}
	return nil
}

func TestWhoMovesAReferralWhere(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		from Status
		side Side
		to   Status
		ok   bool
	}{
		{Draft, SideReferrer, Withdrawn, true},
		{Draft, SidePartner, Accepted, false},
		{Sent, SidePartner, Accepted, true},
		{Sent, SidePartner, GotHelp, false}, // accepted first
		{Sent, SideReferrer, Accepted, false},
		{Accepted, SidePartner, GotHelp, true},
		{InProgress, SidePartner, CouldNotHelp, true},
		{InProgress, SideReferrer, Withdrawn, true},
		{GotHelp, SideReferrer, Withdrawn, false},
		{Declined, SidePartner, Accepted, false},
		{Withdrawn, SidePartner, Accepted, false},
	} {
		if got := slices.Contains(Next(c.from, c.side), c.to); got != c.ok {
			t.Errorf("%s → %s by the %s: %v, want %v", c.from, c.to, c.side, got, c.ok)
		}
	}
}

func TestEventCheck(t *testing.T) {
	t.Parallel()
	e := Event{Status: CouldNotHelp, Side: SidePartner, Message: "Tried."}
	if f := fields(e.Check(Accepted, program.New())); f["reason"] == "" {
		t.Fatalf("could not help without a reason: %v", f)
	}
	e = Event{Status: Sent, Side: SidePartner}
	if f := fields(e.Check(Sent, program.New())); f["message"] == "" {
		t.Fatalf("an update without a message: %v", f)
	}
	e = Event{Status: GotHelp, Side: SidePartner, Outcome: &cases.Outcome{Kind: "pony"}}
	if f := fields(e.Check(Accepted, program.New())); f["outcome_kind"] == "" {
		t.Fatalf("a bad outcome: %v", f)
	}
	// An outcome's day is the store's to check, against the case's period:
	// a day given here is not refused as if it were in the future.
	e = Event{Status: GotHelp, Side: SidePartner, Outcome: &cases.Outcome{Kind: cases.JobFound, Note: " Hired ",
		OccurredOn: time.Now().AddDate(0, 0, -3)}}
	if err := e.Check(Accepted, program.New()); err != nil || e.Outcome.Note != "Hired" || e.Outcome.OccurredOn.IsZero() {
		t.Fatalf("a dated outcome with the answer: %v %+v", err, e.Outcome)
	}
	e = Event{Status: Accepted, Side: SidePartner, Reason: NoCapacity, Outcome: &cases.Outcome{Kind: cases.JobFound}}
	if err := e.Check(Sent, program.New()); err != nil || e.Reason != NoReason || e.Outcome != nil {
		t.Fatalf("accepting drops the reason and the outcome: %v %+v", err, e)
	}
	if err := (&Event{Status: GotHelp, Side: SidePartner}).Check(Sent, program.New()); !errs.Is(err, errs.KindConflict) {
		t.Fatalf("got help before accepting: %v", err)
	}
}

func TestReferralRules(t *testing.T) {
	t.Parallel()
	r := Referral{ServiceID: 1, Message: " Help ", Channel: Phone, Domain: "housing",
		Share: []Field{Location, "password", HistoryField(cases.Persecution), Languages}}
	r.Normalize()
	if r.Message != "Help" || !slices.Equal(r.Share, []Field{Languages, Location, HistoryField(cases.Persecution), "password"}) {
		t.Fatalf("normalised: %+v", r)
	}
	if f := fields(r.Validate([]string{"income"})); f["share"] == "" || f["domain"] == "" {
		t.Fatalf("a bad field and a domain of no program: %v", f)
	}
	if f := fields(r.ReadyToSend()); f["consent_given"] != "validation.referral_consent" {
		t.Fatalf("sending without consent: %v", f)
	}
	sent := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	r.Status, r.SentAt = Sent, &sent
	if r.Waiting(sent.AddDate(0, 0, 6), 7) || !r.Waiting(sent.AddDate(0, 0, 7), 7) {
		t.Fatal("waiting should start after exactly the reminder days")
	}
	r.Status = Accepted
	if r.Waiting(sent.AddDate(0, 0, 30), 7) {
		t.Fatal("an accepted referral is waiting")
	}
}

func TestDirectoryRules(t *testing.T) {
	t.Parallel()
	v := Service{Name: " Rooms ", Status: "", Languages: []string{"RU", "ru", " uk"}, NeedDomains: []string{"Housing"},
		Areas: ParseAreas("lt vilnius\nLT: Kaunas, PL/Kraków; lt vilnius"), URL: "javascript:alert(1)"}
	v.Normalize()
	if v.Status != Active || !slices.Equal(v.Languages, []string{"ru", "uk"}) || !slices.Equal(v.NeedDomains, []string{"housing"}) {
		t.Fatalf("normalised: %+v", v)
	}
	want := []Area{{"LT", "vilnius"}, {"LT", "Kaunas"}, {"PL", "Kraków"}}
	if !slices.Equal(v.Areas, want) || !slices.Equal(ParseAreas(FormatAreas(v.Areas)), want) {
		t.Fatalf("areas: %+v", v.Areas)
	}
	if f := fields(v.Validate()); f["url"] != "validation.url" || len(f) != 1 {
		t.Fatalf("a javascript: address: %v", f)
	}
	o := Partner{Name: "X", Email: "not an address", Contacts: []ContactPerson{{}, {Name: "Jana", Email: "jana@"}}}
	o.Normalize()
	if f := fields(o.Validate()); f["email"] == "" || f["contacts.0.email"] == "" || len(o.Contacts) != 1 {
		t.Fatalf("organisation: %v %+v", f, o.Contacts)
	}
	if p, ok := (Results{GotHelp: 2, Ended: 3}).SuccessPercent(); !ok || p != 67 {
		t.Fatalf("2 of 3: %d %v", p, ok)
	}
	if _, ok := (Results{Sent: 4, Open: 4}).SuccessPercent(); ok {
		t.Fatal("a share with nothing ended")
	}
}
