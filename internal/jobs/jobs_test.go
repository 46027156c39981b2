package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"homeward/internal/store"
	"homeward/internal/testdb"
	"homeward/internal/testsupport"
)

func TestMain(m *testing.M) { os.Exit(testsupport.Main(m)) }

// node is one "process": its own store on the shared database, its runner,
// and, on PostgreSQL, its own connection for the test's effects table.
type node struct {
	st     *store.Store
	db     *sql.DB // nil on SQLite: effects are kept in memory
	runner *Runner
	stop   context.CancelFunc
	done   chan struct{} // closed when its runner has stopped
	dead   atomic.Bool   // killed: its effects no longer happen
}

// cluster is several nodes on one database, with one clock they share.
type cluster struct {
	t        *testing.T
	nodes    []*node
	clock    *testsupport.Clock
	postgres bool
	url      string // the PostgreSQL database, "" on SQLite

	mu      sync.Mutex
	runs    map[int64]int  // how often a handler ran, per job
	effects map[int64]bool // SQLite: what the handlers did, per job
}

// newCluster opens n nodes: on PostgreSQL n stores on one database; on
// SQLite the first opens the data directory and the others share it
// (store.Options.Shared, as maintenance commands do).
func newCluster(t *testing.T, engine store.Engine, n int) *cluster {
	t.Helper()
	c := &cluster{t: t, clock: &testsupport.Clock{}, postgres: engine == store.Postgres,
		runs: map[int64]int{}, effects: map[int64]bool{}}
	var url, dir string
	if c.postgres {
		url = testdb.Postgres(t)
		c.url = url
	} else {
		dir = t.TempDir()
	}
	for i := range n {
		opts := store.Options{DatabaseURL: url, DataDir: dir, Shared: !c.postgres && i > 0}
		st, err := store.Open(context.Background(), opts)
		if err != nil {
			t.Fatalf("open node %d: %v", i, err)
		}
		c.clock.Use(st)
		nd := &node{st: st}
		t.Cleanup(func() { _ = st.Close() })
		if c.postgres {
			db, err := sql.Open("pgx", url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = db.Close() })
			nd.db = db
			if i == 0 {
				if _, err := db.Exec(`CREATE TABLE job_effects (job_id BIGINT PRIMARY KEY)`); err != nil {
					t.Fatal(err)
				}
			}
		}
		c.nodes = append(c.nodes, nd)
	}
	return c
}

// options are fast runner options for tests: a short poll and a lease far
// longer than the test, so that leases run out only when the test moves
// the clock on.
func testOptions(node string) Options {
	return Options{Node: node, Poll: 10 * time.Millisecond, Lease: time.Minute, Backoff: time.Minute, MaxBackoff: 4 * time.Minute}
}

// start runs each node's runner, made by setup.
func (c *cluster) start(setup func(i int, nd *node) *Runner) {
	for i, nd := range c.nodes {
		nd.runner = setup(i, nd)
		ctx, cancel := context.WithCancel(context.Background())
		nd.stop, nd.done = cancel, make(chan struct{})
		go func() {
			if err := nd.runner.Run(ctx); err != nil {
				c.t.Errorf("run: %v", err)
			}
			close(nd.done)
		}()
		c.t.Cleanup(func() { cancel(); <-nd.done })
	}
}

// effect records that the handler of job id did its work, idempotently: a
// second run adds nothing. A killed node's effects no longer happen (on
// PostgreSQL its connection is closed).
func (c *cluster) effect(ctx context.Context, nd *node, id int64) error {
	if nd.db != nil {
		_, err := nd.db.ExecContext(ctx, `INSERT INTO job_effects (job_id) VALUES ($1) ON CONFLICT DO NOTHING`, id)
		return err
	}
	if nd.dead.Load() {
		return errors.New("the node is dead")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.effects[id] = true
	return nil
}

func (c *cluster) ran(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.runs[id]++
}

// effectCount counts the jobs whose effect happened.
func (c *cluster) effectCount() int {
	if c.postgres {
		var n int
		if err := c.nodes[0].db.QueryRow(`SELECT count(*) FROM job_effects`).Scan(&n); err != nil {
			c.t.Fatal(err)
		}
		return n
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.effects)
}

// kill stops a node as kill -9 would: its connections go away at once, so it
// renews no lease, finishes nothing and gives nothing back.
func (c *cluster) kill(nd *node) {
	nd.dead.Store(true)
	if nd.db != nil {
		_ = nd.db.Close()
	}
	_ = nd.st.Close()
}

// waitFor polls cond until it holds, failing the test after a deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond) // polling the database, not timing
	}
}

func (c *cluster) counts() map[string]int {
	counts, err := c.nodes[0].st.CountJobs(context.Background())
	if err != nil {
		c.t.Fatal(err)
	}
	return counts
}

// Three processes work through 1,000 jobs while one of them is killed
// midway holding leases: when its leases run out the others take its jobs
// over, and every job is done exactly once in effect. On SQLite, which is
// one node in production, the same holds for two runners on one file.
func TestEveryJobIsDoneOnceInEffectWhenANodeDies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		engine store.Engine
		nodes  int
		jobs   int
	}{{store.Postgres, 3, 1000}, {store.SQLite, 2, 300}} {
		t.Run(string(tc.engine), func(t *testing.T) {
			t.Parallel()
			c := newCluster(t, tc.engine, tc.nodes)
			ctx := context.Background()
			list := make([]store.NewJob, tc.jobs)
			for i := range list {
				list[i] = store.NewJob{Kind: "test.effect", Payload: store.JobPayload{"n": i}}
			}
			if _, _, err := c.nodes[0].st.EnqueueJobs(ctx, list); err != nil {
				t.Fatal(err)
			}
			victim := c.nodes[len(c.nodes)-1]
			release := make(chan struct{}) // the victim's hung handlers return
			var (
				heldMu sync.Mutex
				held   []int64 // jobs the victim held when it died
			)
			holding := make(chan struct{}, 2)
			c.start(func(i int, nd *node) *Runner {
				r := New(nd.st, testOptions(fmt.Sprintf("node%d", i)))
				r.Handle("test.effect", func(ctx context.Context, j store.Job) error {
					c.ran(j.ID)
					if nd == victim && c.effectCount() >= tc.jobs/4 {
						// Midway, the victim hangs in its handlers, then dies.
						heldMu.Lock()
						held = append(held, j.ID)
						heldMu.Unlock()
						holding <- struct{}{}
						<-release
					}
					return c.effect(ctx, nd, j.ID)
				})
				return r
			})
			<-holding
			<-holding // both of the victim's workers hold a job
			c.kill(victim)
			c.clock.Add(time.Minute + time.Second) // the victim's leases run out
			close(release)
			victim.stop()
			<-victim.done

			waitFor(t, "every job done", func() bool { return c.counts()[store.JobDone] == tc.jobs })
			if got := c.effectCount(); got != tc.jobs {
				t.Errorf("%d jobs took effect, want %d", got, tc.jobs)
			}
			c.mu.Lock()
			defer c.mu.Unlock()
			runs := 0
			for _, n := range c.runs {
				runs += n
			}
			if len(c.runs) != tc.jobs || runs < tc.jobs {
				t.Errorf("handlers ran %d times on %d jobs, want every one of the %d at least once", runs, len(c.runs), tc.jobs)
			}
			if len(held) != 2 {
				t.Fatalf("the victim held %d jobs when it died, want 2", len(held))
			}
			for _, id := range held {
				j, err := c.nodes[0].st.GetJob(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if c.runs[id] < 2 || j.State != store.JobDone || j.LeaseOwner != "" {
					t.Errorf("job %d held by the dead node: ran %d times, state %s, owner %q; want taken over and done",
						id, c.runs[id], j.State, j.LeaseOwner)
				}
			}
			t.Logf("%d jobs, %d handler runs (%d more than jobs: taken over after the kill or the clock's jump)", tc.jobs, runs, runs-tc.jobs)
		})
	}
}

// Recurring work is scheduled by every node, but runs once per period.
func TestRecurringWorkRunsOncePerPeriodNotPerNode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		engine store.Engine
		nodes  int
	}{{store.Postgres, 3}, {store.SQLite, 2}} {
		t.Run(string(tc.engine), func(t *testing.T) {
			t.Parallel()
			c := newCluster(t, tc.engine, tc.nodes)
			ctx := context.Background()
			var runs atomic.Int64
			runners := make([]*Runner, len(c.nodes))
			for i, nd := range c.nodes {
				runners[i] = New(nd.st, testOptions(fmt.Sprintf("node%d", i)))
				runners[i].Every("test.daily", 24*time.Hour, func(context.Context, store.Job) error {
					runs.Add(1)
					return nil
				})
			}
			periods := func() int {
				counts := c.counts()
				return counts[store.JobQueued] + counts[store.JobRunning] + counts[store.JobDone]
			}
			// Every node schedules the day before any runs: one job.
			for _, r := range runners {
				r.schedule(ctx)
			}
			if n := periods(); n != 1 {
				t.Fatalf("%d nodes scheduled %d jobs for one day, want 1", len(runners), n)
			}
			c.start(func(i int, _ *node) *Runner { return runners[i] })
			waitFor(t, "the day's job done", func() bool { return c.counts()[store.JobDone] == 1 })
			// The next day: each node schedules it again, once.
			c.clock.Add(24 * time.Hour)
			for _, r := range runners {
				r.schedule(ctx)
			}
			waitFor(t, "the next day's job done", func() bool { return c.counts()[store.JobDone] == 2 })
			if n := periods(); n != 2 {
				t.Errorf("%d jobs for two days, want 2", n)
			}
			if n := runs.Load(); n != 2 {
				t.Errorf("the daily work ran %d times in two days on %d nodes, want 2", n, len(runners))
			}
			want := PeriodKey("test.daily", 24*time.Hour, c.clock.Now())
			list, _, err := c.nodes[0].st.ListJobs(ctx, store.JobDone, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) == 0 || list[0].UniqueKey != want {
				t.Errorf("the newest daily job's key: %+v, want %s", list, want)
			}
		})
	}
}
