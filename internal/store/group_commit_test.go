package store_test

import (
	"context"
	gosql "database/sql"
	"database/sql/driver"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"

	"modernc.org/sqlite"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/store"
)

// cancelMidStatement holds the cancel functions that the SQL function
// homeward_test_cancel(key, 1) calls: a request that ends while its
// statement runs.
var cancelMidStatement sync.Map

func init() {
	sqlite.MustRegisterScalarFunction("homeward_test_cancel", 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		if args[1] == int64(1) {
			if cancel, ok := cancelMidStatement.Load(args[0]); ok {
				cancel.(context.CancelFunc)()
			}
		}
		return int64(1), nil
	})
}

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

// joinedIntake stores an intake in j's program, as a request would.
func joinedIntake(j *journey, code string) error {
	_, _, err := j.s.CreateIntake(j.ctx, store.Intake{Mentee: person(code, "Joined Person"+code, 1990),
		ProgramID: j.prog.ID, State: cases.Intake, ActorID: j.coord.ID})
	return err
}

// waitingWrites waits until n writes wait behind the held writer.
func waitingWrites(s *store.Store, n int) {
	for store.WritesWaitingForTest(s) < n {
		runtime.Gosched()
	}
}

// casesOf counts the cases of j's program.
func casesOf(j *journey) int {
	list, _, err := j.s.ListCases(j.ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{j.prog.ID}}}, store.Page{Limit: store.MaxLimit})
	j.fatal(err)
	return len(list)
}

// A request that ends while its UPDATE runs inside a joined group does not
// take the others' writes with it: SQLite rolls back the whole transaction
// when a write statement is interrupted, so the writer's statements inside
// a transaction run to their end (the request's next statement would be
// refused), and the intakes joined before and after it are stored.
func TestARequestEndingMidStatementKeepsItsGroup(t *testing.T) {
	t.Parallel()
	j := newJourney(t, store.Options{DataDir: t.TempDir()})
	release := store.HoldWriterForTest(j.s)
	var wg sync.WaitGroup
	results := make([]error, 3)
	wg.Go(func() { results[0] = joinedIntake(j, "MID-A") })
	waitingWrites(j.s, 1)
	ctx, cancel := context.WithCancel(j.ctx)
	defer cancel()
	key := t.Name()
	cancelMidStatement.Store(key, cancel)
	wg.Go(func() {
		results[1] = store.InTxForTest(ctx, j.s, func(tx *gosql.Tx) error {
			// The first row of the count ends the request; the count
			// goes on in SQL alone.
			_, err := tx.ExecContext(ctx, `UPDATE programs SET name = name WHERE id = $1 AND (WITH RECURSIVE n(i) AS (
				SELECT homeward_test_cancel($2, 1) UNION ALL SELECT i + 1 FROM n WHERE i < 300000) SELECT count(*) FROM n) > 0`,
				j.prog.ID, key)
			return err
		})
	})
	waitingWrites(j.s, 2)
	wg.Go(func() { results[2] = joinedIntake(j, "MID-C") })
	waitingWrites(j.s, 3)
	release()
	wg.Wait()
	if ctx.Err() == nil {
		t.Fatal("the request's context did not end while its statement ran")
	}
	if results[0] != nil || results[2] != nil {
		t.Errorf("intakes joined with a request that ended mid-statement: %v, %v; want both stored", results[0], results[2])
	}
	if n := casesOf(j); n != 2 {
		t.Errorf("%d cases stored, want the two intakes", n)
	}
}

// A write that panics in a joined group panics in its own caller, with its
// own value, and only its work is rolled back.
func TestAPanickingWriteInAJoinedGroupRollsBackOnlyItself(t *testing.T) {
	t.Parallel()
	j := newJourney(t, store.Options{DataDir: t.TempDir()})
	release := store.HoldWriterForTest(j.s)
	type sentinel struct{ why string }
	var (
		wg        sync.WaitGroup
		results   = make([]error, 3)
		recovered any
	)
	wg.Go(func() { results[0] = joinedIntake(j, "PAN-A") })
	waitingWrites(j.s, 1)
	wg.Go(func() {
		defer func() { recovered = recover() }()
		results[1] = store.InTxForTest(j.ctx, j.s, func(tx *gosql.Tx) error {
			if _, err := tx.ExecContext(j.ctx, `UPDATE programs SET name = 'Renamed by a panic' WHERE id = $1`, j.prog.ID); err != nil {
				return err
			}
			panic(sentinel{"a bug in a write"})
		})
	})
	waitingWrites(j.s, 2)
	wg.Go(func() { results[2] = joinedIntake(j, "PAN-C") })
	waitingWrites(j.s, 3)
	release()
	wg.Wait()
	if r, ok := recovered.(sentinel); !ok || r.why != "a bug in a write" {
		t.Errorf("the panicking write's caller recovered %#v, want its own value", recovered)
	}
	if results[0] != nil || results[2] != nil {
		t.Errorf("intakes joined with a panicking write: %v, %v; want both stored", results[0], results[2])
	}
	p, err := j.s.GetProgram(j.ctx, j.prog.ID)
	j.fatal(err)
	if p.Name != j.prog.Name {
		t.Errorf("program renamed to %q by the write that panicked", p.Name)
	}
	if n := casesOf(j); n != 2 {
		t.Errorf("%d cases stored, want the two intakes", n)
	}
}
