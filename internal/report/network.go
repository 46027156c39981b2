package report

import "fmt"

// network is a table's equations as a directed graph, which is what makes
// both the check exact and the choice of complementary cells simple.
//
// A table of r rows and c columns with its totals is a grid of (r+1)×(c+1)
// figures, and each line of the grid says that its cells add up to its
// total. Give every line a node, and negate the lines of the inner columns
// and of the total row: then every figure has +1 in one of its two lines and
// −1 in the other, so it is an edge between two nodes and the equations say
// that what enters each node leaves it. Whatever the values of the hidden
// figures, the shown ones stay as they are, so two tables that publish the
// same figures differ by a circulation on the hidden edges: a hidden figure
// can be worked out exactly when no cycle of hidden edges through it can
// carry a unit of flow within the bounds.
//
// Such a matrix (an incidence matrix of a directed graph) is totally
// unimodular, which the check relies on: see lp.
type network struct {
	nodes   int   // r+1 row lines, then c+1 column lines
	figures []int // the grid position of each figure, in grid order
	value   []int // each figure's count
	tail    []int // the node a figure's edge leaves, -1 for a figure in no equation
	head    []int // the node it enters, -1 likewise
}

// network builds the graph of t. In a table of one row or one column some
// positions repeat a figure: their coefficients add up, and a figure of a
// 1×1 table ends in no equation at all.
func (t Table) network() network {
	R, C := t.rows, t.cols
	n := network{nodes: R + 1 + C + 1}
	index := make(map[int]int) // figure position → figure
	for i := 0; i <= R; i++ {
		for j := 0; j <= C; j++ {
			if f := t.figure(i, j); f == i*(C+1)+j {
				index[f] = len(n.figures)
				n.figures = append(n.figures, f)
				n.value = append(n.value, t.Count(n.cell(t, len(n.figures)-1)))
			}
		}
	}
	coef := make([][]int, len(n.figures))
	for k := range coef {
		coef[k] = make([]int, n.nodes)
	}
	for i := 0; i <= R; i++ {
		for j := 0; j <= C; j++ {
			k := index[t.figure(i, j)]
			inRow, inCol := 1, 1 // the sign in its row line and in its column line
			if j == C {
				inRow = -1 // the row's total
			}
			if i == R {
				inCol = -1 // the column's total
				inRow = -inRow
			}
			if j < C {
				inCol = -inCol
			}
			coef[k][i] += inRow
			coef[k][R+1+j] += inCol
		}
	}
	for k := range n.figures {
		tail, head := -1, -1
		for v, a := range coef[k] {
			switch {
			case a == 1 && head < 0:
				head = v
			case a == -1 && tail < 0:
				tail = v
			case a != 0:
				panic(fmt.Sprintf("report: figure %d is not an edge: %v", k, coef[k]))
			}
		}
		if (tail < 0) != (head < 0) {
			panic(fmt.Sprintf("report: figure %d is not an edge: %v", k, coef[k]))
		}
		n.tail = append(n.tail, tail)
		n.head = append(n.head, head)
	}
	return n
}

// cell is the row and column of figure k, Total for a total.
func (n network) cell(t Table, k int) (int, int) {
	i, j := n.figures[k]/(t.cols+1), n.figures[k]%(t.cols+1)
	if i == t.rows {
		i = Total
	}
	if j == t.cols {
		j = Total
	}
	return i, j
}
