package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"homeward/internal/cases"
	"homeward/internal/partners"
	"homeward/internal/program"
	"homeward/internal/store"
)

// The rows of one generated case, period by period.

// bulkCase builds the rows of a planned case.
type bulkCase struct {
	rng          *rand.Rand
	now          time.Time
	plan         *bulkPlan
	prog         program.Program
	com          community
	team         bulkTeam
	psychologist int64
	facilities   []program.Facility
	services     []store.BulkService
	other        *bulkPerson // the person's case in another program, when this is their second

	country  string        // where the person lives
	gender   cases.Gender  // the person's
	partners bool          // the person consents to sharing with partners
	needs    []*cases.Need // the current assessment of each domain
	released time.Time     // the day of release, zero while in custody (or none)
}

// domainOutcomes are the outcomes a need's domain leads to when it is met.
var domainOutcomes = map[string]cases.OutcomeKind{
	"housing": cases.HousingSecured, "employment": cases.JobFound, "education": cases.RetrainingCompleted,
	"documents": cases.LegalStatusObtained, "legal_debt": cases.DebtCaseClosed, "family": cases.FamilyLawHelp,
	"income": cases.OtherOutcome,
}

// otherNotes say what an outcome of the kind "other" was, by domain.
var otherNotes = map[string]string{"income": "Regular income: benefits granted",
	"": "Language course finished"}

// build makes the case's rows; code is its case code (unless the person
// has a case already, whose code it takes).
func (bc *bulkCase) build(code string) store.BulkCase {
	rng, now, p := bc.rng, bc.now, bc.plan
	first := p.first()
	var b store.BulkCase
	if bc.other != nil {
		b.MenteeID, bc.partners, bc.country, bc.gender = bc.other.mentee, bc.other.partners, pick(rng, bc.prog.Countries), bc.other.gender
	} else {
		g := cases.Male
		if bc.com.women || rng.IntN(5) < 2 {
			g = cases.Female
		}
		bc.gender = g
		pl := pick(rng, bc.com.places)
		refs := referralsPrison
		switch {
		case bc.com.political:
			refs = referralsPolitical
		case bc.com.code == refugees.code:
			refs = referralsRefugee
		}
		b.Mentee = cases.Mentee{
			Profile: cases.Profile{
				CaseCode:       code,
				FullName:       pick(rng, bc.com.names).person(rng, g),
				BirthYear:      now.Year() - 22 - rng.IntN(40),
				Gender:         g,
				Languages:      pick(rng, bc.com.languages),
				Country:        pl.country,
				City:           pl.city,
				Children:       rng.IntN(3),
				Occupation:     pick(rng, occupations),
				ContactTimes:   pick(rng, contactTimes),
				ReferralSource: pick(rng, refs),
			},
		}
		bc.country = pl.country
	}
	if p.custody.on {
		cu := &cases.Custody{Phase: cases.InCustody, ReleasePlan: cases.ReleasePlan{Pickup: "The mentor at the gate",
			FirstNight:        pick(rng, []string{"Halfway house of the partner organisation", "With family", "Hostel room arranged by the mentor"}),
			FirstAppointments: "Labour office, GP and the probation officer in the first week"}}
		if len(bc.facilities) > 0 {
			f := bc.facilities[p.custody.facility%len(bc.facilities)]
			cu.FacilityID = f.ID
			cu.FacilityDetail = pick(rng, []string{"Unit A", "Unit B", "Unit C", "Special unit", ""})
			if bc.com.code == returning.code {
				cu.FacilityDetail = pick(rng, []string{"Oddíl A", "Oddíl B", "Oddíl C", "Specializované oddělení", ""})
			}
		}
		expected := p.custody.expected
		cu.ExpectedRelease = &expected
		if !p.custody.released.IsZero() {
			released := p.custody.released
			cu.Phase, cu.ReleasedOn, bc.released = cases.AfterRelease, &released, released
		}
		b.Custody = cu
	}
	c := &b.Case
	c.ProgramID, c.State, c.ClosureReason = bc.prog.ID, p.state, p.reason
	// Entered at the first call, or referred first.
	direct := !first.intake.IsZero() && (first.intake.Equal(first.opened) || rng.IntN(10) >= 7)
	if direct {
		first.opened = first.intake
	}
	c.CreatedAt = first.opened
	b.Mentee.CreatedAt = first.opened
	if !first.intake.IsZero() && bc.other == nil {
		at := first.intake.Add(time.Hour)
		bc.partners = rng.IntN(10) < 7
		b.Consents = append(b.Consents, cases.Consent{Kind: cases.ConsentProcessing, Given: true, RecordedAt: at, RecordedBy: bc.team.coordinator},
			cases.Consent{Kind: cases.ConsentPartners, Given: bc.partners, RecordedAt: at, RecordedBy: bc.team.coordinator})
	}
	periods := p.periods()
	for k, pp := range periods {
		bc.period(&b, pp, k+1, direct)
	}
	for _, n := range bc.needs {
		b.Needs = append(b.Needs, *n)
	}
	c.Period, c.OpenedAt = len(periods), p.opened
	if !p.match.IsZero() {
		m := p.match
		c.ActiveSince = &m
	}
	if p.state.SupportedByMentor() {
		c.MentorID = bc.team.mentors[p.mentor]
	}
	// The case changed last with the newest thing recorded on it.
	c.UpdatedAt = c.StateSince
	newer := func(t time.Time) {
		if t.After(c.UpdatedAt) && !t.After(now) {
			c.UpdatedAt = t
		}
	}
	for _, x := range b.Contacts {
		newer(x.CreatedAt)
	}
	for _, x := range b.Requests {
		newer(x.UpdatedAt)
	}
	for _, x := range b.PlanSteps {
		newer(x.UpdatedAt)
	}
	for _, x := range b.Outcomes {
		newer(x.RecordedAt)
	}
	for _, x := range b.Referrals {
		newer(x.Events[len(x.Events)-1].At)
	}
	for _, x := range b.FollowUps {
		if x.DoneAt != nil {
			newer(*x.DoneAt)
		}
	}
	return b
}

// period adds the rows of the case's period k (1 or, reopened, 2).
func (bc *bulkCase) period(b *store.BulkCase, pp *bulkPlan, k int, direct bool) {
	rng, now, prog := bc.rng, bc.now, bc.prog
	coord := bc.team.coordinator
	c := &b.Case
	end := pp.caseEnd(now)
	trans := func(at time.Time, from, to cases.State, reason string) {
		b.Transitions = append(b.Transitions, cases.Transition{Period: k, From: from, To: to, Reason: reason, At: at, ActorID: coord})
		c.StateSince = at
	}
	// The path: referral (or intake at once, or a reopening), intake,
	// waiting, the match, active, closing, closed — as far as it got.
	switch {
	case k > 1:
		trans(pp.opened, cases.Closed, cases.Intake, pick(rng, []string{"Lost the job and the room; asked for help again.",
			"Came back after a hard winter; wants support again.", "Reached us again after months without news."}))
	case direct:
		trans(pp.intake, "", cases.Intake, "")
	default:
		trans(pp.opened, "", cases.Referred, "")
		if !pp.intake.IsZero() {
			trans(pp.intake, cases.Referred, cases.Intake, "First call done; taking the person in.")
		}
	}
	var mentor int64
	if pp.mentor >= 0 {
		mentor = bc.team.mentors[pp.mentor]
	}
	if !pp.intake.IsZero() {
		bc.assess(pp, k)
		if pp.active.IsZero() {
			// Calls while the case waits for its mentor.
			for n := range pp.contacts {
				at := pp.intake.Add(time.Duration(n)*4*day + 30*time.Minute)
				if at.After(end) {
					at = end
				}
				b.Contacts = append(b.Contacts, cases.Contact{At: at, Channel: cases.Call, Minutes: 20 + rng.IntN(30),
					Summary: "Call with the coordinator.", RecordedBy: coord, CreatedAt: at})
			}
		}
	}
	if !pp.waiting.IsZero() {
		trans(pp.waiting, cases.Intake, cases.Waiting, "Intake complete; looking for a mentor.")
		c.PsychologistID = bc.psychologist
	}
	domains := bc.domains()
	if !pp.match.IsZero() {
		trans(pp.match, cases.Waiting, cases.Matched, "")
		b.Matches = append(b.Matches, cases.Match{MentorID: mentor, Period: k, StartedAt: pp.match, AssignedBy: coord})
	}
	if !pp.active.IsZero() {
		trans(pp.active, cases.Matched, cases.Active, "First plan agreed at the first meeting.")
		b.PlanSteps = append(b.PlanSteps, bulkSteps(rng, now, pp, k, bc.needs)...)
		b.Contacts = append(b.Contacts, bc.contacts(pp, mentor)...)
		b.Requests = append(b.Requests, bulkRequests(rng, now, pp, prog, bc.needs, mentor)...)
	}
	var closing *cases.ClosingSteps
	if !pp.ready.IsZero() {
		trans(pp.ready, cases.Active, cases.Closing, "No new requests for weeks; asked about finishing.")
		ready := pp.ready
		closing = &cases.ClosingSteps{Period: k, ReadinessAskedAt: &ready, ReadinessAskedBy: coord}
		steps := rng.IntN(5)
		if pp.state == cases.Closed {
			steps = 4
		}
		gap := end.Sub(pp.ready) / 5
		if pp.state == cases.Closing {
			gap = now.Sub(pp.ready) / 4
		}
		at := func(n int) *time.Time { t := pp.ready.Add(time.Duration(n) * gap).Truncate(time.Minute); return &t }
		if steps >= 1 {
			closing.AgreedAt, closing.AgreedBy = at(1), coord
		}
		if steps >= 2 {
			closing.FinalMeetingAt, closing.FinalMeetingBy = at(2), bc.psychologist
		}
		if steps >= 3 {
			fb := bulkFeedback(rng, k, *at(3), coord)
			if pp == bc.plan {
				b.Feedback = &fb
			} else {
				b.PastFeedback = append(b.PastFeedback, fb)
			}
		}
	}
	given := bc.referrals(b, pp, k, domains, mentor)
	bc.outcomes(b, pp, k, domains, given)
	if pp.state == cases.Closed {
		from := pp.from
		if pp.reason == cases.Completed {
			from = cases.Closing
		}
		reason := ""
		switch pp.reason {
		case cases.Withdrawn:
			reason = pick(rng, withdrawReasons)
		case cases.Transferred:
			reason = transferReason(rng, bc.gender)
		case cases.LostContact:
			reason = pick(rng, lostReasons)
		}
		trans(pp.closed, from, cases.Closed, reason)
		b.Transitions[len(b.Transitions)-1].ClosureReason = pp.reason
		if closing == nil {
			closing = &cases.ClosingSteps{Period: k}
		}
		closed := pp.closed
		closing.ClosedAt, closing.ClosureReason = &closed, pp.reason
		if n := len(b.Matches); n > 0 && b.Matches[n-1].Period == k {
			b.Matches[n-1].EndedAt, b.Matches[n-1].EndReason = &closed, "closed: "+string(pp.reason)
		}
		if pp.reason == cases.Completed {
			b.FollowUps = append(b.FollowUps, bc.followUps(pp, k)...)
		}
	}
	if closing != nil {
		if pp == bc.plan {
			b.Closing = closing
		} else {
			b.PastClosings = append(b.PastClosings, *closing)
		}
	}
}

// assess records the needs of a period: the first assessment a few days
// into the intake (3–6 domains, the first pressing), again when the case
// is reopened (the first ones pressing again), and reassessments six weeks
// into the support, things having improved.
func (bc *bulkCase) assess(pp *bulkPlan, k int) {
	rng, coord := bc.rng, bc.team.coordinator
	end := pp.caseEnd(bc.now)
	at := pp.intake.Add(3 * day)
	if k > 1 {
		at = pp.intake.Add(2 * day)
	}
	if at.After(end) {
		at = end
	}
	if len(bc.needs) == 0 {
		domains := bc.prog.NeedDomains
		start := rng.IntN(len(domains))
		for n := range 3 + rng.IntN(4) {
			bc.needs = append(bc.needs, &cases.Need{Domain: domains[(start+n)%len(domains)], Severity: cases.Severities[min(n/2+rng.IntN(2), 3)],
				Status: cases.NotStarted, AssessedAt: at, AssessedBy: coord})
		}
	} else {
		for n, prev := range bc.needs {
			sev := cases.Medium
			if n < 2 {
				sev = cases.High
			}
			bc.needs[n] = &cases.Need{Domain: prev.Domain, Severity: sev, Status: cases.NotStarted, AssessedAt: at, AssessedBy: coord, Previous: prev}
		}
	}
	if again := pp.active.Add(6 * week); !pp.active.IsZero() && again.Before(end) {
		for n, prev := range bc.needs {
			if rng.IntN(5) < 2 {
				bc.needs[n] = &cases.Need{Domain: prev.Domain, Severity: cases.Severities[min(prev.Severity.Rank()+1, 4)],
					Status: pick(rng, []cases.NeedStatus{cases.InProgress, cases.Done}), AssessedAt: again, AssessedBy: coord, Previous: prev}
			}
		}
	}
}

// domains are the domains of the person's needs.
func (bc *bulkCase) domains() []string {
	var out []string
	for _, n := range bc.needs {
		out = append(out, n.Domain)
	}
	return out
}

// channel is how a contact at t took place: in custody by prison visits,
// letters and the prison phone, after release mostly in person; by video
// and messages with people abroad; a letter now and then anywhere.
func (bc *bulkCase) channel(t time.Time) cases.Channel {
	rng := bc.rng
	switch {
	case bc.plan.custody.on && (bc.released.IsZero() || t.Before(bc.released)):
		return pick(rng, []cases.Channel{cases.PrisonVisit, cases.PrisonVisit, cases.Letter, cases.Letter, cases.Call})
	case bc.plan.custody.on:
		return pick(rng, []cases.Channel{cases.InPerson, cases.InPerson, cases.Call, cases.Call, cases.Message, cases.Video})
	case rng.IntN(40) == 0:
		return cases.Letter
	case bc.com.political:
		return pick(rng, []cases.Channel{cases.Video, cases.Call, cases.Message, cases.Video, cases.InPerson})
	}
	return pick(rng, []cases.Channel{cases.Call, cases.Video, cases.Message, cases.InPerson})
}

// contacts spreads the period's contacts from the first meeting to the
// end of the support, denser at first; the last one within the cadence of
// today unless the case stalled. Messages and letters have no minutes,
// nor some calls whose length nobody noted (the program's hours per
// contact count then).
func (bc *bulkCase) contacts(p *bulkPlan, mentor int64) []cases.Contact {
	rng, now, prog := bc.rng, bc.now, bc.prog
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
		ch := bc.channel(at)
		minutes := 10 + rng.IntN(50)
		if ch == cases.Message || ch == cases.Letter || rng.IntN(20) == 0 {
			minutes = 0
		}
		d := pick(rng, bc.needs).Domain
		_, _, talk := domainWords(d)
		out[k] = cases.Contact{At: at, Channel: ch, Minutes: minutes, Summary: pick(rng, contactOpenings[ch]) + " " + pick(rng, talk) + ".",
			Needs: []string{d}, RecordedBy: mentor, CreatedAt: at.Add(time.Duration(rng.IntN(180)) * time.Minute)}
		if out[k].CreatedAt.After(end) {
			out[k].CreatedAt = end
		}
	}
	return out
}

// bulkRequests raises requests at a rate falling week by week; a quiet
// case's stopped weeks ago.
func bulkRequests(rng *rand.Rand, now time.Time, p *bulkPlan, prog program.Program, needs []*cases.Need, mentor int64) []cases.Request {
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

// bulkSteps is the period's first plan of 1–5 steps, done around their
// due dates.
func bulkSteps(rng *rand.Rand, now time.Time, p *bulkPlan, period int, needs []*cases.Need) []cases.PlanStep {
	end := p.caseEnd(now)
	out := make([]cases.PlanStep, 1+rng.IntN(cases.FirstPlanSteps))
	for k := range out {
		d := needs[k%len(needs)].Domain
		steps, _, _ := domainWords(d)
		due := p.active.Add(durRange(rng, week, 6*week)).Truncate(day)
		st := cases.PlanStep{Period: period, Title: pick(rng, steps), Domain: d, Owner: pick(rng, cases.Owners), DueOn: &due,
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

// bulkFeedback is the mentee's word at closing: mostly good ratings, some
// questions unanswered, now and then declined.
func bulkFeedback(rng *rand.Rand, period int, at time.Time, by int64) cases.Feedback {
	fb := cases.Feedback{Period: period, RecordedAt: at, RecordedBy: by}
	if rng.IntN(12) == 0 {
		fb.Declined = true
		return fb
	}
	rate := func(lo int) cases.Rating {
		if rng.IntN(20) == 0 {
			return 0 // not answered
		}
		return cases.Rating(lo + rng.IntN(6-lo))
	}
	fb.Support, fb.Mentor, fb.Plan, fb.Recommend = rate(3), rate(3), rate(2), rate(3)
	if fb.Support+fb.Mentor+fb.Plan+fb.Recommend == 0 {
		fb.Recommend = 5
	}
	return fb
}

// followUps are the completed period's checks at 6 and 12 months, done
// some days after they fell due (most of them): still in work and housed,
// mostly; in a custody program some were arrested again.
func (bc *bulkCase) followUps(pp *bulkPlan, k int) []cases.FollowUp {
	rng, now := bc.rng, bc.now
	var out []cases.FollowUp
	arrested := 0 // the months of the first follow-up after a re-arrest
	if bc.prog.Custody.Enabled && rng.IntN(100) < 18 {
		arrested = pick(rng, cases.FollowUpMonths)
	}
	for _, months := range cases.FollowUpMonths {
		fu := cases.FollowUp{Period: k, Months: months, DueOn: cases.FollowUpDue(pp.closed, months)}
		done := fu.DueOn.Add(durRange(rng, day, 3*week)).Truncate(time.Minute)
		if done.Before(now) && rng.IntN(20) >= 3 {
			fu.DoneAt, fu.RecordedBy = &done, bc.team.coordinator
			switch {
			case arrested != 0 && months >= arrested:
				fu.Rearrested = cases.Yes
			case rng.IntN(25) == 0:
				fu.Rearrested = cases.Unknown
			default:
				fu.Rearrested = cases.No
			}
			fu.WorkKept = pick(rng, []cases.Answer{cases.Yes, cases.Yes, cases.Yes, cases.Yes, cases.Yes, cases.Yes, cases.Yes, cases.No, cases.No, cases.Unknown})
			if fu.Rearrested == cases.Yes {
				fu.WorkKept = cases.No
			}
			fu.Housing = pick(rng, []cases.Answer{cases.Yes, cases.Yes, cases.Yes, cases.Yes, cases.Yes, cases.Yes, cases.Yes, cases.Yes, cases.No, cases.Unknown})
		}
		out = append(out, fu)
	}
	return out
}

// outcomes records what the period achieved, each on its own day: a
// completed period one to three results of the needs it met (some
// recorded with the closure, days after they happened), an open one what
// came so far, one that ended otherwise now and then one; a program's own
// kinds where the person's needs call for them. After release when the
// person was out by then (the store decides by the day of release).
func (bc *bulkCase) outcomes(b *store.BulkCase, pp *bulkPlan, k int, domains []string, given map[cases.OutcomeKind]bool) {
	rng, now := bc.rng, bc.now
	if pp.active.IsZero() {
		return
	}
	end := pp.caseEnd(now)
	type cand struct {
		kind   cases.OutcomeKind
		domain string
	}
	var cands []cand
	for _, d := range domains {
		if kind, ok := domainOutcomes[d]; ok && !given[kind] && !slices.ContainsFunc(cands, func(c cand) bool { return c.kind == kind }) {
			cands = append(cands, cand{kind, d})
		}
	}
	add := func(c cand, lo time.Time, withClosure bool) {
		occurred := between(bc.rng, lo, end)
		recorded := occurred.Add(durRange(rng, time.Hour, 10*day)).Truncate(time.Minute)
		if withClosure || recorded.After(end) {
			recorded = end
		}
		o := cases.Outcome{Period: k, Kind: c.kind, OccurredOn: cases.Day(occurred), RecordedBy: bc.team.coordinator, RecordedAt: recorded}
		if c.kind == cases.OtherOutcome {
			o.Note = otherNotes[c.domain]
			if o.Note == "" {
				o.Note = otherNotes[""]
			}
		}
		b.Outcomes = append(b.Outcomes, o)
		given[c.kind] = true
	}
	support := end.Sub(pp.active)
	switch {
	case pp.reason == cases.Completed:
		var chosen []cand
		for _, c := range cands {
			if rng.IntN(10) < 6 {
				chosen = append(chosen, c)
			}
		}
		if len(chosen) == 0 && len(cands) > 0 {
			chosen = append(chosen, pick(rng, cands))
		}
		if len(chosen) == 0 && len(given) == 0 {
			chosen = append(chosen, cand{kind: cases.JobFound})
		}
		for _, c := range chosen {
			add(c, pp.active.Add(support*3/10), rng.IntN(2) == 0)
		}
	case pp.state != cases.Closed || pp.from == cases.Active:
		chance := 0.12
		if pp.state != cases.Closed {
			chance = 0.45 * math.Min(1, float64(support)/float64(16*week))
		}
		for _, c := range cands {
			if rng.Float64() < chance && support > 3*week {
				add(c, pp.active.Add(3*week), false)
			}
		}
	}
	// The program's own kinds: a retraining course begun, say, a month or
	// two into the support of someone who needs work or training.
	for _, own := range bc.prog.OwnOutcomeKinds {
		if begun := pp.active.Add(durRange(rng, 3*week, 8*week)); begun.Before(end) &&
			(slices.Contains(domains, "education") || slices.Contains(domains, "employment")) && rng.IntN(2) == 0 {
			recorded := begun.Add(durRange(rng, 0, 3*day))
			if recorded.After(end) {
				recorded = end
			}
			b.Outcomes = append(b.Outcomes, cases.Outcome{Period: k, Kind: cases.OutcomeKind(own.Key), OccurredOn: cases.Day(begun),
				RecordedBy: bc.team.coordinator, RecordedAt: recorded})
		}
	}
}

// Referral texts of the generated timelines.
var (
	referralAccepted = []string{"Received; we will call within the week.", "Accepted; the first appointment is booked.", "Thanks, we take it on."}
	referralWorking  = []string{"First meeting held; documents requested.", "Working on it.", "Waiting for the office to answer."}
	referralHelped   = []string{"Done: the result is in the case.", "Sorted out; the person has what they needed.", "Finished with success."}
	referralDeclined = map[partners.Reason]string{partners.NoCapacity: "Sorry, nothing free until next month.",
		partners.NotEligible: "This service is only for people registered in the city."}
	referralNoHelp = map[partners.Reason]string{partners.NotEligible: "Not eligible after all.", partners.CouldNotReach: "Three calls and a message, no answer.",
		partners.MenteeDeclined: "The person preferred to wait.", partners.NoCapacity: "Our lawyer left; we cannot take it further."}
)

// referrals sends the period's person to partners' services for the
// needs they have, while supported (with their consent to sharing):
// answered within days, declined now and then, then worked on for weeks
// until the person got help (an outcome of the need's kind, unless one is
// there already) or the partner could not help; a few withdrawn, a few
// drafts never sent. Whatever is still open when a period closes is
// withdrawn with the closure. It returns the outcome kinds recorded.
func (bc *bulkCase) referrals(b *store.BulkCase, pp *bulkPlan, k int, domains []string, mentor int64) map[cases.OutcomeKind]bool {
	rng, now := bc.rng, bc.now
	given := map[cases.OutcomeKind]bool{}
	if pp.active.IsZero() || !bc.partners || len(bc.services) == 0 {
		return given
	}
	end := pp.caseEnd(now)
	months := end.Sub(pp.active).Hours() / 24 / 30
	coord := bc.team.coordinator
	for range min(4, poisson(rng, 0.3+0.3*months)) {
		d := pick(rng, domains)
		var near, far []store.BulkService
		for _, v := range bc.services {
			if !slices.Contains(v.Domains, d) {
				continue
			}
			if slices.Contains(v.Countries, bc.country) {
				near = append(near, v)
			} else if slices.ContainsFunc(v.Countries, func(c string) bool { return slices.Contains(bc.prog.Countries, c) }) {
				far = append(far, v)
			}
		}
		if len(near) == 0 {
			near = far
		}
		if len(near) == 0 {
			continue
		}
		v := pick(rng, near)
		sent := pp.active.Add(durRange(rng, 3*day, max(4*day, end.Sub(pp.active)*7/10))).Truncate(time.Minute)
		if pp.state != cases.Closed && rng.IntN(3) == 0 {
			sent = between(rng, later(pp.active, now.Add(-3*week)), now) // waiting for an answer, or being worked on
		}
		if sent.After(end) {
			continue
		}
		_, texts, _ := domainWords(d)
		by := pick(rng, []int64{coord, mentor})
		r := store.BulkReferral{Referral: partners.Referral{ServiceID: v.ID, Domain: d, Message: pick(rng, texts),
			Share: []partners.Field{partners.Languages, partners.Location}, Channel: pick(rng, []partners.ReferralChannel{partners.Phone, partners.Email}),
			ConsentNote: "In person, at the meeting", ConsentBy: coord, CreatedBy: by},
			Events: []partners.Event{{Status: partners.Draft, Side: partners.SideReferrer, ByUser: by, At: sent}}}
		if rng.IntN(3) == 0 {
			r.Referral.Share = append(r.Referral.Share, partners.ContactTimes)
		}
		if pp.state != cases.Closed && rng.IntN(30) == 0 {
			b.Referrals = append(b.Referrals, r) // a draft, not sent yet
			continue
		}
		partner := v.PartnerUser
		if partner == 0 {
			partner = coord // staff record the partner's answers
		}
		t := sent
		status := partners.Sent
		move := func(after time.Duration, to partners.Status, side partners.Side, reason partners.Reason, msg string) bool {
			at := t.Add(after).Truncate(time.Minute)
			if at.After(end) {
				return false
			}
			e := partners.Event{Status: to, Reason: reason, Message: msg, Side: side, ByUser: partner, At: at}
			if side == partners.SideReferrer {
				e.ByUser = coord
			}
			if to == partners.GotHelp {
				kind, ok := domainOutcomes[d]
				if ok && !given[kind] && kind != cases.OtherOutcome {
					e.Outcome = &cases.Outcome{Kind: kind, Note: "Through " + v.Name}
					given[kind] = true
				}
			}
			r.Events = append(r.Events, e)
			t, status = at, to
			return true
		}
		move(0, partners.Sent, partners.SideReferrer, "", "")
		switch x := rng.IntN(100); {
		case x < 6:
			move(durRange(rng, day, 10*day), partners.Withdrawn, partners.SideReferrer, "", "No longer needed.")
		case x < 16:
			reason := pick(rng, []partners.Reason{partners.NoCapacity, partners.NotEligible})
			move(durRange(rng, 6*time.Hour, 7*day), partners.Declined, partners.SidePartner, reason, referralDeclined[reason])
		default:
			if !move(durRange(rng, 6*time.Hour, 7*day), partners.Accepted, partners.SidePartner, "", pick(rng, referralAccepted)) {
				break
			}
			if rng.IntN(10) < 7 && !move(durRange(rng, day, 10*day), partners.InProgress, partners.SidePartner, "", pick(rng, referralWorking)) {
				break
			}
			if rng.IntN(100) < 72 {
				move(durRange(rng, week, 8*week), partners.GotHelp, partners.SidePartner, "", pick(rng, referralHelped))
			} else {
				reason := pick(rng, partners.Reasons)
				move(durRange(rng, week, 8*week), partners.CouldNotHelp, partners.SidePartner, reason, referralNoHelp[reason])
			}
		}
		if status.Open() && pp.state == cases.Closed {
			at := later(t, end.Add(-time.Hour))
			r.Events = append(r.Events, partners.Event{Status: partners.Withdrawn, Message: "The case closed.", Side: partners.SideReferrer, ByUser: coord, At: at})
		}
		b.Referrals = append(b.Referrals, r)
	}
	return given
}
