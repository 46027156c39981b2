package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/program"
	"homeward/internal/store"
)

// The journeys: about forty people of the three modelled programs, each
// walked through the store's own calls from the referral to where their
// case stands today, with the store's clock moved to when each step
// happened. The steps of all cases run in time order, so that the audit
// log reads as it would have been written and every match finds the
// mentors' capacity as it was on that day.

const (
	day  = 24 * time.Hour
	week = 7 * day
)

// who acts in a step.
type who int

const (
	byCoordinator who = iota
	byMentor
	byPsychologist
	byMentee
	byPartner
)

// caseSpec says where a demo case stands today and how it got there.
type caseSpec struct {
	prog   int // index of the modelled program
	state  cases.State
	reason cases.ClosureReason
	// support is how long the mentor worked with the person before the
	// closing began (or until today).
	support time.Duration
	// ago is when the case reached its state (a closure), or the referral
	// for referred cases, counted back from today.
	ago time.Duration
	// closingStep is how far a closing case got: 1 readiness asked, 2 the
	// mentee agreed, 3 the final meeting, 4 feedback given.
	closingStep int
	from        cases.State // the state a withdrawn case was closed from
	overdue     bool        // contacts stopped weeks ago
	quiet       bool        // requests stopped weeks ago
	portal      bool        // the demo mentee's own case
	demoMentor  bool        // supported by the demo mentor
	reopened    bool        // completed once, reopened a few weeks ago
	declined    bool        // declined to give feedback
}

// journeySpecs are the demo's cases: every state, each closure reason,
// stalled cases and one reopened.
var journeySpecs = []caseSpec{
	// Volnyja: political prisoners after release, in emigration.
	{prog: 0, state: cases.Referred, ago: 2 * day},
	{prog: 0, state: cases.Intake, ago: 6 * day},
	{prog: 0, state: cases.Waiting, ago: 10 * day},
	{prog: 0, state: cases.Matched, ago: 3 * day},
	{prog: 0, state: cases.Active, support: 9 * week, portal: true, demoMentor: true},
	{prog: 0, state: cases.Active, support: 3 * week},
	{prog: 0, state: cases.Active, support: 14 * week, overdue: true},
	{prog: 0, state: cases.Active, support: 16 * week, quiet: true},
	{prog: 0, state: cases.Closing, support: 15 * week, ago: 5 * day, closingStep: 1},
	{prog: 0, state: cases.Closing, support: 18 * week, ago: 12 * day, closingStep: 3},
	{prog: 0, state: cases.Closed, reason: cases.Completed, support: 14 * week, ago: 17 * week, demoMentor: true},
	{prog: 0, state: cases.Closed, reason: cases.Completed, support: 20 * week, ago: 30 * week},
	{prog: 0, state: cases.Closed, reason: cases.Completed, support: 22 * week, ago: 56 * week},
	{prog: 0, state: cases.Closed, reason: cases.Withdrawn, ago: 5 * week, from: cases.Waiting},
	{prog: 0, state: cases.Closed, reason: cases.LostContact, support: 12 * week, ago: 3 * week},
	{prog: 0, state: cases.Active, support: 12 * day, reopened: true},
	// Mentoring for release from prison (with a custody phase).
	{prog: 1, state: cases.Referred, ago: 4 * day},
	{prog: 1, state: cases.Intake, ago: 9 * day},
	{prog: 1, state: cases.Waiting, ago: 2 * week},
	{prog: 1, state: cases.Matched, ago: 5 * day},
	{prog: 1, state: cases.Active, support: 6 * week},
	{prog: 1, state: cases.Active, support: 20 * week},
	{prog: 1, state: cases.Active, support: 10 * week, overdue: true},
	{prog: 1, state: cases.Closing, support: 26 * week, ago: 3 * week, closingStep: 4, declined: true},
	{prog: 1, state: cases.Closed, reason: cases.Completed, support: 28 * week, ago: 34 * week},
	{prog: 1, state: cases.Closed, reason: cases.Transferred, support: 10 * week, ago: 3 * week},
	{prog: 1, state: cases.Closed, reason: cases.Withdrawn, ago: 6 * week, from: cases.Intake},
	{prog: 1, state: cases.Active, support: 24 * week, quiet: true},
	// New neighbours: refugees.
	{prog: 2, state: cases.Referred, ago: 1 * day},
	{prog: 2, state: cases.Intake, ago: 4 * day},
	{prog: 2, state: cases.Waiting, ago: 8 * day},
	{prog: 2, state: cases.Waiting, ago: 5 * week},
	{prog: 2, state: cases.Active, support: 5 * week, demoMentor: true},
	{prog: 2, state: cases.Active, support: 12 * week},
	{prog: 2, state: cases.Active, support: 18 * week, overdue: true},
	{prog: 2, state: cases.Closing, support: 16 * week, ago: 9 * day, closingStep: 2, demoMentor: true},
	{prog: 2, state: cases.Closed, reason: cases.Completed, support: 12 * week, ago: 13 * week},
	{prog: 2, state: cases.Closed, reason: cases.Completed, support: 16 * week, ago: 28 * week},
	{prog: 2, state: cases.Closed, reason: cases.LostContact, support: 9 * week, ago: 8 * week},
	{prog: 2, state: cases.Closed, reason: cases.Withdrawn, support: 7 * week, ago: 4 * week, from: cases.Active},
}

// journey runs the demo's cases through the store.
type journey struct {
	ctx       context.Context
	st        *store.Store
	passwords *passwords
	rng       *rand.Rand
	now       time.Time // today: every history ends here
	clock     time.Time // the store's clock while the steps run
	programs  []program.Program
	// facilities are the facilities of the programs with a custody phase.
	facilities map[int64][]program.Facility
	staff      map[who]auth.User // the demo coordinator, mentor, psychologist and mentee
	pool       map[int64][]*poolMentor
	names      int // mentor names used
	steps      []step
	sum        *Summary
}

// poolMentor is a mentor of a program and their open cases in it.
type poolMentor struct {
	user auth.User
	load int
	demo bool // the demo mentor, kept for the cases that ask for them
}

// step is one call of the store at a moment of a case's history.
type step struct {
	at   time.Time
	seq  int
	what string
	run  func() error
}

// caseRun is one case being walked: what the steps made so far.
type caseRun struct {
	j        *journey
	spec     caseSpec
	n        int // the case's number in the demo
	p        program.Program
	com      community
	rng      *rand.Rand
	mentee   cases.Mentee
	menteeID int64
	caseID   int64
	mentor   *poolMentor
	domains  []string // the domains assessed
	sev      map[string]cases.Severity
	status   map[string]cases.NeedStatus
	planned  map[int]cases.PlanStep // by the order they were planned
	requests map[int]cases.Request
	nStep    int
	nReq     int
	housed   bool      // the housing outcome was recorded during the support
	released time.Time // the day of release from custody (zero: none)
	hist     map[cases.HistoryPart]string
	steps    []step
}

// runJourneys walks every demo case and adds what it made to sum.
func (j *journey) runJourneys() error {
	for i, spec := range journeySpecs {
		r := &caseRun{j: j, spec: spec, n: i + 1, p: j.programs[spec.prog], rng: rand.New(rand.NewPCG(j.rng.Uint64(), uint64(i))),
			sev: map[string]cases.Severity{}, status: map[string]cases.NeedStatus{},
			planned: map[int]cases.PlanStep{}, requests: map[int]cases.Request{}}
		r.com = []community{exiles, returning, refugees}[spec.prog]
		r.plan()
		// A case's own steps keep their order; ties between cases go by case.
		sort.SliceStable(r.steps, func(a, b int) bool { return r.steps[a].at.Before(r.steps[b].at) })
		for _, s := range r.steps {
			s.seq = len(j.steps)
			j.steps = append(j.steps, s)
		}
	}
	sort.SliceStable(j.steps, func(a, b int) bool { return j.steps[a].at.Before(j.steps[b].at) })
	for _, s := range j.steps {
		j.clock = s.at
		if err := s.run(); err != nil {
			return fmt.Errorf("demo case step %q: %w", s.what, err)
		}
	}
	return nil
}

// as is the context of a step made by a user: the audit names them.
func (j *journey) as(u auth.User) context.Context {
	return audit.WithActor(j.ctx, audit.Actor{Who: fmt.Sprintf("user:%d", u.ID)})
}

// at schedules a step of the case; its time never passes today.
func (r *caseRun) at(t time.Time, what string, fn func() error) {
	if t.After(r.j.now) {
		return
	}
	r.steps = append(r.steps, step{at: t.Truncate(time.Minute), what: fmt.Sprintf("case %d: %s", r.n, what), run: fn})
}

// user is who makes a step of this case, as the step runs.
func (r *caseRun) user(w who) auth.User {
	if w == byMentor && r.mentor != nil {
		return r.mentor.user
	}
	return r.j.staff[w]
}

func (r *caseRun) ctx(w who) context.Context { return r.j.as(r.user(w)) }

// jitter returns a duration between lo and hi.
func (r *caseRun) jitter(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(r.rng.Int64N(int64(hi-lo)+1))
}

func pick[T any](rng *rand.Rand, l []T) T { return l[rng.IntN(len(l))] }

// timeline is when the milestones of a case's current period fall (zero
// when not reached).
type timeline struct {
	opened, intake, waiting, match, active, readiness, closed time.Time
	// supportEnd is when new requests stop (readiness asked, a closure,
	// today); caseEnd when the case stops being open (closed, or today).
	supportEnd, caseEnd time.Time
}

// plan lays out the case's history as steps.
func (r *caseRun) plan() {
	s, now := r.spec, r.j.now
	r.chooseNeeds()
	var tl timeline
	switch {
	case s.reopened:
		// The first period: completed nine months ago.
		first := r.lifeBefore(now.Add(-39*week), 14*week)
		r.mentee = r.newMentee()
		r.intakeSteps(first)
		r.supportSteps(first)
		r.closingSteps(first, 4, cases.Completed)
		r.followUps(first.closed)
		// Reopened four weeks ago: the second period.
		re := now.Add(-4 * week)
		r.at(re, "reopen", func() error {
			_, err := r.j.st.Transition(r.ctx(byCoordinator), store.TransitionInput{CaseID: r.caseID, To: cases.Intake,
				Reason: "Lost the job and the room; asked for help again.", ActorID: r.user(byCoordinator).ID})
			return err
		})
		tl = timeline{intake: re, waiting: re.Add(6 * day), match: now.Add(-s.support - 4*day), active: now.Add(-s.support),
			supportEnd: now, caseEnd: now}
		r.at(re.Add(2*day), "assess after reopening", func() error { return r.assess(assessWorse) })
		r.at(tl.waiting, "waiting again", func() error {
			_, err := r.j.st.Transition(r.ctx(byCoordinator), store.TransitionInput{CaseID: r.caseID, To: cases.Waiting,
				Reason: "Needs assessed again; looking for a mentor.", ActorID: r.user(byCoordinator).ID})
			return err
		})
		r.periodSteps(tl)
		return
	case s.state == cases.Referred:
		tl.opened = now.Add(-s.ago)
	case s.state == cases.Intake:
		tl.intake = now.Add(-s.ago)
		tl.opened = tl.intake.Add(-r.jitter(2*day, 5*day))
	case s.state == cases.Waiting:
		tl.waiting = now.Add(-s.ago)
		tl.intake = tl.waiting.Add(-r.jitter(6*day, 12*day))
		tl.opened = tl.intake.Add(-r.jitter(1*day, 5*day))
	case s.state == cases.Matched:
		tl.match = now.Add(-s.ago)
		tl.waiting = tl.match.Add(-r.jitter(5*day, 20*day))
		tl.intake = tl.waiting.Add(-r.jitter(6*day, 12*day))
		tl.opened = tl.intake.Add(-r.jitter(1*day, 5*day))
	case s.state == cases.Closed && s.from != "" && s.from != cases.Active:
		tl.closed = now.Add(-s.ago)
		if s.from == cases.Waiting {
			tl.waiting = tl.closed.Add(-3 * week)
		}
		tl.intake = tl.closed.Add(-r.jitter(4*week, 5*week))
		tl.opened = tl.intake.Add(-r.jitter(1*day, 4*day))
	default: // supported: active, closing, closed after support
		end := now
		switch s.state {
		case cases.Closing:
			end = now.Add(-s.ago) // readiness asked
		case cases.Closed:
			end = now.Add(-s.ago)
			if s.reason == cases.Completed {
				end = end.Add(-r.jitter(2*week, 3*week)) // the closing took a few weeks
			}
		}
		tl = r.lifeBefore(end, s.support)
		switch {
		case s.state == cases.Active:
			tl.readiness, tl.closed, tl.caseEnd = time.Time{}, time.Time{}, now
		case s.state == cases.Closing:
			tl.closed, tl.caseEnd = time.Time{}, now
		case s.state == cases.Closed && s.reason != cases.Completed:
			tl.readiness, tl.closed = time.Time{}, now.Add(-s.ago)
			tl.caseEnd = tl.closed
		}
	}
	if tl.supportEnd.IsZero() {
		tl.supportEnd = now
	}
	if tl.caseEnd.IsZero() {
		tl.caseEnd = now
		if !tl.closed.IsZero() {
			tl.caseEnd = tl.closed
		}
	}
	r.mentee = r.newMentee()
	r.intakeSteps(tl)
	r.periodSteps(tl)
}

// lifeBefore is the timeline of a period whose support lasted support and
// ended (readiness asked) at end.
func (r *caseRun) lifeBefore(end time.Time, support time.Duration) timeline {
	var tl timeline
	tl.readiness = end
	tl.active = end.Add(-support)
	tl.match = tl.active.Add(-r.jitter(3*day, 6*day))
	tl.waiting = tl.match.Add(-r.jitter(5*day, 20*day))
	tl.intake = tl.waiting.Add(-r.jitter(6*day, 12*day))
	tl.opened = tl.intake.Add(-r.jitter(1*day, 5*day))
	tl.supportEnd = end
	tl.closed = end.Add(r.jitter(12*day, 20*day))
	tl.caseEnd = tl.closed
	return tl
}

// periodSteps lays out the current period after the intake.
func (r *caseRun) periodSteps(tl timeline) {
	s := r.spec
	if !tl.match.IsZero() {
		r.supportSteps(tl)
	}
	switch {
	case s.state == cases.Closing:
		r.closingSteps(tl, s.closingStep, "")
	case s.state == cases.Closed && s.reason == cases.Completed:
		r.closingSteps(tl, 4, cases.Completed)
		r.followUps(tl.closed)
	case s.state == cases.Closed:
		reason := pick(r.rng, withdrawReasons)
		switch s.reason {
		case cases.Transferred:
			reason = transferReason(r.rng, r.mentee.Gender)
		case cases.LostContact:
			reason = pick(r.rng, lostReasons)
		}
		r.at(tl.closed, "close: "+string(s.reason), func() error {
			_, err := r.j.st.Transition(r.ctx(byCoordinator), store.TransitionInput{CaseID: r.caseID, To: cases.Closed,
				ClosureReason: s.reason, Reason: reason, ActorID: r.user(byCoordinator).ID})
			if err == nil {
				r.freeMentor()
			}
			return err
		})
	}
}

// newMentee invents the person.
func (r *caseRun) newMentee() cases.Mentee {
	rng, com := r.rng, r.com
	g := cases.Male
	if rng.IntN(5) < 2 {
		g = cases.Female
	}
	pl := pick(rng, com.places)
	refs := referralsPrison
	switch {
	case com.political:
		refs = referralsPolitical
	case com.code == refugees.code:
		refs = referralsRefugee
	}
	family, children := familyOf(rng, g, com.code != refugees.code)
	m := cases.Mentee{
		Profile: cases.Profile{
			CaseCode:        fmt.Sprintf("%s-%d-%03d", com.code, r.j.now.Year()-1+rng.IntN(2), 10+r.n*7),
			FullName:        pick(rng, com.names).person(rng, g),
			BirthYear:       r.j.now.Year() - 22 - rng.IntN(40),
			Gender:          g,
			Languages:       pick(rng, com.languages),
			Country:         pl.country,
			City:            pl.city,
			Family:          family,
			Children:        children,
			Occupation:      pick(rng, occupations),
			ContactChannels: contactChannel(rng, pl.country),
			ContactTimes:    pick(rng, contactTimes),
			ReferralSource:  pick(rng, refs),
		},
	}
	if rng.IntN(6) == 0 {
		m.BirthYear = 0 // not told
	}
	return m
}

// intakeSteps: the referral, the intake (consents, history, needs, custody)
// and the move to waiting with a psychologist.
func (r *caseRun) intakeSteps(tl timeline) {
	j, s := r.j, r.spec
	direct := !tl.intake.IsZero() && r.rng.IntN(10) < 3 // entered during the first call
	created := tl.opened
	if direct {
		created = tl.intake
	}
	r.at(created, "referral", func() error {
		state := cases.Referred
		if direct {
			state = cases.Intake
		}
		m, c, err := j.st.CreateIntake(r.ctx(byCoordinator), store.Intake{Mentee: r.mentee, ProgramID: r.p.ID, State: state,
			ActorID: r.user(byCoordinator).ID})
		if err != nil {
			return err
		}
		r.menteeID, r.caseID = m.ID, c.ID
		j.sum.Mentees++
		j.sum.Cases++
		if s.portal {
			return j.st.LinkMenteeUser(r.ctx(byCoordinator), m.ID, j.staff[byMentee].ID)
		}
		return nil
	})
	if r.p.Custody.Enabled {
		release := tl.opened.Add(r.jitter(8*week, 24*week)).Truncate(day)
		facility := pick(r.rng, j.facilities[r.p.ID])
		detail := pick(r.rng, []string{"Oddíl A", "Oddíl B", "Oddíl C", "Specializované oddělení", ""})
		r.at(created.Add(2*time.Hour), "custody", func() error {
			return j.st.SaveCustody(r.ctx(byCoordinator), r.caseID, cases.Custody{
				FacilityID: facility.ID, FacilityDetail: detail,
				ExpectedRelease: &release, Phase: cases.InCustody,
				ReleasePlan: cases.ReleasePlan{Pickup: "The mentor and a volunteer driver", FirstNight: "Halfway house of the partner organisation",
					FirstAppointments: "Labour office, GP, probation officer in the first week"},
			}, r.user(byCoordinator).ID)
		})
		if release.Before(r.j.now) && !tl.active.IsZero() {
			// Some are released a few days before the expected day.
			released := release.Add(-time.Duration(r.rng.IntN(4)) * day)
			if released.Before(created.Truncate(day)) {
				released = release
			}
			r.released = cases.Day(released)
			r.at(release.Add(20*time.Hour), "released", func() error {
				return j.st.SaveCustody(r.ctx(byCoordinator), r.caseID, cases.Custody{
					FacilityID: facility.ID, FacilityDetail: detail, ExpectedRelease: &release,
					Phase: cases.AfterRelease, ReleasedOn: &released,
					ReleasePlan: cases.ReleasePlan{Pickup: "Picked up by the mentor at the gate", FirstNight: "Halfway house",
						FirstAppointments: "Labour office on day two, GP on day four"},
				}, r.user(byCoordinator).ID)
			})
		}
	}
	if tl.intake.IsZero() {
		return
	}
	if !direct {
		r.at(tl.intake, "start intake", func() error {
			_, err := j.st.Transition(r.ctx(byCoordinator), store.TransitionInput{CaseID: r.caseID, To: cases.Intake,
				Reason: "First call done; taking the person in.", ActorID: r.user(byCoordinator).ID})
			return err
		})
	}
	r.at(tl.intake.Add(30*time.Minute), "intake call", func() error {
		_, err := j.st.AddContact(r.ctx(byCoordinator), cases.Contact{CaseID: r.caseID, At: j.clock.Add(-20 * time.Minute),
			Channel: pick(r.rng, []cases.Channel{cases.Call, cases.Video, cases.InPerson}), Minutes: 40 + r.rng.IntN(40),
			Summary: "Intake call: the person's situation, what is most urgent, how to reach them safely.", RecordedBy: r.user(byCoordinator).ID})
		if err == nil {
			j.sum.Contacts++
		}
		return err
	})
	r.at(tl.intake.Add(time.Hour), "consents", func() error {
		for _, k := range cases.ConsentKinds {
			given := k == cases.ConsentProcessing || r.rng.IntN(10) < 7
			if _, err := j.st.RecordConsent(r.ctx(byCoordinator), cases.Consent{MenteeID: r.menteeID, Kind: k, Given: given,
				RecordedBy: r.user(byCoordinator).ID}); err != nil {
				return err
			}
		}
		return nil
	})
	r.at(tl.intake.Add(26*time.Hour), "history", func() error {
		h, err := j.st.HistorySharing(j.ctx, r.menteeID)
		if err != nil {
			return err
		}
		h.Parts = history(r.rng, r.com, r.mentee.City)
		r.hist = h.Parts
		return j.st.SaveHistory(r.ctx(byCoordinator), h)
	})
	r.at(tl.intake.Add(3*day), "assess needs", func() error { return r.assess(assessFirst) })
	if tl.waiting.IsZero() {
		return
	}
	r.at(tl.waiting, "waiting", func() error {
		_, err := j.st.Transition(r.ctx(byCoordinator), store.TransitionInput{CaseID: r.caseID, To: cases.Waiting,
			Reason: "Intake complete; looking for a mentor.", ActorID: r.user(byCoordinator).ID})
		return err
	})
	r.at(tl.waiting.Add(time.Hour), "psychologist", func() error {
		_, err := j.st.AssignPsychologist(r.ctx(byCoordinator), r.caseID, j.staff[byPsychologist].ID, r.user(byCoordinator).ID)
		return err
	})
}

// How an assessment went.
const (
	assessFirst  = iota // the first: 3–6 domains
	assessBetter        // a reassessment in which things improved
	assessWorse         // after reopening: the first domains are pressing again
)

// chooseNeeds decides the person's needs: 3–6 domains, the first often
// critical.
func (r *caseRun) chooseNeeds() {
	domains := slices.Clone(r.p.NeedDomains)
	r.rng.Shuffle(len(domains), func(a, b int) { domains[a], domains[b] = domains[b], domains[a] })
	r.domains = domains[:3+r.rng.IntN(4)]
	for i, d := range r.domains {
		r.sev[d] = []cases.Severity{cases.Critical, cases.High, cases.High, cases.Medium, cases.Medium, cases.Low}[min(i+r.rng.IntN(2), 5)]
		if i == 0 && r.rng.IntN(3) > 0 {
			r.sev[d] = cases.Critical
		}
		r.status[d] = cases.NotStarted
	}
}

// assess records an assessment.
func (r *caseRun) assess(how int) error {
	switch how {
	case assessFirst:
	case assessWorse:
		for _, d := range r.domains[:2] {
			r.sev[d], r.status[d] = cases.High, cases.NotStarted
		}
	default:
		for _, d := range r.domains {
			switch {
			case r.rng.IntN(3) == 0:
				// unchanged
			case r.sev[d] != cases.NoNeed && r.sev[d] != cases.Low:
				r.sev[d] = cases.Severities[r.sev[d].Rank()+1]
				r.status[d] = cases.InProgress
			default:
				r.status[d] = cases.Done
			}
		}
	}
	var as []cases.Assessment
	for _, d := range r.domains {
		as = append(as, cases.Assessment{Domain: d, Severity: r.sev[d], Status: r.status[d]})
	}
	return r.j.st.AssessNeeds(r.ctx(byCoordinator), r.caseID, as, r.user(byCoordinator).ID)
}

// supportSteps: the match, the first meeting with the first plan, then
// contacts at the program's cadence, requests falling over time, steps
// done, reassessments and notes, until tl.supportEnd.
func (r *caseRun) supportSteps(tl timeline) {
	j, s := r.j, r.spec
	r.at(tl.match, "match", func() error {
		m, err := j.mentorFor(r.p, s.demoMentor)
		if err != nil {
			return err
		}
		if _, err := j.st.Match(r.ctx(byCoordinator), r.caseID, m.user.ID, r.user(byCoordinator).ID); err != nil {
			return err
		}
		m.load++
		r.mentor = m
		return nil
	})
	if tl.active.IsZero() || tl.active.After(j.now) {
		return
	}
	// The first meeting: a long contact, the first plan, and the case is active.
	r.at(tl.active, "first meeting", func() error {
		_, err := j.st.AddContact(r.ctx(byMentor), cases.Contact{CaseID: r.caseID, At: j.clock.Add(-2 * time.Hour),
			Channel: r.channel(true), Minutes: 60 + r.rng.IntN(45),
			Summary: "First meeting: got to know each other, listened to the story, agreed the first steps.",
			Needs:   r.domains[:min(2, len(r.domains))], RecordedBy: r.user(byMentor).ID})
		if err == nil {
			j.sum.Contacts++
		}
		return err
	})
	// What the mentee chose to share of their history with this mentor.
	r.at(tl.active.Add(20*time.Minute), "history sharing", func() error {
		var shared []cases.HistoryPart
		for _, p := range cases.HistoryParts {
			if _, ok := r.hist[p]; ok && p != cases.Arrests && r.rng.IntN(2) == 0 {
				shared = append(shared, p)
			}
		}
		h, err := j.st.HistorySharing(r.ctx(byCoordinator), r.menteeID)
		if err != nil {
			return err
		}
		return j.st.SetHistorySharing(r.ctx(byCoordinator), r.menteeID, shared, h.Version, r.user(byCoordinator).ID)
	})
	first := 1 + r.rng.IntN(cases.FirstPlanSteps)
	for k := range first {
		d := r.domains[k%len(r.domains)]
		steps, _, _ := domainWords(d)
		owner := []cases.Owner{cases.OwnerMentee, cases.OwnerMentee, cases.OwnerMentor, cases.OwnerCoordinator}[r.rng.IntN(4)]
		due := tl.active.Add(r.jitter(1*week, 6*week))
		r.planStep(tl.active.Add(time.Duration(k+1)*time.Minute), pick(r.rng, steps), d, owner, due, tl.caseEnd)
	}
	r.at(tl.active.Add(10*time.Minute), "active", func() error {
		_, err := j.st.Transition(r.ctx(byCoordinator), store.TransitionInput{CaseID: r.caseID, To: cases.Active,
			Reason: fmt.Sprintf("First plan of %d steps agreed at the first meeting.", first), ActorID: r.user(byCoordinator).ID})
		return err
	})

	end, open := tl.supportEnd, tl.caseEnd
	// Contacts at the program's cadence, more often than it asks at first,
	// then rarer as life settles, until the case closes. An overdue case's
	// contacts stopped a few weeks ago.
	contactsEnd := open
	if s.overdue {
		contactsEnd = j.now.Add(-r.jitter(3*week, 5*week))
	}
	if s.state == cases.Closed && s.reason == cases.LostContact {
		contactsEnd = open.Add(-6 * week)
	}
	t := tl.active
	for {
		// Half the cadence's interval at first, nearly all of it later.
		settled := math.Min(t.Sub(tl.active).Hours()/24/7/12, 1)
		t = t.Add(time.Duration(float64(cases.ContactInterval(r.p, tl.match, t)) * (0.45 + 0.3*settled + 0.2*r.rng.Float64())))
		if !t.Before(contactsEnd) {
			break
		}
		r.contact(t, tl.active)
	}
	// Requests: many in the first weeks, then fewer, none once readiness
	// was asked; a quiet case had none for weeks.
	requestsEnd := end
	if s.quiet {
		requestsEnd = j.now.Add(-time.Duration(r.p.QuietWeeks)*week - r.jitter(1*week, 3*week))
	}
	if contactsEnd.Before(requestsEnd) {
		requestsEnd = contactsEnd
	}
	lambda, tau := 1.5+r.rng.Float64(), 2.5+2*r.rng.Float64()
	for w := 0; ; w++ {
		ws := tl.active.Add(time.Duration(w) * week)
		if !ws.Before(requestsEnd) {
			break
		}
		for range poisson(r.rng, lambda*math.Exp(-float64(w)/tau)) {
			at := ws.Add(r.jitter(time.Hour, week-time.Hour))
			if at.Before(requestsEnd) {
				r.request(at, open)
			}
		}
	}
	// A result on the way: a place to live found after two months, recorded
	// when the coordinator hears of it some days later (backdated to its
	// day; after release when the person was out on that day).
	if housed := tl.active.Add(8 * week); housed.Before(end) && end.Sub(tl.active) >= 10*week {
		r.housed = true
		out := !r.released.IsZero() && !cases.Day(housed).Before(r.released)
		r.at(housed.Add(time.Duration(2+r.rng.IntN(5))*day), "outcome", func() error {
			_, err := j.st.AddOutcome(r.ctx(byCoordinator), cases.Outcome{CaseID: r.caseID, Kind: cases.HousingSecured,
				Note: "Own rental contract", OccurredOn: housed, AfterRelease: &out, RecordedBy: r.user(byCoordinator).ID})
			return err
		})
	}
	// The release program's own kind: a retraining course begun a month in.
	if _, own := r.p.OwnOutcomeLabel(CourseStarted); own {
		if begun := tl.active.Add(4 * week); begun.Before(end) {
			r.at(begun, "course", func() error {
				_, err := j.st.AddOutcome(r.ctx(byCoordinator), cases.Outcome{CaseID: r.caseID, Kind: CourseStarted,
					RecordedBy: r.user(byCoordinator).ID})
				return err
			})
		}
	}
	// Reassessments every six weeks.
	for t := tl.active.Add(6 * week); t.Before(end); t = t.Add(6 * week) {
		r.at(t, "reassess", func() error { return r.assess(assessBetter) })
	}
	// A few notes.
	for range 1 + r.rng.IntN(3) {
		at := tl.active.Add(r.jitter(time.Hour, end.Sub(tl.active)))
		vis := pick(r.rng, cases.Visibilities)
		w := map[cases.Visibility]who{cases.VisibleMentor: byMentor, cases.VisibleTeam: byCoordinator, cases.VisiblePsychologist: byPsychologist}[vis]
		r.at(at, "note", func() error {
			_, err := j.st.AddNote(r.ctx(w), cases.Note{CaseID: r.caseID, Visibility: vis, Body: pick(r.rng, noteTexts[vis]), AuthorID: r.user(w).ID})
			return err
		})
	}
}

// channel picks how a contact took place in this program.
func (r *caseRun) channel(first bool) cases.Channel {
	switch {
	case r.p.Custody.Enabled && first:
		return pick(r.rng, []cases.Channel{cases.PrisonVisit, cases.InPerson})
	case r.p.Custody.Enabled:
		return pick(r.rng, []cases.Channel{cases.InPerson, cases.Call, cases.Call, cases.Message, cases.Letter})
	case r.com.political:
		return pick(r.rng, []cases.Channel{cases.Video, cases.Call, cases.Message, cases.Video})
	}
	return pick(r.rng, []cases.Channel{cases.InPerson, cases.Call, cases.Message})
}

// contact schedules a contact at t.
func (r *caseRun) contact(t, active time.Time) {
	r.at(t, "contact", func() error {
		d := pick(r.rng, r.domains)
		_, _, talk := domainWords(d)
		words := pick(r.rng, talk)
		needs := []string{d}
		if t.Sub(active) > 8*week && r.rng.IntN(2) == 0 {
			words, needs = pick(r.rng, quietTalk), nil
		}
		ch := r.channel(false)
		summary := pick(r.rng, contactOpenings[ch]) + " " + words + "."
		minutes := 10 + r.rng.IntN(50)
		if ch == cases.Message || ch == cases.Letter {
			minutes = 0
		}
		_, err := r.j.st.AddContact(r.ctx(byMentor), cases.Contact{CaseID: r.caseID, At: r.j.clock.Add(-r.jitter(time.Hour, 6*time.Hour)),
			Channel: ch, Minutes: minutes, Summary: summary, Needs: needs, RecordedBy: r.user(byMentor).ID})
		if err == nil {
			r.j.sum.Contacts++
		}
		return err
	})
}

// planStep schedules a step added at t and, usually, done around its due
// date before end.
func (r *caseRun) planStep(t time.Time, title, domain string, owner cases.Owner, due, end time.Time) {
	k := r.nStep
	r.nStep++
	w := byMentor
	if owner == cases.OwnerCoordinator {
		w = byCoordinator
	}
	r.at(t, "plan step", func() error {
		st, err := r.j.st.AddPlanStep(r.ctx(w), cases.PlanStep{CaseID: r.caseID, Title: title, Domain: domain, Owner: owner, DueOn: &due})
		r.planned[k] = st
		return err
	})
	done := due.Add(r.jitter(-4*day, 5*day))
	if !done.After(t) {
		done = t.Add(2 * day)
	}
	if r.rng.IntN(8) == 0 || !done.Before(end) {
		if mid := t.Add(r.jitter(day, 4*day)); mid.Before(end) {
			r.at(mid, "plan step started", func() error { return r.setStep(k, cases.StepInProgress, w) })
		}
		return
	}
	doneBy := w
	if owner == cases.OwnerMentee && r.spec.portal {
		doneBy = byMentee // marked done in the portal
	}
	r.at(done, "plan step done", func() error { return r.setStep(k, cases.StepDone, doneBy) })
}

func (r *caseRun) setStep(k int, status cases.StepStatus, w who) error {
	st := r.planned[k]
	st.Status = status
	st, err := r.j.st.UpdatePlanStep(r.ctx(w), st)
	r.planned[k] = st
	return err
}

// request schedules a request raised at t, resolved within two weeks when
// the support lasts that long; some bring a new plan step.
func (r *caseRun) request(t, end time.Time) {
	k := r.nReq
	r.nReq++
	portal := r.spec.portal && r.rng.IntN(2) == 0
	w := byMentor
	if portal {
		w = byMentee
	}
	d := pick(r.rng, r.domains)
	if r.rng.IntN(4) == 0 {
		d = pick(r.rng, r.p.NeedDomains)
	}
	steps, texts, _ := domainWords(d)
	urgency := []cases.Urgency{cases.Urgent, cases.Soon, cases.Soon, cases.Normal, cases.Normal, cases.Normal}[r.rng.IntN(6)]
	r.at(t, "request", func() error {
		q, err := r.j.st.AddRequest(r.ctx(w), cases.Request{CaseID: r.caseID, Domain: d, Urgency: urgency, Text: pick(r.rng, texts),
			RaisedByMentee: portal, RecordedBy: r.user(w).ID})
		r.requests[k] = q
		if err == nil {
			r.j.sum.Requests++
		}
		return err
	})
	if r.rng.IntN(10) < 3 {
		r.planStep(t.Add(time.Hour), pick(r.rng, steps), d, cases.OwnerMentee, t.Add(r.jitter(week, 3*week)), end)
	}
	resolved := t.Add(r.jitter(day, 14*day))
	if !resolved.Before(end) {
		if mid := t.Add(r.jitter(2*time.Hour, 2*day)); mid.Before(end) && r.rng.IntN(2) == 0 {
			r.at(mid, "request in progress", func() error { return r.setRequest(k, cases.RequestInProgress, "") })
		}
		return
	}
	status, res := cases.RequestResolved, pick(r.rng, []string{"Sorted out together.", "Referred to the partner initiative; they helped.",
		"The mentee handled it on their own.", "Solved after two calls."})
	if r.rng.IntN(12) == 0 {
		status, res = cases.RequestDeclined, "No initiative could help with this; explained why."
	}
	r.at(resolved, "request resolved", func() error { return r.setRequest(k, status, res) })
}

func (r *caseRun) setRequest(k int, status cases.RequestStatus, resolution string) error {
	q := r.requests[k]
	q.Status, q.Resolution = status, resolution
	q, err := r.j.st.UpdateRequest(r.ctx(byMentor), q)
	r.requests[k] = q
	return err
}

// closingSteps: readiness asked, then up to step of agreement, final
// meeting and feedback, and the closure when reason is set.
func (r *caseRun) closingSteps(tl timeline, step int, reason cases.ClosureReason) {
	j := r.j
	t := tl.readiness
	r.at(t, "ask readiness", func() error {
		_, err := j.st.Transition(r.ctx(byCoordinator), store.TransitionInput{CaseID: r.caseID, To: cases.Closing,
			Reason: fmt.Sprintf("No new requests for %d weeks; asked about finishing.", r.p.QuietWeeks), ActorID: r.user(byCoordinator).ID})
		return err
	})
	gap := 2 * day
	if !tl.closed.IsZero() {
		gap = tl.closed.Sub(t) / 5
	}
	if step >= 2 {
		r.at(t.Add(gap), "agreement", func() error {
			return j.st.RecordAgreement(r.ctx(byCoordinator), r.caseID, r.user(byCoordinator).ID, false)
		})
	}
	if step >= 3 {
		r.at(t.Add(2*gap), "final meeting", func() error {
			return j.st.RecordFinalMeeting(r.ctx(byPsychologist), r.caseID, r.user(byPsychologist).ID)
		})
	}
	if step >= 4 {
		r.at(t.Add(3*gap), "feedback", func() error {
			fb := cases.Feedback{CaseID: r.caseID, Declined: r.spec.declined, RecordedBy: r.user(byCoordinator).ID}
			if !fb.Declined {
				fb.Support, fb.Mentor = cases.Rating(3+r.rng.IntN(3)), cases.Rating(4+r.rng.IntN(2))
				fb.Plan, fb.Recommend = cases.Rating(3+r.rng.IntN(3)), cases.Rating(4+r.rng.IntN(2))
				fb.Text = pick(r.rng, feedbackTexts)
			}
			return j.st.SaveFeedback(r.ctx(byCoordinator), fb)
		})
	}
	if reason == "" {
		return
	}
	r.at(tl.closed, "close: completed", func() error {
		var outs []cases.Outcome
		kinds := map[int][]cases.OutcomeKind{
			0: {cases.LegalStatusObtained, cases.JobFound, cases.HousingSecured},
			1: {cases.HousingSecured, cases.JobFound, cases.DebtCaseClosed, cases.RetrainingCompleted, cases.FamilyLawHelp},
			2: {cases.LegalStatusObtained, cases.HousingSecured, cases.JobFound, cases.OtherOutcome},
		}[r.spec.prog]
		if r.housed {
			kinds = slices.DeleteFunc(slices.Clone(kinds), func(k cases.OutcomeKind) bool { return k == cases.HousingSecured })
		}
		r.rng.Shuffle(len(kinds), func(a, b int) { kinds[a], kinds[b] = kinds[b], kinds[a] })
		for _, k := range kinds[:1+r.rng.IntN(len(kinds)-1)] {
			o := cases.Outcome{Kind: k}
			if k == cases.OtherOutcome {
				o.Note = "Language course B1 finished"
			}
			outs = append(outs, o)
		}
		_, err := j.st.Transition(r.ctx(byCoordinator), store.TransitionInput{CaseID: r.caseID, To: cases.Closed,
			ClosureReason: cases.Completed, Reason: "The plan is done; the person manages on their own.",
			Outcomes: outs, ActorID: r.user(byCoordinator).ID})
		if err == nil {
			r.freeMentor()
		}
		return err
	})
}

// followUps records the follow-ups that fell due before today.
func (r *caseRun) followUps(closed time.Time) {
	for _, months := range cases.FollowUpMonths {
		due := cases.FollowUpDue(closed, months)
		r.at(due.Add(r.jitter(day, 10*day)), fmt.Sprintf("follow-up at %d months", months), func() error {
			list, err := r.j.st.FollowUps(r.ctx(byCoordinator), r.caseID)
			if err != nil {
				return err
			}
			for _, fu := range list {
				if fu.Months != months || fu.DoneAt != nil {
					continue
				}
				fu.WorkKept, fu.Housing, fu.Rearrested = cases.Yes, cases.Yes, cases.No
				switch r.rng.IntN(5) {
				case 0:
					fu.WorkKept = cases.No
					fu.Note = "Lost the job in spring; looking again, asked for the CV workshop."
				case 1:
					fu.Housing = cases.Unknown
					fu.Note = "Answered by message only; says all is well."
				}
				fu.RecordedBy = r.user(byCoordinator).ID
				_, err := r.j.st.RecordFollowUp(r.ctx(byCoordinator), fu)
				return err
			}
			return nil
		})
	}
}

// freeMentor gives the mentor's place back after a closure.
func (r *caseRun) freeMentor() {
	if r.mentor != nil {
		r.mentor.load--
		r.mentor = nil
	}
}

// mentorFor picks a mentor of the program with a free place: the demo
// mentor when asked for, else the least busy of the others, else a new
// volunteer.
func (j *journey) mentorFor(p program.Program, demo bool) (*poolMentor, error) {
	var best *poolMentor
	for _, m := range j.pool[p.ID] {
		if m.load >= p.MentorCapacity || m.demo != demo {
			continue
		}
		if best == nil || m.load < best.load {
			best = m
		}
	}
	if best != nil {
		return best, nil
	}
	name := mentorNames[j.names%len(mentorNames)]
	email := emailLocal(name)
	if j.names >= len(mentorNames) {
		email = fmt.Sprintf("%s%d", email, j.names/len(mentorNames)+1)
	}
	j.names++
	u, pw, err := j.user(auth.User{Email: email + "@" + DemoDomain, Name: name, Role: auth.Mentor, Programs: []int64{p.ID}})
	if err != nil {
		return nil, err
	}
	j.sum.Users = append(j.sum.Users, Credential{Email: u.Email, Password: pw, Role: auth.Mentor, Name: name})
	if err := j.readyMentor(u); err != nil {
		return nil, err
	}
	m := &poolMentor{user: u}
	j.pool[p.ID] = append(j.pool[p.ID], m)
	return m, nil
}

// user creates a user with a random password.
func (j *journey) user(u auth.User) (auth.User, string, error) {
	u, err := j.st.CreateUser(j.ctx, u)
	if err != nil {
		return u, "", fmt.Errorf("demo user %s: %w", u.Email, err)
	}
	pw, phc, err := j.passwords.take(j.ctx)
	if err != nil {
		return u, "", err
	}
	if err := j.st.SetPassword(j.ctx, u.ID, phc); err != nil {
		return u, "", fmt.Errorf("demo user %s: %w", u.Email, err)
	}
	u.Status = auth.StatusActive
	return u, pw, nil
}

// poisson draws a count with mean lambda.
func poisson(rng *rand.Rand, lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
