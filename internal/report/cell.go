package report

import "strconv"

// Kind says how a page shows a cell: its count, or which marker stands for
// it. The pages translate the markers (Key gives the message key), so no
// marker text lives here.
type Kind uint8

const (
	// Shown is a count a reader may see, 0 included: a zero reveals nobody.
	Shown Kind = iota
	// FewerThanFive is a count of 1 to 4, hidden for its own sake
	// (primary suppression); readers see "fewer than 5".
	FewerThanFive
	// Hidden is a count of 5 or more, hidden so that no count of 1 to 4
	// can be worked out from the others (complementary suppression).
	Hidden
	// Withheld is any count of a table that could not be protected cell
	// by cell, so that nothing of it is shown.
	Withheld
	// TooFew is a measure (days, a rate, a share, hours) not shown because
	// it rests on fewer than five people, or on counts that are hidden.
	TooFew
)

// Key is the kind's message key, for the pages' catalogues.
func (k Kind) Key() string {
	switch k {
	case Shown:
		return "report.cell.shown"
	case FewerThanFive:
		return "report.cell.fewer_than_5"
	case Hidden:
		return "report.cell.hidden"
	case TooFew:
		return "report.cell.too_few"
	default:
		return "report.cell.withheld"
	}
}

// Cell is one cell as published: Count is its count when Kind is Shown and
// 0 otherwise, so a hidden count never leaves the package.
type Cell struct {
	Kind  Kind
	Count int
}

// Export is the cell's value in an export (CSV and the like): the count
// when shown, "" when hidden. The pages put the marker in its place; an
// export has a legend instead.
func (c Cell) Export() string {
	if c.Kind != Shown {
		return ""
	}
	return strconv.Itoa(c.Count)
}
