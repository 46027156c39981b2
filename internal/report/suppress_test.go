package report

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// F, H and S abbreviate the kinds in the expected grids below.
const (
	S = Shown
	F = FewerThanFive
	H = Hidden
)

func mustTable(t testing.TB, counts [][]int) Table {
	t.Helper()
	tb, err := NewTable(counts)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// at turns a grid index, the totals last, into a cell index.
func at(n, i int) int {
	if i == n {
		return Total
	}
	return i
}

// kinds is the published grid of kinds, the total row and column last.
func kinds(s Suppressed) [][]Kind {
	g := make([][]Kind, s.Rows()+1)
	for i := range g {
		g[i] = make([]Kind, s.Cols()+1)
		for j := range g[i] {
			g[i][j] = s.Cell(at(s.Rows(), i), at(s.Cols(), j)).Kind
		}
	}
	return g
}

// rangeAt finds the Range of cell (i, j), failing the test if absent.
func rangeAt(t *testing.T, rs []Range, i, j int) Range {
	t.Helper()
	for _, r := range rs {
		if r.Row == i && r.Col == j {
			return r
		}
	}
	t.Fatalf("no range for (%d, %d) in %+v", i, j, rs)
	return Range{}
}

func TestSuppressHandMadeTables(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		counts [][]int
		want   [][]Kind // the total row and column last
	}{
		{"all zero", [][]int{{0, 0}, {0, 0}}, [][]Kind{{S, S, S}, {S, S, S}, {S, S, S}}},
		{"nothing small", [][]int{{5, 9}, {12, 30}}, [][]Kind{{S, S, S}, {S, S, S}, {S, S, S}}},
		{"one small count", [][]int{{3}}, [][]Kind{{F, F}, {F, F}}},
		{"one count of 5 or more", [][]int{{12}}, [][]Kind{{S, S}, {S, S}}},
		// The list's column totals are its cells: one figure each.
		{"list with a small count", [][]int{{3, 7}}, [][]Kind{{F, H, S}, {F, H, S}}},
		// 1+1 = 12−10 and each is at least 1: both would be 1, so
		// the 10, the cheapest that can move, is hidden too.
		{"bounds decide", [][]int{{1, 1, 10}}, [][]Kind{{F, F, H, S}, {F, F, H, S}}},
		// The 3 alone in its row: the cheapest rectangle is 20, 10, 15.
		{"single small cell in a row", [][]int{{3, 20, 30}, {10, 15, 25}},
			[][]Kind{{F, H, S, S}, {H, H, S, S}, {S, S, S, S}}},
		// A row total of 3 is hidden as well. Hiding 8 and 9 lets 1 and
		// 2 trade places, but their total is still 24−7 less than 9+11:
		// the row total 24 goes too, so that it can move with the 3.
		{"small total", [][]int{{1, 2, 0}, {8, 9, 7}},
			[][]Kind{{F, F, S, F}, {H, H, S, H}, {S, S, S, S}}},
		// The 2 alone in its column with a 0: it moves with its column
		// total, against the 8 and the total 17 (cheaper than 10 and 19).
		{"small column", [][]int{{2, 8}, {0, 9}}, [][]Kind{{F, H, S}, {S, S, S}, {F, H, S}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := Suppress(mustTable(t, tt.counts))
			if got := kinds(s); !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("kinds\n got %v\nwant %v", got, tt.want)
			}
			for _, r := range s.Ranges() {
				if !r.Protected() {
					t.Errorf("cell (%d, %d) can be worked out: %+v", r.Row, r.Col, r)
				}
			}
		})
	}
}

func TestRangesKnownAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		s        Suppressed
		i, j     int
		min, max int
		unbound  bool
	}{
		// Primary suppression alone: two hidden cells summing to 2,
		// each at least 1, are both 1.
		{"bounds pin both cells", primary(mustTable(t, [][]int{{1, 1, 10}})), 0, 1, 1, 1, false},
		// A small cell alone in its row is its total minus the others.
		{"alone in its row", primary(mustTable(t, [][]int{{3, 20, 30}, {10, 15, 25}})), 0, 0, 3, 3, false},
		{"one small count", primary(mustTable(t, [][]int{{3}})), 0, 0, 1, 4, false},
		// 10 − (1 to 4), and a hidden count is 5 or more.
		{"list", Suppress(mustTable(t, [][]int{{3, 7}})), 0, 1, 6, 9, false},
		{"list's small cell", Suppress(mustTable(t, [][]int{{3, 7}})), 0, 0, 1, 4, false},
		// 12 minus two counts of 1 to 4, and at least 5.
		{"bounds case after suppression", Suppress(mustTable(t, [][]int{{1, 1, 10}})), 0, 2, 5, 10, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := rangeAt(t, tt.s.Ranges(), tt.i, tt.j)
			if r.Min != tt.min || r.Unbounded != tt.unbound || (!r.Unbounded && r.Max != tt.max) {
				t.Errorf("range %+v, want %d to %d (unbounded %v)", r, tt.min, tt.max, tt.unbound)
			}
			if want := tt.unbound || tt.max > tt.min; r.Protected() != want {
				t.Errorf("Protected() = %v, want %v", r.Protected(), want)
			}
		})
	}
}

func TestRangesUnboundedWhenTheTotalIsHidden(t *testing.T) {
	t.Parallel()
	// Suppress never hides this grand total (cheaper cycles exist), so
	// the published view is made by hand: 3 and 7 hidden with their total.
	s := primary(mustTable(t, [][]int{{3, 7}}))
	s.kind[1], s.kind[2] = Hidden, Hidden
	tests := []struct {
		j   int
		min int
	}{
		{1, 5},     // a hidden count is 5 or more
		{Total, 6}, // 1 to 4 plus 5 or more
	}
	for _, tt := range tests {
		if r := rangeAt(t, s.Ranges(), 0, tt.j); !r.Unbounded || r.Min != tt.min || !r.Protected() {
			t.Errorf("cell (0, %d): %+v, want %d or more", tt.j, r, tt.min)
		}
	}
	if r := rangeAt(t, s.Ranges(), 0, 0); r.Unbounded || r.Min != 1 || r.Max != 4 {
		t.Errorf("the small count: %+v, want 1 to 4", r)
	}
}

func TestExportNeverHoldsASmallCount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		counts [][]int
	}{
		{"list", [][]int{{3, 7, 0, 12}}},
		{"column", [][]int{{4}, {9}, {11}}},
		{"small total", [][]int{{1, 2, 0}, {8, 9, 7}}},
		{"small grand total", [][]int{{1, 0}, {0, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := mustTable(t, tt.counts)
			checkExport(t, tb, Suppress(tb))
		})
	}
}

func TestCellExport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cell Cell
		want string
	}{
		{Cell{Kind: Shown, Count: 0}, "0"},
		{Cell{Kind: Shown, Count: 17}, "17"},
		{Cell{Kind: FewerThanFive}, ""},
		{Cell{Kind: Hidden}, ""},
		{Cell{Kind: Withheld}, ""},
	}
	for _, tt := range tests {
		if got := tt.cell.Export(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.cell, got, tt.want)
		}
	}
}

func TestKindKeysDiffer(t *testing.T) {
	t.Parallel()
	seen := map[string]Kind{}
	for _, k := range []Kind{Shown, FewerThanFive, Hidden, Withheld} {
		if o, ok := seen[k.Key()]; ok {
			t.Errorf("kinds %d and %d share the key %s", o, k, k.Key())
		}
		seen[k.Key()] = k
	}
}

func TestNewTableRefusesBadShapes(t *testing.T) {
	t.Parallel()
	for _, counts := range [][][]int{nil, {{}}, {{1, 2}, {3}}, {{1, -1}}} {
		if _, err := NewTable(counts); err == nil {
			t.Errorf("%v: no error", counts)
		}
	}
}

// checkExport asserts that every exported value is "" or a count that is
// not 1 to 4 and is the cell's true count, and that a hidden cell's Count
// is 0.
func checkExport(t *testing.T, tb Table, s Suppressed) {
	t.Helper()
	for i := 0; i <= tb.Rows(); i++ {
		for j := 0; j <= tb.Cols(); j++ {
			ci, cj := at(tb.Rows(), i), at(tb.Cols(), j)
			c, e := s.Cell(ci, cj), s.Export(ci, cj)
			if c.Kind != Shown {
				if e != "" || c.Count != 0 {
					t.Errorf("hidden cell (%d, %d) exports %q, count %d", ci, cj, e, c.Count)
				}
				continue
			}
			n, err := strconv.Atoi(e)
			if err != nil || n != tb.Count(ci, cj) || (n >= 1 && n <= 4) {
				t.Errorf("cell (%d, %d) of count %d exports %q", ci, cj, tb.Count(ci, cj), e)
			}
		}
	}
}

// generated is a table of r×c counts skewed small: a third zero, a third
// 1 to 4, a third 5 to 5+spread.
func generated(rnd *rand.Rand, r, c, spread int) Table {
	counts := make([][]int, r)
	for i := range counts {
		counts[i] = make([]int, c)
		for j := range counts[i] {
			switch rnd.IntN(3) {
			case 1:
				counts[i][j] = 1 + rnd.IntN(4)
			case 2:
				counts[i][j] = 5 + rnd.IntN(spread+1)
			}
		}
	}
	tb, _ := NewTable(counts)
	return tb
}

func TestSuppressProtectsGeneratedTables(t *testing.T) {
	t.Parallel()
	tables, hidden, bruteForced := 0, 0, 0
	for seed := range uint64(10) {
		rnd := rand.New(rand.NewPCG(seed, 7))
		for range 100 {
			r, c := 1+rnd.IntN(8), 1+rnd.IntN(6)
			tb := generated(rnd, r, c, []int{3, 10, 40, 400}[rnd.IntN(4)])
			s := Suppress(tb)
			tables++
			name := fmt.Sprintf("seed %d table %v", seed, tb.counts)
			checkExport(t, tb, s)
			checkLines(t, name, s)
			if again := kinds(Suppress(tb)); !slices.EqualFunc(again, kinds(s), slices.Equal) {
				t.Errorf("%s: a second Suppress gives %v, the first %v", name, again, kinds(s))
			}
			rs := s.Ranges()
			hidden += len(rs)
			for _, rg := range rs {
				v := tb.Count(rg.Row, rg.Col)
				if !rg.Protected() || v < rg.Min || (!rg.Unbounded && v > rg.Max) {
					t.Errorf("%s: cell (%d, %d) = %d: %+v", name, rg.Row, rg.Col, v, rg)
				}
			}
			if r*c <= 9 {
				bruteForced++
				checkBruteForce(t, name, tb, s, rs)
			}
		}
	}
	if bruteForced < 30 || hidden < 1000 {
		t.Errorf("only %d tables brute-forced and %d hidden cells checked", bruteForced, hidden)
	}
	t.Logf("%d tables, %d hidden cells, %d brute-forced", tables, hidden, bruteForced)
}

// checkLines asserts that no line of the grid, totals included, has exactly
// one hidden cell, and that no zero is hidden.
func checkLines(t *testing.T, name string, s Suppressed) {
	t.Helper()
	g := kinds(s)
	for i := range g {
		n := 0
		for j := range g[i] {
			if g[i][j] != Shown {
				n++
			}
		}
		if n == 1 {
			t.Errorf("%s: row %d has one hidden cell: %v", name, i, g)
		}
	}
	for j := range g[0] {
		n := 0
		for i := range g {
			if g[i][j] != Shown {
				n++
			}
		}
		if n == 1 {
			t.Errorf("%s: column %d has one hidden cell: %v", name, j, g)
		}
	}
}
