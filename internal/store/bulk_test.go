package store_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
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
		if _, err := s.VerifyAudit(ctx, nil); err != nil {
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
