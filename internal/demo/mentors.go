package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/matching"
	"homeward/internal/mentors"
	"homeward/internal/program"
	"homeward/internal/store"
)

// trainingModules are the demo programs' training, by program (the three
// modelled ones): required modules first, each with its length in hours.
var trainingModules = [][]mentors.Module{
	{
		{Title: "Introduction: the program and its people", Description: "What the program does, who it supports, and how a case goes from intake to closure.", Required: true, Hours: 2},
		{Title: "Safety and confidentiality", Description: "Persecution histories, safe channels, what never to write in a message.", Required: true, Hours: 3},
		{Title: "Trauma-aware conversation", Description: "Listening after imprisonment; when to call the psychologist.", Required: true, Hours: 6},
		{Title: "Legalisation in emigration", Description: "Residence permits, documents and where to refer.", Required: false, Hours: 2.5},
	},
	{
		{Title: "Úvod do mentoringu", Description: "Role mentora, hranice, spolupráce s koordinátorem.", Required: true, Hours: 4},
		{Title: "Návštěvy ve věznici", Description: "Pravidla návštěv, příprava na den propuštění.", Required: true, Hours: 3.5},
		{Title: "Dluhy a exekuce", Description: "Základy dluhového poradenství a kam odkázat.", Required: false, Hours: 8},
	},
	{
		{Title: "Welcome and safeguarding", Description: "The program, boundaries, and keeping people safe.", Required: true, Hours: 3},
		{Title: "Documents and legal status", Description: "Temporary protection, permits, and the partners who help.", Required: true, Hours: 2.5},
	},
}

// mentorChecks are the checks each modelled program requires.
var mentorChecks = [][]string{
	{"background_check", "signed_agreement"},
	{"background_check", "reference", "signed_agreement"},
	{"background_check", "signed_agreement", "safeguarding"},
}

// addTraining creates the training modules of the modelled programs.
func (j *journey) addTraining() error {
	for i, p := range j.programs {
		for k, m := range trainingModules[i] {
			m.ProgramID, m.Position = p.ID, k+1
			if _, err := j.st.CreateModule(j.ctx, m); err != nil {
				return fmt.Errorf("demo module %q: %w", m.Title, err)
			}
		}
	}
	return nil
}

// readyMentor makes a mentor account's records ready in each of its
// programs, as a coordinator would: a profile for matching, the program's
// checks passed a little before today (the store's clock), valid for two
// or three years, and the required training confirmed.
func (j *journey) readyMentor(u auth.User) error {
	records, err := j.st.MyMentors(j.ctx, u.ID)
	if err != nil {
		return err
	}
	coord := j.as(j.staff[byCoordinator])
	for _, st := range records {
		p := j.programByID(st.Mentor.ProgramID)
		if p == nil {
			continue // a generated program: no demo profile
		}
		if err := j.st.UpdateMentorProfile(coord, st.Mentor.ID, j.mentorProfile(*p, u.Name), st.Mentor.Version); err != nil {
			return fmt.Errorf("demo mentor profile %s: %w", u.Email, err)
		}
		done := j.clock.AddDate(0, 0, -7-j.rng.IntN(30))
		for _, kind := range p.MentorChecks {
			expires := done.AddDate(2+j.rng.IntN(2), 0, 0)
			if _, err := j.st.RecordCheck(coord, mentors.Check{MentorID: st.Mentor.ID, Kind: kind, Result: mentors.Passed,
				DoneOn: done, ExpiresOn: &expires}, j.staff[byCoordinator].ID); err != nil {
				return fmt.Errorf("demo mentor check %s: %w", u.Email, err)
			}
		}
		if err := j.confirmTraining(st.Mentor.ID, p.ID, true); err != nil {
			return err
		}
	}
	return nil
}

// confirmTraining confirms the required modules of a program (and, when
// all, the optional ones too) for a mentor.
func (j *journey) confirmTraining(mentorID, programID int64, all bool) error {
	mods, err := j.st.Modules(j.ctx, programID)
	if err != nil {
		return err
	}
	for _, m := range mods {
		if m.Required || (all && j.rng.IntN(2) == 0) {
			if err := j.st.SetCompletion(j.as(j.staff[byCoordinator]), mentorID, m.ID, mentors.Confirmed, false, j.staff[byCoordinator].ID); err != nil {
				return fmt.Errorf("demo training: %w", err)
			}
		}
	}
	return nil
}

func (j *journey) programByID(id int64) *program.Program {
	for i := range j.programs {
		if j.programs[i].ID == id {
			return &j.programs[i]
		}
	}
	return nil
}

// volunteerCities are the cities demo volunteers live in, by country.
var volunteerCities = map[string][]string{"LT": {"Vilnius", "Kaunas"}, "PL": {"Warsaw", "Białystok", "Kraków"},
	"GE": {"Tbilisi"}, "DE": {"Berlin"}, "CZ": {"Prague", "Brno", "Ostrava"}}

// volunteerReach draws where a volunteer of program p lives, which of its
// languages they speak (the first always) and which of its need domains
// they help with.
func volunteerReach(rng *rand.Rand, p program.Program) (country string, langs, domains []string) {
	country = pick(rng, p.Countries)
	langs = []string{p.Languages[0]}
	for _, l := range p.Languages[1:] {
		if rng.IntN(2) == 0 {
			langs = append(langs, l)
		}
	}
	for _, d := range p.NeedDomains {
		if rng.IntN(4) == 0 {
			domains = append(domains, d)
		}
	}
	return country, langs, domains
}

// mentorProfile draws a volunteer's profile in a program: its languages,
// one of its countries, some of its need domains, a few hours a week, and
// the gender their name says (or none).
func (j *journey) mentorProfile(p program.Program, name string) mentors.Profile {
	rng := j.rng
	country, langs, domains := volunteerReach(rng, p)
	times := []string{pick(rng, mentors.Times)}
	if rng.IntN(2) == 0 {
		times = append(times, "weekends")
	}
	prof := mentors.Profile{Languages: langs, Country: country, City: pick(rng, volunteerCities[country]),
		NeedDomains: domains, HoursPerWeek: 2 + rng.IntN(6), Times: slices.Compact(times),
		Gender: profileGender(rng, genderOf(name))}
	if rng.IntN(3) == 0 {
		prof.ExperienceTags = []string{pick(rng, mentors.ExperienceTags)}
	}
	if rng.IntN(3) == 0 {
		prof.PreferenceTags = []string{pick(rng, mentors.PreferenceTags), pick(rng, mentors.PreferenceTags)}
	}
	return prof
}

// applicants are the people who apply through the refugee program's public
// form in the demo, and where each of them stands today.
var applicants = []struct {
	name, email string
	stage       mentors.Stage
	lang        []string
	then        string // what happens after the stage: "", "training", "ready", "paused", "retired", "expiring"
}{
	{"Hanna Lysenko", "hanna.lysenko", mentors.StageNew, []string{"uk", "cs"}, ""},
	{"Petr Novotný", "petr.novotny", mentors.StageNew, []string{"cs", "en"}, ""},
	{"Olena Bondar", "olena.bondar", mentors.StageNew, []string{"uk", "ru"}, ""},
	{"Jana Horáková", "jana.horakova", mentors.StageInterview, []string{"cs"}, ""},
	{"Taras Koval", "taras.koval", mentors.StageInterview, []string{"uk", "pl"}, ""},
	{"Eva Malá", "eva.mala", mentors.StageChecks, []string{"cs", "uk"}, ""},
	{"Dmytro Shevchuk", "dmytro.shevchuk", mentors.StageChecks, []string{"uk", "ru", "cs"}, ""},
	{"Anna Kowalska", "anna.kowalska", mentors.StageAccepted, []string{"pl", "uk"}, "training"},
	{"Lenka Dvořáková", "lenka.dvorakova", mentors.StageAccepted, []string{"cs", "ru"}, "ready"},
	{"Viktor Hnatiuk", "viktor.hnatiuk", mentors.StageAccepted, []string{"uk", "en"}, "ready"},
	{"Marta Zielińska", "marta.zielinska", mentors.StageAccepted, []string{"pl", "en"}, "expiring"},
	{"Roman Levchenko", "roman.levchenko", mentors.StageAccepted, []string{"uk", "ru"}, "paused"},
	{"Zdeněk Král", "zdenek.kral", mentors.StageAccepted, []string{"cs"}, "retired"},
	{"Igor Belov", "igor.belov", mentors.StageRejected, []string{"ru"}, ""},
}

// addApplicants sends the applicants' applications to the refugee program
// some weeks ago and walks each through screening to where they stand,
// with today's clock (the store's real one).
func (j *journey) addApplicants(st *store.Store) error {
	p := j.programs[2]
	coordUser := j.staff[byCoordinator]
	coord := j.as(coordUser)
	start := j.now.AddDate(0, 0, -60)
	for i, a := range applicants {
		at := start.Add(time.Duration(i) * 3 * day)
		st.SetClock(func() time.Time { return at })
		prof := j.mentorProfile(p, a.name)
		id, err := st.CreateMentorApplication(j.ctx, mentors.Application{ProgramID: p.ID, FullName: a.name,
			Email: a.email + "@" + DemoDomain, Motivation: "I know what the first months in a new country are like, and I have time on " + pick(j.rng, []string{"weekends", "weekday evenings"}) + ".",
			Languages: a.lang, Country: prof.Country, City: prof.City, Skills: pick(j.rng, []string{"Accounting, CVs", "Teaching", "Law student", "IT support", "Social work"}),
			Background: "Volunteer at a community centre.", NeedDomains: prof.NeedDomains, HoursPerWeek: prof.HoursPerWeek,
			Times: prof.Times, Gender: prof.Gender, ExperienceTags: prof.ExperienceTags, PreferenceTags: prof.PreferenceTags, Consent: true})
		if err != nil {
			return fmt.Errorf("demo application %s: %w", a.name, err)
		}
		step := func(days int, what string, fn func() error) error {
			at = at.Add(time.Duration(days) * day)
			if err := fn(); err != nil {
				return fmt.Errorf("demo applicant %s, %s: %w", a.name, what, err)
			}
			return nil
		}
		version := func() int {
			m, _ := st.GetMentor(j.ctx, id)
			return m.Mentor.Version
		}
		move := func(to mentors.Stage) func() error {
			return func() error { return st.MoveMentor(coord, id, to, version()) }
		}
		stages := []mentors.Stage{mentors.StageInterview, mentors.StageChecks}
		reach := slices.Index(mentors.Stages, a.stage)
		if a.stage == mentors.StageRejected {
			if err := step(2, "interview", move(mentors.StageInterview)); err != nil {
				return err
			}
			if err := step(1, "note", func() error {
				_, err := st.AddMentorNote(coord, id, "Interview: wants to support only people of one nationality; not a fit for the program.", coordUser.ID)
				return err
			}); err != nil {
				return err
			}
			if err := step(1, "reject", move(mentors.StageRejected)); err != nil {
				return err
			}
			continue
		}
		for k, s := range stages {
			if reach < k+1 {
				break
			}
			if err := step(2+j.rng.IntN(3), string(s), move(s)); err != nil {
				return err
			}
			if s == mentors.StageInterview {
				if err := step(0, "note", func() error {
					_, err := st.AddMentorNote(coord, id, "Interview: calm, good listener, realistic about time. Speaks "+a.lang[0]+" natively.", coordUser.ID)
					return err
				}); err != nil {
					return err
				}
			}
		}
		if reach >= slices.Index(mentors.Stages, mentors.StageChecks) {
			// Checks as they come in: the last one missing until accepted.
			kinds := p.MentorChecks
			if a.stage == mentors.StageChecks {
				kinds = kinds[:len(kinds)-1]
			}
			for _, kind := range kinds {
				if err := step(1, "check", func() error {
					done := at.AddDate(0, 0, -1)
					exp := done.AddDate(3, 0, 0)
					if a.then == "expiring" && kind == "background_check" {
						done = j.now.AddDate(-3, 0, 12)
						exp = j.now.AddDate(0, 0, 12) // expires in twelve days
					}
					_, err := st.RecordCheck(coord, mentors.Check{MentorID: id, Kind: kind, Result: mentors.Passed, DoneOn: done, ExpiresOn: &exp}, coordUser.ID)
					return err
				}); err != nil {
					return err
				}
			}
		}
		if a.stage != mentors.StageAccepted {
			continue
		}
		var acc store.Acceptance
		if err := step(2, "accept", func() (err error) {
			acc, err = st.AcceptMentor(coord, id, version(), 72*time.Hour)
			return err
		}); err != nil {
			return err
		}
		// The accepted ones chose a password (and sign in with it).
		pw, phc, err := j.passwords.take(j.ctx)
		if err != nil {
			return err
		}
		if err := step(1, "password", func() error { return st.SetPassword(j.ctx, acc.UserID, phc) }); err != nil {
			return err
		}
		j.sum.Users = append(j.sum.Users, Credential{Email: a.email + "@" + DemoDomain, Password: pw, Role: auth.Mentor, Name: a.name})
		mods, err := st.Modules(j.ctx, p.ID)
		if err != nil {
			return err
		}
		for k, m := range mods {
			// "training": the first module confirmed, the next one reported by the mentor.
			switch {
			case a.then == "training" && k == 0, a.then != "training" && m.Required:
				err = step(3, "training", func() error { return st.SetCompletion(coord, id, m.ID, mentors.Confirmed, false, coordUser.ID) })
			case a.then == "training" && k == 1:
				err = step(3, "training", func() error {
					return st.SetCompletion(j.as(auth.User{ID: acc.UserID}), id, m.ID, mentors.Reported, true, acc.UserID)
				})
			}
			if err != nil {
				return err
			}
		}
		switch a.then {
		case "paused":
			err = step(1, "pause", func() error {
				until := j.now.AddDate(0, 1, 0)
				return st.SetMentorAvailability(coord, id, mentors.Availability{PausedUntil: &until}, version())
			})
		case "retired":
			err = step(1, "retire", move(mentors.StageRetired))
		}
		if err != nil {
			return err
		}
	}
	st.SetClock(time.Now)
	// What the waiting cases tell matching: wishes (a woman or a man as
	// mentor, lived experience) and background, so
	// that suggestions explain themselves.
	list, _, err := st.ListCases(j.ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{j.programs[0].ID, j.programs[1].ID, j.programs[2].ID}},
		State: cases.Waiting}, store.Page{Limit: 100})
	if err != nil {
		return err
	}
	for _, c := range list {
		prof := matching.CaseProfile{Background: []string{pick(j.rng, mentors.ExperienceTags)}}
		if j.rng.IntN(3) == 0 { // some ask for a woman or a man as mentor
			prof.MentorGender = pick(j.rng, matching.MentorGenders)
		}
		if j.rng.IntN(3) == 0 {
			prof.Wishes = []string{pick(j.rng, matching.Wishes)}
		}
		if err := st.SetMatchProfile(coord, c.ID, prof); err != nil {
			return fmt.Errorf("demo match profile: %w", err)
		}
	}
	return nil
}
