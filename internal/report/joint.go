package report

// Tables that share figures (SuppressLinked) are each safe on their own,
// but a reader may put them together: a shared total hidden in both is one
// unknown, and what one table says of it narrows what the other's hidden
// cells can be. jointExposed is the reader's linear program over all of
// them at once.
//
// Unlike one table's, the joint system is no network (a shared figure sits
// in four equations), so its linear relaxation may allow fractional values
// the integers do not: a figure it finds pinned is pinned, but one it finds
// free might, in a rare table, still be worked out over the integers. It is
// a further check, not the exact one Ranges is for a single table.

// figureRef is a figure of one of several tables.
type figureRef struct{ table, figure int }

// jointExposed returns a hidden figure of one of the tables that a reader
// of all of them, knowing that the linked cells are equal, can work out;
// ok is false when there is none.
func jointExposed(out []Suppressed, links []Link) (figureRef, bool) {
	// Union the linked figures: each group is one unknown.
	parent := map[figureRef]figureRef{}
	var find func(f figureRef) figureRef
	find = func(f figureRef) figureRef {
		p, ok := parent[f]
		if !ok || p == f {
			return f
		}
		r := find(p)
		parent[f] = r
		return r
	}
	figureOf := func(t int, r Ref) figureRef {
		s := out[t]
		i, j := s.table.grid(r.Row, r.Col)
		return figureRef{t, s.index[s.table.figure(i, j)]}
	}
	for _, l := range links {
		for _, c := range l[1:] {
			a, b := find(figureOf(l[0].Table, l[0].Ref)), find(figureOf(c.Table, c.Ref))
			if a != b {
				parent[b] = a
			}
		}
	}
	// A variable per hidden unknown.
	col := map[figureRef]int{}
	var lo, hi, truth []float64
	var of []figureRef
	for t, s := range out {
		for k, kind := range s.kind {
			if kind == Shown {
				continue
			}
			root := find(figureRef{t, k})
			if _, ok := col[root]; ok {
				continue
			}
			col[root] = len(lo)
			l, h := bounds(kind)
			lo, hi = append(lo, l), append(hi, h)
			truth = append(truth, float64(s.net.value[k]))
			of = append(of, figureRef{t, k})
		}
	}
	if len(lo) == 0 {
		return figureRef{}, false
	}
	var a [][]float64
	var b []float64
	for t, s := range out {
		a, b = s.equations(a, b, len(lo), func(k int) int { return col[find(figureRef{t, k})] })
	}
	p, err := newLP(a, b, lo, hi)
	if err != nil {
		return figureRef{}, false // cannot be: the true counts satisfy it all
	}
	for j, v := range truth {
		if up, unbounded := p.extreme(j, 1); unbounded || up > v+0.5 {
			continue
		}
		if down, _ := p.extreme(j, -1); down < v-0.5 {
			continue
		}
		return of[j], true
	}
	return figureRef{}, false
}

// equations appends to a and b the reader's equations of the table: one
// for each line with a hidden figure, over vars unknowns, the hidden figure
// k being unknown col(k) and the shown counts moved to the right-hand side.
func (s Suppressed) equations(a [][]float64, b []float64, vars int, col func(k int) int) ([][]float64, []float64) {
	n := s.net
	rowOf := make([]int, n.nodes)
	for v := range rowOf {
		rowOf[v] = -1
	}
	line := func(v int) int {
		if rowOf[v] < 0 {
			rowOf[v] = len(a)
			a = append(a, make([]float64, vars))
			b = append(b, 0)
		}
		return rowOf[v]
	}
	for k, kind := range s.kind {
		if kind != Shown && n.tail[k] >= 0 {
			c := col(k)
			a[line(n.head[k])][c]++
			a[line(n.tail[k])][c]--
		}
	}
	for k, kind := range s.kind {
		if kind == Shown && n.tail[k] >= 0 {
			if r := rowOf[n.head[k]]; r >= 0 {
				b[r] -= float64(n.value[k])
			}
			if r := rowOf[n.tail[k]]; r >= 0 {
				b[r] += float64(n.value[k])
			}
		}
	}
	return a, b
}
