package report

import (
	"fmt"
	"math"
)

// Range is what a reader can conclude about one hidden cell from
// everything published: the least and the greatest count it could hold.
type Range struct {
	Row, Col  int // Total for a total
	Min, Max  int
	Unbounded bool // no greatest count: Max means nothing
}

// Protected reports whether the cell could hold at least two counts, so
// that it cannot be worked out.
func (r Range) Protected() bool { return r.Unbounded || r.Max > r.Min }

// bounds is what a reader knows of a figure of the kind before any
// equation: a count of 1 to 4 under "fewer than 5"; 5 or more under
// "hidden", since only counts of 5 or more are hidden for the others' sake;
// anything not negative in a withheld table.
func bounds(k Kind) (lo, hi float64) {
	switch k {
	case FewerThanFive:
		return 1, 4
	case Hidden:
		return 5, math.Inf(1)
	default:
		return 0, math.Inf(1)
	}
}

// Ranges returns the Range of every hidden cell, totals included, in the
// order of the grid (rows, then the total row; in each, columns then the
// total). A figure that two positions share (a table of one row or column)
// is listed once, at its first position.
//
// It uses only what is published — the shown counts, the kinds of the
// hidden cells and the equations of the table — and solves, for each hidden
// figure, the linear programs of its least and greatest value (lp), exact
// for such tables.
func (s Suppressed) Ranges() []Range {
	p, col := s.attacker()
	var out []Range
	for k, kind := range s.kind {
		if kind == Shown {
			continue
		}
		i, j := s.net.cell(s.table, k)
		lo, _ := p.extreme(col[k], -1)
		hi, unbounded := p.extreme(col[k], 1)
		r := Range{Row: i, Col: j, Min: int(math.Ceil(lo - eps)), Unbounded: unbounded}
		if !unbounded {
			r.Max = int(math.Floor(hi + eps))
		}
		out = append(out, r)
	}
	return out
}

// exposed returns the hidden figures, not yet known safe, that a reader can
// work out, and marks the others safe. Knowing each true count, one
// objective usually settles a figure: it is safe once it could be larger,
// or smaller, than it is.
func (s Suppressed) exposed(safe []bool) []int {
	var p *lp
	var col []int
	var open []int
	for k, kind := range s.kind {
		if kind == Shown || safe[k] {
			continue
		}
		if p == nil {
			p, col = s.attacker()
		}
		v := float64(s.net.value[k])
		if hi, unbounded := p.extreme(col[k], 1); unbounded || hi > v+0.5 {
			safe[k] = true
			continue
		}
		if lo, _ := p.extreme(col[k], -1); lo < v-0.5 {
			safe[k] = true
			continue
		}
		open = append(open, k)
	}
	return open
}

// attacker builds the reader's linear program: a variable for each hidden
// figure, within its bounds, and an equation for each line with a hidden
// figure, the shown counts moved to the right-hand side. col maps a figure
// to its variable (-1 for a shown one).
func (s Suppressed) attacker() (*lp, []int) {
	col := make([]int, len(s.kind))
	var lo, hi []float64
	for k, kind := range s.kind {
		col[k] = -1
		if kind != Shown {
			col[k] = len(lo)
			l, h := bounds(kind)
			lo, hi = append(lo, l), append(hi, h)
		}
	}
	a, b := s.equations(nil, nil, len(lo), func(k int) int { return col[k] })
	p, err := newLP(a, b, lo, hi)
	if err != nil {
		// The true counts satisfy every equation and bound, so this is
		// a fault in this package, not in the table.
		panic(fmt.Sprintf("report: %v", err))
	}
	return p, col
}
