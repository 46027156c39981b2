package report

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"homeward/internal/cases"
	"homeward/internal/program"
)

// Outcomes is the outcomes report of a Query as it may be published: every
// figure with its unit, and the tables the page and the charts show, all
// suppressed unless Exact (a coordinator's page of their own programs).
// It holds counts only: no name, case code or free text.
type Outcomes struct {
	Query   Query
	Made    time.Time
	Exact   bool
	Months  []time.Time
	Figures []Figure
	Tables  []Section
	// Custody tells whether a program of the report has a custody phase,
	// so that its figures mean something.
	Custody bool
}

// Unit says what a figure counts or measures.
type Unit string

const (
	People       Unit = "people"
	Cases        Unit = "cases"
	Contacts     Unit = "contacts"
	Referrals    Unit = "referrals"
	FollowUps    Unit = "follow_ups"
	Mentors      Unit = "mentors"
	Ratings      Unit = "ratings"
	Days         Unit = "days"
	PerCaseMonth Unit = "per_case_month"
	PerWeek      Unit = "per_week"
	Hours        Unit = "hours"
	Share        Unit = "share"
	Change       Unit = "change" // a difference of a measure, per week
	CaseOpenings Unit = "case_openings"
	Requests     Unit = "requests"
)

// Counted tells whether the unit is a count (of people or things), which
// suppression applies to; measures are shown only when based on five or more.
func (u Unit) Counted() bool {
	switch u {
	case Days, PerCaseMonth, PerWeek, Hours, Share, Change:
		return false
	}
	return true
}

// Value is a figure as published: Kind Shown with its number, or a marker.
type Value struct {
	Kind Kind
	N    float64
}

// Export is the value in an export: the number (one decimal for rates, a
// percentage without a sign for a share), "" when hidden.
func (v Value) Export(u Unit) string {
	if v.Kind != Shown {
		return ""
	}
	switch u {
	case Share:
		return strconv.FormatFloat(math.Round(v.N*1000)/10, 'f', -1, 64)
	case PerCaseMonth, PerWeek, Change:
		return strconv.FormatFloat(v.N, 'f', 1, 64)
	case Hours:
		return strconv.FormatFloat(math.Round(v.N), 'f', 0, 64)
	}
	return strconv.FormatFloat(v.N, 'f', -1, 64)
}

// Figure is one figure of the report. Its name and definition are the
// messages "report.figure.KEY" and "report.definition.KEY", where KEY is
// Key with an outcome kind or a channel replaced by a placeholder (see
// Message); Param is that kind or channel.
type Figure struct {
	Key   string
	Group string // the heading it is shown under
	Unit  Unit
	Value Value
	// Message is the key of its name and definition in the catalogues;
	// Param the outcome kind, channel or months it is about; Label the
	// name of a program's own outcome kind, as the program typed it.
	Message string
	Param   string
	Label   string
}

// Section is a table of the report: its rows and columns and its cells,
// totals included.
type Section struct {
	Key        string
	Unit       Unit
	Rows, Cols []Label
	cells      Suppressed
}

// Cell is cell (i, j) as published; i or j may be Total.
func (s Section) Cell(i, j int) Cell { return s.cells.Cell(i, j) }

// Lines are how many rows and columns a page or an export shows of the
// section, its totals last: a total that repeats the one cell of its line,
// or adds up what does not add up (month-end counts over months, ratings
// of different questions), is left out.
func (s Section) Lines() (rows, cols int) {
	rows, cols = len(s.Rows)+1, len(s.Cols)+1
	if len(s.Rows) == 1 || s.Key == "states" || s.Key == "feedback" {
		rows--
	}
	if len(s.Cols) == 1 {
		cols--
	}
	return rows, cols
}

// Label names a row or a column: a message key, or a text as typed (a
// partner's or a facility's name), or a month.
type Label struct {
	Key   string
	Text  string
	Month time.Time
}

// Figure returns the figure of the key, and whether the report has it.
func (o Outcomes) Figure(key string) (Figure, bool) {
	for _, f := range o.Figures {
		if f.Key == key {
			return f, true
		}
	}
	return Figure{}, false
}

// Table returns the section of the key, and whether the report has it.
func (o Outcomes) Table(key string) (Section, bool) {
	for _, s := range o.Tables {
		if s.Key == key {
			return s, true
		}
	}
	return Section{}, false
}

// builder gathers the figures and tables while Build runs.
type builder struct {
	o     *Outcomes
	exact bool
}

// publish suppresses a table unless the report is exact.
func (b *builder) publish(t Table) Suppressed {
	if b.exact {
		return Exact(t)
	}
	return Suppress(t)
}

func (b *builder) figure(group, key string, u Unit, v Value) {
	b.o.Figures = append(b.o.Figures, Figure{Key: key, Group: group, Unit: u, Value: v, Message: key})
}

// cell is a published cell as a figure's value.
func cellValue(c Cell) Value { return Value{Kind: c.Kind, N: float64(c.Count)} }

// count publishes one count on its own (a table of one cell).
func (b *builder) count(group, key string, u Unit, n int) Value {
	t, _ := NewList([]int{max(n, 0)})
	v := cellValue(b.publish(t).Cell(0, 0))
	b.figure(group, key, u, v)
	return v
}

// measure is a measure based on n people or things: shown when the report
// is exact or n is five or more (a median of fewer is nearly a person's
// own figure), hidden as "fewer than 5" otherwise; 0 based on nobody is
// shown as 0 only when exact, else it is a marker too.
func (b *builder) measure(n int, x float64) Value {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		x = 0
	}
	if b.exact || n >= 5 {
		return Value{Kind: Shown, N: x}
	}
	if n == 0 {
		return Value{Kind: Shown, N: 0}
	}
	return Value{Kind: TooFew}
}

// derived is a measure computed from published values: hidden when any of
// them is.
func derived(x float64, from ...Value) Value {
	for _, v := range from {
		if v.Kind != Shown {
			return Value{Kind: TooFew}
		}
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		x = 0
	}
	return Value{Kind: Shown, N: x}
}

// daysPerMonth is the average length of a month, for rates per month.
const daysPerMonth = 365.25 / 12

// Build makes the outcomes report of the facts of q, which covers the
// programs (their own outcome kinds and custody phase matter), made at
// made. Exact shows every count (a coordinator's page); otherwise every
// count goes through suppression and every measure based on fewer than
// five is hidden.
func Build(q Query, f Facts, programs []program.Program, made time.Time, exact bool) Outcomes {
	o := Outcomes{Query: q, Made: made, Exact: exact, Months: q.Months()}
	for _, p := range programs {
		o.Custody = o.Custody || p.Custody.Enabled
	}
	b := &builder{o: &o, exact: exact}

	// People and cases: the tables of the case flow share figures (the
	// people entered are the total of those entered by month, the people
	// completed the total of the closures' first column and of those
	// completed by month, and the cases in custody at the end may be all
	// the cases open then), so they are suppressed together.
	months := make([]Label, len(o.Months))
	for i, m := range o.Months {
		months[i] = Label{Month: m}
	}
	states := make([][]int, len(o.Months))
	openings := make([][]int, len(o.Months))
	completions := make([][]int, len(o.Months))
	for i := range o.Months {
		states[i] = make([]int, len(StateGroups))
		if i < len(f.States) {
			copy(states[i], f.States[i])
		}
		openings[i] = []int{countAt(f.Openings, i)}
		completions[i] = []int{countAt(f.Completions, i)}
	}
	stateCols := make([]Label, len(StateGroups))
	for j, g := range StateGroups {
		stateCols[j] = Label{Key: "report.state." + g}
	}
	closedCols := make([]Label, len(cases.ClosureReasons))
	closed := make([]int, len(cases.ClosureReasons))
	for j, r := range cases.ClosureReasons {
		closedCols[j] = Label{Key: "report.figure.closed." + string(r)}
		closed[j] = countAt(f.Closed, j)
	}
	const (
		tEntered = iota
		tOpenings
		tCompletions
		tClosures
		tStates
		tCustody
	)
	flow := []Table{flowTable([][]int{{max(f.Entered, 0)}}), flowTable(openings), flowTable(completions),
		flowTable([][]int{closed}), flowTable(states), flowTable([][]int{{max(f.InCustody, 0) + max(f.AfterRelease, 0)}})}
	same := func(a int, ra Ref, b int, rb Ref) Link {
		return Link{{Table: a, Ref: ra}, {Table: b, Ref: rb}}
	}
	last := len(o.Months) - 1
	links := []Link{
		same(tEntered, Ref{0, 0}, tOpenings, Ref{Total, 0}),
		same(tClosures, Ref{0, 0}, tCompletions, Ref{Total, 0}),
	}
	if o.Custody && flow[tCustody].Count(0, 0) == flow[tStates].Count(last, Total) {
		links = append(links, same(tCustody, Ref{0, 0}, tStates, Ref{last, Total}))
	}
	pub := b.publishLinked(flow, links)
	b.figure("cases", "entered", People, cellValue(pub[tEntered].Cell(0, 0)))
	b.section("states", Cases, months, stateCols, pub[tStates])
	b.figure("cases", "active_at_end", Cases, cellValue(pub[tStates].Cell(last, len(StateGroups)-1)))
	b.section("openings", People, months, []Label{{Key: "report.row.people"}}, pub[tOpenings])
	b.section("completions", People, months, []Label{{Key: "report.row.people"}}, pub[tCompletions])
	ct := b.section("closures", People, []Label{{Key: "report.row.people"}}, closedCols, pub[tClosures])
	for j, r := range cases.ClosureReasons {
		b.figure("cases", "closed."+string(r), People, cellValue(ct.Cell(0, j)))
	}
	b.figure("cases", "closed", People, cellValue(ct.Cell(0, Total)))
	custodyTotal := cellValue(pub[tCustody].Cell(0, 0))
	b.spread("entry_to_match", f.EntryToMatch)
	b.spread("match_to_close", f.MatchToClose)

	// Support: contacts, requests and the hours volunteers gave.
	chCols := make([]Label, len(cases.Channels))
	chCounts := make([]int, len(cases.Channels))
	for j, c := range cases.Channels {
		chCols[j] = Label{Key: "contacts.channel." + string(c)}
		chCounts[j] = countAt(f.Contacts, j)
	}
	cc := b.table("contacts", Contacts, []Label{{Key: "report.row.contacts"}}, chCols, [][]int{chCounts})
	caseMonths := f.SupportedDays / daysPerMonth
	total := cellValue(cc.Cell(0, Total))
	b.figure("support", "contacts", Contacts, total)
	// A rate per case is shown only on five supported cases or more: on
	// fewer it is nearly a person's own.
	enough := b.measure(f.SupportedCases, 1)
	b.figure("support", "contacts.per_case_month", PerCaseMonth, derived(ratio(total.N, caseMonths), total, enough))
	for j, c := range cases.Channels {
		v := cellValue(cc.Cell(0, j))
		b.o.Figures = append(b.o.Figures, Figure{Key: "contacts." + string(c) + ".per_case_month", Group: "support",
			Unit: PerCaseMonth, Value: derived(ratio(v.N, caseMonths), v, enough), Message: "contacts.channel.per_case_month", Param: string(c)})
	}
	weeks := float64(q.Days()) / 7
	rq := b.count("support", "requests", Requests, f.Requests)
	before := b.count("support", "requests.before", Requests, f.RequestsBefore)
	perWeek := derived(float64(f.Requests)/weeks, rq)
	perWeekBefore := derived(float64(f.RequestsBefore)/weeks, before)
	b.figure("support", "requests.per_week", PerWeek, perWeek)
	b.figure("support", "requests.per_week_before", PerWeek, perWeekBefore)
	b.figure("support", "requests.trend", Change, derived(perWeek.N-perWeekBefore.N, perWeek, perWeekBefore))
	// Hours are hidden with the counts they come from: the contacts, and
	// the mentors whose training was confirmed.
	contactHours := derived(f.ContactHours, total)
	trainingHours := derived(f.TrainingHours, b.measure(f.TrainingMentors, 1))
	b.figure("support", "hours.contacts", Hours, contactHours)
	b.figure("support", "hours.training", Hours, trainingHours)
	b.figure("support", "hours.total", Hours, derived(f.ContactHours+f.TrainingHours, contactHours, trainingHours))

	b.referrals(f.Referrals)
	b.outcomes(f.Outcomes, programs)
	b.followUps(f.FollowUps)
	b.mentors(f.Mentors)
	b.feedback(f.Feedback, f.FeedbackDeclined)
	if o.Custody {
		b.custody(f, custodyTotal)
	}
	return o
}

func flowTable(counts [][]int) Table {
	t, err := NewTable(counts)
	if err != nil {
		t, _ = NewTable([][]int{{0}})
	}
	return t
}

// publishLinked suppresses tables that share figures together, unless the
// report is exact.
func (b *builder) publishLinked(ts []Table, links []Link) []Suppressed {
	if b.exact {
		out := make([]Suppressed, len(ts))
		for i, t := range ts {
			out[i] = Exact(t)
		}
		return out
	}
	return SuppressLinked(ts, links)
}

// section adds a published table as a section of the report.
func (b *builder) section(key string, u Unit, rows, cols []Label, s Suppressed) Suppressed {
	b.o.Tables = append(b.o.Tables, Section{Key: key, Unit: u, Rows: rows, Cols: cols, cells: s})
	return s
}

// pair publishes the two parts of a total published elsewhere as total
// (say, the follow-ups that found work kept and the others): both shown
// when neither is 1 to 4, or when exact; otherwise the part of 1 to 4 is
// "fewer than 5" and the other hidden — unless that would let the other
// be worked out from the total (as it would if the total must be hidden
// too), in which case both are withheld. A hidden total hides both.
func (b *builder) pair(total Value, yes, no int) (Value, Value) {
	yes, no = max(yes, 0), max(no, 0)
	if b.exact {
		return Value{Kind: Shown, N: float64(yes)}, Value{Kind: Shown, N: float64(no)}
	}
	if total.Kind != Shown {
		return Value{Kind: total.Kind}, Value{Kind: total.Kind}
	}
	t, _ := NewList([]int{yes, no})
	s := Suppress(t)
	if s.Cell(0, Total).Kind != Shown {
		return Value{Kind: Withheld}, Value{Kind: Withheld}
	}
	return cellValue(s.Cell(0, 0)), cellValue(s.Cell(0, 1))
}

func countAt(xs []int, i int) int {
	if i < len(xs) {
		return max(xs[i], 0)
	}
	return 0
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

// table adds a section of counts.
func (b *builder) table(key string, u Unit, rows, cols []Label, counts [][]int) Suppressed {
	t, err := NewTable(counts)
	if err != nil { // no rows (a period of no months cannot be): an empty row
		t, _ = NewTable([][]int{make([]int, len(cols))})
		rows = []Label{{Key: "report.row.none"}}
	}
	s := b.publish(t)
	b.o.Tables = append(b.o.Tables, Section{Key: key, Unit: u, Rows: rows, Cols: cols, cells: s})
	return s
}

func (b *builder) spread(key string, s Spread) {
	b.count("cases", "days."+key+".count", People, s.N)
	b.figure("cases", "days."+key+".median", Days, b.measure(s.N, float64(s.Median)))
	b.figure("cases", "days."+key+".p75", Days, b.measure(s.N, float64(s.P75)))
}

// referrals adds the referrals by need domain and by partner: two tables
// that share their column totals and grand total, suppressed together.
func (b *builder) referrals(rs []ReferralCount) {
	var domains []string
	var partners []int64
	names := map[int64]string{}
	for _, r := range rs {
		if !slices.Contains(domains, r.Domain) {
			domains = append(domains, r.Domain)
		}
		if !slices.Contains(partners, r.PartnerID) {
			partners = append(partners, r.PartnerID)
			names[r.PartnerID] = r.PartnerName
		}
	}
	slices.Sort(domains)
	slices.SortFunc(partners, func(x, y int64) int {
		if c := strings.Compare(strings.ToLower(names[x]), strings.ToLower(names[y])); c != 0 {
			return c
		}
		return int(x - y)
	})
	byDomain := make([][]int, max(len(domains), 1))
	byPartner := make([][]int, max(len(partners), 1))
	for i := range byDomain {
		byDomain[i] = []int{0, 0}
	}
	for i := range byPartner {
		byPartner[i] = []int{0, 0}
	}
	for _, r := range rs {
		d, p := slices.Index(domains, r.Domain), slices.Index(partners, r.PartnerID)
		helped := min(r.GotHelp, r.Sent)
		byDomain[d][0] += helped
		byDomain[d][1] += r.Sent - helped
		byPartner[p][0] += helped
		byPartner[p][1] += r.Sent - helped
	}
	dRows := make([]Label, 0, len(domains))
	for _, d := range domains {
		key := "domain." + d
		if d == "" {
			key = "report.row.no_domain"
		}
		dRows = append(dRows, Label{Key: key})
	}
	pRows := make([]Label, 0, len(partners))
	for _, p := range partners {
		pRows = append(pRows, Label{Text: names[p]})
	}
	if len(rs) == 0 {
		dRows = []Label{{Key: "report.row.none"}}
		pRows = dRows
	}
	cols := []Label{{Key: "report.column.got_help"}, {Key: "report.column.no_help"}}
	td, _ := NewTable(byDomain)
	tp, _ := NewTable(byPartner)
	var sd, sp Suppressed
	if b.exact {
		sd, sp = Exact(td), Exact(tp)
	} else {
		link := func(r Ref) Link {
			return Link{{Table: 0, Ref: r}, {Table: 1, Ref: r}}
		}
		out := SuppressLinked([]Table{td, tp}, []Link{link(Ref{Total, 0}), link(Ref{Total, 1}), link(Ref{Total, Total})})
		sd, sp = out[0], out[1]
	}
	b.o.Tables = append(b.o.Tables, Section{Key: "referrals_by_domain", Unit: Referrals, Rows: dRows, Cols: cols, cells: sd},
		Section{Key: "referrals_by_partner", Unit: Referrals, Rows: pRows, Cols: cols, cells: sp})
	sent := cellValue(sd.Cell(Total, Total))
	helped := cellValue(sd.Cell(Total, 0))
	b.figure("referrals", "referrals.sent", Referrals, sent)
	b.figure("referrals", "referrals.got_help", Referrals, helped)
	b.figure("referrals", "referrals.got_help_share", Share, derived(ratio(helped.N, sent.N), helped, sent))
}

// outcomes adds the people with each outcome kind: the built-in ones, then
// the programs' own; in a report with a custody phase, also those whose
// outcome came after release.
func (b *builder) outcomes(os []OutcomeCount, programs []program.Program) {
	type kind struct{ key, label string }
	var kinds []kind
	for _, k := range cases.OutcomeKinds {
		kinds = append(kinds, kind{key: string(k)})
	}
	for _, p := range programs {
		for _, k := range p.OwnOutcomeKinds {
			if !slices.ContainsFunc(kinds, func(x kind) bool { return x.key == k.Key }) {
				kinds = append(kinds, kind{key: k.Key, label: k.Label})
			}
		}
	}
	for _, k := range kinds {
		var c OutcomeCount
		for _, x := range os {
			if x.Kind == k.key {
				c = x
			}
		}
		people := b.count("outcomes", "outcome."+k.key, People, c.People)
		f := &b.o.Figures[len(b.o.Figures)-1]
		f.Message, f.Param, f.Label = "outcome", k.key, k.label
		if b.o.Custody {
			// After release, and not: the two parts of the people with
			// the outcome, so that neither is worked out from the other.
			after, _ := b.pair(people, c.AfterRelease, c.People-min(c.AfterRelease, c.People))
			b.o.Figures = append(b.o.Figures, Figure{Key: "outcome." + k.key + ".after_release", Group: "outcomes", Unit: People,
				Value: after, Message: "outcome.after_release", Param: k.key, Label: k.label})
		}
	}
}

// followUps adds the follow-ups at 6 and 12 months: the follow-ups done,
// and for each question those that answered yes, published as the part of
// the follow-ups done with the rest (pair), so that "no" cannot be worked
// out from "yes" and the total.
func (b *builder) followUps(fs [2]FollowUpCount) {
	for i, m := range FollowUpMonths {
		f := fs[i]
		ms := strconv.Itoa(m)
		done := max(f.Done, 0)
		doneValue := b.count("follow_ups", "follow_up."+ms+".done", People, done)
		fig := &b.o.Figures[len(b.o.Figures)-1]
		fig.Message, fig.Param = "follow_up.done", ms
		for _, q := range []struct {
			key string
			yes int
		}{{"work_kept", f.WorkKept}, {"housing_kept", f.HousingKept}, {"rearrested", f.Rearrested}} {
			yes := min(max(q.yes, 0), done)
			v, _ := b.pair(doneValue, yes, done-yes)
			b.o.Figures = append(b.o.Figures, Figure{Key: "follow_up." + ms + "." + q.key, Group: "follow_ups", Unit: People,
				Value: v, Message: "follow_up." + q.key, Param: ms})
		}
	}
}

func (b *builder) mentors(m MentorCount) {
	b.count("mentors", "mentors.applied", Mentors, m.Applied)
	b.count("mentors", "mentors.accepted", Mentors, m.Accepted)
	b.count("mentors", "mentors.trained", Mentors, m.Trained)
	b.count("mentors", "mentors.active", Mentors, m.Active)
	b.count("mentors", "mentors.retired", Mentors, m.Retired)
}

// feedback adds the ratings by question and rating.
func (b *builder) feedback(fb [][]int, declined int) {
	rows := make([]Label, len(FeedbackQuestions))
	counts := make([][]int, len(FeedbackQuestions))
	for i, q := range FeedbackQuestions {
		rows[i] = Label{Key: "feedback." + q}
		counts[i] = make([]int, 5)
		if i < len(fb) {
			for j := range 5 {
				counts[i][j] = countAt(fb[i], j)
			}
		}
	}
	cols := make([]Label, 5)
	for j := range 5 {
		cols[j] = Label{Key: "report.rating." + strconv.Itoa(j+1)}
	}
	b.table("feedback", Ratings, rows, cols, counts)
	b.count("feedback", "feedback.declined", People, declined)
}

// custody adds the cases in custody and after release at the end (the
// two parts of the cases in a custody phase then, total published with the
// case flow), the people released in the period, and the people per
// facility; in a suppressed report the facilities with fewer than five go
// together in one row, so that no row says someone was held at a small
// facility.
func (b *builder) custody(f Facts, total Value) {
	in, after := b.pair(total, f.InCustody, f.AfterRelease)
	b.figure("custody", "custody.total", Cases, total)
	b.figure("custody", "custody.in_custody", Cases, in)
	b.figure("custody", "custody.after_release", Cases, after)
	b.count("custody", "custody.released", People, f.Released)
	var rows []Label
	var counts [][]int
	others := 0
	for _, fc := range f.Facilities {
		if !b.exact && fc.People < 5 {
			others += max(fc.People, 0)
			continue
		}
		rows = append(rows, Label{Text: fc.Name})
		counts = append(counts, []int{fc.People})
	}
	if others > 0 {
		rows = append(rows, Label{Key: "report.row.other_facilities"})
		counts = append(counts, []int{others})
	}
	if len(counts) == 0 {
		rows, counts = []Label{{Key: "report.row.none"}}, [][]int{{0}}
	}
	b.table("facilities", People, rows, []Label{{Key: "report.row.people"}}, counts)
}
