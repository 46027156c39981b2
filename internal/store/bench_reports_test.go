package store_test

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"homeward/internal/program"
	"homeward/internal/report"
	"homeward/internal/seal"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// BenchmarkOutcomeReport measures the funder's outcomes report, its facts
// counted by the store and then published with suppression, on the data
// of BenchmarkCases (newBenchCases: ten contacts a case over ten programs).
// The real measure is
//
//	HOMEWARD_BENCH_CASES=100000 go test ./internal/store -run '^$' -bench BenchmarkOutcomeReport -benchtime 5x -timeout 60m
//
// Besides ns/op it reports cpu-ns/op, this process's CPU time per report
// (where /proc/self/stat tells it): on SQLite all of the work, on
// PostgreSQL only the client's share.
//
// Generating 100,000 cases takes minutes. HOMEWARD_BENCH_KEEP names a
// directory where the SQLite database (and the keys of both engines) are
// kept, and HOMEWARD_BENCH_POSTGRES a PostgreSQL database to keep in place
// of a throwaway one: the first run fills them, later runs measure the
// data found there.
func BenchmarkOutcomeReport(b *testing.B) {
	keep := os.Getenv("HOMEWARD_BENCH_KEEP")
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			if keep != "" {
				dir := filepath.Join(keep, engine)
				opts := store.Options{DataDir: dir}
				if engine == "postgres" {
					opts.DatabaseURL = os.Getenv("HOMEWARD_BENCH_POSTGRES")
					if opts.DatabaseURL == "" {
						opts.DatabaseURL = testdb.Postgres(b)
					}
				}
				benchOutcomeReports(b, keptBenchCases(b, dir, opts))
				return
			}
			opts := store.Options{DataDir: b.TempDir()}
			if engine == "postgres" {
				opts = store.Options{DatabaseURL: testdb.Postgres(b)}
			}
			bc := newBenchCases(b, opts)
			benchOutcomeReports(b, bc)
		})
	}
}

// keptBenchCases opens the benchmark's data kept in dir (the keys, and on
// SQLite the database) and opts' database, filling them first when they
// hold no programs yet.
func keptBenchCases(b *testing.B, dir string, opts store.Options) benchCases {
	b.Helper()
	ctx := context.Background()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	ring, _, err := seal.Load(dir, "")
	if err != nil {
		b.Fatal(err)
	}
	opts.Keyring = ring
	s, err := store.Open(ctx, opts)
	if err != nil {
		b.Fatal(err)
	}
	programs, _, err := s.ListPrograms(ctx, store.ProgramFilter{}, store.Page{Limit: 100})
	if err != nil {
		b.Fatal(err)
	}
	if len(programs) == 0 {
		s.Close()
		return newBenchCases(b, opts) // fills the same database with the same keys
	}
	b.Cleanup(func() { s.Close() })
	slices.SortFunc(programs, func(x, y program.Program) int { return cmp.Compare(x.ID, y.ID) })
	return benchCases{s: s, programs: programs}
}

func benchOutcomeReports(b *testing.B, bc benchCases) {
	ctx := context.Background()
	today := time.Now().UTC()
	all := make([]int64, len(bc.programs))
	for i, p := range bc.programs {
		all[i] = p.ID
	}
	// "whole" as the report page offers it: from the programs' oldest case.
	start, err := bc.s.ReportStart(ctx, all)
	if err != nil {
		b.Fatal(err)
	}
	wholeFrom, wholeTo, _ := report.Preset("whole", today, start)
	quarterFrom, quarterTo, _ := report.Preset("last_quarter", today, time.Time{})
	yearFrom, yearTo := today.AddDate(-1, 0, 1), today
	// The funder's reports: whole months that ended (report.WholeMonths),
	// read from the report's months once the job has counted them.
	months := func(q report.Query) report.Query { q, _ = q.WholeMonths(today); return q }
	t0, cpu0 := time.Now(), cpuTime()
	n, err := bc.s.RollUpReportMonths(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("report months: %d counted in %s (CPU %s)", n, time.Since(t0).Round(time.Millisecond), cpuTime()-cpu0)
	reports := []struct {
		name     string
		q        report.Query
		programs []program.Program
	}{
		{"months_whole", months(report.Query{ProgramIDs: all, From: wholeFrom, To: wholeTo}), bc.programs},
		{"months_last_12", months(report.Query{ProgramIDs: all, From: yearFrom, To: yearTo}), bc.programs},
		{"months_one_program_whole", months(report.Query{ProgramIDs: all[:1], From: wholeFrom, To: wholeTo}), bc.programs[:1]},
		{"months_one_program_last_quarter", months(report.Query{ProgramIDs: all[:1], From: quarterFrom, To: quarterTo}), bc.programs[:1]},
		// Counted from the rows: a coordinator's report of days, and some
		// programs (every row is checked for its case's program).
		{"whole", report.Query{ProgramIDs: all, From: wholeFrom, To: wholeTo}, bc.programs},
		{"last_12_months", report.Query{ProgramIDs: all, From: yearFrom, To: yearTo}, bc.programs},
		{"nine_programs_last_12_months", report.Query{ProgramIDs: all[1:], From: yearFrom, To: yearTo}, bc.programs[1:]},
	}
	for _, r := range reports {
		b.Run(r.name, func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				f, err := bc.s.OutcomeFacts(ctx, r.q)
				if err != nil {
					b.Fatal(err)
				}
				out := report.Build(r.q, f, r.programs, today, false)
				if len(out.Figures) == 0 {
					b.Fatal("a report without figures")
				}
			}
			if cpu0 >= 0 {
				b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

// cpuTime is the CPU time this process has spent, user and system, from
// /proc/self/stat (in clock ticks of 10 ms), or -1 where there is none.
func cpuTime() time.Duration {
	raw, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return -1
	}
	// The fields after the command (which may hold spaces) begin with the
	// state; utime and stime are the 12th and 13th of them.
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return -1
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
