package store_test

import (
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/store"
)

func TestRequestsMoveTheQuietPeriod(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		const week = 7 * 24 * time.Hour
		c := f.active(t, "Q-1")
		matched := f.now
		if c.QuietAt == nil || !c.QuietAt.Equal(matched.Add(3*week)) {
			t.Fatalf("quiet after the match at %v, want three weeks after %v", c.QuietAt, matched)
		}
		quiet := func(at time.Time) bool {
			t.Helper()
			items, _, err := s.ListCases(ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{f.prog.ID}}, Signal: cases.SignalQuiet, Now: at}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			return len(items) == 1
		}
		f.later(2 * week)
		r1, err := s.AddRequest(ctx, cases.Request{CaseID: c.ID, Domain: "legal_debt", Urgency: cases.Urgent,
			Text: "A bailiff letter about the old fine", RecordedBy: f.mentor.ID})
		if err != nil {
			t.Fatal(err)
		}
		if r1.Status != cases.RequestOpen || r1.Version != 1 || !r1.CreatedAt.Equal(f.now) {
			t.Errorf("new request %+v", r1)
		}
		got := f.get(t, c.ID)
		if !got.QuietAt.Equal(f.now.Add(3*week)) || !got.LastRequestAt.Equal(f.now) {
			t.Errorf("after a request: quiet at %v, last request %v", got.QuietAt, got.LastRequestAt)
		}
		if quiet(matched.Add(3*week+time.Hour)) || !quiet(f.now.Add(3*week+time.Hour)) {
			t.Error("the quiet signal did not follow the request")
		}
		f.later(24 * time.Hour)
		r2, err := s.AddRequest(ctx, cases.Request{CaseID: c.ID, Domain: "employment", Urgency: cases.Normal,
			Text: "Wants a course in welding", RaisedByMentee: true, Status: cases.RequestResolved, Resolution: "Enrolled"})
		if err != nil {
			t.Fatal(err)
		}
		if r2.ResolvedAt == nil {
			t.Error("a request added as resolved has no resolved_at")
		}
		times, err := s.RequestTimes(ctx, c.ID)
		if err != nil || len(times) != 2 || !times[0].Equal(r1.CreatedAt) || !times[1].Equal(r2.CreatedAt) {
			t.Errorf("request times %v (%v), want both, oldest first", times, err)
		}

		// Resolving a request keeps its text, stamps resolved_at and is
		// refused to an editor who started earlier.
		f.later(time.Hour)
		r1.Status, r1.Resolution = cases.RequestResolved, "Paid in instalments"
		up, err := s.UpdateRequest(ctx, r1)
		if err != nil {
			t.Fatal(err)
		}
		if up.Version != 2 || up.ResolvedAt == nil || !up.ResolvedAt.Equal(f.now) || up.Resolution != "Paid in instalments" {
			t.Errorf("resolved request %+v", up)
		}
		r1.Resolution = "stale"
		if _, err := s.UpdateRequest(ctx, r1); !errs.Is(err, errs.KindConflict) {
			t.Errorf("stale request edit: %v", err)
		}
		if _, err := s.UpdateRequest(ctx, cases.Request{ID: r1.ID, Version: 2, Status: "forgotten"}); errs.As(err).Fields["status"] == "" {
			t.Errorf("bad status: %v", err)
		}
		moved := up
		moved.CaseID = f.intake(t, "Q-2").ID
		if _, err := s.UpdateRequest(ctx, moved); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("request edited through another case: %v", err)
		}
		read, err := s.GetRequest(ctx, r1.ID)
		if err != nil || read.Text != "A bailiff letter about the old fine" || read.Resolution != "Paid in instalments" ||
			read.Status != cases.RequestResolved || read.RecordedByName != "Max Mentor" {
			t.Errorf("request read back %+v (%v)", read, err)
		}
		if n := f.audited(t, "request.read", "request", r1.ID); n != 1 {
			t.Errorf("%d request.read entries, want 1", n)
		}
		all, err := s.Requests(ctx, c.ID)
		if err != nil || len(all) != 2 || all[0].ID != r2.ID || all[0].Text != "Wants a course in welding" || !all[0].RaisedByMentee {
			t.Errorf("requests %+v (%v), want both opened, newest first", all, err)
		}
		if n := f.audited(t, "case.requests_read", "case", c.ID); n != 1 {
			t.Errorf("%d case.requests_read entries, want 1", n)
		}
		if _, err := s.AddRequest(ctx, cases.Request{CaseID: c.ID, Domain: "astrology", Urgency: "now"}); len(errs.As(err).Fields) != 3 {
			t.Errorf("bad request: %v %v, want domain, urgency and text named", err, errs.As(err).Fields)
		}
	})
}

// A case counts its open urgent requests as they are raised, taken up,
// resolved and declined; the urgent filter lists it while any is open.
func TestUrgentRequestsAreCountedOnTheCase(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		c := f.active(t, "U-1")
		urgent := func() (int, bool) {
			t.Helper()
			items, _, err := s.ListCases(ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{f.prog.ID}}, Signal: cases.SignalUrgent}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			return f.get(t, c.ID).UrgentRequests, len(items) == 1
		}
		add := func(u cases.Urgency) cases.Request {
			t.Helper()
			r, err := s.AddRequest(ctx, cases.Request{CaseID: c.ID, Domain: "safety", Urgency: u, Text: "Help", RecordedBy: f.mentor.ID})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		move := func(r *cases.Request, st cases.RequestStatus) {
			t.Helper()
			r.Status = st
			saved, err := s.UpdateRequest(ctx, *r)
			if err != nil {
				t.Fatal(err)
			}
			*r = saved
		}
		add(cases.Soon)
		if n, listed := urgent(); n != 0 || listed {
			t.Errorf("a request soon: %d urgent, listed %v", n, listed)
		}
		a, b := add(cases.Urgent), add(cases.Urgent)
		if n, listed := urgent(); n != 2 || !listed {
			t.Errorf("two urgent requests: %d, listed %v", n, listed)
		}
		move(&a, cases.RequestInProgress)
		move(&b, cases.RequestDeclined)
		if n, listed := urgent(); n != 1 || !listed {
			t.Errorf("one taken up, one declined: %d, listed %v", n, listed)
		}
		move(&a, cases.RequestResolved)
		if n, listed := urgent(); n != 0 || listed {
			t.Errorf("all resolved: %d, listed %v", n, listed)
		}
	})
}
