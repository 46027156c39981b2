package store_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/mentors"
	"homeward/internal/partners"
	"homeward/internal/program"
	"homeward/internal/store"
)

// bulkCases makes n active cases of a program, each with contacts contacts
// (summaries unique to the case and the contact), a request, two current
// needs (one reassessed) and a plan step, supported by mentors in turn.
func bulkCases(n, contacts int, prog program.Program, coord int64, mentors []int64, now time.Time) []store.BulkCase {
	out := make([]store.BulkCase, n)
	for i := range out {
		opened := now.Add(-time.Duration(60+i%30) * 24 * time.Hour)
		match := opened.Add(10 * 24 * time.Hour)
		b := &out[i]
		b.Mentee = cases.Mentee{
			Profile: cases.Profile{
				CaseCode:  fmt.Sprintf("BK-%05d", i),
				FullName:  fmt.Sprintf("Bulk Person%05d Kavalenka", i),
				BirthYear: 1980 + i%20,
				Languages: []string{"be", "ru"},
				Country:   "LT",
				City:      "Vilnius",
			},
			CreatedAt: opened,
		}
		b.Case = cases.Case{ProgramID: prog.ID, State: cases.Active, MentorID: mentors[i%len(mentors)], OpenedAt: opened,
			StateSince: match.Add(time.Hour), ActiveSince: &match, CreatedAt: opened, UpdatedAt: now}
		b.Consents = []cases.Consent{{Kind: cases.ConsentProcessing, Given: true, RecordedBy: coord, RecordedAt: opened}}
		b.Transitions = []cases.Transition{
			{To: cases.Referred, At: opened, ActorID: coord},
			{From: cases.Referred, To: cases.Intake, At: opened.Add(time.Hour), ActorID: coord},
			{From: cases.Intake, To: cases.Waiting, At: opened.Add(48 * time.Hour), ActorID: coord},
			{From: cases.Waiting, To: cases.Matched, At: match, ActorID: coord},
			{From: cases.Matched, To: cases.Active, At: match.Add(time.Hour), ActorID: coord},
		}
		b.Matches = []cases.Match{{MentorID: b.Case.MentorID, StartedAt: match, AssignedBy: coord}}
		first := cases.Need{Domain: "housing", Severity: cases.Critical, Status: cases.NotStarted, AssessedBy: coord, AssessedAt: opened.Add(time.Hour)}
		b.Needs = []cases.Need{
			{Domain: "housing", Severity: cases.High, Status: cases.InProgress, AssessedBy: coord, AssessedAt: match.Add(30 * 24 * time.Hour), Previous: &first},
			{Domain: "documents", Severity: cases.Medium, Status: cases.NotStarted, AssessedBy: coord, AssessedAt: opened.Add(time.Hour)},
		}
		due := match.Add(14 * 24 * time.Hour)
		b.PlanSteps = []cases.PlanStep{{Title: "Find a room", Domain: "housing", Owner: cases.OwnerMentee, DueOn: &due,
			Status: cases.StepOpen, CreatedAt: match, UpdatedAt: match}}
		for k := range contacts {
			at := match.Add(time.Duration(k*(i%5+2)) * 24 * time.Hour)
			b.Contacts = append(b.Contacts, cases.Contact{At: at, Channel: cases.Call, Minutes: 20,
				Summary: fmt.Sprintf("Bulk summary of case %d contact %d", i, k), Needs: []string{"housing"},
				RecordedBy: b.Case.MentorID, CreatedAt: at})
		}
		raised := match.Add(time.Duration(i%20) * 24 * time.Hour)
		b.Requests = []cases.Request{{Domain: "documents", Urgency: cases.Soon, Text: fmt.Sprintf("Bulk request of case %d", i),
			Status: cases.RequestOpen, RecordedBy: b.Case.MentorID, CreatedAt: raised, UpdatedAt: raised}}
	}
	return out
}

// A bulk load writes what the store's own calls would: every read gives
// the generated values back, sealed fields open, the signals follow the
// cadence, the blind index finds the names, and the store's own writes go
// on after it (ids continue, the audit chain holds).
func TestBulkLoadReadsBack(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		opts.Keyring = keyring(t)
		s := open(t, opts)
		now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		prog, err := s.CreateProgram(ctx, newProgram("Bulk program"))
		if err != nil {
			t.Fatal(err)
		}
		prog.MentorCapacity = 20
		if prog, err = s.UpdateProgram(ctx, prog); err != nil {
			t.Fatal(err)
		}
		coord, err := s.CreateUser(ctx, auth.User{Email: "coord@example.org", Name: "Coordinator", Role: auth.Coordinator, Programs: []int64{prog.ID}})
		if err != nil {
			t.Fatal(err)
		}
		staff := make([]auth.User, 30)
		for i := range staff {
			staff[i] = auth.User{Email: fmt.Sprintf("Mentor%02d@Example.org", i), Name: fmt.Sprintf("Mentor %02d", i), Role: auth.Mentor, Programs: []int64{prog.ID}}
		}
		if err := s.BulkUsers(ctx, staff); err != nil {
			t.Fatal(err)
		}
		var mentors []int64
		for _, u := range staff {
			mentors = append(mentors, u.ID)
		}
		choices, err := s.ProgramMentors(ctx, prog.ID)
		if err != nil || len(choices) != 30 || choices[0].User.Status != auth.StatusActive {
			t.Fatalf("bulk mentors as the program sees them: %d %v", len(choices), err)
		}
		if _, _, err := s.UserForLogin(ctx, "mentor07@example.org"); err != nil {
			t.Errorf("a bulk user is not found by the folded email: %v", err)
		}

		all := bulkCases(500, 10, prog, coord.ID, mentors, now)
		for lo := 0; lo < len(all); lo += 250 { // 2,500 contacts a batch: three statements, the last one short
			if err := s.BulkLoad(ctx, all[lo:lo+250]); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Analyze(ctx); err != nil {
			t.Fatal(err)
		}

		for _, i := range []int{0, 1, 249, 250, 499} {
			b := all[i]
			c, err := s.GetCase(ctx, b.Case.ID)
			if err != nil {
				t.Fatal(err)
			}
			lastContact := b.Contacts[len(b.Contacts)-1].At
			want := b.Case
			want.LastContactAt, want.LastRequestAt = &lastContact, &b.Requests[0].CreatedAt
			due, quiet := cases.Due(prog, want)
			if c.Code != b.Mentee.CaseCode || c.MenteeID != b.Mentee.ID || c.State != cases.Active || c.MentorID != b.Case.MentorID ||
				c.MentorName != fmt.Sprintf("Mentor %02d", i%30) || !c.ActiveSince.Equal(*b.Case.ActiveSince) ||
				c.LastContactAt == nil || !c.LastContactAt.Equal(lastContact) || c.ContactDueAt == nil || !c.ContactDueAt.Equal(*due) ||
				c.QuietAt == nil || !c.QuietAt.Equal(*quiet) || !c.OpenedAt.Equal(b.Case.OpenedAt) || c.Period != 1 || c.Version != 1 {
				t.Errorf("case %d read back as %+v", i, c)
			}
			got, next, err := s.Contacts(ctx, c.ID, store.Page{Limit: 4})
			if err != nil || len(got) != 4 || next == "" {
				t.Fatalf("contacts of case %d: %d %q %v", i, len(got), next, err)
			}
			if got[0].Summary != fmt.Sprintf("Bulk summary of case %d contact 9", i) || !got[0].At.Equal(lastContact) ||
				got[0].RecordedBy != b.Case.MentorID || fmt.Sprint(got[0].Needs) != "[housing]" || got[3].Summary != fmt.Sprintf("Bulk summary of case %d contact 6", i) {
				t.Errorf("contacts of case %d: %+v", i, got)
			}
			reqs, err := s.Requests(ctx, c.ID)
			if err != nil || len(reqs) != 1 || reqs[0].Text != fmt.Sprintf("Bulk request of case %d", i) || reqs[0].Version != 1 {
				t.Errorf("requests of case %d: %+v %v", i, reqs, err)
			}
			needs, err := s.CurrentNeeds(ctx, c.ID)
			if err != nil || len(needs) != 2 || needs[0].Domain != "housing" || needs[0].Previous == nil ||
				needs[0].Previous.Severity != cases.Critical || needs[0].AssessedByName != "Coordinator" {
				t.Errorf("needs of case %d: %+v %v", i, needs, err)
			}
			steps, err := s.PlanSteps(ctx, c.ID)
			if err != nil || len(steps) != 1 || steps[0].Title != "Find a room" {
				t.Errorf("plan of case %d: %+v %v", i, steps, err)
			}
			m, err := s.GetMentee(ctx, b.Mentee.ID)
			if err != nil || m.FullName != b.Mentee.FullName || m.CaseCode != b.Mentee.CaseCode || fmt.Sprint(m.Languages) != "[be ru]" {
				t.Errorf("mentee of case %d: %+v %v", i, m, err)
			}
			trans, err := s.CaseTransitions(ctx, c.ID)
			if err != nil || len(trans) != 5 || trans[4].To != cases.Active {
				t.Errorf("transitions of case %d: %+v %v", i, trans, err)
			}
		}
		dups, err := s.FindDuplicates(ctx, cases.Mentee{Profile: cases.Profile{FullName: "Person00250", BirthYear: 1990}}, store.CaseScope{ProgramIDs: []int64{prog.ID}})
		if err != nil || len(dups) != 1 || dups[0].Mentee.ID != all[250].Mentee.ID {
			t.Errorf("the blind index does not find a bulk name: %+v %v", dups, err)
		}
		found, _, err := s.ListCases(ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{prog.ID}}, Query: "person0025"}, store.Page{Limit: 100})
		if err != nil || len(found) != 10 {
			t.Errorf("a search by part of a bulk name found %d (want Person00250 to Person00259): %v", len(found), err)
		}
		page, _, err := s.ListCases(ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{prog.ID}}, State: cases.Active,
			MentorID: mentors[3], Need: "documents"}, store.Page{Limit: 100})
		if err != nil || len(page) != 500/30+1 {
			t.Errorf("the case list over bulk cases: %d %v", len(page), err)
		}

		// The store's own calls continue where the bulk load ended.
		later := all[499]
		c, err := s.AddContact(ctx, cases.Contact{CaseID: later.Case.ID, At: now, Channel: cases.Video, Summary: "After the bulk"})
		if err != nil || c.ID <= later.Contacts[9].ID {
			t.Errorf("a contact after the bulk load: id %d after %d, %v", c.ID, later.Contacts[9].ID, err)
		}
		m, nc, err := s.CreateIntake(ctx, store.Intake{Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: "AFTER-1", FullName: "After Bulk"}}, ProgramID: prog.ID, ActorID: coord.ID})
		if err != nil || m.ID <= later.Mentee.ID || nc.ID <= later.Case.ID {
			t.Errorf("an intake after the bulk load: %+v %+v %v", m, nc, err)
		}
		if _, err := s.VerifyAudit(ctx); err != nil {
			t.Errorf("audit chain after the bulk load: %v", err)
		}
		if opts.DataDir != "" {
			s.Close()
			for _, name := range []string{store.SQLiteFile, store.SQLiteFile + "-wal"} {
				b, _ := os.ReadFile(filepath.Join(opts.DataDir, name))
				for _, secret := range []string{"Bulk summary of case 7 contact", "Bulk request of case", "Person00250"} {
					if bytes.Contains(b, []byte(secret)) {
						t.Errorf("%s holds %q in clear", name, secret)
					}
				}
			}
		}
	})
}

// A bad batch writes nothing; bulk loading needs the keyring; a taken
// email refuses the whole batch of users.
func TestBulkLoadRefusals(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		plain := open(t, opts)
		prog, err := plain.CreateProgram(ctx, newProgram("Refusals"))
		if err != nil {
			t.Fatal(err)
		}
		users := []auth.User{{Email: "a@example.org", Role: auth.Mentor, Programs: []int64{prog.ID}}}
		if err := plain.BulkUsers(ctx, users); err != nil {
			t.Fatal(err)
		}
		now := plain.Now()
		batch := bulkCases(3, 2, prog, users[0].ID, []int64{users[0].ID}, now)
		if err := plain.BulkLoad(ctx, batch); err != store.ErrNoKeyring {
			t.Errorf("bulk load without a keyring: %v, want ErrNoKeyring", err)
		}
		plain.Close()

		opts.Keyring = keyring(t)
		s := open(t, opts)
		batch = bulkCases(3, 2, prog, users[0].ID, []int64{users[0].ID}, now)
		batch[2].Mentee.CaseCode = "bad code"
		if err := s.BulkLoad(ctx, batch); errs.As(err).Kind != errs.KindInvalid {
			t.Errorf("a batch with a bad case code: %v, want invalid", err)
		}
		batch = bulkCases(3, 2, prog, users[0].ID, []int64{users[0].ID}, now)
		batch[1].Mentee.CaseCode = batch[0].Mentee.CaseCode
		if err := s.BulkLoad(ctx, batch); errs.As(err).Kind != errs.KindConflict {
			t.Errorf("a batch with a repeated case code: %v, want a conflict", err)
		}
		if list, _, err := s.ListCases(ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{prog.ID}}}, store.Page{}); err != nil || len(list) != 0 {
			t.Errorf("refused batches left %d cases (%v)", len(list), err)
		}
		more := []auth.User{{Email: "b@example.org", Role: auth.Mentor}, {Email: "A@example.org", Role: auth.Mentor}}
		if err := s.BulkUsers(ctx, more); errs.As(err).Fields["email"] != "validation.email_taken" {
			t.Errorf("bulk users with a taken email: %v", err)
		}
		if _, _, err := s.UserForLogin(ctx, "b@example.org"); errs.As(err).Kind != errs.KindNotFound {
			t.Errorf("a refused batch of users left b@example.org: %v", err)
		}
	})
}

// bulkHistory is a directory, a custody program with a facility and a
// mentor for TestBulkLoadHistory.
type bulkHistory struct {
	prog, other         program.Program
	facility, elsewhere program.Facility
	portal, phone       partners.Service // a partner with a partner user, one without
	partnerUser, coord  int64
	mentor, mentorLater int64
	module              int64
	now                 time.Time
}

func newBulkHistory(t *testing.T, s *store.Store) bulkHistory {
	t.Helper()
	ctx := context.Background()
	var h bulkHistory
	h.now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return h.now })
	p := newProgram("Release mentoring")
	p.Custody.Enabled = true
	var err error
	if h.prog, err = s.CreateProgram(ctx, p); err != nil {
		t.Fatal(err)
	}
	if h.other, err = s.CreateProgram(ctx, newProgram("Neighbours")); err != nil {
		t.Fatal(err)
	}
	if h.facility, err = s.CreateFacility(ctx, program.Facility{ProgramID: h.prog.ID, Name: "Prison A", Kind: program.Prison}); err != nil {
		t.Fatal(err)
	}
	custody := newProgram("Other custody")
	custody.Custody.Enabled = true
	c2, err := s.CreateProgram(ctx, custody)
	if err != nil {
		t.Fatal(err)
	}
	if h.elsewhere, err = s.CreateFacility(ctx, program.Facility{ProgramID: c2.ID, Name: "Prison B", Kind: program.Prison}); err != nil {
		t.Fatal(err)
	}
	for i, v := range []*partners.Service{&h.portal, &h.phone} {
		o, err := s.CreatePartner(ctx, partners.Partner{Name: fmt.Sprintf("Partner %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		domain := []string{"housing", "legal_debt"}[i]
		if *v, err = s.CreateService(ctx, partners.Service{PartnerID: o.ID, Name: "Service " + domain, Status: partners.Active,
			NeedDomains: []string{domain}, Languages: []string{"cs"}, Areas: []partners.Area{{Country: "CZ"}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateService(ctx, partners.Service{PartnerID: h.phone.PartnerID, Name: "Closed service", Status: partners.TemporarilyClosed,
		NeedDomains: []string{"housing"}}); err != nil {
		t.Fatal(err)
	}
	pu, err := s.CreateUser(ctx, auth.User{Email: "partner@example.org", Name: "Partner user", Role: auth.Partner, PartnerID: h.portal.PartnerID})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(ctx, pu.ID, "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"); err != nil {
		t.Fatal(err)
	}
	h.partnerUser = pu.ID
	coord := []auth.User{{Email: "coord@example.org", Name: "Coordinator", Role: auth.Coordinator, Programs: []int64{h.prog.ID, h.other.ID}}}
	if err := s.BulkUsers(ctx, coord); err != nil {
		t.Fatal(err)
	}
	h.coord = coord[0].ID
	mod, err := s.CreateModule(ctx, mentors.Module{ProgramID: h.prog.ID, Title: "Prison visits", Required: true})
	if err != nil {
		t.Fatal(err)
	}
	h.module = mod.ID
	return h
}

// bulkApplicant is a mentor's application for a bulk mentor.
func bulkApplicant(programID int64, name, email string) mentors.Application {
	return mentors.Application{ProgramID: programID, FullName: name, Email: email, Motivation: "I want to help.",
		Languages: []string{"cs"}, Country: "CZ", City: "Brno", HoursPerWeek: 3, Times: []string{"weekends"}}
}

// A bulk case may hold a year of history: a first period completed and a
// second after reopening, custody with a release, outcomes before and
// after it, referrals with their timelines (one got help, its outcome
// linked both ways), follow-ups, closings and feedback of each period; a
// person's second case in another program; mentors from application to
// retirement. Every read gives it back as the store's own calls would
// have written it.
func TestBulkLoadHistory(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		opts.Keyring = keyring(t)
		s := open(t, opts)
		h := newBulkHistory(t, s)
		d := func(days int) time.Time { return h.now.AddDate(0, 0, -400+days) }
		ptr := func(t time.Time) *time.Time { return &t }

		// Mentors: accepted from an application, retired, rejected, made from an account.
		applied, accepted := d(-60), d(-30)
		ms := []store.BulkMentor{
			{ProgramID: h.prog.ID, Stage: mentors.StageAccepted, Origin: mentors.FromApplication, AppliedAt: applied,
				Application: bulkApplicant(h.prog.ID, "Eva Malá", "eva@example.org"), Account: auth.User{Email: "eva@example.org", Name: "Eva Malá"},
				AcceptedAt: &accepted, Checks: nil,
				Completions: []mentors.Completion{{ModuleID: h.module, Status: mentors.Confirmed, ConfirmedBy: h.coord, ConfirmedAt: ptr(d(-20))}}},
			{ProgramID: h.prog.ID, Stage: mentors.StageRetired, Origin: mentors.FromApplication, AppliedAt: applied,
				Application: bulkApplicant(h.prog.ID, "Jan Král", "jan@example.org"), Account: auth.User{Email: "jan@example.org", Name: "Jan Král"},
				AcceptedAt: &accepted, RetiredAt: ptr(d(100))},
			{ProgramID: h.prog.ID, Stage: mentors.StageRejected, Origin: mentors.FromApplication, AppliedAt: d(200),
				Application: bulkApplicant(h.prog.ID, "Igor Belov", "igor@example.org")},
			{ProgramID: h.prog.ID, Stage: mentors.StageAccepted, Origin: mentors.FromAccount, AppliedAt: d(250), AcceptedAt: ptr(d(250)),
				Account: auth.User{Email: "petra@example.org", Name: "Petra Nová"},
				Checks:  []mentors.Check{{Kind: "background_check", Result: mentors.Passed, DoneOn: d(249), ExpiresOn: ptr(d(249).AddDate(3, 0, 0)), RecordedBy: h.coord, RecordedAt: d(250)}}},
		}
		if err := s.BulkMentors(ctx, ms); err != nil {
			t.Fatal(err)
		}
		h.mentor, h.mentorLater = ms[0].Account.ID, ms[3].Account.ID
		for i, want := range []struct {
			stage    mentors.Stage
			origin   mentors.Origin
			account  bool
			pipeline mentors.Pipeline
		}{{mentors.StageAccepted, mentors.FromApplication, true, mentors.PipelineReady}, {mentors.StageRetired, mentors.FromApplication, true, mentors.PipelineRetired},
			{mentors.StageRejected, mentors.FromApplication, false, mentors.PipelineRejected}, {mentors.StageAccepted, mentors.FromAccount, true, mentors.PipelineTraining}} {
			st, err := s.GetMentor(ctx, ms[i].ID)
			m := st.Mentor
			if err != nil || m.Stage != want.stage || m.Origin != want.origin || (m.UserID != 0) != want.account || st.Pipeline != want.pipeline ||
				!m.AppliedAt.Equal(ms[i].AppliedAt) || fmt.Sprint(m.AcceptedAt) != fmt.Sprint(ms[i].AcceptedAt) || fmt.Sprint(m.RetiredAt) != fmt.Sprint(ms[i].RetiredAt) {
				t.Errorf("bulk mentor %d read back as %+v (%v)", i, st, err)
			}
		}
		if a, err := s.MentorApplication(ctx, ms[0].ID); err != nil || a.FullName != "Eva Malá" || a.Email != "eva@example.org" || a.Motivation != "I want to help." {
			t.Errorf("a bulk mentor's application: %+v %v", a, err)
		}
		if u, _, err := s.UserForLogin(ctx, "EVA@example.org"); err != nil || u.Status != auth.StatusActive || !u.CreatedAt.Equal(accepted) {
			t.Errorf("a bulk mentor's account: %+v %v", u, err)
		}
		if tr, err := s.MentorTraining(ctx, ms[0].ID); err != nil || len(tr) != 1 || tr[0].Completion.Status != mentors.Confirmed {
			t.Errorf("a bulk mentor's training: %+v %v", tr, err)
		}

		services, err := s.BulkServices(ctx)
		if err != nil || len(services) != 2 || services[0].ID != h.portal.ID || services[0].PartnerUser != h.partnerUser ||
			services[1].PartnerUser != 0 || fmt.Sprint(services[1].Domains, services[1].Countries) != "[legal_debt] [CZ]" {
			t.Errorf("bulk services: %+v %v", services, err)
		}

		// The case: referred, completed after a release, reopened, active.
		closed, reopened, released := d(220), d(300), cases.Day(d(100))
		first := cases.Need{Domain: "housing", Severity: cases.Critical, Status: cases.NotStarted, AssessedBy: h.coord, AssessedAt: d(4)}
		var b store.BulkCase
		b.Mentee = cases.Mentee{Profile: cases.Profile{CaseCode: "HIST-1", FullName: "Karel Dvořák", Languages: []string{"cs"}, Country: "CZ", City: "Praha"}, CreatedAt: d(0)}
		b.Case = cases.Case{ProgramID: h.prog.ID, State: cases.Active, MentorID: h.mentorLater, OpenedAt: reopened, StateSince: d(315),
			ActiveSince: ptr(d(310)), CreatedAt: d(0), UpdatedAt: d(331)}
		b.Consents = []cases.Consent{{Kind: cases.ConsentProcessing, Given: true, RecordedBy: h.coord, RecordedAt: d(1)},
			{Kind: cases.ConsentPartners, Given: true, RecordedBy: h.coord, RecordedAt: d(1)}}
		tr := func(days int, from, to cases.State) cases.Transition {
			return cases.Transition{From: from, To: to, At: d(days), ActorID: h.coord}
		}
		b.Transitions = []cases.Transition{tr(0, "", cases.Referred), tr(1, cases.Referred, cases.Intake), tr(10, cases.Intake, cases.Waiting),
			tr(20, cases.Waiting, cases.Matched), tr(25, cases.Matched, cases.Active), tr(200, cases.Active, cases.Closing),
			tr(220, cases.Closing, cases.Closed), tr(300, cases.Closed, cases.Intake), tr(305, cases.Intake, cases.Waiting),
			tr(310, cases.Waiting, cases.Matched), tr(315, cases.Matched, cases.Active)}
		b.Transitions[6].ClosureReason = cases.Completed
		b.Matches = []cases.Match{{MentorID: h.mentor, StartedAt: d(20), AssignedBy: h.coord, EndedAt: &closed, EndReason: "closed: completed"},
			{MentorID: h.mentorLater, StartedAt: d(310), AssignedBy: h.coord}}
		b.Needs = []cases.Need{{Domain: "housing", Severity: cases.High, Status: cases.NotStarted, AssessedBy: h.coord, AssessedAt: d(302), Previous: &first}}
		b.PlanSteps = []cases.PlanStep{{Title: "Find a room", Domain: "housing", Owner: cases.OwnerMentee, Status: cases.StepDone, DoneAt: ptr(d(40)), CreatedAt: d(25), UpdatedAt: d(40)},
			{Title: "Find a room again", Domain: "housing", Owner: cases.OwnerMentee, Status: cases.StepOpen, CreatedAt: d(315), UpdatedAt: d(315)}}
		b.Contacts = []cases.Contact{{At: d(30), Channel: cases.PrisonVisit, Minutes: 60, Summary: "Visit", RecordedBy: h.mentor, CreatedAt: d(30)},
			{At: d(330), Channel: cases.Letter, Summary: "Letter", RecordedBy: h.mentorLater, CreatedAt: d(330)}}
		b.Requests = []cases.Request{{Domain: "housing", Urgency: cases.Soon, Text: "A room", Status: cases.RequestResolved, Resolution: "Found",
			RecordedBy: h.mentor, CreatedAt: d(30), UpdatedAt: d(35), ResolvedAt: ptr(d(35))},
			{Domain: "housing", Urgency: cases.Urgent, Text: "A room again", Status: cases.RequestOpen, RecordedBy: h.mentorLater, CreatedAt: d(320), UpdatedAt: d(320)}}
		b.PastClosings = []cases.ClosingSteps{{Period: 1, ReadinessAskedAt: ptr(d(200)), ReadinessAskedBy: h.coord, AgreedAt: ptr(d(205)), AgreedBy: h.coord,
			FinalMeetingAt: ptr(d(210)), FinalMeetingBy: h.coord, ClosedAt: &closed, ClosureReason: cases.Completed}}
		b.PastFeedback = []cases.Feedback{{Period: 1, Support: 5, Mentor: 4, Plan: 0, Recommend: 5, RecordedBy: h.coord, RecordedAt: d(215)}}
		b.Outcomes = []cases.Outcome{{Kind: cases.RetrainingCompleted, OccurredOn: cases.Day(d(60)), RecordedBy: h.coord, RecordedAt: closed},
			{Kind: cases.JobFound, OccurredOn: cases.Day(d(150)), RecordedBy: h.coord, RecordedAt: closed},
			{Kind: cases.DebtCaseClosed, OccurredOn: cases.Day(d(330)), RecordedBy: h.coord, RecordedAt: d(331)}}
		b.FollowUps = []cases.FollowUp{{Period: 1, Months: 6, DueOn: cases.FollowUpDue(closed, 6), DoneAt: ptr(d(225).AddDate(0, 6, 0)),
			WorkKept: cases.Yes, Housing: cases.Yes, Rearrested: cases.Yes, RecordedBy: h.coord}, {Period: 1, Months: 12, DueOn: cases.FollowUpDue(closed, 12)}}
		b.Custody = &cases.Custody{FacilityID: h.facility.ID, FacilityDetail: "Unit A", ExpectedRelease: &released, ReleasedOn: &released,
			Phase: cases.AfterRelease, ReleasePlan: cases.ReleasePlan{Pickup: "The mentor"}}
		ev := func(days int, status partners.Status, side partners.Side, by int64) partners.Event {
			return partners.Event{Status: status, Side: side, ByUser: by, At: d(days), Message: "at " + string(status)}
		}
		helped := ev(326, partners.GotHelp, partners.SidePartner, h.partnerUser)
		helped.Outcome = &cases.Outcome{Kind: cases.HousingSecured, Note: "A flat"}
		declined := ev(42, partners.Declined, partners.SidePartner, h.coord)
		declined.Reason = partners.NoCapacity
		b.Referrals = []store.BulkReferral{
			{Referral: partners.Referral{ServiceID: h.portal.ID, Domain: "housing", Message: "Needs a flat", Share: []partners.Field{partners.Languages, partners.Location},
				Channel: partners.Phone, ConsentBy: h.coord, CreatedBy: h.mentorLater},
				Events: []partners.Event{ev(316, partners.Draft, partners.SideReferrer, h.mentorLater), ev(316, partners.Sent, partners.SideReferrer, h.coord),
					ev(317, partners.Accepted, partners.SidePartner, h.partnerUser), ev(319, partners.InProgress, partners.SidePartner, h.partnerUser), helped}},
			{Referral: partners.Referral{ServiceID: h.phone.ID, Domain: "legal_debt", Message: "Debts", Share: []partners.Field{partners.FullName},
				Channel: partners.Email, ConsentBy: h.coord, ConsentNote: "Agreed at the visit", CreatedBy: h.coord},
				Events: []partners.Event{ev(40, partners.Draft, partners.SideReferrer, h.coord), ev(40, partners.Sent, partners.SideReferrer, h.coord), declined}},
		}
		batch := []store.BulkCase{b}
		if err := s.BulkLoad(ctx, batch); err != nil {
			t.Fatal(err)
		}
		b = batch[0]
		id := b.Case.ID
		c, err := s.GetCase(ctx, id)
		if err != nil || c.Period != 2 || !c.OpenedAt.Equal(reopened) || !c.CreatedAt.Equal(d(0)) || c.State != cases.Active ||
			c.LastContactAt == nil || !c.LastContactAt.Equal(d(330)) {
			t.Errorf("the reopened case read back as %+v (%v)", c, err)
		}
		trans, err := s.CaseTransitions(ctx, id)
		var periods []int
		for _, x := range trans {
			periods = append(periods, x.Period)
		}
		if err != nil || fmt.Sprint(periods) != "[1 1 1 1 1 1 1 2 2 2 2]" || trans[6].ClosureReason != cases.Completed {
			t.Errorf("transitions by period: %v %v", periods, err)
		}
		if m, err := s.CaseMatches(ctx, id); err != nil || len(m) != 2 || m[0].Period+m[1].Period != 3 {
			t.Errorf("matches: %+v %v", m, err)
		}
		// The period of what has none of its own comes from its time.
		db := s.Pools()["read"]
		if db == nil {
			db = s.Pools()["main"]
		}
		for table, want := range map[string]string{"requests": "1,2", "needs": "1,2", "plan_steps": "1,2", "outcomes": "1,1,2,2"} {
			rows, err := db.QueryContext(ctx, `SELECT period FROM `+table+` WHERE case_id = $1 ORDER BY id`, id)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for rows.Next() {
				var p int
				if err := rows.Scan(&p); err != nil {
					t.Fatal(err)
				}
				got = append(got, fmt.Sprint(p))
			}
			rows.Close()
			if strings.Join(got, ",") != want {
				t.Errorf("periods of %s: %v, want %s", table, got, want)
			}
		}
		cu, err := s.CaseCustody(ctx, id)
		if err != nil || cu.FacilityID != h.facility.ID || cu.FacilityName != "Prison A" || cu.FacilityDetail != "Unit A" || cu.Phase != cases.AfterRelease ||
			cu.ReleasedOn == nil || !cu.ReleasedOn.Equal(released) || cu.ReleasePlan.Pickup != "The mentor" {
			t.Errorf("custody: %+v %v", cu, err)
		}
		// Outcomes: before the release not after it, after it after it; the
		// referral's linked both ways.
		outs, err := s.Outcomes(ctx, id)
		after := map[cases.OutcomeKind]bool{}
		for _, o := range outs {
			after[o.Kind] = o.Released()
		}
		if err != nil || len(outs) != 4 || after[cases.RetrainingCompleted] || !after[cases.JobFound] || !after[cases.DebtCaseClosed] || !after[cases.HousingSecured] {
			t.Errorf("outcomes: %+v %v", outs, err)
		}
		r, err := s.GetReferral(ctx, b.Referrals[0].Referral.ID)
		if err != nil || r.Status != partners.GotHelp || r.Channel != partners.Portal || r.PartnerID != h.portal.PartnerID || r.Version != 5 ||
			r.SentAt == nil || !r.SentAt.Equal(d(316)) || r.AnsweredAt == nil || !r.AnsweredAt.Equal(d(317)) || r.Message != "Needs a flat" ||
			r.Shared[partners.Location] != "Praha, CZ" || r.Shared[partners.Languages] != "cs" || !r.ConsentGiven || r.OutcomeID == 0 ||
			r.OutcomeID != b.Referrals[0].Events[4].Outcome.ID {
			t.Errorf("the referral that got help: %+v %v", r, err)
		}
		var linked int64
		if err := db.QueryRowContext(ctx, `SELECT referral_id FROM outcomes WHERE id = $1`, r.OutcomeID).Scan(&linked); err != nil || linked != r.ID {
			t.Errorf("the outcome of the referral points at %d (%v)", linked, err)
		}
		r, err = s.GetReferral(ctx, b.Referrals[1].Referral.ID)
		if err != nil || r.Status != partners.Declined || r.Reason != partners.NoCapacity || r.Channel != partners.Email ||
			r.Shared[partners.FullName] != "Karel Dvořák" || r.ConsentNote != "Agreed at the visit" || r.AnsweredAt == nil || !r.AnsweredAt.Equal(d(42)) {
			t.Errorf("the declined referral: %+v %v", r, err)
		}
		if es, err := s.ReferralEvents(ctx, r.ID); err != nil || len(es) != 3 || es[1].From != partners.Draft || es[2].From != partners.Sent ||
			es[2].Message != "at declined" || es[2].Reason != partners.NoCapacity {
			t.Errorf("the declined referral's events: %+v %v", es, err)
		}
		if cl, err := s.ClosingOf(ctx, id, 1); err != nil || cl.ClosedAt == nil || !cl.ClosedAt.Equal(closed) || cl.ClosureReason != cases.Completed || cl.FinalMeetingAt == nil {
			t.Errorf("the first period's closing: %+v %v", cl, err)
		}
		if fb, err := s.FeedbackOf(ctx, id, 1); err != nil || fb == nil || fb.Support != 5 || fb.Plan != 0 {
			t.Errorf("the first period's feedback: %+v %v", fb, err)
		}
		if fus, err := s.FollowUps(ctx, id); err != nil || len(fus) != 2 || fus[0].DoneAt == nil || fus[0].Rearrested != cases.Yes || fus[1].DoneAt != nil {
			t.Errorf("follow-ups: %+v %v", fus, err)
		}
		if hist, err := s.NeedHistory(ctx, id); err != nil || len(hist) != 2 {
			t.Errorf("need history: %+v %v", hist, err)
		}

		// The same person's case in another program, loaded later.
		second := []store.BulkCase{{MenteeID: b.Mentee.ID, Case: cases.Case{ProgramID: h.other.ID, State: cases.Referred, OpenedAt: d(390),
			StateSince: d(390), CreatedAt: d(390), UpdatedAt: d(390)}, Transitions: []cases.Transition{tr(390, "", cases.Referred)}}}
		if err := s.BulkLoad(ctx, second); err != nil {
			t.Fatal(err)
		}
		if list, err := s.MenteeCases(ctx, b.Mentee.ID); err != nil || len(list) != 2 || second[0].Case.Code != "HIST-1" {
			t.Errorf("the person's cases: %+v %v", list, err)
		}
		if _, err := s.VerifyAudit(ctx); err != nil {
			t.Error(err)
		}
	})
}

// A bulk history that breaks a rule of the domain is refused whole.
func TestBulkHistoryRefusals(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		opts.Keyring = keyring(t)
		s := open(t, opts)
		h := newBulkHistory(t, s)
		day := func(days int) time.Time { return h.now.AddDate(0, 0, days) }
		yes := true
		for name, spoil := range map[string]func(b *store.BulkCase){
			"an outcome after release before any": func(b *store.BulkCase) {
				b.Outcomes = []cases.Outcome{{Kind: cases.JobFound, AfterRelease: &yes, RecordedAt: day(-1)}}
			},
			"an outcome before its period": func(b *store.BulkCase) {
				b.Outcomes = []cases.Outcome{{Kind: cases.JobFound, OccurredOn: day(-90), RecordedAt: day(-1)}}
			},
			"a facility of another program": func(b *store.BulkCase) {
				b.Custody = &cases.Custody{FacilityID: h.elsewhere.ID, Phase: cases.InCustody}
			},
			"a release after today": func(b *store.BulkCase) {
				b.Custody = &cases.Custody{FacilityID: h.facility.ID, Phase: cases.AfterRelease, ReleasedOn: ptrTime(day(3))}
			},
			"custody in a program without": func(b *store.BulkCase) {
				b.Case.ProgramID = h.other.ID
				b.Custody = &cases.Custody{Phase: cases.InCustody}
			},
			"a partner skipping a step": func(b *store.BulkCase) {
				b.Referrals = []store.BulkReferral{{Referral: partners.Referral{ServiceID: h.phone.ID, Domain: "legal_debt", Message: "x", Share: []partners.Field{partners.Languages, partners.Location}},
					Events: []partners.Event{{Status: partners.Draft, Side: partners.SideReferrer, At: day(-5)}, {Status: partners.Sent, Side: partners.SideReferrer, At: day(-5)},
						{Status: partners.GotHelp, Side: partners.SidePartner, At: day(-4)}}}}
			},
			"a referral to a closed service": func(b *store.BulkCase) {
				services, _, _ := s.Services(ctx, store.ServiceFilter{AnyStatus: true}, store.Page{})
				for _, v := range services {
					if v.Status != partners.Active {
						b.Referrals = []store.BulkReferral{{Referral: partners.Referral{ServiceID: v.ID, Message: "x"},
							Events: []partners.Event{{Status: partners.Draft, Side: partners.SideReferrer, At: day(-5)}}}}
					}
				}
			},
		} {
			b := store.BulkCase{Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: "BAD-1", FullName: "Some One"}, CreatedAt: day(-30)},
				Case:        cases.Case{ProgramID: h.prog.ID, State: cases.Referred, OpenedAt: day(-30), StateSince: day(-30), CreatedAt: day(-30), UpdatedAt: day(-30)},
				Transitions: []cases.Transition{{To: cases.Referred, At: day(-30), ActorID: h.coord}}}
			spoil(&b)
			if err := s.BulkLoad(ctx, []store.BulkCase{b}); err == nil {
				t.Errorf("%s: loaded", name)
			}
		}
		if list, _, err := s.ListCases(ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{h.prog.ID, h.other.ID}}}, store.Page{}); err != nil || len(list) != 0 {
			t.Errorf("refused batches left %d cases (%v)", len(list), err)
		}
		accepted := day(-10)
		for name, m := range map[string]store.BulkMentor{
			"accepted without a day": {ProgramID: h.prog.ID, Stage: mentors.StageAccepted, Origin: mentors.FromApplication, AppliedAt: day(-20),
				Application: bulkApplicant(h.prog.ID, "A B", "ab@example.org"), Account: auth.User{Email: "ab@example.org"}},
			"retired without a day": {ProgramID: h.prog.ID, Stage: mentors.StageRetired, Origin: mentors.FromApplication, AppliedAt: day(-20),
				AcceptedAt: &accepted, Application: bulkApplicant(h.prog.ID, "A B", "ab@example.org"), Account: auth.User{Email: "ab@example.org"}},
			"accepted before applying": {ProgramID: h.prog.ID, Stage: mentors.StageAccepted, Origin: mentors.FromApplication, AppliedAt: day(-5),
				AcceptedAt: &accepted, Application: bulkApplicant(h.prog.ID, "A B", "ab@example.org"), Account: auth.User{Email: "ab@example.org"}},
			"an application without an email": {ProgramID: h.prog.ID, Stage: mentors.StageRejected, Origin: mentors.FromApplication, AppliedAt: day(-5),
				Application: bulkApplicant(h.prog.ID, "A B", "")},
			"a module of another program": {ProgramID: h.other.ID, Stage: mentors.StageAccepted, Origin: mentors.FromAccount, AppliedAt: accepted,
				AcceptedAt: &accepted, Account: auth.User{Email: "ab@example.org"},
				Completions: []mentors.Completion{{ModuleID: h.module, Status: mentors.Confirmed, ConfirmedAt: &accepted}}},
			"a taken email": {ProgramID: h.prog.ID, Stage: mentors.StageAccepted, Origin: mentors.FromAccount, AppliedAt: accepted,
				AcceptedAt: &accepted, Account: auth.User{Email: "Coord@example.org"}},
		} {
			if err := s.BulkMentors(ctx, []store.BulkMentor{m}); err == nil {
				t.Errorf("bulk mentor %s: stored", name)
			}
		}
		if _, _, err := s.UserForLogin(ctx, "ab@example.org"); errs.As(err).Kind != errs.KindNotFound {
			t.Errorf("a refused mentor left an account: %v", err)
		}
	})
}

func ptrTime(t time.Time) *time.Time { return &t }
