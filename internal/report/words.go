package report

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"homeward/internal/program"
)

// T translates a message key with its named arguments ("name", value, …):
// an i18n.Printer's T. The report's words live in the catalogues.
type T func(key string, args ...any) string

// params are a figure's named arguments: its outcome kind, channel or
// months, in words.
func (f Figure) params(t T) []any {
	var what string
	switch {
	case f.Label != "":
		what = f.Label // a program's own outcome kind, as the program named it
	case f.Message == "outcome" || f.Message == "outcome.after_release":
		what = t("outcomes.kind." + f.Param)
	case f.Message == "contacts.channel.per_case_month":
		what = t("contacts.channel." + f.Param)
	default:
		what = f.Param
	}
	return []any{"what", what}
}

// Name is the figure's name in words.
func (f Figure) Name(t T) string { return t("report.figure."+f.Message, f.params(t)...) }

// Definition is the figure's short definition in words.
func (f Figure) Definition(t T) string { return t("report.definition."+f.Message, f.params(t)...) }

// Text is the value in words: the number with its unit, or the marker.
func (v Value) Text(u Unit, t T) string {
	if v.Kind != Shown {
		return t(v.Kind.Key())
	}
	switch u {
	case Share:
		return t("report.value.share", "n", strconv.FormatFloat(math.Round(v.N*100), 'f', 0, 64))
	case Days:
		return t("report.value.days", "n", strconv.FormatFloat(v.N, 'f', 0, 64))
	case PerCaseMonth, PerWeek:
		return strconv.FormatFloat(v.N, 'f', 1, 64)
	case Change:
		s := strconv.FormatFloat(v.N, 'f', 1, 64)
		if v.N > 0 {
			s = "+" + s
		}
		return s
	case Hours:
		return t("report.value.hours", "n", strconv.FormatFloat(math.Round(v.N), 'f', 0, 64))
	}
	return strconv.FormatFloat(v.N, 'f', -1, 64)
}

// Text is a row's or a column's label in words.
func (l Label) Words(t T) string {
	switch {
	case !l.Month.IsZero():
		return l.Month.Format("2006-01")
	case l.Key != "":
		return t(l.Key)
	}
	return l.Text
}

// Marker is a hidden value's marker key in an export's cell ("" when shown).
func (v Value) Marker() string {
	if v.Kind == Shown {
		return ""
	}
	return v.Kind.Key()
}

// WriteOutcomes writes the report to an export: the programs, the period,
// the day it was made, each program's funder table, every figure with its
// definition, the tables, and the footnote on suppression. Hidden values
// are empty cells with the marker beside them; an export is always
// suppressed (Build with exact false), which the caller sees to.
func WriteOutcomes(s Sheet, o Outcomes, programs []program.Program, t T) error {
	rows := [][]any{
		{t("report.title")},
		{t("report.programs"), programNames(programs)},
		{t("report.period"), o.Query.Start().Format(time.DateOnly), o.Query.To.Format(time.DateOnly)},
		{t("report.made"), o.Made.UTC().Format("2006-01-02 15:04 UTC")},
		{},
	}
	for _, p := range programs {
		if len(programs) > 1 {
			break // a funder table is one program's: its figures alone
		}
		rows = append(rows, []any{t("report.funder_table.of", "program", p.Name)},
			[]any{t("report.column.figure"), t("report.column.value"), t("report.column.note")})
		for _, r := range o.FunderTable(p) {
			label := r.Line.Label
			if label == "" && r.Known {
				label = r.Figure.Name(t)
			}
			if !r.Known {
				rows = append(rows, []any{label, "", t("report.figure_gone")})
				continue
			}
			rows = append(rows, []any{label, r.Figure.Value.cell(r.Figure.Unit), markerText(r.Figure.Value, t)})
		}
		rows = append(rows, []any{})
	}
	rows = append(rows, []any{t("report.all_figures")},
		[]any{t("report.column.group"), t("report.column.figure"), t("report.column.value"), t("report.column.note"), t("report.column.definition")})
	for _, f := range o.Figures {
		rows = append(rows, []any{t("report.group." + f.Group), f.Name(t), f.Value.cell(f.Unit), markerText(f.Value, t), f.Definition(t)})
	}
	for _, sec := range o.Tables {
		rows = append(rows, []any{}, []any{t("report.table." + sec.Key)})
		head := []any{""}
		for _, c := range sec.Cols {
			head = append(head, c.Words(t))
		}
		nr, nc := sec.Lines()
		if nc > len(sec.Cols) {
			head = append(head, t("report.column.total"))
		}
		rows = append(rows, head)
		for i := 0; i < nr; i++ {
			r := Total
			label := t("report.column.total")
			if i < len(sec.Rows) {
				r, label = i, sec.Rows[i].Words(t)
			}
			line := []any{label}
			for j := 0; j < nc; j++ {
				c := Total
				if j < len(sec.Cols) {
					c = j
				}
				cell := sec.Cell(r, c)
				if cell.Kind == Shown {
					line = append(line, cell.Count)
				} else {
					line = append(line, t(cell.Kind.Key()))
				}
			}
			rows = append(rows, line)
		}
	}
	rows = append(rows, []any{}, []any{t("report.footnote")})
	for _, r := range rows {
		if err := s.Row(r...); err != nil {
			return err
		}
	}
	return nil
}

// cell is the value as an export's cell: a count as an int, a measure as
// a float64 (a share in percent), "" when hidden.
func (v Value) cell(u Unit) any {
	switch {
	case v.Kind != Shown:
		return ""
	case u.Counted():
		return int(v.N)
	}
	x, _ := strconv.ParseFloat(v.Export(u), 64)
	return x
}

func markerText(v Value, t T) string {
	if v.Kind == Shown {
		return ""
	}
	return t(v.Kind.Key())
}

func programNames(ps []program.Program) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += "; "
		}
		s += p.Name
	}
	return s
}

// Respond writes the report as an attachment in the format, "csv" or
// "xlsx". The caller has audited the export.
func Respond(w http.ResponseWriter, format string, o Outcomes, programs []program.Program, t T) error {
	name := "homeward-outcomes-" + o.Query.From.Format(time.DateOnly) + "-" + o.Query.To.Format(time.DateOnly) + "." + format
	var sheet Sheet
	var err error
	if format == "csv" {
		sheet = NewCSV(w)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		if sheet, err = NewXLSX(w, t("report.sheet")); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	err = WriteOutcomes(sheet, o, programs, t)
	if cerr := sheet.Close(); err == nil {
		err = cerr
	}
	return err
}
