package demo

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/program"
	"homeward/internal/store"
)

// Generated cases at scale, written with the store's bulk loaders: mentees
// with their own data keys and sealed names, cases in every state with
// their transitions (some reopened into a second period, a few people in
// two programs), matches, needs, plan steps, contacts on every channel
// (sealed summaries, frequent at first and thinning out), requests
// (falling over time), referrals to the directory's services with their
// timelines, custody with facilities and releases, closings with feedback,
// outcomes on their own days (after release where the person was out by
// then), follow-ups with their answers; and the mentors they need, from
// application to retirement, with their checks and training, and the
// coordinators and psychologists.

// BulkSpec says what Bulk generates.
type BulkSpec struct {
	Cases    int
	Contacts int               // in all, spread over the cases by how long they were supported
	Programs []program.Program // the cases are spread over these
	Seed     uint64
	Now      time.Time // the day histories end; zero is the store's clock
	// History, when set, makes the cases a steady flow through each
	// program: as many people a month enter each one, on days spread
	// evenly over the History and the program's longest support before it
	// (so that the History holds closures and follow-ups from its first
	// day), each walked forward to where they stand today — what reports
	// over periods count. Without it, the cases are spread over the states
	// by stateWeights, as the lists at scale want them, closed ones over
	// the past 130 weeks.
	History time.Duration
	// Batch is how many cases go in one transaction (default 250: a few
	// thousand rows).
	Batch    int
	Progress io.Writer // a line now and then; nil discards them
	// CodePrefix starts the generated case codes and marks the staff's
	// emails (default "G"), so that two bulk runs into one database with
	// different prefixes do not collide.
	CodePrefix string
}

// BulkSummary tells what Bulk wrote.
type BulkSummary struct {
	Cases, Contacts, Requests int
	Mentees                   int // a few people have cases in two programs
	Referrals                 int
	// Staff are the accounts made: coordinators, psychologists and the
	// accepted mentors; Mentors the mentor records, applicants included.
	Staff, Mentors int
	States         map[cases.State]int
	Elapsed        time.Duration
}

// bulkPlan is one period of a case: its state and the dates of its
// milestones (zero when not reached), decided before any row is written
// so that the contacts can be spread over the cases to the exact total and
// the mentors over the matches within their capacity.
type bulkPlan struct {
	prog     int
	state    cases.State
	reason   cases.ClosureReason
	from     cases.State // a closed case's state before the closure (but a completed one's)
	opened   time.Time
	intake   time.Time
	waiting  time.Time
	match    time.Time
	active   time.Time
	ready    time.Time // readiness asked
	closed   time.Time
	stalled  bool // contacts stopped weeks ago
	quiet    bool // requests stopped weeks ago
	weight   float64
	contacts int
	mentor   int // index in the program's mentors, -1 for none
	// prev is the period closed before the case was reopened into this one.
	prev *bulkPlan
	// The case's custody, in a program with a custody phase.
	custody bulkCustody
	// twice: the person has a case in another program already (linked
	// when the case is built, if one fits).
	twice bool
}

// bulkCustody is where a person in custody is held and when they were (or
// are expected to be) released.
type bulkCustody struct {
	on       bool
	facility int       // index in the program's facilities
	expected time.Time // a day
	released time.Time // a day; zero while in custody
}

// periods are the case's periods, oldest first.
func (p *bulkPlan) periods() []*bulkPlan {
	if p.prev != nil {
		return []*bulkPlan{p.prev, p}
	}
	return []*bulkPlan{p}
}

// first is the case's first period.
func (p *bulkPlan) first() *bulkPlan { return p.periods()[0] }

// stateWeights is how the generated cases are spread over the states, in
// percent: most are being supported or closed.
var stateWeights = []struct {
	state  cases.State
	reason cases.ClosureReason
	pct    int
}{
	{cases.Referred, "", 3}, {cases.Intake, "", 4}, {cases.Waiting, "", 8}, {cases.Matched, "", 3},
	{cases.Active, "", 30}, {cases.Closing, "", 5}, {cases.Closed, cases.Completed, 30},
	{cases.Closed, cases.Withdrawn, 7}, {cases.Closed, cases.Transferred, 3}, {cases.Closed, cases.LostContact, 7},
}

// Bulk generates spec.Cases cases with spec.Contacts contacts in all over
// spec.Programs, with the mentors their matches need within each
// program's capacity, a coordinator per program and a psychologist per few
// hundred cases. What the cases need that the database lacks is made
// first: a few partners and services when the directory has no active
// service, facilities for a custody program without any, training modules
// for a program without any.
func Bulk(ctx context.Context, st *store.Store, spec BulkSpec) (BulkSummary, error) {
	start := time.Now()
	sum := BulkSummary{States: map[cases.State]int{}}
	if spec.Cases <= 0 || len(spec.Programs) == 0 {
		return sum, nil
	}
	if spec.Batch <= 0 {
		spec.Batch = 250
	}
	if spec.CodePrefix == "" {
		spec.CodePrefix = "G"
	}
	now := spec.Now
	if now.IsZero() {
		now = st.Now()
	}
	now = now.UTC().Truncate(time.Minute)
	rng := rand.New(rand.NewPCG(spec.Seed, 0x62756c6b))
	progress := func(format string, args ...any) {
		if spec.Progress != nil {
			fmt.Fprintf(spec.Progress, "demo: "+format+" (%s)\n", append(args, time.Since(start).Round(time.Second))...)
		}
	}
	env, err := bulkSetting(ctx, st, spec.Programs)
	if err != nil {
		return sum, err
	}

	// Decide every case's shape, and spread the contacts by weight.
	plans := make([]bulkPlan, spec.Cases)
	perProg := make([]int, len(spec.Programs))
	var total float64
	// A steady flow enters each program over the History and the
	// program's longest support before it, so that the History holds
	// closures and follow-ups from its first day; as many a month in each.
	spans := make([]time.Duration, len(spec.Programs))
	var spanned time.Duration
	for pi, p := range spec.Programs {
		spans[pi] = spec.History + time.Duration(p.DurationMax)*30*day
		spanned += spans[pi]
	}
	for i := range plans {
		pi := rng.IntN(len(spec.Programs))
		if spec.History > 0 {
			x := time.Duration(rng.Int64N(int64(spanned)))
			for pi = 0; x >= spans[pi] && pi < len(spans)-1; pi++ {
				x -= spans[pi]
			}
		}
		prog := spec.Programs[pi]
		if spec.History > 0 {
			plans[i] = planForward(rng, now, pi, prog, now.Add(-time.Duration(rng.Int64N(int64(spans[pi])))), false)
		} else {
			plans[i] = planCase(rng, now, pi, spec.Programs)
		}
		p := &plans[i]
		reopen(rng, now, p, prog, spec.History > 0)
		p.twice = len(spec.Programs) > 1 && rng.IntN(100) < 2
		if prog.Custody.Enabled {
			p.custody = planCustody(rng, now, p, prog, len(env.facilities[pi]))
		}
		for _, pp := range p.periods() {
			pp.setWeight(now, prog)
			total += pp.weight
		}
		perProg[pi]++
	}
	var acc float64
	given := 0
	for i := range plans {
		for _, pp := range plans[i].periods() {
			acc += pp.weight
			upto := int(math.Round(acc / total * float64(spec.Contacts)))
			if total == 0 {
				upto = 0
			}
			pp.contacts = upto - given
			given = upto
		}
	}

	// Staff: a coordinator per program and a psychologist per 400 cases,
	// then the mentors the matches need.
	team := make([]bulkTeam, len(spec.Programs))
	var staff []auth.User
	var staffProg []int
	for pi, p := range spec.Programs {
		for _, c := range []struct {
			role auth.Role
			n    int
		}{{auth.Coordinator, 1}, {auth.Psychologist, max(1, (perProg[pi]+399)/400)}} {
			for k := range c.n {
				name := pick(rng, []nameSet{belarusianLatin, ukrainianLatin, russianLatin, czech}).person(rng, pick(rng, []cases.Gender{cases.Male, cases.Female}))
				staff = append(staff, auth.User{Email: staffEmail(name, c.role, k, spec.CodePrefix, p.ID), Name: name, Role: c.role, Programs: []int64{p.ID}})
				staffProg = append(staffProg, pi)
			}
		}
	}
	for lo := 0; lo < len(staff); lo += 2000 {
		if err := st.BulkUsers(ctx, staff[lo:min(lo+2000, len(staff))]); err != nil {
			return sum, fmt.Errorf("bulk staff: %w", err)
		}
	}
	for i, u := range staff {
		t := &team[staffProg[i]]
		if u.Role == auth.Coordinator {
			t.coordinator = u.ID
		} else {
			t.psychologists = append(t.psychologists, u.ID)
		}
	}
	sum.Staff = len(staff)
	ms, err := bulkMentors(ctx, st, rng, now, spec, plans, env, team)
	if err != nil {
		return sum, err
	}
	sum.Staff += ms.accounts
	sum.Mentors = ms.records
	progress("%d coordinators, psychologists and mentors (%d mentor records with applicants) for %d programs", sum.Staff, sum.Mentors, len(spec.Programs))

	batch := make([]store.BulkCase, 0, spec.Batch)
	var people []bulkPerson // the people of the batches written, whom a case in another program may be of
	var pending []bulkPerson
	flush := func() error {
		if err := st.BulkLoad(ctx, batch); err != nil {
			return err
		}
		for k := range pending {
			pending[k].mentee = batch[pending[k].at].Case.MenteeID
		}
		people = append(people, pending...)
		batch, pending = batch[:0], pending[:0]
		return nil
	}
	nextReport := 10000
	twice := map[int64][]int{} // the programs of the people linked so far
	for i := range plans {
		p := &plans[i]
		prog := spec.Programs[p.prog]
		t := team[p.prog]
		bc := bulkCase{rng: rng, now: now, plan: p, prog: prog, com: env.communities[p.prog], team: t,
			psychologist: pick(rng, t.psychologists), facilities: env.facilities[p.prog], services: env.services}
		if p.twice {
			bc.other = otherCase(rng, p, people, twice)
			if bc.other != nil && bc.com.women && bc.other.gender != cases.Female {
				bc.other = nil // a women's program takes no man's second case
			}
		}
		b := bc.build(fmt.Sprintf("%s%d-%06d", spec.CodePrefix, prog.ID, i+1))
		sum.Cases++
		if b.MenteeID == 0 {
			sum.Mentees++
			pending = append(pending, bulkPerson{at: len(batch), prog: p.prog, opened: p.first().opened, partners: bc.partners, gender: bc.gender})
		}
		sum.Contacts += len(b.Contacts)
		sum.Requests += len(b.Requests)
		sum.Referrals += len(b.Referrals)
		sum.States[p.state]++
		batch = append(batch, b)
		if len(batch) == spec.Batch {
			if err := flush(); err != nil {
				return sum, err
			}
		}
		if sum.Cases >= nextReport {
			progress("%d of %d cases, %d contacts", sum.Cases, spec.Cases, sum.Contacts)
			nextReport += 10000
		}
	}
	if err := flush(); err != nil {
		return sum, err
	}
	progress("%d cases, %d contacts, %d requests, %d referrals written; analyzing", sum.Cases, sum.Contacts, sum.Requests, sum.Referrals)
	if err := st.Analyze(ctx); err != nil {
		return sum, err
	}
	sum.Elapsed = time.Since(start)
	progress("done")
	return sum, nil
}

// staffEmail is a generated staff member's address: their name, role and
// number, the run's prefix and the program.
func staffEmail(name string, role auth.Role, k int, prefix string, programID int64) string {
	return fmt.Sprintf("%s.%s%d.%s%d@%s", emailLocal(name), role, k+1, strings.ToLower(prefix), programID, DemoDomain)
}

// bulkPerson is a mentee of a written case, whom a case in another program
// may be of.
type bulkPerson struct {
	at       int // index in the batch, until written
	mentee   int64
	prog     int
	opened   time.Time
	partners bool // consented to sharing with partners
	gender   cases.Gender
}

// otherCase picks a person of another program whose first case opened
// before this one, and who has no case in this program yet.
func otherCase(rng *rand.Rand, p *bulkPlan, people []bulkPerson, twice map[int64][]int) *bulkPerson {
	if len(people) == 0 {
		return nil
	}
	from := rng.IntN(len(people))
	for k := range min(len(people), 200) {
		o := &people[(from+k)%len(people)]
		if o.prog != p.prog && o.opened.Before(p.first().opened.Add(-2*week)) && !slices.Contains(twice[o.mentee], p.prog) {
			twice[o.mentee] = append(twice[o.mentee], o.prog, p.prog)
			return o
		}
	}
	return nil
}

// between is a time between lo and hi.
func between(rng *rand.Rand, lo, hi time.Time) time.Time {
	if !hi.After(lo) {
		return lo
	}
	return lo.Add(time.Duration(rng.Int64N(int64(hi.Sub(lo))))).Truncate(time.Minute)
}

// durRange is a duration between lo and hi (lo when hi is not above it).
func durRange(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(rng.Int64N(int64(hi-lo)+1))
}

// back is a minute from lo to hi before from.
func back(rng *rand.Rand, from time.Time, lo, hi time.Duration) time.Time {
	return from.Add(-durRange(rng, lo, hi)).Truncate(time.Minute)
}

// fromActive walks a supported period back from the first meeting to the
// referral.
func (p *bulkPlan) fromActive(rng *rand.Rand, active time.Time) {
	p.active = active
	p.match = back(rng, active, 2*day, 6*day)
	p.fromWaiting(rng, back(rng, p.match, 2*day, 4*week))
}

// fromWaiting walks a period back from the move to waiting.
func (p *bulkPlan) fromWaiting(rng *rand.Rand, waiting time.Time) {
	p.waiting = waiting
	p.intake = back(rng, waiting, 5*day, 3*week)
	p.opened = back(rng, p.intake, 0, 6*day)
}

// planCase decides a case's state by stateWeights and the dates of its
// milestones, walking back from today.
func planCase(rng *rand.Rand, now time.Time, prog int, programs []program.Program) bulkPlan {
	p := bulkPlan{prog: prog, mentor: -1}
	x := rng.IntN(100)
	for _, w := range stateWeights {
		if x < w.pct {
			p.state, p.reason = w.state, w.reason
			break
		}
		x -= w.pct
	}
	switch p.state {
	case cases.Referred:
		p.opened = back(rng, now, time.Hour, 12*day)
	case cases.Intake:
		p.intake = back(rng, now, time.Hour, 3*week)
		p.opened = back(rng, p.intake, 0, 6*day)
	case cases.Waiting:
		p.fromWaiting(rng, back(rng, now, time.Hour, 10*week))
	case cases.Matched:
		p.match = back(rng, now, time.Hour, 8*day)
		p.fromWaiting(rng, back(rng, p.match, 2*day, 4*week))
	case cases.Active:
		p.fromActive(rng, back(rng, now, 3*day, 40*week))
		p.stalled = rng.IntN(6) == 0
		p.quiet = rng.IntN(4) == 0
	case cases.Closing:
		p.ready = back(rng, now, time.Hour, 4*week)
		p.fromActive(rng, back(rng, p.ready, 8*week, 30*week))
	case cases.Closed:
		p.closedOn(rng, back(rng, now, 2*day, 130*week))
	}
	return p
}

// closedOn walks a period closed (for p.reason) at closed back to the
// referral.
func (p *bulkPlan) closedOn(rng *rand.Rand, closed time.Time) {
	p.state, p.closed = cases.Closed, closed
	switch {
	case p.reason == cases.Completed:
		p.ready = back(rng, closed, 1*week, 4*week)
		p.fromActive(rng, back(rng, p.ready, 8*week, 30*week))
	case p.reason == cases.Withdrawn && rng.IntN(2) == 0:
		p.from = pick(rng, []cases.State{cases.Intake, cases.Waiting})
		if p.from == cases.Waiting {
			p.fromWaiting(rng, back(rng, closed, 3*day, 8*week))
		} else {
			p.intake = back(rng, closed, 3*day, 4*week)
			p.opened = back(rng, p.intake, 0, 6*day)
		}
	default:
		p.from = cases.Active
		p.fromActive(rng, back(rng, closed, 3*week, 24*week))
		p.stalled = p.reason == cases.LostContact
	}
}

// planForward walks a period forward from the day the person entered (a
// referral, or a reopening straight into intake) to where it stands
// today: most are supported and complete, some withdraw before or during
// the support, lose contact or move to another program. Support lasts as
// long as the program plans (its minimum to maximum months).
func planForward(rng *rand.Rand, now time.Time, pi int, prog program.Program, entry time.Time, reopened bool) bulkPlan {
	p := bulkPlan{prog: pi, mentor: -1}
	p.opened = entry.Truncate(time.Minute)
	p.intake = p.opened
	if !reopened && rng.IntN(10) >= 3 {
		p.intake = p.opened.Add(durRange(rng, time.Hour, 6*day)).Truncate(time.Minute)
	}
	after := func(t time.Time, lo, hi time.Duration) time.Time {
		return t.Add(durRange(rng, lo, hi)).Truncate(time.Minute)
	}
	var reason cases.ClosureReason
	if rng.IntN(100) < 6 {
		// Withdrew before any support.
		reason = cases.Withdrawn
		if rng.IntN(2) == 0 {
			p.from = cases.Intake
			p.closed = after(p.intake, 3*day, 4*week)
		} else {
			p.from = cases.Waiting
			p.waiting = after(p.intake, 5*day, 3*week)
			p.closed = after(p.waiting, 3*day, 8*week)
		}
	} else {
		p.waiting = after(p.intake, 5*day, 3*week)
		p.match = after(p.waiting, 2*day, 4*week)
		p.active = after(p.match, 2*day, 6*day)
		months := prog.DurationMin + rng.IntN(max(1, prog.DurationMax-prog.DurationMin+1))
		support := max(4*week, time.Duration(months)*30*day+durRange(rng, 0, 4*week)-2*week)
		switch x := rng.IntN(100); {
		case x < 72:
			reason = cases.Completed
			p.ready = p.active.Add(support)
			p.closed = after(p.ready, 1*week, 4*week)
		case x < 81:
			reason, p.from = cases.Withdrawn, cases.Active
			p.closed = after(p.active, 3*week, support)
		case x < 98:
			reason, p.from, p.stalled = cases.LostContact, cases.Active, true
			p.closed = after(p.active, 6*week, support+4*week)
		default:
			reason, p.from = cases.Transferred, cases.Active
			p.closed = after(p.active, 3*week, support)
		}
	}
	// What lies after today has not happened yet.
	for _, t := range []*time.Time{&p.intake, &p.waiting, &p.match, &p.active, &p.ready, &p.closed} {
		if t.After(now) {
			*t = time.Time{}
		}
	}
	switch {
	case !p.closed.IsZero():
		p.state, p.reason = cases.Closed, reason
	case !p.ready.IsZero():
		p.state = cases.Closing
	case !p.active.IsZero():
		p.state = cases.Active
		p.quiet = !p.stalled && rng.IntN(5) == 0
	case !p.match.IsZero():
		p.state = cases.Matched
	case !p.waiting.IsZero():
		p.state = cases.Waiting
	case !p.intake.IsZero():
		p.state = cases.Intake
	default:
		p.state = cases.Referred
	}
	if p.state != cases.Closed {
		p.from = ""
	}
	return p
}

// reopen makes some closed cases come back: a completed or lost case
// reopened weeks or months later into a second period. Forward, the
// closed period is the case's first and the new one is walked forward from
// the reopening; backward, a case not merely referred gets a first period
// that closed before it.
func reopen(rng *rand.Rand, now time.Time, p *bulkPlan, prog program.Program, forward bool) {
	if forward {
		chance := map[cases.ClosureReason]int{cases.Completed: 10, cases.LostContact: 30, cases.Withdrawn: 10}[p.reason]
		if p.state != cases.Closed || rng.IntN(100) >= chance {
			return
		}
		at := p.closed.Add(durRange(rng, 4*week, 40*week)).Truncate(time.Minute)
		if !at.Before(now.Add(-day)) {
			return
		}
		first := *p
		*p = planForward(rng, now, p.prog, prog, at, true)
		p.prev = &first
		return
	}
	if p.state == cases.Referred || rng.IntN(100) >= 3 {
		return
	}
	first := bulkPlan{prog: p.prog, mentor: -1, reason: cases.Completed}
	if rng.IntN(5) < 2 {
		first.reason = cases.LostContact
	}
	first.closedOn(rng, back(rng, p.opened, 4*week, 30*week))
	p.opened = p.intake // reopened straight into intake
	p.prev = &first
}

// planCustody decides where a person in a custody program is held and
// when they get out: they enter some months before the release, within
// the program's months before; a completed period's person is out before
// readiness is asked. Released only within the case's life and by today.
func planCustody(rng *rand.Rand, now time.Time, p *bulkPlan, prog program.Program, facilities int) bulkCustody {
	c := bulkCustody{on: true, facility: rng.IntN(max(1, facilities))}
	first := p.first()
	months := max(1, prog.Custody.MonthsBefore)
	rel := first.opened.Add(durRange(rng, 4*week, time.Duration(months)*30*day))
	for _, pp := range p.periods() {
		if pp.reason == cases.Completed || pp.state == cases.Closing {
			if latest := pp.ready.Add(-2 * week); rel.After(latest) {
				rel = between(rng, pp.active.Add(week), latest)
				if rel.After(latest) {
					rel = pp.active.Add(pp.ready.Sub(pp.active) / 2)
				}
			}
			break
		}
	}
	rel = cases.Day(rel)
	end := now
	if p.state == cases.Closed {
		end = p.closed
	}
	if !rel.After(cases.Day(end)) && !rel.Before(cases.Day(first.opened)) {
		c.released = rel
		c.expected = rel.AddDate(0, 0, rng.IntN(4)) // some get out a few days early
	} else {
		c.expected = rel
	}
	return c
}

// setWeight is the period's weight in the contacts: how many the cadence
// asks for while it was supported (roughly: weeks supported, more at
// first).
func (p *bulkPlan) setWeight(now time.Time, prog program.Program) {
	switch {
	case !p.active.IsZero():
		weeks := p.caseEnd(now).Sub(p.active).Hours() / 24 / 7
		c := prog.Cadence
		first := math.Min(weeks, float64(c.FirstWeeks))
		p.weight = 1 + first*c.FirstPerWeek + math.Max(0, weeks-first)*math.Max(c.LaterPerWeek, 0.5)
	case !p.intake.IsZero():
		p.weight = 0.3 // the intake call, now and then
	default:
		p.weight = 0
	}
}

// caseEnd is when the period stopped being open (or today).
func (p *bulkPlan) caseEnd(now time.Time) time.Time {
	if !p.closed.IsZero() {
		return p.closed
	}
	return now
}

// communityOf is who a program supports: the modelled programs' own
// people, a mix for the generated ones.
func communityOf(p program.Program) community {
	for i, m := range Programs(Small, 0) {
		if m.Name == p.Name {
			return []community{exiles, returning, refugees}[i]
		}
	}
	if strings.HasPrefix(p.Name, womensTheme) {
		women := mixed
		women.women = true
		return women
	}
	return mixed
}
