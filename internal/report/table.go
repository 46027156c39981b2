package report

import (
	"errors"
	"fmt"
)

// Total stands for a total in a cell's row or column index: Count(i, Total)
// is row i's total, Count(Total, j) column j's and Count(Total, Total) the
// grand total.
const Total = -1

// Table is a two-way table of counts, such as cases by program and outcome,
// with its row totals, column totals and grand total. The totals are
// published too, so they are cells like the others: they are derived from
// the inner counts here, never given, so a table always adds up.
//
// A list (counts with their total) is a table of one row. In a table of one
// row the column totals are the cells themselves, and the grand total is the
// row total: they are one figure each, shown or hidden together; likewise
// for a table of one column.
type Table struct {
	rows, cols int
	counts     []int // row-major, rows×cols
}

// NewTable returns the table of the counts, given row by row. Every row must
// have the same, non-zero, length and every count must be 0 or more.
func NewTable(counts [][]int) (Table, error) {
	if len(counts) == 0 || len(counts[0]) == 0 {
		return Table{}, errors.New("report: a table needs at least one row and one column")
	}
	t := Table{rows: len(counts), cols: len(counts[0])}
	t.counts = make([]int, 0, t.rows*t.cols)
	for i, row := range counts {
		if len(row) != t.cols {
			return Table{}, fmt.Errorf("report: row %d has %d counts, row 0 has %d", i, len(row), t.cols)
		}
		for j, n := range row {
			if n < 0 {
				return Table{}, fmt.Errorf("report: count (%d, %d) is negative: %d", i, j, n)
			}
		}
		t.counts = append(t.counts, row...)
	}
	return t, nil
}

// NewList returns the table of one row holding the counts.
func NewList(counts []int) (Table, error) {
	return NewTable([][]int{counts})
}

// Rows is the number of rows, not counting the totals.
func (t Table) Rows() int { return t.rows }

// Cols is the number of columns, not counting the totals.
func (t Table) Cols() int { return t.cols }

// Count is the count of a cell; i or j may be Total.
func (t Table) Count(i, j int) int {
	i, j = t.grid(i, j)
	n := 0
	for r := range t.rows {
		if i != t.rows && r != i {
			continue
		}
		for c := range t.cols {
			if j != t.cols && c != j {
				continue
			}
			n += t.counts[r*t.cols+c]
		}
	}
	return n
}

// grid turns a cell's indexes, where Total may stand for a total, into the
// table's grid of (rows+1)×(cols+1) positions, the totals last. It panics on
// an index out of range, as a slice does.
func (t Table) grid(i, j int) (int, int) {
	if i == Total {
		i = t.rows
	}
	if j == Total {
		j = t.cols
	}
	if i < 0 || i > t.rows || j < 0 || j > t.cols {
		panic(fmt.Sprintf("report: cell (%d, %d) outside a %d×%d table", i, j, t.rows, t.cols))
	}
	return i, j
}

// figure is the index of the published figure at a grid position: the
// position itself, except in a table of one row or one column, where a
// total that repeats a cell (or the other total) is that cell's figure.
func (t Table) figure(i, j int) int {
	if t.rows == 1 && i == t.rows {
		i = 0
	}
	if t.cols == 1 && j == t.cols {
		j = 0
	}
	return i*(t.cols+1) + j
}
