package matching

import (
	"cmp"
	"slices"
)

// Plan is a proposed bulk assignment of waiting cases to mentors, with the
// score of every pair, each case's best alternatives, and the total a
// first-come (greedy) assignment would reach, for comparison.
type Plan struct {
	MentorOf     []int   // for each case, the index of its mentor or -1
	Total        float64 // the optimal total (Assign)
	GreedyTotal  float64 // what Greedy reaches on the same pairs
	Alternatives [][]int // for each case, its best mentors, best first
	totals       []float64
	blocked      []bool
	unmet        []bool // the mentor does not meet the mentee's wishes
	m            int
}

// Score is the total of case i with mentor j, and whether the pair is
// allowed (the mentor shares a language with the mentee).
func (p Plan) Score(i, j int) (float64, bool) {
	return p.totals[i*p.m+j], !p.blocked[i*p.m+j]
}

// MeetsWishes tells whether mentor j meets the wishes of case i's mentee.
func (p Plan) MeetsWishes(i, j int) bool { return !p.unmet[i*p.m+j] }

// PlanFor scores every pair once (Score under w and a mentee's weekly
// hours), assigns the cases optimally under the mentors' free places
// (Assign: the largest total, then the most cases) and keeps, for each
// case, its best alternatives mentors (at most alternatives of them,
// ordered as Compare orders them). The assignment never gives a case a
// mentor who does not meet the mentee's wishes: such a mentor is only an
// alternative, after those who do, for the coordinator to choose by hand.
func PlanFor(ms []Mentor, free []int, cs []Case, w Weights, hoursNeeded float64, alternatives int) Plan {
	n, m := len(cs), len(ms)
	p := Plan{totals: make([]float64, n*m), blocked: make([]bool, n*m), unmet: make([]bool, n*m), m: m}
	for i := range cs {
		for j := range ms {
			e := Score(ms[j], cs[i], w, hoursNeeded)
			p.totals[i*m+j], p.blocked[i*m+j], p.unmet[i*m+j] = e.Total, e.Blocked(), !e.WishesMet
		}
	}
	slots := make([]Slot, m)
	for j := range ms {
		slots[j] = Slot{MentorID: ms[j].ID, Capacity: free[j]}
	}
	ids := make([]int64, n)
	for i := range cs {
		ids[i] = cs[i].ID
	}
	score := func(j, i int) (float64, bool) {
		t, ok := p.Score(i, j)
		return t, ok && p.MeetsWishes(i, j)
	}
	a := Assign(slots, ids, score)
	p.MentorOf, p.Total = a.MentorOf, a.Total
	p.GreedyTotal = Greedy(slots, ids, score).Total
	p.Alternatives = make([][]int, n)
	for i := range cs {
		var alt []int
		for j := range ms {
			if _, ok := p.Score(i, j); ok && free[j] > 0 {
				alt = append(alt, j)
			}
		}
		slices.SortStableFunc(alt, func(a, b int) int {
			if ma, mb := p.MeetsWishes(i, a), p.MeetsWishes(i, b); ma != mb {
				if ma {
					return -1
				}
				return 1
			}
			return cmp.Compare(p.totals[i*m+b], p.totals[i*m+a])
		})
		p.Alternatives[i] = alt[:min(len(alt), alternatives)]
	}
	return p
}
