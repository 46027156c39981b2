package report

// Suppressed is a table as it may be published: every cell shown or
// hidden, with the table's shape. It keeps the hidden counts to itself.
type Suppressed struct {
	table Table
	net   network
	kind  []Kind // of each figure of net
	index []int  // grid position → figure
}

// Rows is the number of rows, not counting the totals.
func (s Suppressed) Rows() int { return s.table.rows }

// Cols is the number of columns, not counting the totals.
func (s Suppressed) Cols() int { return s.table.cols }

// Cell is cell (i, j) as published; i or j may be Total.
func (s Suppressed) Cell(i, j int) Cell {
	i, j = s.table.grid(i, j)
	k := s.index[s.table.figure(i, j)]
	if s.kind[k] != Shown {
		return Cell{Kind: s.kind[k]}
	}
	return Cell{Kind: Shown, Count: s.net.value[k]}
}

// Export is the value of cell (i, j) in an export: its count, or "" when it
// is hidden. It is never a count of 1 to 4.
func (s Suppressed) Export(i, j int) string { return s.Cell(i, j).Export() }

// Suppress returns the table as it may be published.
//
// Primary suppression hides every figure, inner or total, whose count is 1
// to 4. Zero is shown: it reveals nobody, and showing it is the common
// convention of small-count suppression in health statistics (a zero says
// that a group is empty, which a funder's report may say; the risk this
// guards against is finding the one or few people in a small group). A
// zero can still say something of a whole group — every case of a row
// with the same outcome when the rest of the row is 0 — which suppressing
// cells does not prevent; reports should not cross categories so fine that
// such a statement harms.
//
// Complementary suppression then hides counts of 5 or more until no hidden
// count can be worked out: for each hidden figure that Ranges finds with a
// single possible value, it hides the cheapest cycle of figures through it
// that could move by one (see network) — the cost of a figure is its count,
// and 0 when already hidden, so small counts are preferred and a cycle that
// reuses hidden figures, protecting several at once, is free. A figure
// alone in its row or column is always worked out, so no line is left with
// exactly one hidden figure. It never hides a zero, so a reader may assume
// that a Hidden cell holds 5 or more, and the check assumes so too.
//
// Ranges checks the result; the loop ends when every hidden figure has at
// least two possible values. Should some figure have no cycle at all, the
// whole table is withheld. The choices depend on the counts alone, in a
// fixed order, so a table always gives the same result.
func Suppress(t Table) Suppressed { return suppress(t, nil) }

// Ref names a cell of a table; Row or Col may be Total.
type Ref struct{ Row, Col int }

// suppress is Suppress with the cells of hide hidden from the start,
// whatever their count (a zero stays shown: it is never hidden).
func suppress(t Table, hide []Ref) Suppressed {
	s := primary(t)
	for _, r := range hide {
		i, j := t.grid(r.Row, r.Col)
		if k := s.index[t.figure(i, j)]; s.kind[k] == Shown && s.net.value[k] > 0 {
			s.kind[k] = Hidden
		}
	}
	safe := make([]bool, len(s.kind)) // hiding more never undoes a figure's safety
	for {
		open := s.exposed(safe)
		if len(open) == 0 {
			return s
		}
		for _, k := range open {
			cycle, ok := s.cheapestCycle(k)
			if !ok {
				return s.withheld()
			}
			for _, e := range cycle {
				if s.kind[e] == Shown {
					s.kind[e] = Hidden
				}
			}
		}
	}
}

// primary is t with its counts of 1 to 4 hidden, and nothing else.
func primary(t Table) Suppressed {
	s := Suppressed{table: t, net: t.network()}
	s.kind = make([]Kind, len(s.net.figures))
	s.index = make([]int, (t.rows+1)*(t.cols+1))
	for k, f := range s.net.figures {
		s.index[f] = k
		if v := s.net.value[k]; v >= 1 && v <= 4 {
			s.kind[k] = FewerThanFive
		}
	}
	for i := 0; i <= t.rows; i++ {
		for j := 0; j <= t.cols; j++ {
			s.index[i*(t.cols+1)+j] = s.index[t.figure(i, j)]
		}
	}
	return s
}

// withheld is s with nothing shown.
func (s Suppressed) withheld() Suppressed {
	for k := range s.kind {
		s.kind[k] = Withheld
	}
	return s
}

// Link says that cells of different tables publish the same figure (e.g.
// the number of referrals sent, the grand total of a table by need and of a
// table by partner): each is a table's index and a cell of it.
type Link []struct {
	Table int
	Ref
}

// SuppressLinked suppresses tables that share figures, so that a shared
// figure is hidden in all of them or in none: each table is suppressed,
// every linked figure hidden in one is hidden in the others, and so on
// until nothing changes (hiding more never makes a table unsafe). Each
// table is then safe on its own and no table gives away a figure another
// hides. Last, the tables are checked together (jointExposed): a figure a
// reader of them all can work out gets a cycle of its table hidden, or
// the table withheld, and the whole goes round again. The linked cells
// must hold the same count.
func SuppressLinked(tables []Table, links []Link) []Suppressed {
	hide := make([][]Ref, len(tables))
	withheld := make([]bool, len(tables))
	out := make([]Suppressed, len(tables))
	for {
		for i, t := range tables {
			out[i] = suppress(t, hide[i])
			if withheld[i] {
				out[i] = out[i].withheld()
			}
		}
		changed := false
		for _, l := range links {
			hidden := false
			for _, c := range l {
				hidden = hidden || out[c.Table].Cell(c.Row, c.Col).Kind != Shown
			}
			if !hidden {
				continue
			}
			for _, c := range l {
				if out[c.Table].Cell(c.Row, c.Col).Kind == Shown && tables[c.Table].Count(c.Row, c.Col) > 0 {
					hide[c.Table] = append(hide[c.Table], c.Ref)
					changed = true
				}
			}
		}
		if changed {
			continue
		}
		f, exposed := jointExposed(out, links)
		if !exposed {
			return out
		}
		s := out[f.table]
		cycle, ok := s.cheapestCycle(f.figure)
		grew := false
		for _, e := range cycle {
			if s.kind[e] == Shown {
				i, j := s.net.cell(s.table, e)
				hide[f.table] = append(hide[f.table], Ref{i, j})
				grew = true
			}
		}
		if !ok || !grew {
			if withheld[f.table] {
				return out // nothing of it is shown: nothing more to hide
			}
			withheld[f.table] = true
		}
	}
}

// Exact is the table with every count shown, for the page of a program's
// coordinators, who may see exact counts; never for an export or a viewer.
func Exact(t Table) Suppressed {
	s := primary(t)
	for k := range s.kind {
		s.kind[k] = Shown
	}
	return s
}
