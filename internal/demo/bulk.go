package demo

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/program"
	"homeward/internal/store"
)

// Generated cases at scale, written with the store's bulk loader: mentees
// with their own data keys and sealed names, cases in every state with
// their transitions, matches, needs, plan steps, contacts (sealed
// summaries, frequent at first and thinning out), requests (falling over
// time), closings, outcomes and follow-ups, and the mentors and
// psychologists they need.

// BulkSpec says what Bulk generates.
type BulkSpec struct {
	Cases    int
	Contacts int               // in all, spread over the cases by how long they were supported
	Programs []program.Program // the cases are spread over these
	Seed     uint64
	Now      time.Time // the day histories end; zero is the store's clock
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
	Staff                     int
	States                    map[cases.State]int
	Elapsed                   time.Duration
}

// bulkPlan is one case's shape, decided before any row is written so that
// the contacts can be spread over the cases to the exact total.
type bulkPlan struct {
	prog     int
	state    cases.State
	reason   cases.ClosureReason
	from     cases.State // a withdrawn case's state before the closure
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
	mentor   int // index in the program's mentors
}

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
// spec.Programs, with a mentor pool per program sized by its capacity and
// a psychologist per few hundred cases.
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

	// Decide every case's shape, and spread the contacts by weight.
	plans := make([]bulkPlan, spec.Cases)
	open := make([]int, len(spec.Programs)) // open supported cases per program
	perProg := make([]int, len(spec.Programs))
	var total float64
	for i := range plans {
		plans[i] = planCase(rng, now, rng.IntN(len(spec.Programs)), spec.Programs)
		p := &plans[i]
		perProg[p.prog]++
		if p.state.SupportedByMentor() {
			open[p.prog]++
		}
		total += p.weight
	}
	var acc float64
	given := 0
	for i := range plans {
		acc += plans[i].weight
		upto := int(math.Round(acc / total * float64(spec.Contacts)))
		if total == 0 {
			upto = 0
		}
		plans[i].contacts = upto - given
		given = upto
	}

	// Staff: a coordinator per program, enough mentors for the open cases
	// at the program's capacity (and a fifth more), a psychologist per 400
	// cases.
	team := make([]map[auth.Role][]int64, len(spec.Programs))
	var staff []auth.User
	var staffProg []int
	for pi, p := range spec.Programs {
		team[pi] = map[auth.Role][]int64{}
		counts := []struct {
			role auth.Role
			n    int
		}{
			{auth.Coordinator, 1},
			{auth.Mentor, max(1, int(math.Ceil(float64(open[pi])/float64(max(1, p.MentorCapacity))*1.2)))},
			{auth.Psychologist, max(1, (perProg[pi]+399)/400)},
		}
		for _, c := range counts {
			for k := range c.n {
				name := pick(rng, []nameSet{belarusianLatin, ukrainianLatin, russianLatin, czech}).person(rng, pick(rng, []cases.Gender{cases.Male, cases.Female}))
				staff = append(staff, auth.User{Email: fmt.Sprintf("%s.%s%d.%s%d@%s", emailLocal(name), c.role, k+1, strings.ToLower(spec.CodePrefix), p.ID, DemoDomain),
					Name: name, Role: c.role, Programs: []int64{p.ID}})
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
		team[staffProg[i]][u.Role] = append(team[staffProg[i]][u.Role], u.ID)
	}
	sum.Staff = len(staff)
	progress("%d coordinators, mentors and psychologists for %d programs", len(staff), len(spec.Programs))

	// Open cases fill each mentor up to the capacity; closed ones had any.
	load := make([][]int, len(spec.Programs))
	for pi := range spec.Programs {
		load[pi] = make([]int, len(team[pi][auth.Mentor]))
	}
	for i := range plans {
		p := &plans[i]
		ms := team[p.prog][auth.Mentor]
		p.mentor = rng.IntN(len(ms))
		if p.state.SupportedByMentor() {
			for load[p.prog][p.mentor] >= spec.Programs[p.prog].MentorCapacity {
				p.mentor = (p.mentor + 1) % len(ms)
			}
			load[p.prog][p.mentor]++
		}
	}

	batch := make([]store.BulkCase, 0, spec.Batch)
	flush := func() error {
		if err := st.BulkLoad(ctx, batch); err != nil {
			return err
		}
		batch = batch[:0]
		return nil
	}
	nextReport := 10000
	for i := range plans {
		p := &plans[i]
		prog := spec.Programs[p.prog]
		t := team[p.prog]
		b := buildCase(rng, now, p, prog, fmt.Sprintf("%s%d-%06d", spec.CodePrefix, prog.ID, i+1),
			staffIDs{coordinator: t[auth.Coordinator][0], mentor: t[auth.Mentor][p.mentor], psychologist: pick(rng, t[auth.Psychologist])})
		sum.Cases++
		sum.Contacts += len(b.Contacts)
		sum.Requests += len(b.Requests)
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
	progress("%d cases, %d contacts, %d requests written; analyzing", sum.Cases, sum.Contacts, sum.Requests)
	if err := st.Analyze(ctx); err != nil {
		return sum, err
	}
	sum.Elapsed = time.Since(start)
	progress("done")
	return sum, nil
}

// between is a time between lo and hi.
func between(rng *rand.Rand, lo, hi time.Time) time.Time {
	if !hi.After(lo) {
		return lo
	}
	return lo.Add(time.Duration(rng.Int64N(int64(hi.Sub(lo))))).Truncate(time.Minute)
}

func durRange(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rng.Int64N(int64(hi-lo)+1))
}

// planCase decides a case's state and the dates of its milestones.
func planCase(rng *rand.Rand, now time.Time, prog int, programs []program.Program) bulkPlan {
	p := bulkPlan{prog: prog}
	x := rng.IntN(100)
	for _, w := range stateWeights {
		if x < w.pct {
			p.state, p.reason = w.state, w.reason
			break
		}
		x -= w.pct
	}
	back := func(from time.Time, lo, hi time.Duration) time.Time {
		return from.Add(-durRange(rng, lo, hi)).Truncate(time.Minute)
	}
	// Walk back from the last milestone to the referral.
	fromActive := func(active time.Time) {
		p.active = active
		p.match = back(active, 2*day, 6*day)
		p.waiting = back(p.match, 2*day, 4*week)
		p.intake = back(p.waiting, 5*day, 3*week)
		p.opened = back(p.intake, 0, 6*day)
	}
	fromWaiting := func(waiting time.Time) {
		p.waiting = waiting
		p.intake = back(waiting, 5*day, 3*week)
		p.opened = back(p.intake, 0, 6*day)
	}
	switch p.state {
	case cases.Referred:
		p.opened = back(now, time.Hour, 12*day)
	case cases.Intake:
		p.intake = back(now, time.Hour, 3*week)
		p.opened = back(p.intake, 0, 6*day)
	case cases.Waiting:
		fromWaiting(back(now, time.Hour, 10*week))
	case cases.Matched:
		p.match = back(now, time.Hour, 8*day)
		p.waiting = back(p.match, 2*day, 4*week)
		p.intake = back(p.waiting, 5*day, 3*week)
		p.opened = back(p.intake, 0, 6*day)
	case cases.Active:
		fromActive(back(now, 3*day, 40*week))
		p.stalled = rng.IntN(6) == 0
		p.quiet = rng.IntN(4) == 0
	case cases.Closing:
		p.ready = back(now, time.Hour, 4*week)
		fromActive(back(p.ready, 8*week, 30*week))
	case cases.Closed:
		p.closed = back(now, 2*day, 130*week)
		switch {
		case p.reason == cases.Completed:
			p.ready = back(p.closed, 1*week, 4*week)
			fromActive(back(p.ready, 8*week, 30*week))
		case p.reason == cases.Withdrawn && rng.IntN(2) == 0:
			p.from = pick(rng, []cases.State{cases.Intake, cases.Waiting})
			if p.from == cases.Waiting {
				fromWaiting(back(p.closed, 3*day, 8*week))
			} else {
				p.intake = back(p.closed, 3*day, 4*week)
				p.opened = back(p.intake, 0, 6*day)
			}
		default:
			p.from = cases.Active
			fromActive(back(p.closed, 3*week, 24*week))
			p.stalled = p.reason == cases.LostContact
		}
	}
	// The weight of a case in the contacts: how many the cadence asks for
	// while it was supported (roughly: weeks supported, more at first).
	if !p.active.IsZero() {
		end := p.caseEnd(now)
		weeks := end.Sub(p.active).Hours() / 24 / 7
		c := programs[prog].Cadence
		first := math.Min(weeks, float64(c.FirstWeeks))
		p.weight = 1 + first*c.FirstPerWeek + math.Max(0, weeks-first)*math.Max(c.LaterPerWeek, 0.5)
	} else if !p.intake.IsZero() {
		p.weight = 0.3 // the intake call, now and then
	}
	return p
}

// caseEnd is when the case stopped being open (or today).
func (p *bulkPlan) caseEnd(now time.Time) time.Time {
	if !p.closed.IsZero() {
		return p.closed
	}
	return now
}

// staffIDs are who worked on a generated case.
type staffIDs struct{ coordinator, mentor, psychologist int64 }

// buildCase makes the rows of a planned case.
func buildCase(rng *rand.Rand, now time.Time, p *bulkPlan, prog program.Program, code string, who staffIDs) store.BulkCase {
	com := mixed
	g := cases.Male
	if rng.IntN(5) < 2 {
		g = cases.Female
	}
	pl := pick(rng, com.places)
	var b store.BulkCase
	b.Mentee = cases.Mentee{
		Profile: cases.Profile{
			CaseCode:       code,
			FullName:       pick(rng, com.names).person(rng, g),
			BirthYear:      now.Year() - 22 - rng.IntN(40),
			Gender:         g,
			Languages:      pick(rng, com.languages),
			Country:        pl.country,
			City:           pl.city,
			Children:       rng.IntN(3),
			Occupation:     pick(rng, occupations),
			ContactTimes:   pick(rng, contactTimes),
			ReferralSource: pick(rng, referralsPolitical),
		},
		CreatedAt: p.opened,
	}
	end := p.caseEnd(now)
	c := &b.Case
	c.ProgramID, c.State, c.ClosureReason, c.Period = prog.ID, p.state, p.reason, 1
	c.OpenedAt, c.CreatedAt = p.opened, p.opened
	trans := func(at time.Time, from, to cases.State, reason string) {
		b.Transitions = append(b.Transitions, cases.Transition{Period: 1, From: from, To: to, Reason: reason, At: at, ActorID: who.coordinator})
		c.StateSince = at
	}
	// The path: referral (or intake at once), intake, waiting, the match,
	// active, closing, closed — as far as the case got.
	if p.intake.IsZero() || rng.IntN(10) < 7 {
		trans(p.opened, "", cases.Referred, "")
		if !p.intake.IsZero() {
			trans(p.intake, cases.Referred, cases.Intake, "First call done; taking the person in.")
		}
	} else {
		p.opened = p.intake
		b.Mentee.CreatedAt, c.OpenedAt, c.CreatedAt = p.intake, p.intake, p.intake
		trans(p.intake, "", cases.Intake, "")
	}
	if !p.intake.IsZero() {
		b.Consents = append(b.Consents, cases.Consent{Kind: cases.ConsentProcessing, Given: true, RecordedAt: p.intake.Add(time.Hour), RecordedBy: who.coordinator})
		if rng.IntN(10) < 7 {
			b.Consents = append(b.Consents, cases.Consent{Kind: cases.ConsentPartners, Given: true, RecordedAt: p.intake.Add(time.Hour), RecordedBy: who.coordinator})
		}
		// The first assessment; some domains reassessed since.
		assessed := p.intake.Add(3 * day)
		if assessed.After(end) {
			assessed = end
		}
		domains := prog.NeedDomains
		startAt := rng.IntN(len(domains))
		for k := range 3 + rng.IntN(4) {
			d := domains[(startAt+k)%len(domains)]
			n := cases.Need{Domain: d, Severity: cases.Severities[min(k/2+rng.IntN(2), 3)], Status: cases.NotStarted, AssessedAt: assessed, AssessedBy: who.coordinator}
			if !p.active.IsZero() && rng.IntN(5) < 2 && p.active.Add(6*week).Before(end) {
				prev := n
				n.AssessedAt = p.active.Add(6 * week)
				n.Severity = cases.Severities[min(prev.Severity.Rank()+1, 4)]
				n.Status = pick(rng, []cases.NeedStatus{cases.InProgress, cases.Done})
				n.Previous = &prev
			}
			b.Needs = append(b.Needs, n)
		}
		if p.active.IsZero() {
			// Calls while the case waits for its mentor.
			for k := range p.contacts {
				at := p.intake.Add(time.Duration(k)*4*day + 30*time.Minute)
				if at.After(end) {
					at = end
				}
				b.Contacts = append(b.Contacts, cases.Contact{At: at, Channel: cases.Call, Minutes: 20 + rng.IntN(30),
					Summary: "Call with the coordinator.", RecordedBy: who.coordinator, CreatedAt: at})
			}
		}
	}
	if !p.waiting.IsZero() {
		trans(p.waiting, cases.Intake, cases.Waiting, "Intake complete; looking for a mentor.")
		c.PsychologistID = who.psychologist
	}
	if !p.match.IsZero() {
		trans(p.match, cases.Waiting, cases.Matched, "")
		m := p.match
		c.ActiveSince = &m
		c.MentorID = who.mentor
		b.Matches = append(b.Matches, cases.Match{MentorID: who.mentor, Period: 1, StartedAt: p.match, AssignedBy: who.coordinator})
	}
	if !p.active.IsZero() {
		trans(p.active, cases.Matched, cases.Active, "First plan agreed at the first meeting.")
		b.PlanSteps = bulkSteps(rng, now, p, prog, b.Needs)
		b.Contacts = bulkContacts(rng, now, p, prog, b.Needs, who.mentor)
		b.Requests = bulkRequests(rng, now, p, prog, b.Needs, who.mentor)
	}
	if !p.ready.IsZero() {
		trans(p.ready, cases.Active, cases.Closing, "No new requests for weeks; asked about finishing.")
		cl := &cases.ClosingSteps{Period: 1, ReadinessAskedAt: &p.ready, ReadinessAskedBy: who.coordinator}
		steps := rng.IntN(5)
		if p.state == cases.Closed {
			steps = 4
		}
		gap := end.Sub(p.ready) / 5
		if p.state == cases.Closing {
			gap = now.Sub(p.ready) / 4
		}
		at := func(k int) *time.Time { t := p.ready.Add(time.Duration(k) * gap).Truncate(time.Minute); return &t }
		if steps >= 1 {
			cl.AgreedAt, cl.AgreedBy = at(1), who.coordinator
		}
		if steps >= 2 {
			cl.FinalMeetingAt, cl.FinalMeetingBy = at(2), who.psychologist
		}
		if steps >= 3 {
			b.Feedback = &cases.Feedback{Period: 1, Support: cases.Rating(3 + rng.IntN(3)), Mentor: cases.Rating(3 + rng.IntN(3)),
				Plan: cases.Rating(2 + rng.IntN(4)), Recommend: cases.Rating(3 + rng.IntN(3)), RecordedAt: *at(3), RecordedBy: who.coordinator}
		}
		b.Closing = cl
	}
	if p.state == cases.Closed {
		from := p.from
		if p.reason == cases.Completed {
			from = cases.Closing
		}
		reason := ""
		if p.reason != cases.Completed {
			reason = map[cases.ClosureReason]string{cases.Withdrawn: "Asked to stop.", cases.Transferred: "Moved to a partner program.",
				cases.LostContact: "No answer for six weeks."}[p.reason]
		}
		trans(p.closed, from, cases.Closed, reason)
		b.Transitions[len(b.Transitions)-1].ClosureReason = p.reason
		if b.Closing == nil {
			b.Closing = &cases.ClosingSteps{Period: 1}
		}
		b.Closing.ClosedAt, b.Closing.ClosureReason = &p.closed, p.reason
		c.MentorID = 0 // the closure freed the mentor
		if len(b.Matches) > 0 {
			b.Matches[0].EndedAt, b.Matches[0].EndReason = &p.closed, "closed: "+string(p.reason)
		}
		if p.reason == cases.Completed {
			kinds := []cases.OutcomeKind{cases.JobFound, cases.HousingSecured, cases.LegalStatusObtained, cases.RetrainingCompleted, cases.DebtCaseClosed, cases.FamilyLawHelp}
			for k := range 1 + rng.IntN(3) {
				b.Outcomes = append(b.Outcomes, cases.Outcome{Period: 1, Kind: kinds[(k*2+rng.IntN(2))%len(kinds)], RecordedAt: p.closed, RecordedBy: who.coordinator})
			}
			for _, months := range cases.FollowUpMonths {
				fu := cases.FollowUp{Period: 1, Months: months, DueOn: cases.FollowUpDue(p.closed, months)}
				if done := fu.DueOn.Add(durRange(rng, day, 3*week)); done.Before(now) && rng.IntN(5) > 0 {
					fu.DoneAt, fu.WorkKept, fu.Housing, fu.Rearrested = &done, pick(rng, []cases.Answer{cases.Yes, cases.Yes, cases.No}), cases.Yes, cases.No
					fu.RecordedBy = who.coordinator
				}
				b.FollowUps = append(b.FollowUps, fu)
			}
		}
	}
	// The case changed last with the newest thing recorded on it.
	c.UpdatedAt = c.StateSince
	later := func(t time.Time) {
		if t.After(c.UpdatedAt) && !t.After(now) {
			c.UpdatedAt = t
		}
	}
	for _, x := range b.Contacts {
		later(x.CreatedAt)
	}
	for _, x := range b.Requests {
		later(x.UpdatedAt)
	}
	for _, x := range b.PlanSteps {
		later(x.UpdatedAt)
	}
	for _, x := range b.FollowUps {
		if x.DoneAt != nil {
			later(*x.DoneAt)
		}
	}
	return b
}

// bulkContacts spreads the case's contacts from the first meeting to the
// end of the support, denser at first; the last one within the cadence of
// today unless the case stalled.
func bulkContacts(rng *rand.Rand, now time.Time, p *bulkPlan, prog program.Program, needs []cases.Need, mentor int64) []cases.Contact {
	n := p.contacts
	if n <= 0 {
		return nil
	}
	end := p.caseEnd(now)
	last := end.Add(-time.Duration(rng.Float64() * 0.9 * float64(cases.ContactInterval(prog, p.match, end))))
	if p.stalled {
		last = end.Add(-durRange(rng, 3*week, 8*week))
	}
	if last.Before(p.active) {
		last = p.active
	}
	span := last.Sub(p.active)
	out := make([]cases.Contact, n)
	for k := range n {
		// Quantiles of a density falling over time, the last at last.
		u := 1.0
		if n > 1 {
			u = (float64(k) + 0.3*rng.Float64()) / float64(n-1)
			u = math.Min(u, 1)
		}
		at := p.active.Add(time.Duration(math.Pow(u, 1.6) * float64(span))).Truncate(time.Minute)
		ch := pick(rng, []cases.Channel{cases.Call, cases.Video, cases.Message, cases.InPerson})
		if prog.Custody.Enabled && rng.IntN(4) == 0 {
			ch = cases.PrisonVisit
		}
		d := pick(rng, needs).Domain
		_, _, talk := domainWords(d)
		out[k] = cases.Contact{At: at, Channel: ch, Minutes: 10 + rng.IntN(50), Summary: pick(rng, talk) + ".",
			Needs: []string{d}, RecordedBy: mentor, CreatedAt: at.Add(time.Duration(rng.IntN(180)) * time.Minute)}
		if out[k].CreatedAt.After(end) {
			out[k].CreatedAt = end
		}
	}
	return out
}

// bulkRequests raises requests at a rate falling week by week; a quiet
// case's stopped weeks ago.
func bulkRequests(rng *rand.Rand, now time.Time, p *bulkPlan, prog program.Program, needs []cases.Need, mentor int64) []cases.Request {
	end := p.caseEnd(now)
	if !p.ready.IsZero() && p.ready.Before(end) {
		end = p.ready
	}
	if p.quiet {
		end = now.Add(-time.Duration(prog.QuietWeeks)*week - durRange(rng, week, 4*week))
	}
	span := end.Sub(p.active)
	if span <= 0 {
		return nil
	}
	tau := (2 + 2*rng.Float64()) * float64(week)
	lambda := 0.8 + 0.8*rng.Float64() // requests in the first week
	mean := lambda * (tau / float64(week)) * (1 - math.Exp(-float64(span)/tau))
	n := poisson(rng, mean)
	out := make([]cases.Request, 0, n)
	for range n {
		u := rng.Float64()
		off := -tau * math.Log(1-u*(1-math.Exp(-float64(span)/tau)))
		at := p.active.Add(time.Duration(off)).Truncate(time.Minute)
		d := pick(rng, needs).Domain
		_, texts, _ := domainWords(d)
		q := cases.Request{Domain: d, Urgency: pick(rng, cases.Urgencies), Text: pick(rng, texts), Status: cases.RequestOpen,
			RecordedBy: mentor, CreatedAt: at, UpdatedAt: at}
		if done := at.Add(durRange(rng, day, 14*day)); done.Before(p.caseEnd(now)) {
			q.Status, q.Resolution, q.ResolvedAt, q.UpdatedAt = cases.RequestResolved, "Sorted out.", &done, done
		} else if rng.IntN(2) == 0 {
			q.Status = cases.RequestInProgress
		}
		out = append(out, q)
	}
	return out
}

// bulkSteps is the first plan of 1–5 steps, done around their due dates.
func bulkSteps(rng *rand.Rand, now time.Time, p *bulkPlan, prog program.Program, needs []cases.Need) []cases.PlanStep {
	end := p.caseEnd(now)
	out := make([]cases.PlanStep, 1+rng.IntN(cases.FirstPlanSteps))
	for k := range out {
		d := needs[k%len(needs)].Domain
		steps, _, _ := domainWords(d)
		due := p.active.Add(durRange(rng, week, 6*week)).Truncate(day)
		st := cases.PlanStep{Period: 1, Title: pick(rng, steps), Domain: d, Owner: pick(rng, cases.Owners), DueOn: &due,
			Status: cases.StepOpen, CreatedAt: p.active, UpdatedAt: p.active}
		if done := due.Add(durRange(rng, 0, 10*day) - 4*day); done.Before(end) && done.After(p.active) && rng.IntN(8) > 0 {
			st.Status, st.DoneAt, st.UpdatedAt = cases.StepDone, &done, done
		} else if rng.IntN(2) == 0 {
			st.Status = cases.StepInProgress
		}
		out[k] = st
	}
	return out
}
