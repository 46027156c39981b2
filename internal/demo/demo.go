// Package demo generates realistic, deterministic demo data: the same size
// and seed always give the same records (relative to the day they are made;
// passwords are random). It makes programs, users of every role, volunteer
// mentors and the case journeys of people through the programs, then
// generated cases in bulk: the small size two years of history behind the
// journeys, so that reports over the past year have something to count;
// the medium and large sizes cases at scale, so that lists can be measured.
//
// Glossary words: every record kind — Program, Mentor, Mentee, Case, Match,
// Need, Plan step, Request, Contact, Partner, Service, Referral, Outcome,
// Follow-up, Feedback, Note.
package demo

import (
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/program"
	"homeward/internal/store"
)

// Size names how much data to generate.
type Size string

const (
	Small  Size = "small"
	Medium Size = "medium"
	Large  Size = "large"
)

// ParseSize accepts small, medium or large.
func ParseSize(s string) (Size, error) {
	switch Size(s) {
	case Small, Medium, Large:
		return Size(s), nil
	}
	return "", fmt.Errorf("size %q: choose small, medium or large", s)
}

// programCount is how many programs each size holds.
var programCount = map[Size]int{Small: 3, Medium: 12, Large: 60}

// Summary tells what was generated.
type Summary struct {
	Programs int
	Users    []Credential
	Mentees  int
	Cases    int
	States   map[cases.State]int // cases by state
	Contacts int
	Requests int
	// Referrals are the referrals to partners' services, in every status.
	Referrals int
	// Staff made in bulk for the generated cases (active, without a
	// password: an administrator sends them a reset link to sign in).
	BulkStaff int
}

// Credential is a demo user's sign-in, printed once at the end of the run.
type Credential struct {
	Email, Password string
	Role            auth.Role
	Name            string
}

// DemoDomain is the email domain of demo users; .test never reaches anyone.
const DemoDomain = "demo.homeward.test"

// ErrNotEmpty is returned when the database already holds data.
var ErrNotEmpty = errors.New("the database already holds data; demo data goes only into an empty database (start with a new --data directory or database)")

// bulkSize is how many cases and contacts each size holds in all: the
// journeys of the modelled programs, then generated cases up to these.
var bulkSize = map[Size]struct{ cases, contacts int }{
	Medium: {5000, 50000},
	Large:  {100000, 1000000},
}

// smallHistory is the generated history of the small demo's three
// programs: six or seven people entering each a month for the past 20
// months and the program's longest support before them, walked forward
// to today (see BulkSpec.History).
var smallHistory = struct {
	cases, contacts int
	span            time.Duration
}{560, 10000, 20 * 30 * day}

// Options say what Fill generates.
type Options struct {
	Size Size
	Seed uint64
	// Cases, when set, is how many cases medium and large hold in all in
	// place of the size's own (with ten contacts a case), for a benchmark
	// at a size between them.
	Cases int
	// Progress receives a line now and then while generated cases are
	// written (medium and large); nil discards them.
	Progress io.Writer
}

// Fill generates demo data of the size into an empty database, with one
// user per role (ROLE@demo.homeward.test) whose random passwords it returns.
func Fill(ctx context.Context, st *store.Store, hasher *auth.Hasher, size Size, seed uint64) (Summary, error) {
	return FillWith(ctx, st, hasher, Options{Size: size, Seed: seed})
}

// FillWith generates demo data into an empty database (ErrNotEmpty
// otherwise, so a second run adds nothing): the programs, a user per role,
// volunteer mentors, and the journeys of about forty people through the
// modelled programs, each made through the store's own calls with the
// store's clock moved back to when it happened (and restored to the real
// clock at the end). Then generated cases in bulk: in small, two years of
// history of the modelled programs behind the journeys (people entering
// month by month, see BulkSpec.History); in medium and large, cases at
// scale over every program. Last, the planner's statistics are refreshed.
// The store syncs to disk only at the end (Store.Loading), and passwords
// are hashed beside the store's work.
func FillWith(ctx context.Context, st *store.Store, hasher *auth.Hasher, o Options) (Summary, error) {
	n, err := st.CountPrograms(ctx, store.ProgramFilter{})
	if err != nil {
		return Summary{}, err
	}
	if n > 0 {
		return Summary{}, ErrNotEmpty
	}
	if n, err := st.CountUsers(ctx); err != nil || n > 0 {
		if err == nil {
			err = ErrNotEmpty
		}
		return Summary{}, err
	}
	done, err := st.Loading(ctx)
	if err != nil {
		return Summary{}, err
	}
	sum, err := fill(ctx, st, hasher, o)
	if err2 := done(ctx); err == nil {
		err = err2
	}
	return sum, err
}

// fill is FillWith's work on an empty database.
func fill(ctx context.Context, st *store.Store, hasher *auth.Hasher, o Options) (Summary, error) {
	sum := Summary{States: map[cases.State]int{}}
	now := st.Now()
	pws := hashAhead(ctx, hasher)
	defer pws.stop()
	j := &journey{ctx: ctx, st: st, passwords: pws, rng: rand.New(rand.NewPCG(o.Seed, 0x6a6f75726e6579)),
		now: now, clock: now.Add(-70 * week).Truncate(day), staff: map[who]auth.User{}, pool: map[int64][]*poolMentor{}, sum: &sum}
	st.SetClock(func() time.Time { return j.clock })
	defer st.SetClock(time.Now)

	var programs []program.Program
	for _, p := range Programs(o.Size, o.Seed) {
		saved, err := st.CreateProgram(ctx, p)
		if err != nil {
			return sum, fmt.Errorf("demo program %q: %w", p.Name, err)
		}
		programs = append(programs, saved)
		sum.Programs++
	}
	j.programs = programs[:3]
	if err := j.addTraining(); err != nil {
		return sum, err
	}
	if err := j.addFacilities(); err != nil {
		return sum, err
	}
	modelled := []int64{programs[0].ID, programs[1].ID, programs[2].ID}
	orgs, err := j.addDirectory()
	if err != nil {
		return sum, err
	}
	for _, role := range auth.Roles {
		u := auth.User{Email: string(role) + "@" + DemoDomain, Name: "Demo " + string(role), Role: role}
		switch role {
		case auth.Admin:
		case auth.Coordinator, auth.Psychologist:
			u.Programs = modelled
		case auth.Mentor:
			u.Programs = []int64{programs[0].ID, programs[2].ID}
		case auth.Partner:
			// The demo partner works at the first organisation of the
			// directory; they belong to no program.
			u.PartnerID = orgs[0].ID
		default:
			u.Programs = []int64{programs[0].ID}
		}
		u, pw, err := j.user(u)
		if err != nil {
			return sum, err
		}
		if role == auth.Mentor {
			if err := j.readyMentor(u); err != nil {
				return sum, err
			}
		}
		sum.Users = append(sum.Users, Credential{Email: u.Email, Password: pw, Role: role, Name: u.Name})
		switch role {
		case auth.Coordinator:
			j.staff[byCoordinator] = u
		case auth.Mentor:
			j.staff[byMentor] = u
			for _, p := range u.Programs {
				j.pool[p] = append(j.pool[p], &poolMentor{user: u, demo: true})
			}
		case auth.Psychologist:
			j.staff[byPsychologist] = u
		case auth.Mentee:
			j.staff[byMentee] = u
		case auth.Partner:
			j.staff[byPartner] = u
		}
	}
	if err := j.runJourneys(); err != nil {
		return sum, err
	}
	if err := j.addApplicants(st); err != nil {
		return sum, err
	}
	if err := j.addReferrals(orgs); err != nil {
		return sum, err
	}
	for _, s := range journeySpecs {
		sum.States[s.state]++
	}
	pws.stop() // the generated staff have no password
	st.SetClock(time.Now)
	spec := BulkSpec{Programs: programs, Seed: o.Seed, Progress: o.Progress}
	if size, ok := bulkSize[o.Size]; ok {
		if o.Cases > 0 {
			size.cases, size.contacts = o.Cases, 10*o.Cases
		}
		spec.Cases, spec.Contacts = size.cases-sum.Cases, size.contacts-sum.Contacts
	} else {
		// The small demo's programs have a history of their own behind the
		// journeys: people entering month by month for two years and more,
		// so that a report over the past year has something to count.
		spec.Cases, spec.Contacts, spec.History, spec.CodePrefix, spec.Progress = smallHistory.cases, smallHistory.contacts, smallHistory.span, "H", nil
	}
	bs, err := Bulk(ctx, st, spec)
	sum.Mentees += bs.Mentees
	sum.Cases += bs.Cases
	sum.Contacts += bs.Contacts
	sum.Requests += bs.Requests
	sum.Referrals += bs.Referrals
	sum.BulkStaff += bs.Staff
	for k, v := range bs.States {
		sum.States[k] += v
	}
	return sum, err
}

// hashed is a new password and its hash.
type hashed struct {
	password, phc string
	err           error
}

// passwords hands out new passwords hashed ahead, one at a time, by a
// goroutine beside the store's work: argon2id is slow on purpose, and the
// demo needs a few dozen.
type passwords struct {
	next chan hashed
	stop func() // stops hashing (waits for a hash under way); stop again does nothing
}

func hashAhead(ctx context.Context, hasher *auth.Hasher) *passwords {
	ctx, cancel := context.WithCancel(ctx)
	next := make(chan hashed, 2)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		defer close(next)
		for {
			pw := password()
			phc, err := hasher.Hash(ctx, pw)
			select {
			case next <- hashed{pw, phc, err}:
				if err != nil {
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	var once sync.Once
	return &passwords{next: next, stop: func() {
		once.Do(func() {
			cancel()
			<-finished
		})
	}}
}

// take is the next password with its hash.
func (p *passwords) take(ctx context.Context) (string, string, error) {
	select {
	case h, ok := <-p.next:
		if !ok {
			return "", "", errors.New("demo passwords: hashing stopped")
		}
		return h.password, h.phc, h.err
	case <-ctx.Done():
		return "", "", ctx.Err()
	}
}

// password makes a random password of 20 characters in groups, easy to type.
func password() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	b := make([]byte, 16)
	if _, err := crand.Read(b); err != nil {
		panic(err)
	}
	var out []byte
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			out = append(out, '-')
		}
		out = append(out, alphabet[int(c)%len(alphabet)])
	}
	return string(out)
}

// Programs returns the demo programs of a size: three programs modelled on
// the source documents, then generated ones.
// womensTheme names the generated programs for women only: all their
// people are women.
const womensTheme = "Women's re-entry circle"

// CourseStarted is the own outcome kind of the release program.
const CourseStarted = "course_started"

func Programs(size Size, seed uint64) []program.Program {
	rng := rand.New(rand.NewPCG(seed, 0x686f6d65))
	out := []program.Program{
		build("Volnyja: life after political imprisonment",
			"Volunteer mentors support people released from political imprisonment, most of them now in emigration: a first call, a plan of one to five first steps, referrals to initiatives, and contact once or twice a week that becomes rarer as life settles. One mentor supports one person at a time.",
			[]string{"be", "ru"}, []string{"LT", "PL", "GE", "DE"}, 1, program.Cadence{FirstWeeks: 4, FirstPerWeek: 2, LaterPerWeek: 1}, 3, 3, 6, program.Custody{MonthsBefore: 6, MonthsAfter: 6}),
		build("Mentoring for release from prison",
			"Trained mentors meet clients about six months before release and support them for six months after: release-day pickup, housing, job diagnostics and offers, retraining, debt and family-law counselling through partners.",
			[]string{"cs"}, []string{"CZ"}, 2, program.Cadence{FirstWeeks: 8, FirstPerWeek: 1, LaterPerWeek: 1}, 4, 6, 12, program.Custody{Enabled: true, MonthsBefore: 6, MonthsAfter: 6}),
		build("New neighbours: mentoring for refugees",
			"Mentors help people who had to flee settle in: documents and legal status, a place to live, language courses, work, and people to turn to.",
			[]string{"uk", "ru", "en", "cs"}, []string{"CZ", "PL"}, 2, program.Cadence{FirstWeeks: 4, FirstPerWeek: 1, LaterPerWeek: 0.5}, 3, 3, 9, program.Custody{MonthsBefore: 6, MonthsAfter: 6}),
	}
	// The refugee program recruits mentors on the public site; the other two
	// keep their existence to themselves.
	out[2].ApplicationsOpen = true
	// The release program's funder counts retraining courses begun, not
	// only those completed: an outcome kind of the program's own.
	out[1].OwnOutcomeKinds = []program.OwnOutcomeKind{{Key: CourseStarted, Label: "Zahájení rekvalifikačního kurzu"}}
	// Each program makes its case codes (the prefix its people's codes
	// already have, the year and a counter) and keeps its people's clocks:
	// the exiles' program works from Vilnius, the other two from Prague.
	for i, prefix := range []string{exiles.code, returning.code, refugees.code} {
		out[i].MentorChecks = mentorChecks[i]
		out[i].CaseCodePattern = prefix + "-{year}-{n:3}"
		out[i].TimeZone = []string{"Europe/Vilnius", "Europe/Prague", "Europe/Prague"}[i]
	}
	themes := []struct{ name, desc string }{
		{"Return mentoring", "Mentoring after release from prison."},
		{womensTheme, "Mentoring for women leaving prison, with childcare and family-law support."},
		{"Youth second chance", "Mentors for young people after a juvenile sentence."},
		{"Exile support", "Support for political emigrants rebuilding their lives abroad."},
		{"Recovery companions", "Mentoring after addiction treatment and release."},
	}
	places := []struct {
		city, country, zone string
		langs               []string
	}{
		{"Vilnius", "LT", "Europe/Vilnius", []string{"be", "ru", "lt"}},
		{"Warsaw", "PL", "Europe/Warsaw", []string{"be", "uk", "pl"}},
		{"Brno", "CZ", "Europe/Prague", []string{"cs", "uk"}},
		{"Prague", "CZ", "Europe/Prague", []string{"cs", "ru", "uk"}},
		{"Tbilisi", "GE", "Asia/Tbilisi", []string{"ru", "ka"}},
		{"Berlin", "DE", "Europe/Berlin", []string{"de", "ru", "uk"}},
		{"Kraków", "PL", "Europe/Warsaw", []string{"pl", "uk"}},
		{"Ostrava", "CZ", "Europe/Prague", []string{"cs"}},
	}
	for i := len(out); i < programCount[size]; i++ {
		t := themes[rng.IntN(len(themes))]
		pl := places[rng.IntN(len(places))]
		custody := rng.IntN(3) == 0
		first := []float64{1, 1.5, 2}[rng.IntN(3)]
		out = append(out, build(
			fmt.Sprintf("%s %s #%d", t.name, pl.city, i+1),
			t.desc, pl.langs, []string{pl.country}, 1+rng.IntN(3),
			program.Cadence{FirstWeeks: 2 + rng.IntN(7), FirstPerWeek: first, LaterPerWeek: []float64{0.5, 1}[rng.IntN(2)]},
			2+rng.IntN(4), 3, 6+rng.IntN(7), program.Custody{Enabled: custody, MonthsBefore: 3 + rng.IntN(4), MonthsAfter: 6}))
		out[i].CaseCodePattern = fmt.Sprintf("P%d-{n:4}", i+1)
		out[i].TimeZone = pl.zone
	}
	return out
}

func build(name, desc string, langs, countries []string, capacity int, c program.Cadence, quiet, minM, maxM int, custody program.Custody) program.Program {
	p := program.New()
	p.Name, p.Description = name, desc
	p.Languages, p.Countries = langs, countries
	p.MentorCapacity, p.Cadence, p.QuietWeeks = capacity, c, quiet
	p.DurationMin, p.DurationMax, p.Custody = minM, maxM, custody
	return p
}
