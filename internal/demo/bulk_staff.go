package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/mentors"
	"homeward/internal/program"
	"homeward/internal/store"
)

// What generated cases stand on: the directory's services, the custody
// programs' facilities, the programs' training modules, and the people
// who work on the cases.

// bulkEnv is what the generated cases of some programs refer to.
type bulkEnv struct {
	services    []store.BulkService
	facilities  [][]program.Facility // by program
	modules     [][]mentors.Module   // by program
	communities []community          // by program
}

// bulkFacilities are the facilities a custody program without any gets.
var bulkFacilities = []program.Facility{
	{Name: "Central Prison", Kind: program.Prison},
	{Name: "City Remand Centre", Kind: program.Remand},
	{Name: "Open Prison", Kind: program.Prison},
	{Name: "Women's Prison", Kind: program.Prison},
}

// bulkModules are the training modules a program without any gets.
var bulkModules = []mentors.Module{
	{Title: "Introduction to mentoring", Description: "The program, the mentor's role and its limits, working with the coordinator.", Required: true},
	{Title: "Safeguarding and confidentiality", Description: "Keeping people safe; what to share and with whom.", Required: true},
	{Title: "Working with partners", Description: "The directory, referrals and what partners need to know.", Required: false},
}

// bulkSetting reads (and, where missing, makes) what the cases of the
// programs refer to.
func bulkSetting(ctx context.Context, st *store.Store, programs []program.Program) (bulkEnv, error) {
	var env bulkEnv
	services, err := st.BulkServices(ctx)
	if err != nil {
		return env, err
	}
	if len(services) == 0 {
		for _, d := range demoDirectory {
			o, err := st.CreatePartner(ctx, d.org)
			if err != nil {
				return env, fmt.Errorf("bulk directory %q: %w", d.org.Name, err)
			}
			for _, v := range d.services {
				v.PartnerID = o.ID
				if _, err := st.CreateService(ctx, v); err != nil {
					return env, fmt.Errorf("bulk directory %q: %w", v.Name, err)
				}
			}
		}
		if services, err = st.BulkServices(ctx); err != nil {
			return env, err
		}
	}
	env.services = services
	for _, p := range programs {
		fs, err := st.Facilities(ctx, p.ID)
		if err != nil {
			return env, err
		}
		fs = slices.DeleteFunc(fs, func(f program.Facility) bool { return f.Archived })
		if p.Custody.Enabled && len(fs) == 0 {
			for _, f := range bulkFacilities {
				f.ProgramID = p.ID
				saved, err := st.CreateFacility(ctx, f)
				if err != nil {
					return env, fmt.Errorf("bulk facility %q: %w", f.Name, err)
				}
				fs = append(fs, saved)
			}
		}
		env.facilities = append(env.facilities, fs)
		mods, err := st.Modules(ctx, p.ID)
		if err != nil {
			return env, err
		}
		mods = slices.DeleteFunc(mods, func(m mentors.Module) bool { return m.Archived })
		if len(mods) == 0 {
			for k, m := range bulkModules {
				m.ProgramID, m.Position = p.ID, k+1
				saved, err := st.CreateModule(ctx, m)
				if err != nil {
					return env, fmt.Errorf("bulk module %q: %w", m.Title, err)
				}
				mods = append(mods, saved)
			}
		}
		env.modules = append(env.modules, mods)
		env.communities = append(env.communities, communityOf(p))
	}
	return env, nil
}

// bulkTeam is who works on a program's generated cases: account ids.
type bulkTeam struct {
	coordinator   int64
	psychologists []int64
	mentors       []int64 // by the index the plans hold
}

// simMentor is a mentor while the matches are handed out in time order.
type simMentor struct {
	applied, accepted time.Time
	leaves            time.Time   // takes nobody new from this day
	ends              []time.Time // of their matches (today for open ones)
	first, last       time.Time   // their first match, the end of their last
}

// bulkMentorCount is what bulkMentors made.
type bulkMentorCount struct{ accounts, records int }

// bulkMentors hands every match of the plans to a mentor of the program
// in time order, within the program's capacity at every moment: the least
// busy mentor who is accepted and still taking people, or a new volunteer
// accepted a little before (they applied and were screened weeks
// earlier). Each stays some months to a few years and retires after their
// last match has ended, unless that lies ahead. Applicants who never got
// as far (rejected, or in screening now) and a few accepted ones still in
// training join them. Their histories are written with their checks and
// training, and the plans learn their mentors.
func bulkMentors(ctx context.Context, st *store.Store, rng *rand.Rand, now time.Time, spec BulkSpec,
	plans []bulkPlan, env bulkEnv, team []bulkTeam) (bulkMentorCount, error) {
	var count bulkMentorCount
	span := spec.History
	if span == 0 {
		span = 130 * week
	}
	for pi, prog := range spec.Programs {
		var periods []*bulkPlan
		for i := range plans {
			if plans[i].prog != pi {
				continue
			}
			for _, pp := range plans[i].periods() {
				if !pp.match.IsZero() {
					periods = append(periods, pp)
				}
			}
		}
		sort.SliceStable(periods, func(a, b int) bool { return periods[a].match.Before(periods[b].match) })
		var sims []*simMentor
		capacity := max(1, prog.MentorCapacity)
		for _, pp := range periods {
			t, end := pp.match, pp.caseEnd(now)
			best, bestLoad := -1, capacity
			for k, m := range sims {
				if m.accepted.After(t) || !m.leaves.After(t) {
					continue
				}
				load := 0
				for _, e := range m.ends {
					if e.After(t) {
						load++
					}
				}
				if load < bestLoad {
					best, bestLoad = k, load
				}
			}
			if best < 0 {
				accepted := back(rng, t, 2*day, 4*week)
				sims = append(sims, &simMentor{accepted: accepted, applied: back(rng, accepted, 3*week, 10*week),
					leaves: accepted.Add(durRange(rng, 6*30*day, 30*30*day)), first: t})
				best = len(sims) - 1
			}
			m := sims[best]
			m.ends = append(m.ends, end)
			if end.After(m.last) {
				m.last = end
			}
			pp.mentor = best
		}
		list := make([]store.BulkMentor, 0, len(sims)+8)
		// Mentors sign in: their names are written in Latin letters.
		latin := slices.DeleteFunc(slices.Clone(env.communities[pi].names), func(ns nameSet) bool {
			return strings.ContainsFunc(ns.male[0], func(r rune) bool { return r >= 0x400 })
		})
		if len(latin) == 0 {
			latin = []nameSet{belarusianLatin, ukrainianLatin, czech}
		}
		name := func() (string, string, cases.Gender) {
			g := pick(rng, []cases.Gender{cases.Male, cases.Female})
			n := pick(rng, latin).person(rng, g)
			return n, staffEmail(n, auth.Mentor, len(list), spec.CodePrefix, prog.ID), g
		}
		coord := team[pi].coordinator
		for _, m := range sims {
			n, email, g := name()
			bm := store.BulkMentor{ProgramID: prog.ID, Stage: mentors.StageAccepted, Origin: mentors.FromApplication,
				Application: bulkApplication(rng, prog, n, email, g), AppliedAt: m.applied, Account: auth.User{Email: email, Name: n}}
			if rng.IntN(7) == 0 {
				bm.Origin, bm.AppliedAt = mentors.FromAccount, m.accepted
			}
			accepted := m.accepted
			bm.AcceptedAt = &accepted
			// Retired a little after the last match ended, once their time
			// was up — unless they still support someone, or it lies ahead.
			if retire := later(m.leaves, m.last).Add(durRange(rng, day, 3*week)).Truncate(time.Minute); retire.Before(now) && m.last.Before(now) {
				bm.Stage, bm.RetiredAt = mentors.StageRetired, &retire
			}
			bm.Checks = bulkChecks(rng, now, prog, bm.AppliedAt, accepted, bm.RetiredAt, coord)
			bm.Completions = bulkTraining(rng, now, env.modules[pi], accepted, m.first, bm.RetiredAt, coord, true)
			list = append(list, bm)
		}
		// Applicants: rejected ones over the span, a few in screening now,
		// a few accepted lately and still in training.
		for range max(1, len(sims)/5) {
			n, email, g := name()
			applied := back(rng, now, 3*week, span)
			list = append(list, store.BulkMentor{ProgramID: prog.ID, Stage: mentors.StageRejected, Origin: mentors.FromApplication,
				Application: bulkApplication(rng, prog, n, email, g), AppliedAt: applied})
		}
		for k := range 2 + rng.IntN(4) {
			n, email, g := name()
			applied := back(rng, now, time.Hour, 8*week)
			stage := []mentors.Stage{mentors.StageNew, mentors.StageInterview, mentors.StageChecks}[k%3]
			bm := store.BulkMentor{ProgramID: prog.ID, Stage: stage, Origin: mentors.FromApplication,
				Application: bulkApplication(rng, prog, n, email, g), AppliedAt: applied}
			if stage == mentors.StageChecks {
				bm.Checks = bulkChecks(rng, now, prog, applied, now, nil, coord)[:1]
			}
			list = append(list, bm)
		}
		for range 1 + rng.IntN(2) {
			n, email, g := name()
			accepted := back(rng, now, day, 6*week)
			bm := store.BulkMentor{ProgramID: prog.ID, Stage: mentors.StageAccepted, Origin: mentors.FromApplication,
				Application: bulkApplication(rng, prog, n, email, g), AppliedAt: back(rng, accepted, 3*week, 8*week),
				Account: auth.User{Email: email, Name: n}, AcceptedAt: &accepted}
			bm.Checks = bulkChecks(rng, now, prog, bm.AppliedAt, accepted, nil, coord)
			bm.Completions = bulkTraining(rng, now, env.modules[pi], accepted, now, nil, coord, false)
			list = append(list, bm)
		}
		// One volunteer ready for a first match: checked, the required
		// training confirmed, nobody supported yet (not one of the team the
		// cases go to), so that every program has a free place to offer.
		n, email, g := name()
		accepted := back(rng, now, week, 6*week)
		ready := store.BulkMentor{ProgramID: prog.ID, Stage: mentors.StageAccepted, Origin: mentors.FromApplication,
			Application: bulkApplication(rng, prog, n, email, g), AppliedAt: back(rng, accepted, 3*week, 8*week),
			Account: auth.User{Email: email, Name: n}, AcceptedAt: &accepted}
		ready.Checks = bulkChecks(rng, now, prog, ready.AppliedAt, accepted, nil, coord)
		ready.Completions = bulkTraining(rng, now, env.modules[pi], accepted, now, nil, coord, true)
		list = append(list, ready)
		for lo := 0; lo < len(list); lo += 2000 {
			if err := st.BulkMentors(ctx, list[lo:min(lo+2000, len(list))]); err != nil {
				return count, fmt.Errorf("bulk mentors of %q: %w", prog.Name, err)
			}
		}
		for _, bm := range list[:len(sims)] {
			team[pi].mentors = append(team[pi].mentors, bm.Account.ID)
		}
		for _, bm := range list {
			if bm.Account.ID != 0 {
				count.accounts++
			}
		}
		count.records += len(list)
	}
	return count, nil
}

// later is the later of two times.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// bulkApplication is what a volunteer wrote when applying to a program:
// its languages, one of its countries, some of its need domains, and their
// gender (g, the one their name says, or none).
func bulkApplication(rng *rand.Rand, p program.Program, name, email string, g cases.Gender) mentors.Application {
	country, langs, domains := volunteerReach(rng, p)
	city := ""
	if cs := volunteerCities[country]; len(cs) > 0 {
		city = pick(rng, cs)
	}
	a := mentors.Application{ProgramID: p.ID, FullName: name, Email: email,
		Motivation: pick(rng, []string{"I was supported myself once and want to give it back.", "I have time on weekends and want to help someone start again.",
			"A friend went through this; I saw how much a mentor mattered.", "I work in social services and want to help outside work too."}),
		Languages: langs, Country: country, City: city, Skills: pick(rng, []string{"Accounting, CVs", "Teaching", "Law student", "IT support", "Social work", "Driving, DIY"}),
		NeedDomains: domains, HoursPerWeek: 2 + rng.IntN(6), Times: []string{pick(rng, mentors.Times)},
		Gender: profileGender(rng, g), Consent: true}
	if rng.IntN(3) == 0 {
		a.ExperienceTags = []string{pick(rng, mentors.ExperienceTags)}
	}
	return a
}

// bulkChecks are the program's checks of a mentor, done while they were
// screened (before acceptance) and valid three years; one still mentoring
// renewed a check before it ran out.
func bulkChecks(rng *rand.Rand, now time.Time, p program.Program, applied, accepted time.Time, retired *time.Time, by int64) []mentors.Check {
	var out []mentors.Check
	for _, kind := range p.MentorChecks {
		done := between(rng, applied, accepted)
		for {
			exp := cases.Day(done).AddDate(3, 0, 0)
			out = append(out, mentors.Check{Kind: kind, Result: mentors.Passed, DoneOn: cases.Day(done), ExpiresOn: &exp,
				RecordedBy: by, RecordedAt: done})
			if retired != nil || exp.After(now.AddDate(0, 0, 30)) {
				break
			}
			done = exp.AddDate(0, 0, -10-rng.IntN(30))
			if done.After(now) {
				done = now.Add(-day)
			}
		}
	}
	return out
}

// bulkTraining is a mentor's training: the required modules confirmed
// between acceptance and the first match, optional ones now and then; a
// mentor still in training has the first module only.
func bulkTraining(rng *rand.Rand, now time.Time, mods []mentors.Module, accepted, first time.Time, retired *time.Time, by int64, all bool) []mentors.Completion {
	var out []mentors.Completion
	for k, m := range mods {
		var at time.Time
		switch {
		case !all && k > 0:
			continue
		case m.Required || !all:
			at = between(rng, accepted, accepted.Add(first.Sub(accepted)*9/10))
		case rng.IntN(2) == 0:
			at = accepted.Add(durRange(rng, week, 20*week))
			if at.After(now) || (retired != nil && at.After(*retired)) {
				continue
			}
		default:
			continue
		}
		if at.After(now) {
			at = now
		}
		out = append(out, mentors.Completion{ModuleID: m.ID, Status: mentors.Confirmed, ConfirmedBy: by, ConfirmedAt: &at})
	}
	return out
}
