package report

import "math"

// cheapestCycle returns the figures of the cheapest cycle through hidden
// figure k along which the true counts could move by one, each figure
// staying within what a reader knows of it once hidden, and whether there
// is one. Hiding its shown figures gives a reader a second table that
// publishes the same and differs in k. A figure costs its count if shown
// and 0 if hidden already; zeros are never used (they are always shown).
//
// Each figure, an edge p→q of the network, is an arc p→q if it could grow
// by one and an arc q→p if it could shrink by one; the cycle is k and the
// shortest path (Dijkstra's algorithm, ties to the lower index) that closes
// it, whichever way k moves.
func (s Suppressed) cheapestCycle(k int) ([]int, bool) {
	n := s.net
	type arc struct{ to, edge, cost int }
	out := make([][]arc, n.nodes)
	for e := range n.figures {
		v := n.value[e]
		if e == k || n.tail[e] < 0 || v == 0 {
			continue
		}
		kind, cost := s.kind[e], 0
		if kind == Shown {
			kind, cost = Hidden, v
		}
		lo, hi := bounds(kind)
		if float64(v+1) <= hi {
			out[n.tail[e]] = append(out[n.tail[e]], arc{n.head[e], e, cost})
		}
		if float64(v-1) >= lo {
			out[n.head[e]] = append(out[n.head[e]], arc{n.tail[e], e, cost})
		}
	}
	path := func(from, to int) ([]int, int) {
		dist := make([]int, n.nodes)
		via := make([]int, n.nodes)
		prev := make([]int, n.nodes)
		done := make([]bool, n.nodes)
		for v := range dist {
			dist[v], via[v] = math.MaxInt, -1
		}
		dist[from] = 0
		for {
			u := -1
			for v := range dist {
				if !done[v] && dist[v] != math.MaxInt && (u < 0 || dist[v] < dist[u]) {
					u = v
				}
			}
			if u < 0 {
				return nil, math.MaxInt
			}
			if u == to {
				break
			}
			done[u] = true
			for _, a := range out[u] {
				if d := dist[u] + a.cost; d < dist[a.to] {
					dist[a.to], via[a.to], prev[a.to] = d, a.edge, u
				}
			}
		}
		var edges []int
		for v := to; v != from; v = prev[v] {
			edges = append(edges, via[v])
		}
		return edges, dist[to]
	}
	if n.tail[k] < 0 {
		return nil, false // in no equation: only its bounds protect it
	}
	lo, hi := bounds(s.kind[k])
	v := float64(n.value[k])
	best, cost := []int(nil), math.MaxInt
	if v+1 <= hi { // k grows: the unit entering its head returns to its tail
		best, cost = path(n.head[k], n.tail[k])
	}
	if v-1 >= lo {
		if p, c := path(n.tail[k], n.head[k]); c < cost {
			best, cost = p, c
		}
	}
	if cost == math.MaxInt {
		return nil, false
	}
	return append(best, k), true
}
