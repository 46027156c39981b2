package report

import (
	"math/rand/v2"
	"testing"
	"time"

	"homeward/internal/program"
)

// BenchmarkSuppress15x10 suppresses a table of the largest size reports
// use, with counts skewed small (a third 0, a third 1 to 4, a third 5 to
// 205), so that many cells need protecting.
func BenchmarkSuppress15x10(b *testing.B) {
	tb := generated(rand.New(rand.NewPCG(15, 10)), 15, 10, 200)
	for b.Loop() {
		Suppress(tb)
	}
}

// BenchmarkRanges15x10 is the check alone, on the suppressed table above.
func BenchmarkRanges15x10(b *testing.B) {
	s := Suppress(generated(rand.New(rand.NewPCG(15, 10)), 15, 10, 200))
	b.ReportMetric(float64(len(s.Ranges())), "hidden")
	for b.Loop() {
		s.Ranges()
	}
}

// BenchmarkSuppress15x10Large is the same size with counts up to a few
// thousand and fewer small ones.
func BenchmarkSuppress15x10Large(b *testing.B) {
	rnd := rand.New(rand.NewPCG(15, 11))
	counts := make([][]int, 15)
	for i := range counts {
		counts[i] = make([]int, 10)
		for j := range counts[i] {
			if rnd.IntN(8) == 0 {
				counts[i][j] = 1 + rnd.IntN(4)
			} else {
				counts[i][j] = 5 + rnd.IntN(3000)
			}
		}
	}
	tb, _ := NewTable(counts)
	for b.Loop() {
		Suppress(tb)
	}
}

// BenchmarkBuildDecade publishes a suppressed report of ten years: 120
// months of cases by state, people entered and completed, all suppressed
// together, with the other tables.
func BenchmarkBuildDecade(b *testing.B) {
	rng := rand.New(rand.NewPCG(10, 2026))
	q := Query{ProgramIDs: []int64{1}, From: time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
	p := program.New()
	p.ID, p.Custody.Enabled = 1, true
	f := randomFacts(rng, len(q.Months()))
	for b.Loop() {
		Build(q, f, []program.Program{p}, q.End(), false)
	}
}
