package store_test

import (
	"fmt"
	"sync"
	"testing"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/program"
	"homeward/internal/store"
)

// A program with a pattern makes the codes of its intakes: the counter
// fills {n}, padded as the pattern asks, and never repeats, even past a
// code someone typed by hand.
func TestProgramMakesCaseCodes(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		p := j.prog
		p.CaseCodePattern = " vol-{YEAR}-{n:3} "
		p, err := j.s.UpdateProgram(j.ctx, p)
		j.fatal(err)
		if p.CaseCodePattern != "VOL-{year}-{n:3}" {
			t.Fatalf("stored pattern %q", p.CaseCodePattern)
		}
		proposed, err := j.s.ProposeCaseCodes(j.ctx, []program.Program{p, j.other})
		j.fatal(err)
		if proposed[p.ID] != "VOL-2026-001" || proposed[j.other.ID] != "" {
			t.Errorf("proposals %v, want VOL-2026-001 for the program with a pattern only", proposed)
		}
		m1, c1 := j.intake(p.ID, person("", "Alesia Kavalenka", 1990), cases.Intake)
		if m1.CaseCode != "VOL-2026-001" || c1.Code != "VOL-2026-001" {
			t.Errorf("first code %q / %q, want VOL-2026-001", m1.CaseCode, c1.Code)
		}
		j.intake(p.ID, person("VOL-2026-003", "Typed By Hand", 1980), cases.Intake) // typed: no number taken
		m2, _ := j.intake(p.ID, person("", "Second Person", 1985), cases.Intake)
		m3, _ := j.intake(p.ID, person("", "Third Person", 1975), cases.Intake)
		if m2.CaseCode != "VOL-2026-002" || m3.CaseCode != "VOL-2026-004" {
			t.Errorf("codes %q, %q; want VOL-2026-002 and VOL-2026-004 (003 was typed by hand)", m2.CaseCode, m3.CaseCode)
		}

		// Without a pattern, the code must be typed, and nothing is saved.
		_, _, err = j.s.CreateIntake(j.ctx, store.Intake{Mentee: person("", "No Code", 1970), ProgramID: j.other.ID, State: cases.Intake, ActorID: j.coord.ID})
		if e := errs.As(err); err == nil || e.Fields["case_code"] != "validation.required" {
			t.Errorf("an empty code in a program without a pattern: %v, want case_code required", err)
		}
	})
}

// Intakes at the same moment each take their own number.
func TestConcurrentIntakesGetDistinctCodes(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		p := j.prog
		p.CaseCodePattern = "HW{n}"
		p, err := j.s.UpdateProgram(j.ctx, p)
		j.fatal(err)
		const n = 8
		codes := make([]string, n)
		errors := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				m, _, err := j.s.CreateIntake(j.ctx, store.Intake{Mentee: person("", fmt.Sprintf("Person Number%c", 'a'+i), 1990),
					ProgramID: p.ID, State: cases.Intake, ActorID: j.coord.ID})
				codes[i], errors[i] = m.CaseCode, err
			})
		}
		wg.Wait()
		seen := map[string]bool{}
		for i := range n {
			if errors[i] != nil {
				t.Fatalf("intake %d: %v", i, errors[i])
			}
			if seen[codes[i]] {
				t.Errorf("two intakes got %s", codes[i])
			}
			seen[codes[i]] = true
		}
		for k := 1; k <= n; k++ {
			if !seen[fmt.Sprintf("HW%d", k)] {
				t.Errorf("HW%d was not given (codes %v)", k, codes)
			}
		}
	})
}

// The consents given at intake are recorded with the case: it moves on
// from intake without a visit to the profile.
func TestIntakeRecordsConsents(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		m, c, err := j.s.CreateIntake(j.ctx, store.Intake{Mentee: person("HW-0100", "Alesia Kavalenka", 1990), ProgramID: j.prog.ID,
			State: cases.Intake, ActorID: j.coord.ID, Consents: []cases.ConsentKind{cases.ConsentProcessing, cases.ConsentReporting}})
		j.fatal(err)
		list, err := j.s.Consents(j.ctx, m.ID)
		j.fatal(err)
		kinds := map[cases.ConsentKind]bool{}
		for _, k := range list {
			if k.Given && k.RecordedBy == j.coord.ID {
				kinds[k.Kind] = true
			}
		}
		if len(list) != 2 || !kinds[cases.ConsentProcessing] || !kinds[cases.ConsentReporting] {
			t.Errorf("consents recorded %+v, want processing and reporting given by the coordinator", list)
		}
		j.refused(to(c, cases.Waiting), "case.refused.needs") // not the consent any more
		j.assess(c.ID, "housing", cases.Critical, cases.NotStarted)
		j.move(c.ID, cases.Waiting)

		// An unknown kind refuses the whole intake.
		_, _, err = j.s.CreateIntake(j.ctx, store.Intake{Mentee: person("HW-0101", "Other Person", 1990), ProgramID: j.prog.ID,
			State: cases.Intake, ActorID: j.coord.ID, Consents: []cases.ConsentKind{"everything"}})
		if e := errs.As(err); err == nil || e.Kind != errs.KindInvalid {
			t.Errorf("an unknown consent: %v, want invalid", err)
		}
		// Nothing of it was saved: its code is still free.
		j.intake(j.prog.ID, person("HW-0101", "Other Person", 1990), cases.Intake)
	})
}
