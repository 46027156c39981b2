package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/errs"
	"homeward/internal/i18n"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/report"
)

// reportPage is the outcomes report of the chosen programs and period:
// the funder tables, the charts, every figure with its definition and the
// tables, exact for a program's coordinators and suppressed for everyone
// else. It holds counts only.
type reportPage struct {
	Form      *form
	Available []program.Program // the programs the user may report on
	Chosen    []int64
	Presets   []string
	Preset    string
	Report    *report.Outcomes
	Programs  []program.Program // the report's programs
	Funder    []funderView
	Groups    []figureGroup
	Tables    []tableView
	Charts    []chartView
	Export    template.URL // the query of the export links, encoded here
	Exact     bool
	// Months is the period the downloads cover (whole months that have
	// ended), when it differs from the page's.
	Months *report.Query
	// Asked is the period asked for when the report's was rounded to
	// whole months that have ended (every suppressed report is).
	Asked *report.Query
}

// funderView is a program's funder table in words.
type funderView struct {
	Program program.Program
	Rows    []figureView
	CanEdit bool
}

// figureView is a figure in words.
type figureView struct {
	Name, Value, Definition string
	Hidden                  bool
}

// figureGroup is the figures under one heading.
type figureGroup struct {
	Key     string
	Figures []figureView
}

// tableView is a table of the report in words, totals last.
type tableView struct {
	ID, Key string
	Head    []string
	Rows    [][]tableCell
	Caption string
}

type tableCell struct {
	Text   string
	Hidden bool
	Head   bool
}

// chartView is a chart with the table that says the same in words.
type chartView struct {
	ID, Title string
	SVG       template.HTML
	Table     tableView
	Hidden    bool // some of its figures are hidden, so not drawn
}

// reportPrograms are the programs the user may report on, in name order.
func (h *Web) reportPrograms(ctx context.Context) ([]program.Program, error) {
	u := policy.Actor(ctx)
	var out []program.Program
	for _, id := range u.Programs {
		if !policy.Can(u, policy.ReportView, id) {
			continue
		}
		p, err := h.store.GetProgram(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b program.Program) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return out, nil
}

// outcomes reads the report the query asks for: its programs (all the
// user's when none is named), each of which the user must be allowed to
// report on, and its period. Exact is asked for and granted only when the
// user may see exact counts of every program of the report.
func (h *Web) outcomes(ctx context.Context, v url.Values, available []program.Program, exact bool) (report.Outcomes, []program.Program, string, error) {
	ids, err := report.ParsePrograms(v)
	if err != nil {
		return report.Outcomes{}, nil, "", err
	}
	if len(ids) == 0 {
		for _, p := range available {
			ids = append(ids, p.ID)
		}
	}
	u := policy.Actor(ctx)
	var programs []program.Program
	for _, id := range ids {
		i := slices.IndexFunc(available, func(p program.Program) bool { return p.ID == id })
		if i < 0 || !policy.Can(u, policy.ReportView, id) {
			return report.Outcomes{}, nil, "", errs.NotFound("program")
		}
		programs = append(programs, available[i])
		exact = exact && policy.Can(u, policy.ReportExact, id)
	}
	if len(programs) == 0 {
		return report.Outcomes{}, nil, "", errs.Invalid(map[string]string{"program_id": "validation.required"})
	}
	start, err := h.store.ReportStart(ctx, ids)
	if err != nil {
		return report.Outcomes{}, nil, "", err
	}
	q, preset, err := report.ParseQuery(v, ids, h.store.Now(), start)
	if err != nil {
		return report.Outcomes{}, nil, "", err
	}
	if !exact {
		q, _ = q.WholeMonths(h.store.Now())
	}
	facts, err := h.store.OutcomeFacts(ctx, q)
	if err != nil {
		return report.Outcomes{}, nil, "", err
	}
	return report.Build(q, facts, programs, h.store.Now(), exact), programs, preset, nil
}

// reportShow is the report page: the form, and the report it asks for.
func (h *Web) reportShow(w http.ResponseWriter, r *http.Request) error {
	available, err := h.reportPrograms(r.Context())
	if err != nil {
		return err
	}
	v := r.URL.Query()
	pg := reportPage{Available: available, Presets: report.Presets, Preset: v.Get("preset"),
		Form: newForm(map[string]string{"preset": v.Get("preset"), "from": v.Get("from"), "to": v.Get("to")})}
	pg.Form.addFields("program_id", "preset", "from", "to")
	if pg.Preset == "" && (v.Get("from") != "" || v.Get("to") != "") {
		pg.Preset = "custom"
	}
	pg.Chosen, _ = report.ParsePrograms(v)
	if len(available) == 0 {
		return h.render(w, r, http.StatusOK, "report", "reports", pg)
	}
	o, programs, preset, err := h.outcomes(r.Context(), v, available, true)
	if err != nil {
		if !pg.Form.refuse(err, "") {
			return err
		}
		return h.render(w, r, refusedStatus(err), "report", "reports", pg)
	}
	pg.Preset = preset
	if preset == "" {
		pg.Preset = "custom"
	}
	if asked, _, err := report.ParseQuery(v, o.Query.ProgramIDs, h.store.Now(), o.Query.From); err == nil &&
		(!asked.From.Equal(o.Query.From) || !asked.To.Equal(o.Query.To)) {
		pg.Asked = &asked
	}
	if months, changed := o.Query.WholeMonths(h.store.Now()); o.Exact && changed {
		pg.Months = &months
	}
	pg.Form.Values["from"], pg.Form.Values["to"] = o.Query.From.Format(time.DateOnly), o.Query.To.Format(time.DateOnly)
	pg.Chosen = o.Query.ProgramIDs
	pg.fill(h.printer(r), o, programs)
	for i := range pg.Funder {
		pg.Funder[i].CanEdit = policy.CheckRequest(r.Context(), policy.ProgramEdit, pg.Funder[i].Program.ID) == nil
	}
	return h.render(w, r, http.StatusOK, "report", "reports", pg)
}

// IsChosen tells whether the program is among those of the report.
func (pg reportPage) IsChosen(id int64) bool { return slices.Contains(pg.Chosen, id) }

// fill puts the report in words.
func (pg *reportPage) fill(p *i18n.Printer, o report.Outcomes, programs []program.Program) {
	t := report.T(p.T)
	pg.Report, pg.Programs, pg.Exact = &o, programs, o.Exact
	q := url.Values{"from": {o.Query.From.Format(time.DateOnly)}, "to": {o.Query.To.Format(time.DateOnly)}}
	for _, id := range o.Query.ProgramIDs {
		q.Add("program_id", strconv.FormatInt(id, 10))
	}
	pg.Export = template.URL(q.Encode()) // #nosec G203 -- url.Values encodes every part
	view := func(f report.Figure) figureView {
		return figureView{Name: f.Name(t), Value: f.Value.Text(f.Unit, t), Definition: f.Definition(t), Hidden: f.Value.Kind != report.Shown}
	}
	for _, prog := range programs {
		if len(programs) > 1 {
			break // a funder table is one program's: its figures alone
		}
		fv := funderView{Program: prog}
		for _, row := range o.FunderTable(prog) {
			v := figureView{Name: row.Line.Label, Value: p.T("report.figure_gone"), Hidden: true}
			if row.Known {
				v = view(row.Figure)
				if row.Line.Label != "" {
					v.Name = row.Line.Label
				}
			}
			fv.Rows = append(fv.Rows, v)
		}
		pg.Funder = append(pg.Funder, fv)
	}
	for _, f := range o.Figures {
		if n := len(pg.Groups); n == 0 || pg.Groups[n-1].Key != f.Group {
			pg.Groups = append(pg.Groups, figureGroup{Key: f.Group})
		}
		g := &pg.Groups[len(pg.Groups)-1]
		g.Figures = append(g.Figures, view(f))
	}
	for _, s := range o.Tables {
		pg.Tables = append(pg.Tables, tableOf(s, t))
	}
	pg.Charts = reportCharts(o, t)
}

// tableOf is a table of the report in words, with its totals.
func tableOf(s report.Section, t report.T) tableView {
	tv := tableView{ID: "table-" + s.Key, Key: s.Key, Caption: t("report.table." + s.Key), Head: []string{""}}
	for _, c := range s.Cols {
		tv.Head = append(tv.Head, c.Words(t))
	}
	rows, cols := s.Lines()
	if cols > len(s.Cols) {
		tv.Head = append(tv.Head, t("report.column.total"))
	}
	for i := 0; i < rows; i++ {
		r, label := report.Total, t("report.column.total")
		if i < len(s.Rows) {
			r, label = i, s.Rows[i].Words(t)
		}
		row := []tableCell{{Text: label, Head: true}}
		for j := 0; j < cols; j++ {
			c := report.Total
			if j < len(s.Cols) {
				c = j
			}
			cell := s.Cell(r, c)
			if cell.Kind == report.Shown {
				row = append(row, tableCell{Text: strconv.Itoa(cell.Count)})
			} else {
				row = append(row, tableCell{Text: t(cell.Kind.Key()), Hidden: true})
			}
		}
		tv.Rows = append(tv.Rows, row)
	}
	return tv
}

// reportExport writes the report as a CSV file or an XLSX workbook: always
// suppressed, whoever asks; audited before the first byte.
func (h *Web) reportExport(format string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		available, err := h.reportPrograms(r.Context())
		if err != nil {
			return err
		}
		o, programs, _, err := h.outcomes(r.Context(), r.URL.Query(), available, false)
		if err != nil {
			return err
		}
		for _, p := range programs {
			if err := h.store.Audit(r.Context(), "report.export", "program", p.ID, audit.OK); err != nil {
				return err
			}
		}
		return report.Respond(w, format, o, programs, report.T(h.printer(r).T))
	}
}
