package report

import (
	"slices"
	"time"

	"homeward/internal/errs"
	"homeward/internal/program"
)

// FigureKeys are the keys of every figure the outcomes report of program p
// has, in the report's order: what a funder table may name.
func FigureKeys(p program.Program) []string {
	day := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	o := Build(Query{ProgramIDs: []int64{p.ID}, From: day, To: day}, Facts{}, []program.Program{p}, day, true)
	keys := make([]string, len(o.Figures))
	for i, f := range o.Figures {
		keys[i] = f.Key
	}
	return keys
}

// CheckFunderTable refuses a funder table that names a figure the program's
// report does not have (the shape of its lines is program.Validate's).
func CheckFunderTable(p program.Program) error {
	if len(p.FunderTable) == 0 {
		return nil
	}
	keys := FigureKeys(p)
	for _, l := range p.FunderTable {
		if !slices.Contains(keys, l.Figure) {
			return errs.Invalid(map[string]string{"funder_table": "validation.funder_figure_unknown"})
		}
	}
	return nil
}

// DefaultFunderTable is the funder table of a program that has not set its
// own: the figures the funders of the brief's programs ask for first.
func DefaultFunderTable(p program.Program) []program.FunderLine {
	keys := []string{"entered", "active_at_end", "closed.completed", "outcome.retraining_completed",
		"outcome.debt_case_closed", "outcome.job_found", "outcome.housing_secured", "outcome.legal_status_obtained",
		"outcome.family_law_help", "follow_up.12.work_kept", "follow_up.12.rearrested", "mentors.trained",
		"mentors.active", "hours.total"}
	if p.Custody.Enabled {
		keys = slices.Insert(keys, slices.Index(keys, "outcome.job_found")+1, "outcome.job_found.after_release")
	}
	lines := make([]program.FunderLine, len(keys))
	for i, k := range keys {
		lines[i] = program.FunderLine{Figure: k}
	}
	return lines
}

// FunderRow is a line of a funder table with its figure in the report; a
// figure the report no longer has (an own outcome kind removed since) is
// not Known, and shows as such rather than disappearing.
type FunderRow struct {
	Line   program.FunderLine
	Figure Figure
	Known  bool
}

// FunderTable is the funder table of program p filled from the report.
func (o Outcomes) FunderTable(p program.Program) []FunderRow {
	lines := p.FunderTable
	if len(lines) == 0 {
		lines = DefaultFunderTable(p)
	}
	rows := make([]FunderRow, len(lines))
	for i, l := range lines {
		f, ok := o.Figure(l.Figure)
		rows[i] = FunderRow{Line: l, Figure: f, Known: ok}
	}
	return rows
}
