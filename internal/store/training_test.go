package store_test

import (
	"testing"
	"time"

	"homeward/internal/errs"
	"homeward/internal/mentors"
	"homeward/internal/store"
)

// A module's hours are stored, read back by every read of modules, edited,
// and refused outside 0–200 in quarters with nothing saved.
func TestModuleHours(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		m, err := j.s.CreateModule(j.ctx, mentors.Module{ProgramID: j.prog.ID, Title: "Safety", Required: true, Position: 1, Hours: 2.5})
		j.fatal(err)
		if m.Hours != 2.5 {
			t.Errorf("created with %g hours, want 2.5", m.Hours)
		}
		unknown, err := j.s.CreateModule(j.ctx, mentors.Module{ProgramID: j.prog.ID, Title: "Legalisation", Position: 2})
		j.fatal(err)
		if unknown.Hours != 0 {
			t.Errorf("a module without hours has %g", unknown.Hours)
		}
		for _, h := range []float64{-1, 2.3, mentors.MaxModuleHours + 0.25} {
			_, err := j.s.CreateModule(j.ctx, mentors.Module{ProgramID: j.prog.ID, Title: "Bad", Hours: h})
			wantField(t, "create with bad hours", err, errs.KindInvalid, "hours", "validation.module_hours")
			bad := m
			bad.Hours = h
			_, err = j.s.UpdateModule(j.ctx, bad)
			wantField(t, "update with bad hours", err, errs.KindInvalid, "hours", "validation.module_hours")
		}
		m.Hours = 7.75
		m, err = j.s.UpdateModule(j.ctx, m)
		j.fatal(err)
		if m.Hours != 7.75 || m.Version != 2 {
			t.Errorf("updated: %g hours, version %d", m.Hours, m.Version)
		}
		list, err := j.s.Modules(j.ctx, j.prog.ID)
		j.fatal(err)
		if len(list) != 2 || list[0].Hours != 7.75 || list[1].Hours != 0 {
			t.Errorf("modules %+v", list)
		}
		mine, err := j.s.MyMentors(j.ctx, j.mentor.ID)
		j.fatal(err)
		progress, err := j.s.MentorTraining(j.ctx, mine[0].Mentor.ID)
		j.fatal(err)
		if len(progress) != 2 || progress[0].Module.Hours != 7.75 {
			t.Errorf("the mentor's training %+v", progress)
		}
	})
}

// TrainingHours sums the hours of confirmed completions in [from, to) of
// the programs asked for: not reported or withdrawn ones, not other
// programs', archived modules' still.
func TestTrainingHours(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		module := func(programID int64, title string, hours float64) int64 {
			m, err := j.s.CreateModule(j.ctx, mentors.Module{ProgramID: programID, Title: title, Hours: hours})
			j.fatal(err)
			return m.ID
		}
		safety, visits, reading := module(j.prog.ID, "Safety", 2.5), module(j.prog.ID, "Visits", 4), module(j.prog.ID, "Reading", 0)
		other := module(j.other.ID, "Welcome", 6)
		record := func(userID int64) int64 {
			mine, err := j.s.MyMentors(j.ctx, userID)
			j.fatal(err)
			return mine[0].Mentor.ID
		}
		mira, max, olek := record(j.mentor.ID), record(j.mentor2.ID), record(j.oMentor.ID)
		set := func(mentorID, moduleID int64, st mentors.CompletionStatus) {
			t.Helper()
			j.fatal(j.s.SetCompletion(j.ctx, mentorID, moduleID, st, st == mentors.Reported, j.coord.ID))
		}
		sum := func(programs []int64, from, to time.Time) float64 {
			t.Helper()
			h, err := j.s.TrainingHours(j.ctx, programs, from, to)
			j.fatal(err)
			return h
		}

		t0 := j.now()
		set(mira, safety, mentors.Confirmed)
		set(max, visits, mentors.Reported) // not confirmed: not counted
		j.advance(24 * time.Hour)
		set(max, safety, mentors.Confirmed)
		set(mira, reading, mentors.Confirmed) // unknown length: adds nothing
		set(olek, other, mentors.Confirmed)
		j.advance(24 * time.Hour)
		t2 := j.now()
		set(mira, visits, mentors.Confirmed)

		prog, both := []int64{j.prog.ID}, []int64{j.prog.ID, j.other.ID}
		for _, c := range []struct {
			what     string
			programs []int64
			from, to time.Time
			want     float64
		}{
			{"the program, to the day before the last confirmation", prog, t0, t2, 5},
			{"the program, with the last confirmation", prog, t0, t2.Add(time.Second), 9},
			{"from the second day", prog, t0.Add(time.Second), t2.Add(time.Second), 6.5},
			{"both programs", both, t0, t2, 11},
			{"the other program", []int64{j.other.ID}, t0, t2, 6},
			{"a program twice", []int64{j.prog.ID, j.prog.ID}, t0, t2, 5},
			{"before anything", prog, t0.AddDate(0, -1, 0), t0, 0},
			{"no program", nil, t0, t2, 0},
			{"a program with no training", []int64{j.prog.ID + j.other.ID + 100}, t0, t2, 0},
		} {
			if got := sum(c.programs, c.from, c.to); got != c.want {
				t.Errorf("%s: %g hours, want %g", c.what, got, c.want)
			}
		}

		// Withdrawn: no longer counted. Archived: still counted.
		set(max, safety, mentors.NotDone)
		mods, err := j.s.Modules(j.ctx, j.prog.ID)
		j.fatal(err)
		for _, m := range mods {
			if m.ID == visits {
				m.Archived = true
				_, err := j.s.UpdateModule(j.ctx, m)
				j.fatal(err)
			}
		}
		if got := sum(prog, t0, t2.Add(time.Second)); got != 6.5 {
			t.Errorf("after a withdrawal and archiving: %g hours, want 6.5", got)
		}
	})
}
