package api

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/report"
)

// reportJSON is the outcomes report as the API answers it: every figure
// with its definition, the tables with their totals last, and each
// program's funder table; counts the caller may not see exactly are null
// with a marker.
type reportJSON struct {
	Programs     []reportProgram     `json:"programs"`
	From         string              `json:"from"`
	To           string              `json:"to"`
	Made         time.Time           `json:"made"`
	Exact        bool                `json:"exact"`
	Figures      []reportFigure      `json:"figures"`
	Tables       []reportTable       `json:"tables"`
	FunderTables []reportFunderTable `json:"funder_tables"`
	Footnote     string              `json:"footnote"`
}

type reportProgram struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// reportValue is a published value: the number, or null and the marker
// that stands for it (fewer_than_5, hidden, withheld).
type reportValue struct {
	Value  *float64 `json:"value"`
	Marker string   `json:"marker,omitempty"`
}

type reportFigure struct {
	Key        string `json:"key"`
	Group      string `json:"group"`
	Unit       string `json:"unit"`
	Name       string `json:"name"`
	Definition string `json:"definition"`
	reportValue
}

type reportTable struct {
	Key     string          `json:"key"`
	Title   string          `json:"title"`
	Unit    string          `json:"unit"`
	Rows    []string        `json:"rows"`
	Columns []string        `json:"columns"`
	Cells   [][]reportValue `json:"cells"` // (rows+1)×(columns+1): the totals last
}

type reportFunderTable struct {
	ProgramID int64              `json:"program_id"`
	Lines     []reportFunderLine `json:"lines"`
}

type reportFunderLine struct {
	Figure string `json:"figure"`
	Label  string `json:"label"`
	Known  bool   `json:"known"` // false: the report no longer has the figure
	reportValue
}

func valueOf(v report.Value) reportValue {
	if v.Kind != report.Shown {
		return reportValue{Marker: strings.TrimPrefix(v.Kind.Key(), "report.cell.")}
	}
	n := v.N
	return reportValue{Value: &n}
}

// outcomes reads the report the query asks for: its programs (every one
// the caller may report on when none is named), each checked by the
// policy, and its period; exact counts only for a coordinator of every
// program, and never when exact is false (exports).
func (a *API) outcomes(r *http.Request, exact bool) (report.Outcomes, []program.Program, error) {
	ctx := r.Context()
	u := policy.Actor(ctx)
	ids, err := report.ParsePrograms(r.URL.Query())
	if err != nil {
		return report.Outcomes{}, nil, err
	}
	if len(ids) == 0 {
		for _, id := range u.Programs {
			if policy.Can(u, policy.ReportView, id) {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
	}
	if len(ids) == 0 {
		return report.Outcomes{}, nil, errs.Invalid(map[string]string{"program_id": "validation.required"})
	}
	var programs []program.Program
	for _, id := range ids {
		if err := policy.CheckRequest(ctx, policy.ReportView, id); err != nil || !slices.Contains(u.Programs, id) {
			return report.Outcomes{}, nil, errs.NotFound("program")
		}
		p, err := a.store.GetProgram(ctx, id)
		if err != nil {
			return report.Outcomes{}, nil, err
		}
		programs = append(programs, p)
		exact = exact && policy.Can(u, policy.ReportExact, id)
	}
	start, err := a.store.ReportStart(ctx, ids)
	if err != nil {
		return report.Outcomes{}, nil, err
	}
	q, _, err := report.ParseQuery(r.URL.Query(), ids, a.store.Now(), start)
	if err != nil {
		return report.Outcomes{}, nil, err
	}
	if !exact { // suppressed reports count whole months that have ended
		q, _ = q.WholeMonths(a.store.Now())
	}
	facts, err := a.store.OutcomeFacts(ctx, q)
	if err != nil {
		return report.Outcomes{}, nil, err
	}
	return report.Build(q, facts, programs, a.store.Now(), exact), programs, nil
}

// reportOutcomes answers the report as JSON, in English.
func (a *API) reportOutcomes(w http.ResponseWriter, r *http.Request) error {
	o, programs, err := a.outcomes(r, true)
	if err != nil {
		return err
	}
	t := report.T(a.bundle.Printer("en").T)
	out := reportJSON{From: o.Query.From.Format(time.DateOnly), To: o.Query.To.Format(time.DateOnly), Made: o.Made, Exact: o.Exact,
		Footnote: t("report.footnote")}
	out.FunderTables = []reportFunderTable{}
	for _, p := range programs {
		out.Programs = append(out.Programs, reportProgram{ID: p.ID, Name: p.Name})
		if len(programs) > 1 {
			continue // a funder table is one program's: its figures alone
		}
		ft := reportFunderTable{ProgramID: p.ID, Lines: []reportFunderLine{}}
		for _, row := range o.FunderTable(p) {
			line := reportFunderLine{Figure: row.Line.Figure, Label: row.Line.Label, Known: row.Known}
			if row.Known {
				line.reportValue = valueOf(row.Figure.Value)
				if line.Label == "" {
					line.Label = row.Figure.Name(t)
				}
			}
			ft.Lines = append(ft.Lines, line)
		}
		out.FunderTables = append(out.FunderTables, ft)
	}
	for _, f := range o.Figures {
		out.Figures = append(out.Figures, reportFigure{Key: f.Key, Group: f.Group, Unit: string(f.Unit), Name: f.Name(t),
			Definition: f.Definition(t), reportValue: valueOf(f.Value)})
	}
	for _, s := range o.Tables {
		tb := reportTable{Key: s.Key, Title: t("report.table." + s.Key), Unit: string(s.Unit)}
		for _, l := range s.Rows {
			tb.Rows = append(tb.Rows, l.Words(t))
		}
		for _, l := range s.Cols {
			tb.Columns = append(tb.Columns, l.Words(t))
		}
		for i := 0; i <= len(s.Rows); i++ {
			var row []reportValue
			for j := 0; j <= len(s.Cols); j++ {
				ri, cj := i, j
				if i == len(s.Rows) {
					ri = report.Total
				}
				if j == len(s.Cols) {
					cj = report.Total
				}
				c := s.Cell(ri, cj)
				row = append(row, valueOf(report.Value{Kind: c.Kind, N: float64(c.Count)}))
			}
			tb.Cells = append(tb.Cells, row)
		}
		out.Tables = append(out.Tables, tb)
	}
	return writeJSON(w, http.StatusOK, out)
}

// reportExport answers the report as a CSV file or an XLSX workbook:
// always suppressed, audited before the first byte.
func (a *API) reportExport(format string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		o, programs, err := a.outcomes(r, false)
		if err != nil {
			return err
		}
		for _, p := range programs {
			if err := a.store.Audit(r.Context(), "report.export", "program", p.ID, audit.OK); err != nil {
				return err
			}
		}
		return report.Respond(w, format, o, programs, report.T(a.bundle.Printer("en").T))
	}
}
