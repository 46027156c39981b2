package store_test

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/store"
)

// Intakes that wait for SQLite's one writer are joined under one commit,
// and the one among them that fails (its case code already taken, found
// after its person's row was written) is rolled back alone: the others
// are all stored, with their audit entries in one unbroken chain, and
// nothing of the failed one is left.
func TestAFailingWriteInAJoinedGroupRollsBackOnlyItself(t *testing.T) {
	t.Parallel()
	j := newJourney(t, store.Options{DataDir: t.TempDir()})
	j.intake(j.prog.ID, person("GC-TAKEN", "Already Here", 1980), cases.Intake)
	var (
		mu     sync.Mutex
		groups []int
	)
	store.OnGroupCommitForTest(j.s, func(n int) { mu.Lock(); groups = append(groups, n); mu.Unlock() })

	release := store.HoldWriterForTest(j.s)
	const n, bad = 8, 5
	codes := make([]string, n)
	results := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		codes[i] = fmt.Sprintf("GC-%d", i)
		if i == bad {
			codes[i] = "GC-TAKEN"
		}
		wg.Go(func() {
			_, _, results[i] = j.s.CreateIntake(j.ctx, store.Intake{Mentee: person(codes[i], fmt.Sprintf("Joined Person%c", 'a'+i), 1990),
				ProgramID: j.prog.ID, State: cases.Intake, ActorID: j.coord.ID})
		})
	}
	for store.WritesWaitingForTest(j.s) < n {
		runtime.Gosched() // until all eight wait behind the held writer
	}
	release()
	wg.Wait()

	mu.Lock()
	joined := slices.Contains(groups, n)
	mu.Unlock()
	if !joined {
		t.Fatalf("groups committed %v, want the %d waiting intakes joined in one", groups, n)
	}
	for i, err := range results {
		switch {
		case i == bad && errs.As(err).Kind != errs.KindConflict:
			t.Errorf("the intake with a taken code: %v, want a conflict", err)
		case i != bad && err != nil:
			t.Errorf("intake %s, joined with a failing one: %v", codes[i], err)
		}
	}
	list, _, err := j.s.ListCases(j.ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{j.prog.ID}}}, store.Page{Limit: store.MaxLimit})
	j.fatal(err)
	stored := map[string]int{}
	for _, c := range list {
		stored[c.Code]++
	}
	for i, code := range codes {
		if i != bad && stored[code] != 1 {
			t.Errorf("case %s stored %d times, want once", code, stored[code])
		}
	}
	if stored["GC-TAKEN"] != 1 || len(list) != n {
		t.Errorf("%d cases stored (GC-TAKEN %d times), want %d: the seven joined and the one before", len(list), stored["GC-TAKEN"], n)
	}
	if _, err := j.s.VerifyAudit(j.ctx); err != nil {
		t.Errorf("the audit chain after a joined group with a failure: %v", err)
	}
}
