// Command homeward-bench measures Homeward's API under load: it fills a
// new database with demo data of the given size, makes a coordinator's API
// token, starts `homeward serve` on it in a child process (this same
// program, run as the server), and drives the case list, one case, a
// case's contacts (an audited read) and adding a contact with N concurrent
// clients for D seconds each. It prints requests per second, p50 and p99
// latency and the server's CPU time per request (the child's user and
// system time from /proc ÷ the requests it answered), and the server's RSS.
//
//	go run ./cmd/homeward-bench --cases 10000 --clients 16,200 --duration 10s
//	go run ./cmd/homeward-bench --database postgres://…/empty_db   # PostgreSQL
//
// Linux only (/proc). See the README, section Performance.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"homeward/internal/cli"
)

// serverEnv marks the child process that runs the server.
const serverEnv = "HOMEWARD_BENCH_SERVER"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if os.Getenv(serverEnv) == "1" {
		os.Exit(serve(ctx))
	}
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "homeward-bench:", err)
		os.Exit(1)
	}
}

// serve runs the server in the child process; with --cpuprofile the child
// writes its CPU profile from start to stop into the file named in
// profileEnv.
func serve(ctx context.Context) int {
	if path := os.Getenv(profileEnv); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "homeward-bench: cpu profile:", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "homeward-bench: cpu profile:", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	return cli.Run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
}

// config is what the flags ask for.
type config struct {
	cases    int
	clients  []int
	duration time.Duration
	database string
	data     string
	seed     uint64
	ops      []string
	profile  string
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("homeward-bench", flag.ContinueOnError)
	var c config
	fs.IntVar(&c.cases, "cases", 10000, "cases in the demo data (ten contacts each); 100000 is the large demo")
	clients := fs.String("clients", "16", "concurrent clients, one run per number, separated by commas (e.g. 16,200)")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "how long each operation is driven at each number of clients")
	fs.StringVar(&c.database, "database", "", "PostgreSQL URL of an EMPTY database to fill and measure; empty: SQLite in --data")
	fs.StringVar(&c.data, "data", "", "data directory (the SQLite database and the key file), kept, and measured again without filling when given again; empty: a new temporary one, removed at the end")
	fs.Uint64Var(&c.seed, "seed", 1, "demo data seed")
	fs.StringVar(&c.profile, "cpuprofile", "", "write the server's CPU profile (from its start to its stop) to this file, for `go tool pprof`")
	ops := fs.String("ops", strings.Join(opNames(), ","), "operations to drive, separated by commas")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.cases < 1000 {
		return errors.New("--cases: give at least 1000")
	}
	for _, s := range strings.Split(*clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("--clients %q: give positive numbers separated by commas", *clients)
		}
		c.clients = append(c.clients, n)
	}
	for _, s := range strings.Split(*ops, ",") {
		if _, ok := opByName(strings.TrimSpace(s)); !ok {
			return fmt.Errorf("--ops: no operation %q (there are %s)", s, strings.Join(opNames(), ", "))
		}
		c.ops = append(c.ops, strings.TrimSpace(s))
	}
	if c.data == "" {
		dir, err := os.MkdirTemp("", "homeward-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		c.data = dir
	}
	engine := "SQLite"
	if c.database != "" {
		engine = "PostgreSQL"
	}

	fmt.Fprintf(os.Stderr, "filling %s with %d cases and %d contacts…\n", engine, c.cases, 10*c.cases)
	start := time.Now()
	token, err := fill(ctx, c)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "filled in %s\n", time.Since(start).Round(time.Second))

	srv, err := startServer(ctx, c)
	if err != nil {
		return err
	}
	defer srv.stop()
	idle, err := srv.settledRSS(ctx)
	if err != nil {
		return err
	}
	d := newDriver(srv.url, token)
	ids, err := d.caseIDs(ctx)
	if err != nil {
		return err
	}

	fmt.Printf("Homeward %s, %s, %d cases / %d contacts, %d CPUs; server RSS idle after start: %s\n\n",
		cli.Version(), engine, c.cases, 10*c.cases, numCPU(), mb(idle))
	fmt.Println("| operation | clients | requests/s | p50 | p99 | server CPU per request | errors | server RSS after |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, n := range c.clients {
		for _, name := range c.ops {
			op, _ := opByName(name)
			r, err := d.drive(ctx, srv, op, ids, n, c.duration)
			if err != nil {
				return err
			}
			rss, _ := srv.rss()
			fmt.Printf("| %s | %d | %.0f | %s | %s | %.2f ms | %d | %s |\n", op.title, n, r.perSecond(),
				ms(r.quantile(0.50)), ms(r.quantile(0.99)), r.cpuPerRequest(), r.errors, mb(rss))
		}
	}
	peak, _ := srv.peakRSS()
	fmt.Printf("\nserver RSS peak: %s\n", mb(peak))
	if srv.failed() {
		return fmt.Errorf("the server stopped during the run; its log: %s", srv.logPath)
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func mb(kb int64) string { return fmt.Sprintf("%d MB", kb/1024) }
