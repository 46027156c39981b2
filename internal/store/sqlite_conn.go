package store

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"reflect"
	"strings"

	_ "modernc.org/sqlite" // registers "sqlite"
)

// sqliteDriver is the name of the SQLite driver the store opens: modernc's,
// with each connection keeping its prepared statements (keptConn);
// sqliteWriterDriver the writer's, whose transactions are not interrupted
// by a request's end.
const (
	sqliteDriver       = "homeward-sqlite"
	sqliteWriterDriver = "homeward-sqlite-writer"
)

func init() {
	sql.Register(sqliteDriver, keptDriver{})
	sql.Register(sqliteWriterDriver, keptDriver{writer: true})
}

// keptPerConn bounds the statements a connection keeps; past it the least
// recently used is finalized. Homeward's queries of a fixed text number a
// few hundred; the lists' texts vary with their filters.
const keptPerConn = 400

// A statement longer than keptText or with more than keptArgs arguments
// (the bulk loads' and the audit's many-row inserts, whose row counts
// vary) is not kept: it is rarely run twice, and each holds its compiled
// program in memory Go does not see.
const (
	keptText = 4096
	keptArgs = 64
)

// modernc is modernc's registered driver ("sqlite"), with the functions and
// hooks registered on it.
var modernc = func() driver.Driver {
	db, err := sql.Open("sqlite", "")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	return db.Driver()
}()

// keptDriver opens modernc's SQLite connections wrapped in keptConn.
type keptDriver struct{ writer bool }

func (d keptDriver) Open(name string) (driver.Conn, error) {
	c, err := modernc.Open(name)
	if err != nil {
		return nil, err
	}
	return &keptConn{inner: c.(sqliteConn), writer: d.writer, kept: map[string]*list.Element{}, order: list.New()}, nil
}

// sqliteConn is what the store uses of modernc's connection.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// keptConn runs each query of a single statement through a statement
// prepared on this connection the first time its text is run, and reset
// and run again after: SQLite parses and plans a query once per
// connection instead of on every call (preparing was a third of the CPU of
// adding a contact). database/sql uses a connection from one goroutine at a
// time; a kept statement whose rows are still being read (a query run
// again inside the loop over its own rows) is not shared: the second run
// is prepared apart, as before.
//
// On the writer, a statement inside a transaction runs to its end even when
// its request ends meanwhile: SQLite answers an interrupted INSERT, UPDATE
// or DELETE inside a transaction by rolling back the whole transaction,
// which holds the other writes joined with it (group_commit.go). The
// request's next statement is refused by database/sql, and its write alone
// is rolled back to its savepoint.
type keptConn struct {
	inner  sqliteConn
	writer bool
	txOpen bool
	kept   map[string]*list.Element // of *keptStmt, most recently used at the front
	order  *list.List
}

type keptStmt struct {
	query string
	stmt  driver.Stmt // modernc's *stmt: StmtExecContext, StmtQueryContext
	busy  bool        // its rows are open
}

// keepable tells whether query is one statement, which modernc prepares
// once (a script of several is parsed statement by statement on each run).
func keepable(query string) bool {
	return !strings.Contains(strings.TrimRight(strings.TrimSpace(query), ";"), ";")
}

// statement returns the kept statement of query, prepared now if need be;
// nil when it is not kept (a script, or its rows open).
func (c *keptConn) statement(ctx context.Context, query string, args int) (*keptStmt, error) {
	if e, ok := c.kept[query]; ok {
		ks := e.Value.(*keptStmt)
		if ks.busy {
			return nil, nil
		}
		c.order.MoveToFront(e)
		return ks, nil
	}
	if len(query) > keptText || args > keptArgs || !keepable(query) {
		return nil, nil
	}
	st, err := c.inner.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	ks := &keptStmt{query: query, stmt: st}
	c.kept[query] = c.order.PushFront(ks)
	for e := c.order.Back(); c.order.Len() > keptPerConn && e != nil; {
		prev := e.Prev()
		if old := e.Value.(*keptStmt); !old.busy {
			c.forget(e)
		}
		e = prev
	}
	return ks, nil
}

// forget finalizes a kept statement and drops it.
func (c *keptConn) forget(e *list.Element) {
	ks := e.Value.(*keptStmt)
	c.order.Remove(e)
	delete(c.kept, ks.query)
	_ = ks.stmt.Close()
}

// dropOnError finalizes a kept statement whose run failed, so that a
// statement in an unknown state is never run again.
func (c *keptConn) dropOnError(ks *keptStmt) {
	if e, ok := c.kept[ks.query]; ok && e.Value == ks {
		c.forget(e)
	}
}

// uninterrupted is the context a statement runs with: on the writer inside
// a transaction, ctx without its end.
func (c *keptConn) uninterrupted(ctx context.Context) context.Context {
	if c.writer && c.txOpen {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (c *keptConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	ctx = c.uninterrupted(ctx)
	ks, err := c.statement(ctx, query, len(args))
	if err != nil || ks == nil {
		if err == nil {
			return c.inner.ExecContext(ctx, query, args)
		}
		return nil, err
	}
	r, err := ks.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
	if err != nil {
		c.dropOnError(ks)
	}
	return r, err
}

func (c *keptConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	ctx = c.uninterrupted(ctx)
	ks, err := c.statement(ctx, query, len(args))
	if err != nil || ks == nil {
		if err == nil {
			return c.inner.QueryContext(ctx, query, args)
		}
		return nil, err
	}
	r, err := ks.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		c.dropOnError(ks)
		return nil, err
	}
	ks.busy = true
	return &keptRows{Rows: r, ks: ks}, nil
}

func (c *keptConn) Prepare(query string) (driver.Stmt, error) { return c.inner.Prepare(query) }
func (c *keptConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.inner.PrepareContext(ctx, query)
}
func (c *keptConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}
func (c *keptConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.inner.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	c.txOpen = true
	return keptTx{tx, c}, nil
}
func (c *keptConn) Ping(ctx context.Context) error         { return c.inner.Ping(ctx) }
func (c *keptConn) ResetSession(ctx context.Context) error { return c.inner.ResetSession(ctx) }
func (c *keptConn) IsValid() bool                          { return c.inner.IsValid() }

// Close finalizes the kept statements, then closes the connection.
func (c *keptConn) Close() error {
	for e := c.order.Front(); e != nil; e = c.order.Front() {
		c.forget(e)
	}
	return c.inner.Close()
}

// keptRows are the rows of a kept statement: closing them resets the
// statement (modernc's rows do) and frees it for the next run.
type keptRows struct {
	driver.Rows
	ks *keptStmt
}

func (r *keptRows) Close() error {
	err := r.Rows.Close()
	r.ks.busy = false
	return err
}

func (r *keptRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *keptRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (r *keptRows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

// keptTx marks its connection out of a transaction when it ends.
type keptTx struct {
	driver.Tx
	c *keptConn
}

func (t keptTx) Commit() error {
	t.c.txOpen = false
	return t.Tx.Commit()
}

func (t keptTx) Rollback() error {
	t.c.txOpen = false
	return t.Tx.Rollback()
}
