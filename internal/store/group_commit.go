package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// groupWrite is one inTx call waiting for the writer. Its fn runs in the
// caller's goroutine, given the transaction in its turn: a panic there is
// the caller's, with its own stack, and the writer's goroutine only learns
// that fn did not return, and rolls its work back.
type groupWrite struct {
	ctx    context.Context
	fn     func(*sql.Tx) error
	turn   chan *sql.Tx // the transaction, handed over in this write's turn
	ran    chan error   // fn's error, or errNoReturn
	result chan error   // the answer, after the commit
}

// errNoReturn is what the writer learns of a write whose fn panicked (or
// ended its goroutine) instead of returning.
var errNoReturn = errors.New("write transaction did not return")

var errStoreClosed = errors.New("store closed")

func newGroupCommit(db *sql.DB, wrap func(error, string) error) *groupCommit {
	g := &groupCommit{db: db, wrap: wrap, queue: make(chan *groupWrite), stop: make(chan struct{}), done: make(chan struct{})}
	go g.loop()
	return g
}

// do runs fn in a write transaction (joined with others), committing it
// when fn returns nil and rolling it back otherwise.
func (g *groupCommit) do(ctx context.Context, fn func(*sql.Tx) error) error {
	w := &groupWrite{ctx: ctx, fn: fn, turn: make(chan *sql.Tx, 1), ran: make(chan error, 1), result: make(chan error, 1)}
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
	for {
		select {
		case tx := <-w.turn:
			w.run(tx)
		case err := <-w.result:
			return err
		}
	}
}

// run runs fn on tx and tells the writer how it ended.
func (w *groupWrite) run(tx *sql.Tx) {
	returned := false
	defer func() {
		if !returned {
			w.ran <- errNoReturn // and the panic goes on in the caller
		}
	}()
	err := w.fn(tx)
	returned = true
	w.ran <- err
}

// call hands tx to w's caller and waits for its fn to end.
func (w *groupWrite) call(tx *sql.Tx) error {
	w.turn <- tx
	return <-w.ran
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
			w.result <- fmt.Errorf("wait for the writer: %w", err)
			continue
		}
		live = append(live, w)
	}
	for len(live) > 0 {
		live = g.runGroup(live)
	}
}

// runGroup runs the writes of one transaction. When the transaction
// itself is lost before its commit (an I/O error; a statement interrupted
// inside it, which the writer's connection prevents, see sqlite_conn.go),
// the writes that had succeeded in it are answered unavailable (nothing of
// theirs was acknowledged, and the same request may be sent again), and
// those not yet run are returned to be run in a new transaction.
func (g *groupCommit) runGroup(batch []*groupWrite) (rest []*groupWrite) {
	ran := g.ran // read before any answer, which the hook's setter waits for
	// The transaction outlives any one request: a request's end stops only
	// its own statements (each runs with its request's context).
	tx, err := g.db.BeginTx(context.Background(), nil)
	if err != nil {
		answerAll(batch, g.wrap(err, "begin transaction"))
		return nil
	}
	if len(batch) == 1 {
		w := batch[0]
		err := w.call(tx)
		if err != nil {
			_ = tx.Rollback()
		} else if err = tx.Commit(); err != nil {
			err = g.wrap(err, "commit")
		}
		if ran != nil {
			ran(1)
		}
		w.result <- err
		return nil
	}
	var (
		done    []*groupWrite // run and kept, waiting for the commit
		failed  []*groupWrite // rolled back to their savepoint
		reasons []error       // ... and why
	)
	lost := func(err error) {
		_ = tx.Rollback()
		answerAll(done, errs.Unavailable(fmt.Errorf("joined write transaction lost: %w", err)))
		answerEach(failed, reasons)
	}
	for i, w := range batch {
		if _, err := tx.ExecContext(context.Background(), `SAVEPOINT joined_write`); err != nil {
			lost(err)
			return batch[i:]
		}
		err := w.call(tx)
		if err == nil {
			if _, err := tx.ExecContext(context.Background(), `RELEASE joined_write`); err != nil {
				done = append(done, w)
				lost(err)
				return batch[i+1:]
			}
			done = append(done, w)
			continue
		}
		failed, reasons = append(failed, w), append(reasons, err)
		if _, err := tx.ExecContext(context.Background(), `ROLLBACK TO joined_write`); err != nil {
			lost(err) // the whole transaction went with this write's failure
			return batch[i+1:]
		}
		if _, err := tx.ExecContext(context.Background(), `RELEASE joined_write`); err != nil {
			lost(err)
			return batch[i+1:]
		}
	}
	var commitErr error
	if len(done) == 0 {
		_ = tx.Rollback()
	} else if err := tx.Commit(); err != nil {
		commitErr = g.wrap(err, "commit")
	}
	if ran != nil {
		ran(len(batch))
	}
	answerAll(done, commitErr)
	answerEach(failed, reasons)
	return nil
}

func answerAll(ws []*groupWrite, err error) {
	for _, w := range ws {
		w.result <- err
	}
}

func answerEach(ws []*groupWrite, errList []error) {
	for i, w := range ws {
		w.result <- errList[i]
	}
}
