package store_test

import (
	"fmt"
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/store"
)

// The next contact falls due by the program's cadence: every 3.5 days in
// the first two weeks after the match, every 14 days later. The case
// list's overdue signal follows.
func TestContactsMoveTheNextContactDue(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		const hour = time.Hour
		c := f.active(t, "C-1")
		matched := f.now
		if c.ContactDueAt == nil || !c.ContactDueAt.Equal(matched.Add(84*hour)) {
			t.Fatalf("due after the match %v, want 3.5 days after %v", c.ContactDueAt, matched)
		}
		overdue := func(at time.Time) bool {
			t.Helper()
			items, _, err := s.ListCases(ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{f.prog.ID}}, Signal: cases.SignalOverdue, Now: at}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			return len(items) == 1 && items[0].ID == c.ID
		}
		if overdue(matched.Add(80*hour)) || !overdue(matched.Add(90*hour)) {
			t.Errorf("overdue signal before/after the due time: %v/%v, want false/true", overdue(matched.Add(80*hour)), overdue(matched.Add(90*hour)))
		}

		// A call two days after the match: the next one is due 3.5 days later.
		f.later(3 * 24 * hour)
		call := matched.Add(48 * hour)
		if _, err := s.AddContact(ctx, cases.Contact{CaseID: c.ID, At: call, Channel: cases.Call, Minutes: 40,
			Summary: "Talked about the flat in Vilnius", Needs: []string{"housing"}, RecordedBy: f.mentor.ID}); err != nil {
			t.Fatal(err)
		}
		got := f.get(t, c.ID)
		if got.LastContactAt == nil || !got.LastContactAt.Equal(call) || !got.ContactDueAt.Equal(call.Add(84*hour)) {
			t.Fatalf("after a call: last %v, due %v, want %v and 3.5 days later", got.LastContactAt, got.ContactDueAt, call)
		}
		if overdue(matched.Add(90*hour)) || !overdue(call.Add(85*hour)) {
			t.Error("the overdue signal did not follow the contact")
		}
		// A contact logged late, with an earlier time, moves nothing back.
		if _, err := s.AddContact(ctx, cases.Contact{CaseID: c.ID, At: matched.Add(24 * hour), Channel: cases.Message,
			Summary: "Sent the address of the job centre", RecordedBy: f.mentor.ID}); err != nil {
			t.Fatal(err)
		}
		if again := f.get(t, c.ID); !again.LastContactAt.Equal(call) || !again.ContactDueAt.Equal(*got.ContactDueAt) {
			t.Errorf("an earlier contact moved the last contact to %v", again.LastContactAt)
		}

		// After the first two weeks the cadence thins out to every 14 days.
		f.later(15 * 24 * hour)
		visit := f.now.Add(-hour)
		if _, err := s.AddContact(ctx, cases.Contact{CaseID: c.ID, At: visit, Channel: cases.InPerson, Minutes: 90,
			Summary: "Met at the café; the room is rented", RecordedBy: f.mentor.ID}); err != nil {
			t.Fatal(err)
		}
		if got := f.get(t, c.ID); !got.ContactDueAt.Equal(visit.Add(14 * 24 * hour)) {
			t.Errorf("due after a later contact %v, want 14 days after %v", got.ContactDueAt, visit)
		}
		if overdue(visit.Add(13*24*hour)) || !overdue(visit.Add(15*24*hour)) {
			t.Error("the overdue signal does not follow the later cadence")
		}

		// Bad contacts change nothing.
		_, err := s.AddContact(ctx, cases.Contact{CaseID: c.ID, At: f.now.Add(24 * hour), Channel: "pigeon", Minutes: -1, Needs: []string{"astrology"}})
		if e := errs.As(err); e.Kind != errs.KindInvalid || len(e.Fields) != 4 {
			t.Errorf("bad contact: %v %v, want at, channel, minutes and needs named", err, e.Fields)
		}
		if _, err := s.AddContact(ctx, cases.Contact{CaseID: c.ID + 1000, At: f.now, Channel: cases.Call}); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("contact on a missing case: %v", err)
		}
	})
}

func TestContactsPageNewestFirstAndAuditEachRead(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		c := f.active(t, "C-3")
		f.later(10 * 24 * time.Hour)
		for i := range 5 {
			if _, err := s.AddContact(ctx, cases.Contact{CaseID: c.ID, At: workStart.Add(time.Duration(i+1) * 24 * time.Hour),
				Channel: cases.Video, Minutes: 30, Summary: fmt.Sprintf("Summary %d", i+1), Needs: []string{"housing", "income", "housing"},
				RecordedBy: f.mentor.ID}); err != nil {
				t.Fatal(err)
			}
		}
		var sums []string
		cursor, pages := "", 0
		for {
			items, next, err := s.Contacts(ctx, c.ID, store.Page{Limit: 2, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, it := range items {
				sums = append(sums, it.Summary)
				if it.RecordedByName != "Max Mentor" || fmt.Sprint(it.Needs) != "[housing income]" {
					t.Errorf("contact %+v", it)
				}
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		if pages != 3 || fmt.Sprint(sums) != "[Summary 5 Summary 4 Summary 3 Summary 2 Summary 1]" {
			t.Fatalf("%d pages: %v, want 3 pages newest first", pages, sums)
		}
		if n := f.audited(t, "case.contacts_read", "case", c.ID); n != 3 {
			t.Errorf("%d case.contacts_read entries for 3 pages, want 3", n)
		}
		// A case without contacts opens nothing and logs nothing.
		other := f.intake(t, "C-4")
		if items, next, err := s.Contacts(ctx, other.ID, store.Page{}); err != nil || len(items) != 0 || next != "" {
			t.Errorf("contacts of a case without any: %v %q %v", items, next, err)
		}
		if n := f.audited(t, "case.contacts_read", "case", other.ID); n != 0 {
			t.Errorf("an empty read was audited %d times", n)
		}
		if _, _, err := s.Contacts(ctx, c.ID, store.Page{Cursor: "nonsense"}); !errs.Is(err, errs.KindInvalid) {
			t.Errorf("bad cursor: %v", err)
		}
	})
}

// Contacts are refused on a case nobody has taken in yet, and on a closed one.
func TestContactsRefusedOnReferredAndClosedCases(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		_, ref, err := s.CreateIntake(ctx, store.Intake{Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: "R-1", FullName: "Ihar Referred"}},
			ProgramID: f.prog.ID, State: cases.Referred, ActorID: f.coord.ID})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.AddContact(ctx, cases.Contact{CaseID: ref.ID, At: f.now, Channel: cases.Call})
		refusedFor(t, "contact on a referred case", err, "case.refused.referred")
		f.move(t, ref.ID, cases.Intake, "", "")
		if _, err := s.AddContact(ctx, cases.Contact{CaseID: ref.ID, At: f.now, Channel: cases.Call, Summary: "Intake call"}); err != nil {
			t.Errorf("contact during intake: %v", err)
		}
		if got := f.get(t, ref.ID); got.ContactDueAt != nil {
			t.Errorf("a case in intake has a contact due at %v; the cadence starts with the match", got.ContactDueAt)
		}
		f.move(t, ref.ID, cases.Closed, cases.Withdrawn, "Changed their mind")
		_, err = s.AddContact(ctx, cases.Contact{CaseID: ref.ID, At: f.now, Channel: cases.Call})
		refusedFor(t, "contact on a closed case", err, "case.refused.closed")
		if items, _, _ := s.Contacts(ctx, ref.ID, store.Page{}); len(items) != 1 {
			t.Errorf("%d contacts, want the intake call only", len(items))
		}
	})
}
