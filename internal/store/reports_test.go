package store_test

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/program"
	"homeward/internal/report"
	"homeward/internal/store"
)

// cohort is a small history built by hand, every figure of whose reports
// is worked out below from the dates alone.
type cohort struct {
	s        *store.Store
	opts     store.Options
	a, b     program.Program
	coord    int64
	u1, u2   int64 // mentors' accounts
	caseIDs  map[string]int64
	facility map[string]int64
}

// on is a day of the cohort's history at 10:00 UTC.
func on(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, time.UTC) }

// day is a day at midnight UTC, as days are kept.
func dayOf(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// arg is a time as a raw statement's argument on the engine.
func (c *cohort) arg(t time.Time) any {
	if c.opts.DatabaseURL == "" {
		return t.UTC().Format("2006-01-02 15:04:05.000000+00:00")
	}
	return t
}

func (c *cohort) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if err := store.ExecForTest(context.Background(), c.s, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// steps makes a case's transitions: each step is "state@time" with
// "closed:reason" for closings; a step from closed opens a new period.
type step struct {
	to     cases.State
	reason cases.ClosureReason
	at     time.Time
}

func history(steps ...step) ([]cases.Transition, int) {
	var out []cases.Transition
	period, from := 1, cases.State("")
	for _, s := range steps {
		if from == cases.Closed {
			period++
		}
		out = append(out, cases.Transition{Period: period, From: from, To: s.to, ClosureReason: s.reason, At: s.at})
		from = s.to
	}
	return out, period
}

func newCohort(t *testing.T, opts store.Options) *cohort {
	ctx := context.Background()
	opts.Keyring = keyring(t)
	c := &cohort{s: open(t, opts), opts: opts, caseIDs: map[string]int64{}, facility: map[string]int64{}}
	s := c.s
	now := on(2026, 3, 1)
	s.SetClock(func() time.Time { return now })
	pa := newProgram("Release mentoring")
	pa.Custody.Enabled = true
	pa.MentorCapacity = 5
	pa.ApplicationsOpen = true
	var err error
	if c.a, err = s.CreateProgram(ctx, pa); err != nil {
		t.Fatal(err)
	}
	pb := newProgram("Another program")
	pb.ApplicationsOpen = true
	if c.b, err = s.CreateProgram(ctx, pb); err != nil {
		t.Fatal(err)
	}
	coord, err := s.CreateUser(ctx, auth.User{Email: "coord@example.org", Name: "Coordinator", Role: auth.Coordinator, Programs: []int64{c.a.ID, c.b.ID}})
	if err != nil {
		t.Fatal(err)
	}
	c.coord = coord.ID
	staff := []auth.User{
		{Email: "u1@example.org", Name: "Mentor One", Role: auth.Mentor, Programs: []int64{c.a.ID, c.b.ID}},
		{Email: "u2@example.org", Name: "Mentor Two", Role: auth.Mentor, Programs: []int64{c.a.ID}},
	}
	if err := s.BulkUsers(ctx, staff); err != nil {
		t.Fatal(err)
	}
	c.u1, c.u2 = staff[0].ID, staff[1].ID
	for _, name := range []string{"Pankrác", "Bory"} {
		f, err := s.CreateFacility(ctx, program.Facility{ProgramID: c.a.ID, Name: name, Kind: program.Prison})
		if err != nil {
			t.Fatal(err)
		}
		c.facility[name] = f.ID
	}
	return c
}

// add stores one case of the cohort.
func (c *cohort) add(t *testing.T, code string, prog program.Program, steps []step, fill func(b *store.BulkCase)) {
	t.Helper()
	trans, period := history(steps...)
	last := trans[len(trans)-1]
	b := store.BulkCase{
		Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: code, FullName: "Person " + code, Languages: []string{"cs"}, Country: "CZ"},
			CreatedAt: steps[0].at},
		Case: cases.Case{ProgramID: prog.ID, State: last.To, ClosureReason: last.ClosureReason, Period: period,
			OpenedAt: steps[0].at, StateSince: last.At, CreatedAt: steps[0].at, UpdatedAt: last.At},
		Consents:    []cases.Consent{{Kind: cases.ConsentProcessing, Given: true, RecordedBy: c.coord, RecordedAt: steps[0].at}},
		Transitions: trans,
	}
	for i := range b.Transitions {
		b.Transitions[i].ActorID = c.coord
	}
	if fill != nil {
		fill(&b)
	}
	for _, m := range b.Matches {
		if m.EndedAt == nil {
			b.Case.MentorID = m.MentorID
		}
	}
	batch := []store.BulkCase{b}
	if err := c.s.BulkLoad(context.Background(), batch); err != nil {
		t.Fatalf("case %s: %v", code, err)
	}
	c.caseIDs[code] = batch[0].Case.ID
}

func match(mentor int64, period int, from time.Time, to *time.Time) cases.Match {
	return cases.Match{MentorID: mentor, Period: period, StartedAt: from, EndedAt: to}
}

func ptr[T any](v T) *T { return &v }

func contact(at time.Time, ch cases.Channel, minutes int) cases.Contact {
	return cases.Contact{At: at, Channel: ch, Minutes: minutes, Summary: "Met", CreatedAt: at}
}

func outcome(kind cases.OutcomeKind, period int, occurred, recorded time.Time, afterRelease bool) cases.Outcome {
	return cases.Outcome{Kind: kind, Period: period, OccurredOn: occurred, AfterRelease: &afterRelease, RecordedAt: recorded}
}

// build stores the cohort: five cases of the custody program and one of
// another program that no report of the first may count.
func (c *cohort) build(t *testing.T) {
	// C1 completes in May, is reopened in August and supported again.
	c.add(t, "C1", c.a, []step{
		{cases.Referred, "", on(2025, 1, 10)}, {cases.Intake, "", on(2025, 1, 11)}, {cases.Waiting, "", on(2025, 1, 15)},
		{cases.Matched, "", on(2025, 2, 4)}, {cases.Active, "", on(2025, 2, 5)}, {cases.Closing, "", on(2025, 5, 1)},
		{cases.Closed, cases.Completed, on(2025, 5, 20)},
		{cases.Intake, "", on(2025, 8, 1)}, {cases.Waiting, "", on(2025, 8, 5)}, {cases.Matched, "", on(2025, 8, 20)},
		{cases.Active, "", on(2025, 8, 21)},
	}, func(b *store.BulkCase) {
		b.Matches = []cases.Match{match(c.u1, 1, on(2025, 2, 4), ptr(on(2025, 5, 20))), match(c.u1, 2, on(2025, 8, 20), nil)}
		b.Contacts = []cases.Contact{contact(on(2025, 2, 10), cases.Call, 30), contact(on(2025, 3, 10), cases.Call, 30),
			contact(on(2025, 4, 10), cases.Call, 30), contact(on(2025, 8, 25), cases.InPerson, 0), contact(on(2025, 9, 15), cases.InPerson, 0)}
		b.Outcomes = []cases.Outcome{outcome(cases.JobFound, 1, dayOf(2025, 4, 15), on(2025, 4, 16), true),
			outcome(cases.JobFound, 2, dayOf(2025, 9, 1), on(2025, 9, 1), true)}
		b.FollowUps = []cases.FollowUp{{Period: 1, Months: 6, DueOn: dayOf(2025, 11, 20), DoneAt: ptr(on(2025, 11, 20)),
			WorkKept: cases.Yes, Housing: cases.Yes, Rearrested: cases.No}}
		b.Feedback = &cases.Feedback{Period: 1, Support: 5, Mentor: 5, Plan: 4, Recommend: 5, RecordedAt: on(2025, 5, 15)}
		b.Custody = &cases.Custody{FacilityID: c.facility["Pankrác"], Phase: cases.AfterRelease, ReleasedOn: ptr(dayOf(2025, 3, 1))}
	})
	// C2 withdraws in February, is reopened in March (entering twice in
	// the first half) and completes in October.
	c.add(t, "C2", c.a, []step{
		{cases.Referred, "", on(2025, 2, 1)}, {cases.Intake, "", on(2025, 2, 2)}, {cases.Closed, cases.Withdrawn, on(2025, 2, 20)},
		{cases.Intake, "", on(2025, 3, 10)}, {cases.Waiting, "", on(2025, 3, 12)}, {cases.Matched, "", on(2025, 3, 20)},
		{cases.Active, "", on(2025, 3, 21)}, {cases.Closing, "", on(2025, 9, 10)}, {cases.Closed, cases.Completed, on(2025, 10, 1)},
	}, func(b *store.BulkCase) {
		b.Matches = []cases.Match{match(c.u2, 2, on(2025, 3, 20), ptr(on(2025, 10, 1)))}
		// Recorded in July, backdated to June.
		b.Outcomes = []cases.Outcome{outcome(cases.RetrainingCompleted, 2, dayOf(2025, 6, 20), on(2025, 7, 5), false)}
		b.Feedback = &cases.Feedback{Period: 2, Declined: true, RecordedAt: on(2025, 9, 25)}
	})
	// C3 closed in 2024; its follow-ups come in the year: well at 6
	// months, re-arrested at 12.
	c.add(t, "C3", c.a, []step{
		{cases.Referred, "", on(2024, 1, 5)}, {cases.Intake, "", on(2024, 1, 6)}, {cases.Waiting, "", on(2024, 1, 10)},
		{cases.Matched, "", on(2024, 1, 20)}, {cases.Active, "", on(2024, 1, 21)}, {cases.Closing, "", on(2024, 6, 1)},
		{cases.Closed, cases.Completed, on(2024, 6, 30)},
	}, func(b *store.BulkCase) {
		b.Matches = []cases.Match{match(c.u2, 1, on(2024, 1, 20), ptr(on(2024, 6, 30)))}
		b.Requests = []cases.Request{{Domain: "housing", Urgency: cases.Soon, Text: "A room", Status: cases.RequestOpen,
			CreatedAt: on(2024, 3, 1), UpdatedAt: on(2024, 3, 1)}}
		b.FollowUps = []cases.FollowUp{
			{Period: 1, Months: 6, DueOn: dayOf(2024, 12, 30), DoneAt: ptr(on(2025, 1, 5)), WorkKept: cases.Yes, Housing: cases.Yes, Rearrested: cases.No},
			{Period: 1, Months: 12, DueOn: dayOf(2025, 6, 30), DoneAt: ptr(on(2025, 7, 10)), WorkKept: cases.No, Housing: cases.No, Rearrested: cases.Yes},
		}
	})
	// C4, in custody at Bory, loses contact in August.
	c.add(t, "C4", c.a, []step{
		{cases.Referred, "", on(2025, 5, 1)}, {cases.Intake, "", on(2025, 5, 2)}, {cases.Waiting, "", on(2025, 5, 3)},
		{cases.Matched, "", on(2025, 5, 10)}, {cases.Active, "", on(2025, 5, 11)}, {cases.Closed, cases.LostContact, on(2025, 8, 15)},
	}, func(b *store.BulkCase) {
		b.Matches = []cases.Match{match(c.u1, 1, on(2025, 5, 10), ptr(on(2025, 8, 15)))}
		b.Contacts = []cases.Contact{contact(on(2025, 5, 20), cases.Letter, 0), contact(on(2025, 6, 5), cases.PrisonVisit, 60)}
		b.Outcomes = []cases.Outcome{outcome(cases.FamilyLawHelp, 1, dayOf(2025, 6, 1), on(2025, 6, 1), false)}
		b.Custody = &cases.Custody{FacilityID: c.facility["Bory"], Phase: cases.InCustody}
	})
	// C5 waits for a mentor since June, released from Pankrác on 25 June.
	c.add(t, "C5", c.a, []step{
		{cases.Referred, "", on(2025, 6, 15)}, {cases.Intake, "", on(2025, 6, 16)}, {cases.Waiting, "", on(2025, 6, 20)},
	}, func(b *store.BulkCase) {
		for _, d := range []time.Time{on(2025, 6, 21), on(2025, 6, 22), on(2025, 7, 5)} {
			b.Requests = append(b.Requests, cases.Request{Domain: "housing", Urgency: cases.Soon, Text: "Help", Status: cases.RequestOpen,
				CreatedAt: d, UpdatedAt: d})
		}
		b.Custody = &cases.Custody{FacilityID: c.facility["Pankrác"], Phase: cases.AfterRelease, ReleasedOn: ptr(dayOf(2025, 6, 25))}
	})
	// C6 is in the other program: it has a bit of everything, counted nowhere here.
	c.add(t, "C6", c.b, []step{
		{cases.Referred, "", on(2025, 2, 1)}, {cases.Intake, "", on(2025, 2, 2)}, {cases.Waiting, "", on(2025, 2, 3)},
		{cases.Matched, "", on(2025, 2, 10)}, {cases.Active, "", on(2025, 2, 11)}, {cases.Closed, cases.Transferred, on(2025, 9, 1)},
	}, func(b *store.BulkCase) {
		b.Matches = []cases.Match{match(c.u1, 1, on(2025, 2, 10), ptr(on(2025, 9, 1)))}
		b.Contacts = []cases.Contact{contact(on(2025, 3, 1), cases.Video, 45)}
		b.Outcomes = []cases.Outcome{outcome(cases.JobFound, 1, dayOf(2025, 3, 1), on(2025, 3, 1), false)}
	})

	// Custody (above): C1 and C5 at Pankrác, released on 1 March and 25
	// June; C4 at Bory, still in custody.

	// Referrals: from C1 for work, helped in April; from C4 for housing,
	// sent in June and helped only in July.
	c.exec(t, `INSERT INTO partners (id, hsds_id, name, name_key, created_at, updated_at) VALUES
		(901, 'p-901', 'Work Centre', 'work centre', $1, $1), (902, 'p-902', 'Housing Aid', 'housing aid', $1, $1)`, c.arg(on(2024, 1, 1)))
	c.exec(t, `INSERT INTO services (id, hsds_id, partner_id, name, name_key, status, created_at, updated_at) VALUES
		(911, 's-911', 901, 'Jobs', 'jobs', 'active', $1, $1), (912, 's-912', 902, 'Rooms', 'rooms', 'active', $1, $1)`, c.arg(on(2024, 1, 1)))
	referral := func(id int64, code string, service, partner int64, domain string, sent, helped time.Time) {
		c.exec(t, `INSERT INTO referrals (id, case_id, program_id, service_id, partner_id, domain, message_sealed, status, channel,
			created_at, sent_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'got_help', 'email', $8, $8, $9)`,
			id, c.caseIDs[code], c.a.ID, service, partner, domain, []byte{0}, c.arg(sent), c.arg(helped))
		c.exec(t, `INSERT INTO referral_events (referral_id, from_status, status, side, at) VALUES
			($1, 'draft', 'sent', 'referrer', $2), ($1, 'sent', 'got_help', 'partner', $3)`, id, c.arg(sent), c.arg(helped))
	}
	referral(921, "C1", 911, 901, "employment", on(2025, 3, 5), on(2025, 4, 1))
	referral(922, "C4", 912, 902, "housing", on(2025, 6, 10), on(2025, 7, 15))

	// Mentors: M1 applied in January, accepted in February, trained on
	// 10 February; M2 applied and trained in 2024, accepted in January,
	// retired in September. Another program's mentor counts nowhere.
	ctx := context.Background()
	mentor := func(prog int64, applied, accepted time.Time, retired *time.Time) int64 {
		id, err := c.s.CreateMentorApplication(ctx, applicationFor(prog))
		if err != nil {
			t.Fatal(err)
		}
		var ret any
		if retired != nil {
			ret = c.arg(*retired)
		}
		c.exec(t, `UPDATE mentors SET created_at = $1, accepted_at = $2, retired_at = $3 WHERE id = $4`,
			c.arg(applied), c.arg(accepted), ret, id)
		return id
	}
	m1 := mentor(c.a.ID, on(2025, 1, 3), on(2025, 2, 1), nil)
	m2 := mentor(c.a.ID, on(2024, 12, 1), on(2025, 1, 10), ptr(on(2025, 9, 1)))
	mentor(c.b.ID, on(2025, 3, 3), on(2025, 4, 1), nil)
	c.exec(t, `INSERT INTO training_modules (id, program_id, title, required, hours, created_at, updated_at) VALUES
		(931, $1, 'Basics', `+c.boolean(true)+`, 6, $2, $2), (932, $1, 'Optional', `+c.boolean(false)+`, 2.5, $2, $2)`, c.a.ID, c.arg(on(2024, 1, 1)))
	completion := func(mentorID, module int64, at time.Time) {
		c.exec(t, `INSERT INTO training_completions (mentor_id, module_id, status, confirmed_at) VALUES ($1, $2, 'confirmed', $3)`,
			mentorID, module, c.arg(at))
	}
	completion(m1, 931, on(2025, 2, 10))
	completion(m1, 932, on(2025, 3, 10)) // optional: it does not move the day M1 was trained
	completion(m2, 931, on(2024, 12, 20))
}

func (c *cohort) boolean(b bool) string {
	if c.opts.DatabaseURL != "" {
		return fmt.Sprint(b)
	}
	if b {
		return "1"
	}
	return "0"
}

// TestOutcomeFactsOfACohort checks every figure of the reports of a small
// history for the first half of 2025, the second half and the whole year:
// a reopened case, a person who entered twice, a backdated outcome, a
// withdrawal, a re-arrest at 12 months, outcomes after release, and a case
// of another program that none of them counts.
func TestOutcomeFactsOfACohort(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		c := newCohort(t, opts)
		c.build(t)
		facts := func(from, to time.Time) report.Facts {
			t.Helper()
			f, err := c.s.OutcomeFacts(context.Background(), report.Query{ProgramIDs: []int64{c.a.ID}, From: from, To: to})
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		const h = 1.0 / 24
		want := map[string]report.Facts{
			"first half": {
				Entered:     4,                       // C1, C2 (twice), C4, C5
				Openings:    []int{1, 1, 0, 0, 1, 1}, // C2 in February, the month it first entered
				Completions: []int{0, 0, 0, 0, 1, 0},
				States:      [][]int{{0, 1, 0}, {0, 0, 1}, {0, 0, 2}, {0, 0, 2}, {0, 0, 2}, {0, 1, 2}},
				Closed:      []int{1, 1, 0, 0},
				// C4 9, C2 10 (its second period), C1 25 days; C1 105 days.
				EntryToMatch:  report.Spread{N: 3, Median: 10, P75: 25},
				MatchToClose:  report.Spread{N: 1, Median: 105, P75: 105},
				SupportedDays: 105 + (103 - 10*h) + (52 - 10*h), SupportedCases: 3,
				Contacts:     []int{3, 0, 0, 0, 1, 1},
				ContactHours: 3*0.5 + 1.5 + 1,
				Requests:     2, RequestsBefore: 0,
				Referrals: []report.ReferralCount{{Domain: "employment", PartnerID: 901, PartnerName: "Work Centre", Sent: 1, GotHelp: 1},
					{Domain: "housing", PartnerID: 902, PartnerName: "Housing Aid", Sent: 1, GotHelp: 0}},
				Outcomes: []report.OutcomeCount{{Kind: "family_law_help", People: 1}, {Kind: "job_found", People: 1, AfterRelease: 1},
					{Kind: "retraining_completed", People: 1}},
				FollowUps:     [2]report.FollowUpCount{{Done: 1, WorkKept: 1, HousingKept: 1}, {}},
				Mentors:       report.MentorCount{Applied: 1, Accepted: 2, Trained: 1, Active: 2},
				TrainingHours: 6 + 2.5, TrainingMentors: 1, // M1's two modules
				Feedback:   [][]int{{0, 0, 0, 0, 1}, {0, 0, 0, 0, 1}, {0, 0, 0, 1, 0}, {0, 0, 0, 0, 1}},
				Facilities: []report.FacilityCount{{ID: c.facility["Bory"], Name: "Bory", People: 1}, {ID: c.facility["Pankrác"], Name: "Pankrác", People: 2}},
				InCustody:  1, AfterRelease: 1, Released: 2,
			},
			"second half": {
				Entered:       1, // C1 reopened
				Openings:      []int{0, 1, 0, 0, 0, 0},
				Completions:   []int{0, 0, 0, 1, 0, 0},
				States:        [][]int{{0, 1, 2}, {0, 1, 2}, {0, 1, 2}, {0, 1, 1}, {0, 1, 1}, {0, 1, 1}},
				Closed:        []int{1, 0, 0, 1},
				EntryToMatch:  report.Spread{N: 1, Median: 19, P75: 19},
				MatchToClose:  report.Spread{N: 2, Median: 97, P75: 195},
				SupportedDays: (134 - 10*h) + (92 + 10*h) + (45 + 10*h), SupportedCases: 3,
				Contacts:     []int{0, 0, 2, 0, 0, 0},
				ContactHours: 3,
				Requests:     1, RequestsBefore: 2,
				Outcomes:         []report.OutcomeCount{{Kind: "job_found", People: 1, AfterRelease: 1}},
				FollowUps:        [2]report.FollowUpCount{{Done: 1, WorkKept: 1, HousingKept: 1}, {Done: 1, Rearrested: 1}},
				Mentors:          report.MentorCount{Retired: 1, Active: 2},
				Feedback:         [][]int{{0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}},
				FeedbackDeclined: 1,
				Facilities:       []report.FacilityCount{{ID: c.facility["Bory"], Name: "Bory", People: 1}},
				AfterRelease:     2,
			},
		}
		periods := map[string][2]time.Time{
			"first half":  {dayOf(2025, 1, 1), dayOf(2025, 6, 30)},
			"second half": {dayOf(2025, 7, 1), dayOf(2025, 12, 31)},
		}
		for name, w := range want {
			got := facts(periods[name][0], periods[name][1])
			if math.Abs(got.SupportedDays-w.SupportedDays) > 1e-6 {
				t.Errorf("%s: supported days %v, want %v", name, got.SupportedDays, w.SupportedDays)
			}
			if math.Abs(got.ContactHours-w.ContactHours) > 1e-9 {
				t.Errorf("%s: contact hours %v, want %v", name, got.ContactHours, w.ContactHours)
			}
			got.SupportedDays, got.ContactHours, w.SupportedDays, w.ContactHours = 0, 0, 0, 0
			slices.SortFunc(got.Referrals, func(x, y report.ReferralCount) int { return strings.Compare(x.Domain, y.Domain) })
			slices.SortFunc(got.Outcomes, func(x, y report.OutcomeCount) int { return strings.Compare(x.Kind, y.Kind) })
			if !reflect.DeepEqual(got, w) {
				t.Errorf("%s:\n got %+v\nwant %+v", name, got, w)
			}
		}

		// The whole year counts people once: C1 and C2 entered twice, C1
		// found a job twice.
		year := facts(dayOf(2025, 1, 1), dayOf(2025, 12, 31))
		if year.Entered != 4 || !slices.Equal(year.Closed, []int{2, 1, 0, 1}) {
			t.Errorf("the year: entered %d, closed %v; want 4 and [2 1 0 1]", year.Entered, year.Closed)
		}
		for _, o := range year.Outcomes {
			if o.Kind == "job_found" && (o.People != 1 || o.AfterRelease != 1) {
				t.Errorf("the year: job found %+v, want one person, after release", o)
			}
		}
		// A past period does not change when cases move on: C5 is matched
		// and closed later, and the first half reads the same.
		before := facts(dayOf(2025, 1, 1), dayOf(2025, 6, 30))
		c.exec(t, `INSERT INTO case_transitions (case_id, period, from_state, to_state, closure_reason, reason, at) VALUES
			($1, 1, 'waiting', 'closed', 'withdrawn', 'Moved away', $2)`, c.caseIDs["C5"], c.arg(on(2026, 1, 10)))
		c.exec(t, `UPDATE cases SET state = 'closed', closure_reason = 'withdrawn' WHERE id = $1`, c.caseIDs["C5"])
		after := facts(dayOf(2025, 1, 1), dayOf(2025, 6, 30))
		if !reflect.DeepEqual(before, after) {
			t.Errorf("the first half changed when a case moved on later:\nbefore %+v\n after %+v", before, after)
		}

		// The whole program begins with its oldest case, entered with its
		// history before the program was set up here.
		if start, err := c.s.ReportStart(context.Background(), []int64{c.a.ID}); err != nil || !start.Equal(on(2024, 1, 5)) {
			t.Errorf("the program's reports start at %v (%v), want its oldest case's day", start, err)
		}

		// A report of every program reads the rows without checking each
		// one's program; it counts what checking them would.
		for name, p := range periods {
			q := report.Query{ProgramIDs: []int64{c.a.ID, c.b.ID}, From: p[0], To: p[1]}
			every, err := c.s.OutcomeFacts(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			filtered, err := store.OutcomeFactsFilteredForTest(context.Background(), c.s, q)
			if err != nil {
				t.Fatal(err)
			}
			if !sameFacts(every, filtered) {
				t.Errorf("%s of every program:\n     read %+v\nfiltered %+v", name, every, filtered)
			}
		}

		// A bad query is refused with the field to fix.
		_, err := c.s.OutcomeFacts(context.Background(), report.Query{ProgramIDs: []int64{c.a.ID}, From: dayOf(2025, 2, 1), To: dayOf(2025, 1, 1)})
		wantField(t, "a period ending before it starts", err, errs.KindInvalid, "to", "validation.report_to_before_from")
	})
}

// sameFacts tells whether two reports' facts agree: the days and hours to
// a millionth, the lists in any order, the rest exactly.
func sameFacts(a, b report.Facts) bool {
	if math.Abs(a.SupportedDays-b.SupportedDays) > 1e-6 || math.Abs(a.ContactHours-b.ContactHours) > 1e-6 ||
		math.Abs(a.TrainingHours-b.TrainingHours) > 1e-6 {
		return false
	}
	for _, f := range []*report.Facts{&a, &b} {
		f.SupportedDays, f.ContactHours, f.TrainingHours = 0, 0, 0
		slices.SortFunc(f.Referrals, func(x, y report.ReferralCount) int {
			return cmp.Or(strings.Compare(x.Domain, y.Domain), cmp.Compare(x.PartnerID, y.PartnerID))
		})
		slices.SortFunc(f.Outcomes, func(x, y report.OutcomeCount) int { return strings.Compare(x.Kind, y.Kind) })
	}
	return reflect.DeepEqual(a, b)
}
