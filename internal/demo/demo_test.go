package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/mentors"
	"homeward/internal/partners"
	"homeward/internal/program"
	"homeward/internal/store"
	"homeward/internal/testsupport"
)

func TestMain(m *testing.M) { os.Exit(testsupport.Main(m)) }

func TestDemoIsDeterministicAndValid(t *testing.T) {
	t.Parallel()
	for _, size := range []Size{Small, Medium, Large} {
		a, b := Programs(size, 7), Programs(size, 7)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: the same seed gave different data", size)
		}
		if len(a) != programCount[size] {
			t.Errorf("%s: %d programs, want %d", size, len(a), programCount[size])
		}
		for _, p := range a {
			p.Normalize()
			if err := p.Validate(); err != nil {
				t.Errorf("%s: demo program %q is invalid: %v", size, p.Name, err)
			}
		}
	}
	if reflect.DeepEqual(Programs(Medium, 1), Programs(Medium, 2)) {
		t.Errorf("different seeds gave the same data")
	}
}

// journeyCase tells a case of the hand-made journeys from the generated
// history behind them (whose codes start with H).
func journeyCase(c cases.Case) bool { return !strings.HasPrefix(c.Code, "H") }

func notJourney(c cases.Case) bool { return !journeyCase(c) }

// engines and openStore are the shared test support's.
var (
	engines   = testsupport.Engines
	openStore = testsupport.OpenStore
)

// allCases lists every case of the programs with the filter, page by page.
func allCases(t *testing.T, st *store.Store, programs []int64, f store.CaseFilter) []cases.Case {
	t.Helper()
	f.Scope = store.CaseScope{ProgramIDs: programs}
	var out []cases.Case
	cursor := ""
	for {
		page, next, err := st.ListCases(context.Background(), f, store.Page{Limit: store.MaxLimit, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if next == "" {
			return out
		}
		cursor = next
	}
}

// The small demo walks forty people through the store: cases in every
// state and closure reason, one reopened, some stalled; contacts thin out
// and requests fall; the demo users sign in to what they should see; and
// a second run adds nothing.
func TestFillSmallTwice(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		st := openStore(t, opts)
		sum, err := Fill(ctx, st, testsupport.Hasher(), Small, 1)
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(st.Now()); d < -time.Minute || d > time.Minute {
			t.Errorf("the store's clock was left at %v", st.Now())
		}
		if sum.Programs != 3 || sum.Cases != len(journeySpecs)+smallHistory.cases || sum.Mentees > sum.Cases || sum.Mentees < sum.Cases-20 ||
			sum.Contacts < 300 || sum.Requests < 100 || sum.BulkStaff == 0 {
			t.Errorf("summary %+v", sum)
		}
		programs, _, err := st.ListPrograms(ctx, store.ProgramFilter{}, store.Page{})
		if err != nil || len(programs) != 3 {
			t.Fatalf("programs: %d %v", len(programs), err)
		}
		var ids []int64
		byID := map[int64]program.Program{}
		for _, p := range programs {
			ids = append(ids, p.ID)
			byID[p.ID] = p
		}
		// Every program makes its case codes and proposes the next one.
		proposed, err := st.ProposeCaseCodes(ctx, programs)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range programs {
			if p.CaseCodePattern == "" || proposed[p.ID] == "" {
				t.Errorf("%s makes no case codes (pattern %q)", p.Name, p.CaseCodePattern)
			}
		}

		// Every state and every closure reason; the counts are the summary's.
		list := allCases(t, st, ids, store.CaseFilter{})
		states := map[cases.State]int{}
		reasons := map[cases.ClosureReason]bool{}
		reopened := 0
		for _, c := range list {
			states[c.State]++
			reasons[c.ClosureReason] = true
			if c.Period > 1 && journeyCase(c) {
				reopened++
			}
		}
		for _, s := range cases.States {
			if states[s] == 0 || states[s] != sum.States[s] {
				t.Errorf("%d cases %s (summary %d)", states[s], s, sum.States[s])
			}
		}
		for _, r := range cases.ClosureReasons {
			if !reasons[r] {
				t.Errorf("no case closed as %s", r)
			}
		}
		if reopened != 1 || len(list) != sum.Cases {
			t.Errorf("%d cases, %d reopened", len(list), reopened)
		}
		// The custody program has its five prisons; its journeys point at
		// them, and some are released, on a day within the case's life (the
		// history behind them is counted by SQL below).
		inCustody, releasedCases := 0, 0
		for _, p := range programs {
			if !p.Custody.Enabled {
				continue
			}
			fs, err := st.Facilities(ctx, p.ID)
			if err != nil || len(fs) != 5 {
				t.Fatalf("facilities of %q: %d %v", p.Name, len(fs), err)
			}
			for _, c := range list {
				if c.ProgramID != p.ID || !journeyCase(c) {
					continue
				}
				cu, err := st.CaseCustody(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if cu.FacilityID == 0 || cu.FacilityName == "" {
					t.Errorf("case %s in custody at no facility: %+v", c.Code, cu)
				}
				switch cu.Phase {
				case cases.InCustody:
					inCustody++
				case cases.AfterRelease:
					releasedCases++
					if cu.ReleasedOn == nil || cu.ReleasedOn.Before(cases.Day(c.CreatedAt)) || cu.ReleasedOn.After(st.Now()) {
						t.Errorf("case %s released on %v (created %v)", c.Code, cu.ReleasedOn, c.CreatedAt)
					}
				}
			}
		}
		if inCustody == 0 || releasedCases == 0 {
			t.Errorf("%d cases in custody, %d released: want some of each", inCustody, releasedCases)
		}
		// The journeys' outcomes are dated across the past year, some
		// recorded days after their day, some after release in the custody
		// program, and the release program counts courses begun, a kind of
		// its own.
		var dated, backdated, released, courses, elsewhere int
		days := map[time.Time]bool{}
		months := map[string]bool{} // of the past year
		for _, c := range list {
			if !journeyCase(c) {
				continue
			}
			outs, err := st.Outcomes(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			p := byID[c.ProgramID]
			for _, o := range outs {
				dated++
				days[o.OccurredOn] = true
				if o.OccurredOn.Before(cases.Day(o.RecordedAt)) {
					backdated++
				}
				if o.Released() {
					released++
					if !p.Custody.Enabled {
						t.Errorf("an outcome after release in %s, which has no custody phase", p.Name)
					}
				}
				if o.Kind == CourseStarted {
					if _, own := p.OwnOutcomeLabel(CourseStarted); !own {
						elsewhere++
					}
					courses++
				}
				if time.Since(o.OccurredOn) < 366*24*time.Hour {
					months[o.OccurredOn.Format("2006-01")] = true
				}
			}
		}
		if dated < 5 || len(days) < dated/2 || len(months) < 3 || backdated == 0 || released == 0 || courses == 0 || elsewhere != 0 {
			t.Errorf("%d outcomes on %d days (%d months of the past year), %d backdated, %d after release, %d courses begun (%d outside their program)",
				dated, len(days), len(months), backdated, released, courses, elsewhere)
		}
		// Every module has its length, and the confirmed training adds up to
		// volunteer hours.
		for _, p := range programs {
			mods, err := st.Modules(ctx, p.ID)
			if err != nil || len(mods) == 0 {
				t.Fatalf("modules of %q: %d %v", p.Name, len(mods), err)
			}
			for _, m := range mods {
				if m.Hours < 1 || m.Hours > 8 {
					t.Errorf("module %q of %q: %g hours", m.Title, p.Name, m.Hours)
				}
			}
		}
		if h, err := st.TrainingHours(ctx, ids, st.Now().AddDate(-10, 0, 0), st.Now().Add(time.Minute)); err != nil || h <= 0 {
			t.Errorf("the demo's confirmed training: %g hours, %v", h, err)
		}
		owners := 0
		for _, p := range programs {
			if len(p.OwnOutcomeKinds) > 0 {
				owners++
			}
		}
		if owners != 1 {
			t.Errorf("%d programs with own outcome kinds, want 1", owners)
		}

		// Some of the journeys stall: an overdue contact, no requests for weeks.
		overdue := slices.DeleteFunc(allCases(t, st, ids, store.CaseFilter{Signal: cases.SignalOverdue}), notJourney)
		quiet := slices.DeleteFunc(allCases(t, st, ids, store.CaseFilter{Signal: cases.SignalQuiet}), notJourney)
		if len(overdue) < 3 || len(overdue) > 8 || len(quiet) < 2 {
			t.Errorf("%d overdue and %d quiet cases, want a few of each", len(overdue), len(quiet))
		}

		// The journeys' long supports: contacts thin out, requests fall.
		longCases, thinning, falling := 0, 0, 0
		for _, c := range list {
			if !journeyCase(c) || c.State != cases.Active && c.State != cases.Closing || c.ActiveSince == nil || time.Since(*c.ActiveSince) < 12*7*24*time.Hour {
				continue
			}
			longCases++
			var all []cases.Contact
			cursor := ""
			for {
				page, next, err := st.Contacts(ctx, c.ID, store.Page{Limit: store.MaxLimit, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, page...)
				if cursor = next; cursor == "" {
					break
				}
			}
			mid := c.ActiveSince.Add(time.Since(*c.ActiveSince) / 2)
			early := 0
			for _, x := range all {
				if x.At.Before(mid) && !x.At.Before(*c.ActiveSince) {
					early++
				}
			}
			if early > len(all)-early {
				thinning++
			}
			times, err := st.RequestTimes(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if pr := cases.ProgressOf(c, times, time.Now()); pr.Trend < 0 {
				falling++
			}
		}
		if longCases < 5 || thinning < longCases-1 || falling < longCases-1 {
			t.Errorf("of %d long cases, contacts thinned out in %d and requests fell in %d", longCases, thinning, falling)
		}

		// The demo users: each role signs in; the mentor sees their own
		// cases, the mentee's portal account is linked to an active case of
		// the demo mentor.
		users := map[auth.Role]auth.User{}
		for _, c := range sum.Users {
			u, _, err := st.UserForLogin(ctx, c.Email)
			if err != nil || u.Role != c.Role || u.Status != auth.StatusActive || len(c.Password) < auth.MinPassword {
				t.Errorf("demo user %s: %+v %v", c.Email, u, err)
			}
			if c.Email == string(c.Role)+"@"+DemoDomain {
				users[c.Role] = u
			}
		}
		if len(users) != len(auth.Roles) || len(sum.Users) <= len(auth.Roles) {
			t.Fatalf("demo users: %d by role, %d in all", len(users), len(sum.Users))
		}
		mine := allCases(t, st, ids, store.CaseFilter{MentorID: users[auth.Mentor].ID})
		if len(mine) < 2 {
			t.Errorf("the demo mentor supports %d cases", len(mine))
		}
		m, err := st.MenteeByUser(ctx, users[auth.Mentee].ID)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := st.MenteeCases(ctx, m.ID)
		if err != nil || len(theirs) != 1 || theirs[0].State != cases.Active || theirs[0].MentorID != users[auth.Mentor].ID {
			t.Errorf("the demo mentee's cases: %+v %v", theirs, err)
		}
		// No mentor holds more open cases than the program allows.
		for _, p := range programs {
			choices, err := st.ProgramMentors(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range choices {
				if ch.Load > p.MentorCapacity {
					t.Errorf("%s has %d open cases in %q (capacity %d)", ch.User.Email, ch.Load, p.Name, p.MentorCapacity)
				}
			}
		}
		// The directory spans several countries, and referrals stand in
		// every status; the demo partner's inbox holds their organisation's.
		d, err := st.Directory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		countries := map[string]bool{}
		for _, o := range d.Partners {
			for _, v := range o.Services {
				for _, a := range v.Areas {
					countries[a.Country] = true
				}
			}
		}
		if len(countries) < 4 {
			t.Errorf("the demo directory helps in %d countries", len(countries))
		}
		seen := map[partners.Status]bool{}
		endedFor := map[partners.Reason]bool{}
		all, _, err := st.Referrals(ctx, store.ReferralFilter{}, store.Page{Limit: store.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range all {
			seen[r.Status] = true
			if r.Status == partners.CouldNotHelp || r.Status == partners.Declined {
				endedFor[r.Reason] = true
			}
		}
		for _, st := range partners.Statuses {
			if !seen[st] {
				t.Errorf("no demo referral is %s", st)
			}
		}
		for _, r := range partners.Reasons {
			if !endedFor[r] {
				t.Errorf("no demo referral ended for the reason %s", r)
			}
		}
		inbox, _, err := st.Referrals(ctx, store.ReferralFilter{PartnerID: users[auth.Partner].PartnerID}, store.Page{})
		if err != nil || len(inbox) == 0 || users[auth.Partner].PartnerID == 0 {
			t.Errorf("the demo partner's inbox: %d referrals, %v", len(inbox), err)
		}
		if _, err := st.VerifyAudit(ctx); err != nil {
			t.Errorf("audit log after the demo: %v", err)
		}
		// Behind the journeys, a history a report over the past year can count.
		t.Run("history", func(t *testing.T) { checkSmallHistory(t, st, programs) })
		// What a newcomer looks at first reads true.
		t.Run("newcomer", func(t *testing.T) { checkNewcomer(t, st, programs, list) })

		// A second run adds nothing and says why.
		if _, err := Fill(ctx, st, testsupport.Hasher(), Small, 1); !errors.Is(err, ErrNotEmpty) {
			t.Errorf("second fill: %v, want ErrNotEmpty", err)
		}
		if again := allCases(t, st, ids, store.CaseFilter{}); len(again) != len(list) {
			t.Errorf("the second run changed the cases: %d, then %d", len(list), len(again))
		}
		if n, err := st.CountUsers(ctx); err != nil || n != len(sum.Users)+sum.BulkStaff {
			t.Errorf("%d users after the second run, want %d (%v)", n, len(sum.Users)+sum.BulkStaff, err)
		}
	})
}

// The same seed makes the same people and histories.
func TestFillIsDeterministic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var got [2]string
	for i := range got {
		st := openStore(t, store.Options{DataDir: t.TempDir()})
		sum, err := Fill(ctx, st, testsupport.Hasher(), Small, 3)
		if err != nil {
			t.Fatal(err)
		}
		list := allCases(t, st, []int64{1, 2, 3}, store.CaseFilter{Sort: store.SortCode})
		for k, c := range list {
			name := ""
			if journeyCase(c) || k%10 == 0 { // every name read is audited: the journeys' and a sample of the rest
				m, err := st.GetMentee(ctx, c.MenteeID)
				if err != nil {
					t.Fatal(err)
				}
				name = m.FullName
			}
			got[i] += fmt.Sprintf("%s %s %s %s %d %s|", c.Code, name, c.State, c.ClosureReason, c.Period, c.MentorName)
		}
		got[i] += fmt.Sprint(sum.Contacts, sum.Requests, sum.Referrals, sum.Mentees, sum.BulkStaff)
	}
	if got[0] != got[1] {
		t.Errorf("two runs with one seed differ:\n%s\n%s", got[0], got[1])
	}
}

// Bulk cases come in every state with the exact number of contacts asked
// for, mentors within their capacity, and signals as the cadence sets them.
func TestBulk(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		st := openStore(t, opts)
		var programs []program.Program
		var ids []int64
		for _, p := range Programs(Medium, 5)[:4] {
			saved, err := st.CreateProgram(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			programs = append(programs, saved)
			ids = append(ids, saved.ID)
		}
		sum, err := Bulk(ctx, st, BulkSpec{Cases: 600, Contacts: 6000, Programs: programs, Seed: 5, Batch: 100})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Cases != 600 || sum.Contacts != 6000 || sum.Requests == 0 || sum.Staff < 4*3 || sum.Referrals < 100 ||
			sum.Mentors <= sum.Staff-8 || sum.Mentees > sum.Cases || sum.Mentees < sum.Cases-20 {
			t.Errorf("bulk summary %+v", sum)
		}
		list := allCases(t, st, ids, store.CaseFilter{})
		if len(list) != 600 {
			t.Fatalf("%d cases listed", len(list))
		}
		states := map[cases.State]int{}
		byID := map[int64]program.Program{}
		for _, p := range programs {
			byID[p.ID] = p
		}
		now := st.Now()
		overdue := 0
		for _, c := range list {
			states[c.State]++
			due, quiet := cases.Due(byID[c.ProgramID], c)
			if fmt.Sprint(due) != fmt.Sprint(c.ContactDueAt) || fmt.Sprint(quiet) != fmt.Sprint(c.QuietAt) {
				t.Errorf("case %s: due %v quiet %v, cadence says %v %v", c.Code, c.ContactDueAt, c.QuietAt, due, quiet)
			}
			if c.State.SupportedByMentor() && (c.MentorID == 0 || c.ActiveSince == nil) || !c.State.SupportedByMentor() && c.MentorID != 0 {
				t.Errorf("case %s %s: mentor %d since %v", c.Code, c.State, c.MentorID, c.ActiveSince)
			}
			if c.ContactDueAt != nil && c.ContactDueAt.Before(now) {
				overdue++
			}
		}
		for _, s := range cases.States {
			if states[s] == 0 || states[s] != sum.States[s] {
				t.Errorf("%d cases %s, summary %d", states[s], s, sum.States[s])
			}
		}
		supported := states[cases.Matched] + states[cases.Active] + states[cases.Closing]
		if overdue == 0 || overdue > supported/2 {
			t.Errorf("%d of %d supported cases overdue", overdue, supported)
		}
		for _, p := range programs {
			choices, err := st.ProgramMentors(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range choices {
				if ch.Load > p.MentorCapacity {
					t.Errorf("mentor %s has %d open cases, capacity %d", ch.User.Email, ch.Load, p.MentorCapacity)
				}
			}
		}
		// Histories: some cases reopened into a second period; in custody
		// programs every case at a facility of its program, some released;
		// the directory made for the referrals, which end every way;
		// mentors who retired and applicants who never got that far.
		reopened, released := 0, 0
		for _, c := range list {
			if c.Period > 1 {
				reopened++
			}
			if !byID[c.ProgramID].Custody.Enabled {
				continue
			}
			cu, err := st.CaseCustody(ctx, c.ID)
			if err != nil || cu.FacilityID == 0 {
				t.Fatalf("custody of %s: %+v %v", c.Code, cu, err)
			}
			if cu.ReleasedOn != nil {
				released++
			}
		}
		if reopened < 5 || released < 20 {
			t.Errorf("%d cases reopened, %d people released", reopened, released)
		}
		seen := map[partners.Status]int{}
		cursor := ""
		for {
			page, next, err := st.Referrals(ctx, store.ReferralFilter{}, store.Page{Limit: store.MaxLimit, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page {
				seen[r.Status]++
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		for _, s := range partners.Statuses {
			if seen[s] == 0 {
				t.Errorf("bulk referrals by status %v: none %s", seen, s)
			}
		}
		pipeline := map[mentors.Pipeline]int{}
		for _, p := range programs {
			o, err := st.MentorOverview(ctx, store.MentorFilter{ProgramID: p.ID}, store.Page{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			for k, n := range o.Counts {
				pipeline[k] += n
			}
		}
		for _, want := range []mentors.Pipeline{mentors.PipelineActive, mentors.PipelineRetired, mentors.PipelineRejected, mentors.PipelineApplied, mentors.PipelineTraining} {
			if pipeline[want] == 0 {
				t.Errorf("bulk mentors by pipeline %v: none %s", pipeline, want)
			}
		}
		// Every program has a mentor ready for a new case and applicants to screen.
		checkMentorsWaiting(t, st, programs)
		// A case page of a bulk case opens.
		c := list[len(list)/2]
		if _, _, err := st.Contacts(ctx, c.ID, store.Page{}); err != nil {
			t.Error(err)
		}
		if _, err := st.GetMentee(ctx, c.MenteeID); err != nil {
			t.Error(err)
		}
		if _, err := st.VerifyAudit(ctx); err != nil {
			t.Error(err)
		}
	})
}

// Options.Cases sets how many cases the medium demo holds in all, with ten
// contacts a case, as homeward-bench asks for a size between the demos.
func TestFillMediumWithCases(t *testing.T) {
	t.Parallel()
	st := openStore(t, store.Options{DataDir: t.TempDir()})
	sum, err := FillWith(context.Background(), st, testsupport.Hasher(), Options{Size: Medium, Seed: 1, Cases: 1500})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Cases != 1500 || sum.Contacts != 15000 || sum.Programs != programCount[Medium] {
		t.Errorf("cases %d, contacts %d, programs %d; want 1500, 15000 and %d", sum.Cases, sum.Contacts, sum.Programs, programCount[Medium])
	}
}
