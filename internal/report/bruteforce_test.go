package report

import "testing"

// The brute-force reader below shares nothing with Ranges: it reads the
// published grid through Cell alone, writes one unknown for every hidden
// position (a figure that two positions share is two unknowns and an
// equation) and enumerates integer values within the bounds, pruning with
// interval propagation on the line equations.

// bfEquation is Σ coef·x[v] + constant = 0 over unknowns, coefficients ±1.
type bfEquation struct {
	vars     []int
	coef     []int
	constant int
}

type bruteForce struct {
	eqs   []bfEquation
	nodes int // search nodes left before giving up
}

// bruteForceOf reads s's grid: each line's cells minus its total is 0. A
// "fewer than 5" cell is 1 to 4, a hidden one 5 to limit (limit stands in
// for no upper bound; a smaller world only finds fewer values).
func bruteForceOf(s Suppressed, limit int) (*bruteForce, []int, []int, [][2]int) {
	R, C := s.Rows(), s.Cols()
	unknown := make([][]int, R+1)
	var lo, hi []int
	var pos [][2]int
	for i := range unknown {
		unknown[i] = make([]int, C+1)
		for j := range unknown[i] {
			c := s.Cell(at(R, i), at(C, j))
			unknown[i][j] = -1
			switch c.Kind {
			case FewerThanFive:
				lo, hi = append(lo, 1), append(hi, 4)
			case Hidden:
				lo, hi = append(lo, 5), append(hi, limit)
			case Shown:
				continue
			default:
				lo, hi = append(lo, 0), append(hi, limit)
			}
			unknown[i][j] = len(pos)
			pos = append(pos, [2]int{i, j})
		}
	}
	b := &bruteForce{}
	add := func(cells [][2]int) { // the last cell is the total
		var e bfEquation
		for n, p := range cells {
			sign := 1
			if n == len(cells)-1 {
				sign = -1
			}
			if u := unknown[p[0]][p[1]]; u >= 0 {
				e.vars, e.coef = append(e.vars, u), append(e.coef, sign)
			} else {
				e.constant += sign * s.Cell(at(R, p[0]), at(C, p[1])).Count
			}
		}
		b.eqs = append(b.eqs, e)
	}
	for i := 0; i <= R; i++ {
		var line [][2]int
		for j := 0; j <= C; j++ {
			line = append(line, [2]int{i, j})
		}
		add(line)
	}
	for j := 0; j <= C; j++ {
		var line [][2]int
		for i := 0; i <= R; i++ {
			line = append(line, [2]int{i, j})
		}
		add(line)
	}
	return b, lo, hi, pos
}

// propagate narrows lo and hi to a fixpoint; false when a domain empties.
func (b *bruteForce) propagate(lo, hi []int) bool {
	for changed := true; changed; {
		changed = false
		for _, e := range b.eqs {
			// Σ coef·x = −constant; each x is −constant minus the rest.
			sumLo, sumHi := e.constant, e.constant
			for n, v := range e.vars {
				if e.coef[n] > 0 {
					sumLo, sumHi = sumLo+lo[v], sumHi+hi[v]
				} else {
					sumLo, sumHi = sumLo-hi[v], sumHi-lo[v]
				}
			}
			if sumLo > 0 || sumHi < 0 {
				return false
			}
			for n, v := range e.vars {
				var restLo, restHi int
				if e.coef[n] > 0 {
					restLo, restHi = sumLo-lo[v], sumHi-hi[v]
					// x = −rest
					if l := -restHi; l > lo[v] {
						lo[v], changed = l, true
					}
					if h := -restLo; h < hi[v] {
						hi[v], changed = h, true
					}
				} else {
					restLo, restHi = sumLo+hi[v], sumHi+lo[v]
					// x = rest
					if l := restLo; l > lo[v] {
						lo[v], changed = l, true
					}
					if h := restHi; h < hi[v] {
						hi[v], changed = h, true
					}
				}
				if lo[v] > hi[v] {
					return false
				}
				// recompute the sums with the narrowed bounds
				sumLo, sumHi = e.constant, e.constant
				for m, w := range e.vars {
					if e.coef[m] > 0 {
						sumLo, sumHi = sumLo+lo[w], sumHi+hi[w]
					} else {
						sumLo, sumHi = sumLo-hi[w], sumHi-lo[w]
					}
				}
			}
		}
	}
	return true
}

// feasible reports whether some integer values within lo..hi satisfy every
// equation, and whether the search ran out of nodes first.
func (b *bruteForce) feasible(lo, hi []int) (ok, gaveUp bool) {
	if b.nodes--; b.nodes < 0 {
		return false, true
	}
	lo, hi = append([]int(nil), lo...), append([]int(nil), hi...)
	if !b.propagate(lo, hi) {
		return false, false
	}
	branch := -1
	for v := range lo {
		if lo[v] < hi[v] && (branch < 0 || hi[v]-lo[v] < hi[branch]-lo[branch]) {
			branch = v
		}
	}
	if branch < 0 {
		for _, e := range b.eqs { // every unknown fixed: check outright
			sum := e.constant
			for n, v := range e.vars {
				sum += e.coef[n] * lo[v]
			}
			if sum != 0 {
				return false, false
			}
		}
		return true, false
	}
	for x := lo[branch]; x <= hi[branch]; x++ {
		l, h := append([]int(nil), lo...), append([]int(nil), hi...)
		l[branch], h[branch] = x, x
		if ok, gaveUp := b.feasible(l, h); ok || gaveUp {
			return ok, gaveUp
		}
	}
	return false, false
}

// checkBruteForce asserts that the brute-force reader finds every hidden
// cell with a second possible value, and the same least value as Ranges
// (and the same greatest, when Ranges finds one within the limit).
func checkBruteForce(t *testing.T, name string, tb Table, s Suppressed, rs []Range) {
	t.Helper()
	limit := 2*tb.Count(Total, Total) + 10
	b, lo, hi, pos := bruteForceOf(s, limit)
	for u, p := range pos {
		i, j := at(tb.Rows(), p[0]), at(tb.Cols(), p[1])
		v := tb.Count(i, j)
		b.nodes = 200000
		try := func(x int) bool {
			l, h := append([]int(nil), lo...), append([]int(nil), hi...)
			l[u], h[u] = x, x
			ok, gaveUp := b.feasible(l, h)
			if gaveUp {
				t.Fatalf("%s: the brute force gave up on cell (%d, %d)", name, i, j)
			}
			return ok
		}
		if !try(v) {
			t.Fatalf("%s: the true count %d of cell (%d, %d) is infeasible to the brute force", name, v, i, j)
		}
		least, greatest := v, v
		for x := lo[u]; x < v; x++ {
			if try(x) {
				least = x
				break
			}
		}
		for x := hi[u]; x > v; x-- {
			if try(x) {
				greatest = x
				break
			}
		}
		if least == greatest {
			t.Errorf("%s: the brute force works out cell (%d, %d) = %d", name, i, j, v)
		}
		var r *Range
		for k := range rs {
			if rs[k].Row == i && rs[k].Col == j {
				r = &rs[k]
			}
		}
		if r == nil {
			continue // the second position of a shared figure
		}
		if r.Min != least {
			t.Errorf("%s: cell (%d, %d): least %d, Ranges says %d", name, i, j, least, r.Min)
		}
		if !r.Unbounded && r.Max < limit && r.Max != greatest {
			t.Errorf("%s: cell (%d, %d): greatest %d, Ranges says %d", name, i, j, greatest, r.Max)
		}
		if r.Unbounded && greatest != hi[u] {
			t.Errorf("%s: cell (%d, %d): unbounded, but the brute force stops at %d", name, i, j, greatest)
		}
	}
}
