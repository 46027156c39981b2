package report

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/program"
)

// randomFacts are facts of a report of programs where small counts are
// common: every count from 0 to 12, a few larger.
func randomFacts(rng *rand.Rand, months int) Facts {
	n := func() int {
		if rng.IntN(6) == 0 {
			return 5 + rng.IntN(200)
		}
		return rng.IntN(13)
	}
	list := func(k int) []int {
		out := make([]int, k)
		for i := range out {
			out[i] = n()
		}
		return out
	}
	f := Facts{Entered: n(), Openings: list(months), Completions: list(months), Closed: list(len(cases.ClosureReasons)),
		EntryToMatch: Spread{N: n(), Median: n(), P75: n()}, MatchToClose: Spread{N: n(), Median: n(), P75: n()},
		SupportedDays: float64(n() * 30), SupportedCases: n(), TrainingMentors: n(), Contacts: list(len(cases.Channels)), ContactHours: float64(n()),
		Requests: n(), RequestsBefore: n(), TrainingHours: float64(n()), FeedbackDeclined: n(),
		InCustody: n(), AfterRelease: n(), Released: n(),
		Mentors: MentorCount{Applied: n(), Accepted: n(), Trained: n(), Active: n(), Retired: n()}}
	for range months {
		f.States = append(f.States, list(len(StateGroups)))
	}
	// The facts agree with each other as the store's do: the months add
	// up to the period, and in a custody program every open case at the
	// end may be in a custody phase.
	f.Entered, f.Closed[0] = 0, 0
	for i := range months {
		f.Entered += f.Openings[i]
		f.Closed[0] += f.Completions[i]
	}
	if rng.IntN(2) == 0 {
		open := 0
		for _, c := range f.States[months-1] {
			open += c
		}
		f.InCustody = rng.IntN(open + 1)
		f.AfterRelease = open - f.InCustody
	}
	for range FeedbackQuestions {
		f.Feedback = append(f.Feedback, list(5))
	}
	for i := range f.FollowUps {
		done := n()
		f.FollowUps[i] = FollowUpCount{Done: done, WorkKept: rng.IntN(done + 1), HousingKept: rng.IntN(done + 1), Rearrested: rng.IntN(done + 1)}
	}
	for _, d := range []string{"housing", "employment", "legal_debt"} {
		for p := int64(1); p <= 3; p++ {
			sent := n()
			f.Referrals = append(f.Referrals, ReferralCount{Domain: d, PartnerID: p, PartnerName: "Partner " + string(rune('A'+p)), Sent: sent, GotHelp: rng.IntN(sent + 1)})
		}
	}
	for _, k := range cases.OutcomeKinds {
		people := n()
		f.Outcomes = append(f.Outcomes, OutcomeCount{Kind: string(k), People: people, AfterRelease: rng.IntN(people + 1)})
	}
	for i := range 4 {
		f.Facilities = append(f.Facilities, FacilityCount{ID: int64(i + 1), Name: "Facility " + string(rune('A'+i)), People: n()})
	}
	return f
}

// recorder is a Sheet that keeps the cells as written.
type recorder struct{ rows [][]any }

func (r *recorder) Row(cells ...any) error { r.rows = append(r.rows, cells); return nil }
func (r *recorder) Close() error           { return nil }

// No report a viewer sees and no export holds a count of 1 to 4, and no
// hidden count of a table can be worked out from what the table shows:
// for many generated reports, every published table is checked by
// Ranges, every counted figure and every count written to an export.
func TestOutcomesNeverPublishSmallCounts(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(14, 2026))
	custody := program.New()
	custody.ID, custody.Custody.Enabled = 1, true
	q := Query{ProgramIDs: []int64{1}, From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)}
	tt := T(func(key string, _ ...any) string { return key })
	for i := range 300 {
		f := randomFacts(rng, len(q.Months()))
		o := Build(q, f, []program.Program{custody}, q.End(), false)
		for _, fig := range o.Figures {
			if fig.Unit.Counted() && fig.Value.Kind == Shown && fig.Value.N >= 1 && fig.Value.N <= 4 {
				t.Fatalf("report %d: figure %s shows %v", i, fig.Key, fig.Value.N)
			}
		}
		for _, s := range o.Tables {
			for k, r := range s.cells.Ranges() {
				if !r.Protected() {
					t.Fatalf("report %d: table %s: hidden figure %d can be worked out: %+v", i, s.Key, k, r)
				}
			}
			for r := -1; r < len(s.Rows); r++ {
				for c := -1; c < len(s.Cols); c++ {
					cell := s.Cell(r, c)
					if cell.Kind == Shown && cell.Count >= 1 && cell.Count <= 4 {
						t.Fatalf("report %d: table %s shows %d at (%d, %d)", i, s.Key, cell.Count, r, c)
					}
				}
			}
		}
		sheet := &recorder{}
		if err := WriteOutcomes(sheet, o, []program.Program{custody}, tt); err != nil {
			t.Fatal(err)
		}
		for _, row := range sheet.rows {
			for _, c := range row {
				if n, ok := c.(int); ok && n >= 1 && n <= 4 {
					t.Fatalf("report %d: the export writes the count %d in %v", i, n, row)
				}
			}
		}
		// A figure published twice is shown in both places or hidden in
		// both; a part shown beside its total leaves a rest of 0 or 5 or
		// more.
		same := func(what string, a, b Cell) {
			t.Helper()
			if (a.Kind == Shown) != (b.Kind == Shown) || a.Count != b.Count {
				t.Fatalf("report %d: %s is %+v in one place and %+v in another", i, what, a, b)
			}
		}
		fig := func(key string) Cell {
			f, ok := o.Figure(key)
			if !ok {
				t.Fatalf("no figure %s", key)
			}
			return Cell{Kind: f.Value.Kind, Count: int(f.Value.N)}
		}
		openings, _ := o.Table("openings")
		completions, _ := o.Table("completions")
		states, _ := o.Table("states")
		same("people entered", fig("entered"), openings.Cell(Total, 0))
		same("people completed", fig("closed.completed"), completions.Cell(Total, 0))
		if f.InCustody+f.AfterRelease == states.cells.table.Count(len(states.Rows)-1, Total) {
			same("cases open at the end", fig("custody.total"), states.Cell(len(states.Rows)-1, Total))
		}
		rest := func(what string, total, part Cell) {
			t.Helper()
			if total.Kind == Shown && part.Kind == Shown && total.Count-part.Count >= 1 && total.Count-part.Count <= 4 {
				t.Fatalf("report %d: %s: %d of %d shown, the rest is %d", i, what, part.Count, total.Count, total.Count-part.Count)
			}
		}
		for _, m := range []string{"6", "12"} {
			for _, q := range []string{"work_kept", "housing_kept", "rearrested"} {
				rest("follow-ups "+q, fig("follow_up."+m+".done"), fig("follow_up."+m+"."+q))
			}
		}
		for _, k := range cases.OutcomeKinds {
			rest("outcome "+string(k), fig("outcome."+string(k)), fig("outcome."+string(k)+".after_release"))
		}
		rest("custody", fig("custody.total"), fig("custody.in_custody"))
		// The two tables of referrals share their totals: shown in both
		// or hidden in both.
		d, _ := o.Table("referrals_by_domain")
		p, _ := o.Table("referrals_by_partner")
		for _, c := range []int{0, 1, Total} {
			if a, b := d.Cell(Total, c), p.Cell(Total, c); (a.Kind == Shown) != (b.Kind == Shown) || a.Count != b.Count {
				t.Fatalf("report %d: referral total %d is %+v by need and %+v by partner", i, c, d.Cell(Total, c), p.Cell(Total, c))
			}
		}
	}
}

// An exact report (a coordinator's page) shows the facts as they are, and
// its measures on any number of people.
func TestOutcomesExactShowsTheFacts(t *testing.T) {
	t.Parallel()
	q := Query{ProgramIDs: []int64{1}, From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)}
	p := program.New()
	p.ID = 1
	p.OwnOutcomeKinds = []program.OwnOutcomeKind{{Key: "course_begun", Label: "Started a course"}}
	f := Facts{Entered: 3, Closed: []int{2, 1, 0, 0}, EntryToMatch: Spread{N: 2, Median: 9, P75: 12},
		Outcomes: []OutcomeCount{{Kind: "job_found", People: 2}, {Kind: "course_begun", People: 4}},
		Contacts: []int{10, 0, 0, 0, 0, 0}, SupportedDays: 30.4375 * 2, Requests: 7, RequestsBefore: 14}
	exact := Build(q, f, []program.Program{p}, q.End(), true)
	want := map[string]float64{"entered": 3, "closed.completed": 2, "closed.withdrawn": 1, "closed": 3,
		"days.entry_to_match.median": 9, "days.entry_to_match.p75": 12, "outcome.job_found": 2, "outcome.course_begun": 4,
		"contacts": 10, "contacts.per_case_month": 5, "requests.per_week": 7 / (31.0 / 7), "requests.trend": -7 / (31.0 / 7)}
	for k, v := range want {
		fig, ok := exact.Figure(k)
		if !ok || fig.Value.Kind != Shown || fig.Value.N-v > 1e-9 || v-fig.Value.N > 1e-9 {
			t.Errorf("exact %s = %+v, want %v", k, fig.Value, v)
		}
	}
	if fig, _ := exact.Figure("outcome.course_begun"); fig.Label != "Started a course" {
		t.Errorf("the own outcome kind is labelled %q", fig.Label)
	}
	// The same facts suppressed: the small counts and the measures on two
	// people are hidden.
	sup := Build(q, f, []program.Program{p}, q.End(), false)
	for _, k := range []string{"entered", "closed.completed", "days.entry_to_match.median", "outcome.job_found", "outcome.course_begun"} {
		if fig, _ := sup.Figure(k); fig.Value.Kind == Shown {
			t.Errorf("suppressed %s is shown: %+v", k, fig.Value)
		}
	}
	if fig, _ := sup.Figure("contacts"); fig.Value.Kind != Shown || fig.Value.N != 10 {
		t.Errorf("suppressed contacts: %+v, want 10 shown", fig.Value)
	}

	// Written out, the CSV neutralises a label typed as a formula.
	p.FunderTable = []program.FunderLine{{Figure: "contacts", Label: "=HYPERLINK(\"x\")"}}
	var buf bytes.Buffer
	sheet := NewCSV(&buf)
	if err := WriteOutcomes(sheet, sup, []program.Program{p}, func(k string, _ ...any) string { return k }); err != nil {
		t.Fatal(err)
	}
	if err := sheet.Close(); err != nil {
		t.Fatal(err)
	}
	reader := csv.NewReader(&buf)
	reader.FieldsPerRecord = -1
	rows, err := reader.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if len(r) >= 2 && r[0] == "'=HYPERLINK(\"x\")" && r[1] == "10" {
			found = true
		}
	}
	if !found {
		t.Errorf("the funder line with a formula label is not neutralised in %q", rows)
	}
}

// Presets and the months of a period.
func TestQueryPeriods(t *testing.T) {
	t.Parallel()
	today := time.Date(2026, 5, 14, 15, 0, 0, 0, time.UTC)
	start := time.Date(2024, 3, 2, 9, 0, 0, 0, time.UTC)
	for name, want := range map[string][2]string{
		"this_month": {"2026-05-01", "2026-05-14"}, "last_month": {"2026-04-01", "2026-04-30"},
		"last_quarter": {"2026-01-01", "2026-03-31"}, "this_year": {"2026-01-01", "2026-05-14"},
		"last_year": {"2025-01-01", "2025-12-31"}, "whole": {"2024-03-02", "2026-05-14"},
	} {
		from, to, ok := Preset(name, today, start)
		if !ok || from.Format(time.DateOnly) != want[0] || to.Format(time.DateOnly) != want[1] {
			t.Errorf("%s: %v–%v, want %v", name, from, to, want)
		}
	}
	q := Query{From: time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)}
	if m := q.Months(); len(m) != 3 || q.MonthEnds()[2] != time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC) {
		t.Errorf("months %v, ends %v", m, q.MonthEnds())
	}
	if p := q.Previous(); p.To != time.Date(2025, 1, 14, 0, 0, 0, 0, time.UTC) || p.Days() != q.Days() {
		t.Errorf("previous %v–%v (%d days), want to 2025-01-14, %d days", p.From, p.To, p.Days(), q.Days())
	}
	for _, c := range []struct{ from, to, wantFrom, wantTo string }{
		{"2026-02-10", "2026-03-05", "2026-02-01", "2026-03-31"}, // whole months
		{"2026-01-01", "2026-05-14", "2026-01-01", "2026-04-30"}, // May has not ended
		{"2026-05-02", "2026-05-14", "2026-04-01", "2026-04-30"}, // only May: the last month that ended
		{"2025-01-01", "2025-12-31", "2025-01-01", "2025-12-31"}, // unchanged
	} {
		from, _ := time.Parse(time.DateOnly, c.from)
		to, _ := time.Parse(time.DateOnly, c.to)
		got, changed := Query{From: from, To: to}.WholeMonths(today)
		if got.From.Format(time.DateOnly) != c.wantFrom || got.To.Format(time.DateOnly) != c.wantTo || changed != (c.from != c.wantFrom || c.to != c.wantTo) {
			t.Errorf("whole months of %s–%s: %v–%v (changed %v), want %s–%s", c.from, c.to, got.From, got.To, changed, c.wantFrom, c.wantTo)
		}
	}
	bad := Query{ProgramIDs: []int64{1}, From: q.To, To: q.From}
	if err := bad.Validate(); err == nil {
		t.Error("a period ending before it starts is accepted")
	}
}

// Two tables that share their totals are safe together: the referrals of
// the security review, whose need table and partner table each held, but
// together gave "no help" away (4 by need, 1 by partner).
func TestLinkedTablesAreSafeTogether(t *testing.T) {
	t.Parallel()
	byNeed, _ := NewTable([][]int{{3, 4}, {0, 5}})
	byPartner, _ := NewTable([][]int{{3, 1}, {0, 8}})
	link := func(r Ref) Link { return Link{{Table: 0, Ref: r}, {Table: 1, Ref: r}} }
	links := []Link{link(Ref{Total, 0}), link(Ref{Total, 1}), link(Ref{Total, Total})}
	out := SuppressLinked([]Table{byNeed, byPartner}, links)
	if f, exposed := jointExposed(out, links); exposed {
		t.Errorf("figure %d of table %d can be worked out from both tables", f.figure, f.table)
	}
	rng := rand.New(rand.NewPCG(4, 2026))
	for i := range 2000 {
		rows := 1 + rng.IntN(3)
		a, b := make([][]int, rows), make([][]int, rows)
		for r := range rows {
			a[r] = []int{rng.IntN(9), rng.IntN(9)}
		}
		// The partner table splits the same column totals another way.
		cols := []int{0, 0}
		for r := range rows {
			cols[0] += a[r][0]
			cols[1] += a[r][1]
		}
		for r := range rows {
			b[r] = []int{0, 0}
		}
		for c := range 2 {
			for n := cols[c]; n > 0; n-- {
				b[rng.IntN(rows)][c]++
			}
		}
		ta, _ := NewTable(a)
		tb, _ := NewTable(b)
		out := SuppressLinked([]Table{ta, tb}, links)
		if f, exposed := jointExposed(out, links); exposed {
			t.Fatalf("case %d: %v and %v: figure %d of table %d can be worked out", i, a, b, f.figure, f.table)
		}
		for k, s := range out {
			for _, r := range s.Ranges() {
				if !r.Protected() {
					t.Fatalf("case %d: table %d alone gives a hidden figure away: %+v", i, k, r)
				}
			}
		}
	}
}
