package matching

import (
	"math"
	"slices"
)

// Slot is a mentor taking part in a bulk assignment, with the number of
// cases they can still take.
type Slot struct {
	MentorID int64
	Capacity int // free places; 0 or less takes nobody
}

// Pair is one case given to one mentor.
type Pair struct {
	Case, Mentor     int // indexes into the cases and mentors given
	CaseID, MentorID int64
	Score            float64
}

// Assignment is the result of Assign or Greedy.
type Assignment struct {
	Pairs      []Pair  // in the order of the cases
	MentorOf   []int   // for each case, the index of its mentor or -1
	Unassigned []int64 // IDs of the cases left without a mentor, in order
	Total      float64 // the sum of the scores of Pairs
}

// scorable reports whether a pair may be used at all: allowed, with a
// finite score that is not negative (a negative pair only lowers the total).
func scorable(s float64, ok bool) bool {
	return ok && s >= 0 && !math.IsInf(s, 1)
}

// Assign gives each case at most one mentor, each mentor at most Capacity
// cases, and never a pair that score disallows, so that the total score is
// the largest possible; among assignments with that total it picks one that
// assigns the most cases (a case whose only allowed mentors score 0 is still
// placed when a place is free). score(mentorIdx, caseIdx) is called exactly
// once per pair; a pair with a negative, NaN or infinite score counts as
// disallowed (a negative pair could only lower the total). Scores are
// compared as integers at a resolution of 1e-6 (coarser only for scores over
// about 1e5, so that no sum can overflow): the result is exactly optimal for
// the rounded scores. Ties are broken by a fixed order, so the same input
// always gives the same output.
//
// The algorithm is a min-cost flow: cases → mentors → sink, each mentor's
// edge to the sink with its capacity, plus a zero-cost edge from each case to
// the sink that stands for "unassigned"; a pair costs -(score·(n+1)+1), so
// the cheapest flow has the largest total and, second, the most pairs. It is
// solved by successive shortest paths: the cases join one at a time, each
// along its cheapest augmenting path, found by Dijkstra's algorithm on
// reduced costs (Johnson potentials) that stops at the sink. A case whose
// best path costs nothing stays unassigned.
//
// Exact but fast on dense instances: each case first considers only a few
// mentors (its best by score, and a few more by a fixed hash so that cases
// which all rank mentors alike do not all fight over the same ones). The
// flow is then checked against every allowed pair: by linear-programming
// duality it is optimal for the whole problem exactly when no left-out pair
// has a negative reduced cost under the final potentials. Pairs that fail
// join their cases' lists (the most negative first, then, after a dozen
// rounds, all of them) and the flow is solved again, until none fails, so
// the answer is always the exact optimum.
//
// Cost, for n cases, m mentors and k candidates a case: O(n·m) to read the
// scores and for each check, plus O(n·p·k·log m) a solve, p being the cases a
// search scans (small on random scores, up to n when every case ranks the
// mentors alike); a few rounds in practice. Memory O(n·m) for the scores.
func Assign(mentors []Slot, caseIDs []int64, score func(mentorIdx, caseIdx int) (float64, bool)) Assignment {
	a, _ := assign(mentors, caseIDs, score, defaultTuning)
	return a
}

// tuning sets how the candidate lists start and grow; it changes the speed,
// never the result.
type tuning struct {
	best   int // candidates a case takes by score, later by reduced cost
	spread int // candidates a case takes by a fixed hash, to break symmetry
	rounds int // after this many solves, add every failing pair
}

var defaultTuning = tuning{best: 16, spread: 8, rounds: 12}

// assign is Assign with a tuning; it also returns how many times the flow
// was solved.
func assign(mentors []Slot, caseIDs []int64, score func(mentorIdx, caseIdx int) (float64, bool), t tuning) (Assignment, int) {
	n, m := len(caseIDs), len(mentors)
	s := &solver{n: n, m: m, raw: make([]float64, n*m), capa: make([]int, m), mark: make([]int32, m)}
	for j, sl := range mentors {
		s.capa[j] = min(max(sl.Capacity, 0), n) // more places than cases change nothing
	}
	maxS := 0.0
	for i := range n {
		row := s.raw[i*m : (i+1)*m]
		for j := range m {
			v, ok := score(j, i)
			if !scorable(v, ok) || s.capa[j] == 0 {
				v = math.NaN()
			} else {
				maxS = max(maxS, v)
			}
			row[j] = v
		}
	}
	s.setScale(maxS)
	s.candidates(t)
	rounds := 0
	for {
		s.solve()
		rounds++
		if !s.extend(t, rounds) {
			break
		}
	}
	return result(mentors, caseIDs, s.raw, s.mentorOf), rounds
}

type edge struct {
	j int32
	w int64 // weight of the pair: cost is -w
}

type solver struct {
	n, m   int
	raw    []float64 // n×m scores, NaN where disallowed
	capa   []int
	scale  float64 // score → integer units
	mul    int64   // weight of one unit; n+1 so totals beat counts
	cand   [][]edge
	mark   []int32 // scratch of pick, valid where == stamp0
	stamp0 int32

	// flow state
	mentorOf []int     // per case, mentor or -1
	weightOf []int64   // per case, weight of its pair
	holders  [][]int32 // per mentor, its cases
	hc       []int64   // potentials of cases; mentors' are in ms, the sink's is 0

	// Dijkstra scratch
	ms    []mstate
	cur   int32
	heap  minHeap
	seenM []int32
	seenC []int32
	dc    []int64 // distance of scanned cases
}

// setScale chooses integer units so that a path's cost, at most (n+m+2)
// pair weights, stays far below 2^62.
func (s *solver) setScale(maxS float64) {
	s.mul = int64(s.n) + 1
	s.scale = 1e6
	limit := float64(int64(1)<<58) / float64(s.n+s.m+2) / float64(s.mul)
	if maxS*s.scale > limit {
		s.scale = limit / maxS
	}
}

// weight is the integer weight of an allowed pair.
func (s *solver) weight(v float64) int64 {
	return int64(math.Round(v*s.scale))*s.mul + 1
}

// candidates starts the list of each case with its t.best best allowed
// mentors by score and t.spread others by hash.
func (s *solver) candidates(t tuning) {
	s.cand = make([][]edge, s.n)
	order := make([]int32, 0, s.m)
	for i := range s.n {
		row := s.raw[i*s.m : (i+1)*s.m]
		order = order[:0]
		for j, v := range row {
			if !math.IsNaN(v) {
				order = append(order, int32(j))
			}
		}
		keep := s.pick(i, 0, order, t, func(a, b int32) bool { // lower score, then higher index
			return row[a] < row[b] || row[a] == row[b] && a > b
		})
		s.cand[i] = nil
		s.join(i, keep)
	}
}

// join adds mentors to the candidates of case i, kept in mentor order.
func (s *solver) join(i int, js []int32) {
	row := s.raw[i*s.m : (i+1)*s.m]
	for _, j := range js {
		s.cand[i] = append(s.cand[i], edge{j, s.weight(row[j])})
	}
	slices.SortFunc(s.cand[i], func(a, b edge) int { return int(a.j - b.j) })
}

// pick chooses among eligible mentors of case i the t.best ranked highest by
// worse and t.spread more of the rest with the smallest hash of (round, i,
// j). The hashed ones break the symmetry of instances where every case
// ranks the mentors alike (popular mentors): without them each round would
// offer every case the same few mentors.
func (s *solver) pick(i, round int, eligible []int32, t tuning, worse func(a, b int32) bool) []int32 {
	if len(eligible) <= t.best+t.spread {
		return slices.Clone(eligible)
	}
	chosen := top(eligible, t.best, worse)
	if t.spread == 0 {
		return chosen
	}
	s.stamp0++
	for _, j := range chosen {
		s.mark[j] = s.stamp0
	}
	rest := make([]int32, 0, len(eligible)-len(chosen))
	for _, j := range eligible {
		if s.mark[j] != s.stamp0 {
			rest = append(rest, j)
		}
	}
	seed := uint64(round)<<40 ^ uint64(i)<<20
	hash := func(j int32) uint64 { return mix(seed ^ uint64(j)) }
	return append(chosen, top(rest, t.spread, func(a, b int32) bool {
		ha, hb := hash(a), hash(b)
		return ha > hb || ha == hb && a > b
	})...)
}

// mix is the SplitMix64 finaliser: a fixed, well-spread hash.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// top returns the k best of order, worst(a, b) telling whether a ranks
// below b, in O(len(order)·log k): a heap keeps the k best so far, the worst
// on top.
func top(order []int32, k int, worse func(a, b int32) bool) []int32 {
	if len(order) <= k {
		return slices.Clone(order)
	}
	h := make([]int32, 0, k)
	for _, j := range order {
		switch {
		case len(h) < k:
			h = append(h, j)
			for x := len(h) - 1; x > 0 && worse(h[x], h[(x-1)/2]); x = (x - 1) / 2 {
				h[x], h[(x-1)/2] = h[(x-1)/2], h[x]
			}
		case worse(h[0], j):
			h[0] = j
			for x := 0; ; {
				l := 2*x + 1
				if l >= len(h) {
					break
				}
				c := l
				if r := l + 1; r < len(h) && worse(h[r], h[l]) {
					c = r
				}
				if !worse(h[c], h[x]) {
					break
				}
				h[x], h[c] = h[c], h[x]
				x = c
			}
		}
	}
	return h
}

// solve runs the successive shortest paths from scratch on the candidates.
func (s *solver) solve() {
	n, m := s.n, s.m
	s.mentorOf = make([]int, n)
	s.weightOf = make([]int64, n)
	s.holders = make([][]int32, m)
	s.hc = make([]int64, n)
	s.dc = make([]int64, n)
	s.ms = make([]mstate, m)
	for j := range s.ms {
		s.ms[j].room = int32(s.capa[j])
	}
	s.cur = 0
	for i := range s.mentorOf {
		s.mentorOf[i] = -1
	}
	for r := range n {
		s.add(r)
	}
}

// mstate is what the search keeps of a mentor, together for locality.
type mstate struct {
	h       int64 // potential
	d       int64 // distance label, valid where stamp == cur
	prev    int32 // the case it was reached from
	stamp   int32
	room    int32 // free places
	settled bool
}

const inf = math.MaxInt64 / 4

// add brings case r into the flow along its cheapest augmenting path.
func (s *solver) add(r int) {
	ms := s.ms
	// A potential for r that keeps all its edges' reduced costs non-negative.
	h := int64(0)
	for _, e := range s.cand[r] {
		h = max(h, e.w+ms[e.j].h)
	}
	s.hc[r] = h
	if h == 0 { // nothing positive to gain: r stays unassigned
		return
	}
	s.cur++
	cur := s.cur
	s.heap = s.heap[:0]
	s.seenM = s.seenM[:0]
	s.seenC = s.seenC[:0]
	dT := int64(inf)
	endCase, endMentor := -1, -1

	scan := func(i int, d int64) {
		s.dc[i] = d
		s.seenC = append(s.seenC, int32(i))
		base := d + s.hc[i]
		if base < dT { // i gives up its place (or r stays out)
			dT, endCase, endMentor = base, i, -1
		}
		own := s.mentorOf[i]
		for _, e := range s.cand[i] {
			x := &ms[e.j]
			nd := base - e.w - x.h
			if nd >= dT || int(e.j) == own {
				continue // cannot beat the path to the sink already found
			}
			if x.stamp != cur {
				x.stamp, x.settled, x.d = cur, false, inf
				s.seenM = append(s.seenM, e.j)
			}
			if nd < x.d && !x.settled {
				x.d, x.prev = nd, int32(i)
				s.heap.push(item{nd, e.j})
				// A mentor with a free place leads to the sink at once:
				// its label there is known without waiting to settle it,
				// which ends the search early when scores tie.
				if x.room > 0 {
					if d := nd + x.h; d < dT {
						dT, endCase, endMentor = d, -1, int(e.j)
					}
				}
			}
		}
	}
	scan(r, 0)
	for len(s.heap) > 0 {
		top := s.heap.pop()
		if dT <= top.d {
			break
		}
		x := &ms[top.j]
		if x.settled || top.d != x.d {
			continue
		}
		x.settled = true
		for _, i := range s.holders[top.j] {
			scan(int(i), top.d+s.weightOf[i]+x.h-s.hc[i])
		}
	}

	// Potentials: h += min(d, D) - D keeps every reduced cost non-negative.
	for _, j := range s.seenM {
		if x := &ms[j]; x.settled && x.d < dT {
			x.h += x.d - dT
		}
	}
	for _, i := range s.seenC {
		if s.dc[i] < dT {
			s.hc[i] += s.dc[i] - dT
		}
	}

	// Augment along the path back from the sink.
	var j int
	if endMentor >= 0 {
		j = endMentor
		ms[j].room--
	} else {
		u := endCase
		if u == r {
			return
		}
		j = s.mentorOf[u]
		s.release(u)
	}
	for {
		w := int(ms[j].prev)
		old := s.mentorOf[w]
		if old >= 0 {
			s.release(w)
		}
		s.mentorOf[w] = j
		s.weightOf[w] = s.weight(s.raw[w*s.m+j])
		s.holders[j] = append(s.holders[j], int32(w))
		if w == r {
			return
		}
		j = old
	}
}

// release takes case i off its mentor.
func (s *solver) release(i int) {
	j := s.mentorOf[i]
	h := s.holders[j]
	k := slices.Index(h, int32(i))
	s.holders[j] = slices.Delete(h, k, k+1)
	s.mentorOf[i] = -1
}

// extend checks every allowed pair left out of the candidates against the
// potentials: the flow is optimal for the whole graph unless some left-out
// pair has a negative reduced cost (then a cheaper flow exists; otherwise the
// potentials prove the flow optimal). It adds failing pairs to their cases'
// lists, picked as in pick by most negative reduced cost, or every failing
// pair once round reaches t.rounds, and reports whether it added any.
func (s *solver) extend(t tuning, round int) bool {
	in := make([]int32, s.m) // case index + 1 where j is a candidate
	key := make([]int64, s.m)
	var bad []int32
	added := false
	for i := range s.n {
		for _, e := range s.cand[i] {
			in[e.j] = int32(i + 1)
		}
		row := s.raw[i*s.m : (i+1)*s.m]
		bad = bad[:0]
		for j, v := range row {
			if math.IsNaN(v) || in[j] == int32(i+1) {
				continue
			}
			// reduced cost hc[i] - w - hm[j] < 0 ⇔ w + hm[j] > hc[i]
			if key[j] = s.weight(v) + s.ms[j].h; key[j] > s.hc[i] {
				bad = append(bad, int32(j))
			}
		}
		if len(bad) == 0 {
			continue
		}
		if round < t.rounds {
			bad = s.pick(i, round, bad, t, func(a, b int32) bool { return key[a] < key[b] || key[a] == key[b] && a > b })
		}
		s.join(i, bad)
		added = true
	}
	return added
}

func result(mentors []Slot, caseIDs []int64, raw []float64, mentorOf []int) Assignment {
	m := len(mentors)
	a := Assignment{MentorOf: mentorOf}
	for i, j := range mentorOf {
		if j < 0 {
			a.Unassigned = append(a.Unassigned, caseIDs[i])
			continue
		}
		p := Pair{Case: i, Mentor: j, CaseID: caseIDs[i], MentorID: mentors[j].MentorID, Score: raw[i*m+j]}
		a.Pairs = append(a.Pairs, p)
		a.Total += p.Score
	}
	return a
}

// Greedy assigns pairs from the highest score down (ties: lower case, then
// lower mentor index), skipping a pair whose case is taken or whose mentor is
// full. It is here to compare with Assign, which is never worse.
func Greedy(mentors []Slot, caseIDs []int64, score func(mentorIdx, caseIdx int) (float64, bool)) Assignment {
	n, m := len(caseIDs), len(mentors)
	raw := make([]float64, n*m)
	type pair struct {
		i, j int32
		v    float64
	}
	pairs := make([]pair, 0, n*m)
	for i := range n {
		for j := range m {
			v, ok := score(j, i)
			raw[i*m+j] = v
			if scorable(v, ok) && mentors[j].Capacity > 0 {
				pairs = append(pairs, pair{int32(i), int32(j), v})
			}
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		switch {
		case a.v > b.v:
			return -1
		case a.v < b.v:
			return 1
		case a.i != b.i:
			return int(a.i - b.i)
		}
		return int(a.j - b.j)
	})
	mentorOf := make([]int, n)
	for i := range mentorOf {
		mentorOf[i] = -1
	}
	used := make([]int, m)
	for _, p := range pairs {
		if mentorOf[p.i] < 0 && used[p.j] < mentors[p.j].Capacity {
			mentorOf[p.i] = int(p.j)
			used[p.j]++
		}
	}
	return result(mentors, caseIDs, raw, mentorOf)
}

type item struct {
	d int64
	j int32
}

// minHeap is a binary heap of mentors by distance, then index.
type minHeap []item

func (h item) less(o item) bool { return h.d < o.d || h.d == o.d && h.j < o.j }

func (h *minHeap) push(x item) {
	*h = append(*h, x)
	a := *h
	k := len(a) - 1
	for k > 0 {
		p := (k - 1) / 2
		if !a[k].less(a[p]) {
			break
		}
		a[k], a[p] = a[p], a[k]
		k = p
	}
}

func (h *minHeap) pop() item {
	a := *h
	top := a[0]
	last := len(a) - 1
	a[0] = a[last]
	a = a[:last]
	k := 0
	for {
		l := 2*k + 1
		if l >= len(a) {
			break
		}
		c := l
		if r := l + 1; r < len(a) && a[r].less(a[l]) {
			c = r
		}
		if !a[c].less(a[k]) {
			break
		}
		a[k], a[c] = a[c], a[k]
		k = c
	}
	*h = a
	return top
}
