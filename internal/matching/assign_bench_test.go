package matching

import (
	"math/rand/v2"
	"testing"
)

// denseInstance is n cases × m mentors, every pair allowed, with random
// scores of the size Score gives (0 to 12, four decimals).
func denseInstance(n, m, capacity int) ([]Slot, []int64, []float64) {
	r := rand.New(rand.NewPCG(2000, uint64(capacity)))
	slots := make([]Slot, m)
	for j := range slots {
		slots[j] = Slot{MentorID: int64(j + 1), Capacity: capacity}
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	scores := make([]float64, n*m)
	for k := range scores {
		scores[k] = float64(r.IntN(120001)) / 10000
	}
	return slots, ids, scores
}

// popularInstance is dense too, but every case ranks the mentors alike: a
// score is a part of the case plus a part of the mentor plus a little noise,
// the hard shape for short candidate lists.
func popularInstance(n, m, capacity int) ([]Slot, []int64, []float64) {
	slots, ids, scores := denseInstance(n, m, capacity)
	r := rand.New(rand.NewPCG(1, 2))
	a, b := make([]float64, n), make([]float64, m)
	for i := range a {
		a[i] = float64(r.IntN(500)) / 100
	}
	for j := range b {
		b[j] = float64(r.IntN(500)) / 100
	}
	for i := range n {
		for j := range m {
			scores[i*m+j] = a[i] + b[j] + float64(r.IntN(200))/100
		}
	}
	return slots, ids, scores
}

type assigner func([]Slot, []int64, func(int, int) (float64, bool)) Assignment

func bench(b *testing.B, f assigner, slots []Slot, ids []int64, scores []float64) {
	m := len(slots)
	score := func(j, i int) (float64, bool) { return scores[i*m+j], true }
	b.ReportAllocs()
	b.ResetTimer()
	var a Assignment
	for range b.N {
		a = f(slots, ids, score)
	}
	b.StopTimer()
	b.ReportMetric(a.Total, "total")
	b.ReportMetric(float64(len(a.Pairs)), "assigned")
}

func BenchmarkAssign2000x2000(b *testing.B) {
	slots, ids, scores := denseInstance(2000, 2000, 1)
	bench(b, Assign, slots, ids, scores)
}

func BenchmarkAssign2000x2000Cap2(b *testing.B) {
	slots, ids, scores := denseInstance(2000, 2000, 2)
	bench(b, Assign, slots, ids, scores)
}

// BenchmarkAssign4000x2000Cap2 fills every place: 4,000 cases for 2,000
// mentors with two places each.
func BenchmarkAssign4000x2000Cap2(b *testing.B) {
	slots, ids, scores := denseInstance(4000, 2000, 2)
	bench(b, Assign, slots, ids, scores)
}

func BenchmarkAssign2000x2000PopularMentors(b *testing.B) {
	slots, ids, scores := popularInstance(2000, 2000, 1)
	bench(b, Assign, slots, ids, scores)
}

func BenchmarkGreedy2000x2000(b *testing.B) {
	slots, ids, scores := denseInstance(2000, 2000, 1)
	bench(b, Greedy, slots, ids, scores)
}
