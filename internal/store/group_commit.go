package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"homeward/internal/errs"
)

// maxGroup bounds how many write transactions one commit joins, so that
// a long queue is acknowledged in steps rather than all at the end.
const maxGroup = 64

// groupCommit joins the write transactions that wait for SQLite's one
// writer into one transaction with one commit, and so one sync of the
// write-ahead log (synchronous=FULL): under load the sync, not the work,
// is what a write waits for. Each joined write runs in its own savepoint:
// one that fails is rolled back to its savepoint alone, and the others
// are committed. Every write is answered only after the commit that holds
// it, so an acknowledged write is on disk; a write whose group could not
// commit is answered with that error, never with success.
//
// Writes are not delayed to gather a group: one that arrives while the
// writer is idle runs at once, alone, and those that arrive meanwhile are
// joined in the next group.
//
// PostgreSQL has many writers and commits them in parallel; there inTx
// begins a transaction of its own.
type groupCommit struct {
	db    *sql.DB
	wrap  func(error, string) error
	queue chan *groupWrite
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
	// waiting counts the writes not yet taken into a group.
	waiting atomic.Int64
	// ran, when set (tests), is told of each group's size after its commit.
	ran func(n int)
}

// groupWrite is one inTx call waiting for the writer.
type groupWrite struct {
	ctx    context.Context
	fn     func(*sql.Tx) error
	result chan groupResult
}

// groupResult is what a joined write is answered: its error, or the value
// it panicked with (raised again in the caller's goroutine).
type groupResult struct {
	err      error
	panicked any
	stack    []byte
}

var errStoreClosed = errors.New("store closed")

func newGroupCommit(db *sql.DB, wrap func(error, string) error) *groupCommit {
	g := &groupCommit{db: db, wrap: wrap, queue: make(chan *groupWrite), stop: make(chan struct{}), done: make(chan struct{})}
	go g.loop()
	return g
}

// do runs fn in a write transaction (joined with others), committing it
// when fn returns nil and rolling it back otherwise.
func (g *groupCommit) do(ctx context.Context, fn func(*sql.Tx) error) error {
	w := &groupWrite{ctx: ctx, fn: fn, result: make(chan groupResult, 1)}
	g.waiting.Add(1)
	select {
	case g.queue <- w:
		g.waiting.Add(-1)
	case <-ctx.Done():
		g.waiting.Add(-1)
		return fmt.Errorf("wait for the writer: %w", ctx.Err())
	case <-g.stop:
		g.waiting.Add(-1)
		return errs.Unavailable(errStoreClosed)
	}
	r := <-w.result
	if r.panicked != nil {
		panic(fmt.Sprintf("%v [in a joined write transaction]\n%s", r.panicked, r.stack))
	}
	return r.err
}

// close stops taking writes and waits for the group under way.
func (g *groupCommit) close() {
	g.once.Do(func() { close(g.stop) })
	<-g.done
}

func (g *groupCommit) loop() {
	defer close(g.done)
	for {
		var first *groupWrite
		select {
		case first = <-g.queue:
		case <-g.stop:
			return
		}
		batch := []*groupWrite{first}
	gather:
		for len(batch) < maxGroup {
			select {
			case w := <-g.queue:
				batch = append(batch, w)
			default:
				break gather
			}
		}
		g.run(batch)
	}
}

// run commits batch: alone as a plain transaction, or joined, each in its
// savepoint. A write whose request has ended before its turn is not run.
func (g *groupCommit) run(batch []*groupWrite) {
	live := batch[:0]
	for _, w := range batch {
		if err := w.ctx.Err(); err != nil {
			w.result <- groupResult{err: fmt.Errorf("wait for the writer: %w", err)}
			continue
		}
		live = append(live, w)
	}
	for len(live) > 0 {
		live = g.runGroup(live)
	}
}

// runGroup runs the writes of one transaction. When the transaction
// itself is lost before its commit (SQLite rolls back the whole
// transaction when a statement is interrupted by its request's end, or on
// an I/O error), the writes that had succeeded in it are answered
// unavailable (nothing of theirs was acknowledged, and the same request
// may be sent again), and those not yet run are returned to be run in a
// new transaction.
func (g *groupCommit) runGroup(batch []*groupWrite) (rest []*groupWrite) {
	ran := g.ran // read before any answer, which the hook's setter waits for
	// The transaction outlives any one request: a request's end stops only
	// its own statements (each runs with its request's context).
	tx, err := g.db.BeginTx(context.Background(), nil)
	if err != nil {
		g.answerAll(batch, groupResult{err: g.wrap(err, "begin transaction")})
		return nil
	}
	if len(batch) == 1 {
		w := batch[0]
		r := call(w.fn, tx)
		if r.err != nil || r.panicked != nil {
			_ = tx.Rollback()
		} else if err := tx.Commit(); err != nil {
			r.err = g.wrap(err, "commit")
		}
		if ran != nil {
			ran(1)
		}
		w.result <- r
		return nil
	}
	var (
		done    []*groupWrite // run and kept, waiting for the commit
		results []groupResult // answers of the writes rolled back to their savepoint
		failed  []*groupWrite // ... and whose they are
	)
	for i, w := range batch {
		if _, err := tx.ExecContext(context.Background(), `SAVEPOINT joined_write`); err != nil {
			_ = tx.Rollback()
			g.answerAll(done, groupResult{err: errs.Unavailable(fmt.Errorf("joined write transaction lost: %w", err))})
			g.answerEach(failed, results)
			return batch[i:]
		}
		r := call(w.fn, tx)
		if r.err == nil && r.panicked == nil {
			if _, err := tx.ExecContext(context.Background(), `RELEASE joined_write`); err != nil {
				_ = tx.Rollback()
				lost := groupResult{err: errs.Unavailable(fmt.Errorf("joined write transaction lost: %w", err))}
				g.answerAll(append(done, w), lost)
				g.answerEach(failed, results)
				return batch[i+1:]
			}
			done = append(done, w)
			continue
		}
		if _, err := tx.ExecContext(context.Background(), `ROLLBACK TO joined_write`); err != nil {
			// The whole transaction is gone with this write's failure.
			_ = tx.Rollback()
			g.answerAll(done, groupResult{err: errs.Unavailable(fmt.Errorf("joined write transaction lost: %w", err))})
			g.answerEach(failed, results)
			w.result <- r
			return batch[i+1:]
		}
		if _, err := tx.ExecContext(context.Background(), `RELEASE joined_write`); err != nil {
			_ = tx.Rollback()
			g.answerAll(done, groupResult{err: errs.Unavailable(fmt.Errorf("joined write transaction lost: %w", err))})
			g.answerEach(failed, results)
			w.result <- r
			return batch[i+1:]
		}
		failed, results = append(failed, w), append(results, r)
	}
	if len(done) == 0 {
		_ = tx.Rollback()
	} else if err := tx.Commit(); err != nil {
		g.answerAll(done, groupResult{err: g.wrap(err, "commit")})
		done = nil
	}
	if ran != nil {
		ran(len(batch))
	}
	g.answerAll(done, groupResult{})
	g.answerEach(failed, results)
	return nil
}

func (g *groupCommit) answerAll(ws []*groupWrite, r groupResult) {
	for _, w := range ws {
		w.result <- r
	}
}

func (g *groupCommit) answerEach(ws []*groupWrite, rs []groupResult) {
	for i, w := range ws {
		w.result <- rs[i]
	}
}

// call runs fn, turning a panic into a result raised again by the caller.
func call(fn func(*sql.Tx) error, tx *sql.Tx) (r groupResult) {
	defer func() {
		if p := recover(); p != nil {
			r = groupResult{panicked: p, stack: debug.Stack()}
		}
	}()
	return groupResult{err: fn(tx)}
}
