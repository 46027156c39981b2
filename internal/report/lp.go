package report

import (
	"errors"
	"math"
)

// lp is a linear program, maximise c·x subject to A·x = b and lo ≤ x ≤ hi
// (hi may be +Inf), solved by the bounded-variable primal simplex method on
// a dense tableau, with Bland's rule so that it cannot cycle. It is built
// once for a published table: phase one finds a feasible basis, and every
// later objective (the least and the greatest value of each hidden figure)
// starts from the basis the previous one ended on.
//
// float64 is exact here, not merely close: the constraint matrix of a table
// is the incidence matrix of a directed graph (see network), which is
// totally unimodular, and so is [A | I]. Every basis then has determinant
// ±1, every tableau entry B⁻¹A is −1, 0 or 1, and with integer bounds and
// right-hand sides every basic value is an integer: each pivot adds or
// subtracts integers well inside 2⁵³. The tolerance eps only guards the
// comparisons, and optima are rounded to the integer they already are. The
// same argument makes the optimum of the relaxation the optimum over
// integers, which is what a reader could conclude.
type lp struct {
	m, n  int         // equations; variables, the m artificial ones last
	tab   [][]float64 // m × n: B⁻¹·[A | I]
	beta  []float64   // the value of the basic variable of each row
	basis []int       // the basic variable of each row
	row   []int       // the row a variable is basic in, or -1
	upper []float64   // hi − lo: variables are shifted to lower bound 0
	lo    []float64
	atUp  []bool    // a non-basic variable sits at its upper bound
	d     []float64 // reduced costs of the current objective
}

const eps = 1e-9

var errInfeasible = errors.New("report: the published figures contradict each other")

// newLP sets up the program for A (m×k), b and the bounds of its k
// variables, and finds a feasible basis.
func newLP(a [][]float64, b, lo, hi []float64) (*lp, error) {
	m, k := len(a), len(lo)
	p := &lp{m: m, n: k + m}
	p.tab = make([][]float64, m)
	p.beta = make([]float64, m)
	p.basis = make([]int, m)
	p.row = make([]int, p.n)
	p.upper = make([]float64, p.n)
	p.lo = make([]float64, p.n)
	p.atUp = make([]bool, p.n)
	p.d = make([]float64, p.n)
	for j := range k {
		p.lo[j], p.upper[j] = lo[j], hi[j]-lo[j]
		p.row[j] = -1
	}
	for r := range m {
		rhs := b[r]
		for j := range k {
			rhs -= a[r][j] * lo[j]
		}
		sign := 1.0
		if rhs < 0 {
			sign = -1
		}
		p.tab[r] = make([]float64, p.n)
		for j := range k {
			p.tab[r][j] = sign * a[r][j]
		}
		p.tab[r][k+r] = 1
		p.beta[r] = sign * rhs
		p.basis[r] = k + r
		p.row[k+r] = r
		p.upper[k+r] = math.Inf(1)
	}
	c := make([]float64, p.n)
	for r := range m {
		c[k+r] = -1
	}
	if _, unbounded := p.maximise(c); unbounded {
		return nil, errInfeasible // cannot happen: phase one is bounded by 0
	}
	for r := range m {
		if p.basis[r] >= k && p.beta[r] > eps {
			return nil, errInfeasible
		}
	}
	for r := range m {
		p.upper[k+r] = 0 // artificial variables stay at 0 from now on
	}
	return p, nil
}

// value is the current value of variable j.
func (p *lp) value(j int) float64 {
	if r := p.row[j]; r >= 0 {
		return p.lo[j] + p.beta[r]
	}
	if p.atUp[j] {
		return p.lo[j] + p.upper[j]
	}
	return p.lo[j]
}

// extreme is the least (sign −1) or greatest (sign +1) value variable j can
// take, and whether it has none (the greatest is unbounded).
func (p *lp) extreme(j int, sign float64) (float64, bool) {
	c := make([]float64, p.n)
	c[j] = sign
	if _, unbounded := p.maximise(c); unbounded {
		return math.Inf(int(sign)), true
	}
	return p.value(j), false
}

// maximise runs the simplex method from the current basis on objective c.
// It returns the number of pivots and whether the objective is unbounded.
func (p *lp) maximise(c []float64) (int, bool) {
	for j := range p.n {
		p.d[j] = c[j]
	}
	for r, bj := range p.basis {
		if c[bj] != 0 {
			for j := range p.n {
				p.d[j] -= c[bj] * p.tab[r][j]
			}
		}
	}
	steps := 0
	for {
		enter, s := -1, 0.0
		for j := range p.n {
			if p.row[j] >= 0 || p.upper[j] <= eps {
				continue
			}
			if !p.atUp[j] && p.d[j] > eps {
				enter, s = j, 1
				break
			}
			if p.atUp[j] && p.d[j] < -eps {
				enter, s = j, -1
				break
			}
		}
		if enter < 0 {
			return steps, false
		}
		theta, leave := p.upper[enter], -1
		for r := range p.m {
			alpha := s * p.tab[r][enter]
			var lim float64
			switch bj := p.basis[r]; {
			case alpha > eps:
				lim = p.beta[r] / alpha
			case alpha < -eps && !math.IsInf(p.upper[bj], 1):
				lim = (p.upper[bj] - p.beta[r]) / -alpha
			default:
				continue
			}
			if lim < theta-eps || (lim <= theta+eps && (leave < 0 || p.basis[r] < p.basis[leave])) {
				if lim < 0 {
					lim = 0
				}
				theta, leave = lim, r
			}
		}
		if math.IsInf(theta, 1) {
			return steps, true
		}
		for r := range p.m {
			p.beta[r] -= theta * s * p.tab[r][enter]
		}
		steps++
		if leave < 0 { // the entering variable reaches its other bound first
			p.atUp[enter] = !p.atUp[enter]
			continue
		}
		out := p.basis[leave]
		p.atUp[out] = s*p.tab[leave][enter] < 0
		start := 0.0
		if p.atUp[enter] {
			start = p.upper[enter]
		}
		p.beta[leave] = start + s*theta
		p.atUp[enter] = false
		p.basis[leave], p.row[enter], p.row[out] = enter, leave, -1
		p.pivot(leave, enter)
	}
}

// pivot makes column j the unit column of row r in the tableau and in the
// reduced costs.
func (p *lp) pivot(r, j int) {
	pr := p.tab[r]
	inv := 1 / pr[j]
	for q := range pr {
		pr[q] *= inv
	}
	for i, ti := range p.tab {
		if i == r || ti[j] == 0 {
			continue
		}
		f := ti[j]
		for q := range ti {
			ti[q] -= f * pr[q]
		}
	}
	if f := p.d[j]; f != 0 {
		for q := range p.d {
			p.d[q] -= f * pr[q]
		}
	}
}
