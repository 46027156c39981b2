package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"

	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/report"
)

// funderPage is a program's funder table as a form: every figure of the
// program's report, ticked when the table shows it, with its place and
// the label its funder knows it by.
type funderPage struct {
	Program program.Program
	Form    *form
	Rows    []funderFormRow
	Saved   bool
}

// funderFormRow is one figure on the form.
type funderFormRow struct {
	Key, Name, Definition string
	Group                 string // the report's heading, on the first figure under it
}

// funderRows are the figures of the program's report in words.
func (h *Web) funderRows(r *http.Request, p program.Program) []funderFormRow {
	t := report.T(h.printer(r).T)
	o := report.Build(report.Query{ProgramIDs: []int64{p.ID}, From: h.store.Now(), To: h.store.Now()}, report.Facts{},
		[]program.Program{p}, h.store.Now(), true)
	rows := make([]funderFormRow, len(o.Figures))
	for i, f := range o.Figures {
		rows[i] = funderFormRow{Key: f.Key, Name: f.Name(t), Definition: f.Definition(t)}
		if i == 0 || o.Figures[i-1].Group != f.Group {
			rows[i].Group = f.Group
		}
	}
	return rows
}

// funderForm shows a program's funder table to its coordinators.
func (h *Web) funderForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.programFromPath(r, policy.ProgramEdit)
	if err != nil {
		return err
	}
	lines := p.FunderTable
	if len(lines) == 0 {
		lines = report.DefaultFunderTable(p)
	}
	f := newForm(map[string]string{"version": strconv.Itoa(p.Version)})
	for i, l := range lines {
		f.Multi["figure"] = append(f.Multi["figure"], l.Figure)
		f.Values["order."+l.Figure] = strconv.Itoa(i + 1)
		f.Values["label."+l.Figure] = l.Label
	}
	return h.render(w, r, http.StatusOK, "funder_table", "reports",
		funderPage{Program: p, Form: f, Rows: h.funderRows(r, p), Saved: r.URL.Query().Get("saved") == "1"})
}

// funderSave stores the ticked figures in the order typed (figures with no
// place typed after the others, in the report's order), with their labels.
func (h *Web) funderSave(w http.ResponseWriter, r *http.Request) error {
	p, err := h.programFromPath(r, policy.ProgramEdit)
	if err != nil {
		return err
	}
	rows := h.funderRows(r, p)
	fields := []string{"version"}
	for _, row := range rows {
		fields = append(fields, "order."+row.Key, "label."+row.Key)
	}
	f, err := readForm(w, r, fields, "figure")
	if err != nil {
		return err
	}
	f.addFields("funder_table")
	type placed struct {
		line  program.FunderLine
		order int
		index int
	}
	var chosen []placed
	for i, row := range rows {
		if !f.Checked("figure", row.Key) {
			continue
		}
		order, err := strconv.Atoi(f.Value("order." + row.Key))
		if f.Value("order."+row.Key) == "" {
			order = 1 << 30
		} else if err != nil || order < 1 || order > 1000 {
			f.Errors["order."+row.Key] = "validation.funder_order"
		}
		chosen = append(chosen, placed{line: program.FunderLine{Figure: row.Key, Label: f.Value("label." + row.Key)}, order: order, index: i})
	}
	slices.SortStableFunc(chosen, func(a, b placed) int { return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(a.index, b.index)) })
	p.FunderTable = make([]program.FunderLine, len(chosen))
	for i, c := range chosen {
		p.FunderTable[i] = c.line
	}
	if len(chosen) == 0 {
		f.Errors["funder_table"] = "validation.funder_table_empty"
	}
	if p.Version, err = f.version(); err == nil && len(f.Errors) == 0 {
		if err = report.CheckFunderTable(p); err == nil {
			if _, err = h.store.UpdateProgram(r.Context(), p); err == nil {
				http.Redirect(w, r, "/programs/"+strconv.FormatInt(p.ID, 10)+"/funder-table?saved=1", http.StatusSeeOther)
				return nil
			}
		}
	}
	if err == nil {
		err = f.invalid(nil)
	}
	if err != nil && !f.refuse(err, "form.conflict") {
		return err
	}
	if f.conflicted("form.conflict") {
		// Saving again replaces the other version, as the message says.
		fresh, err := h.store.GetProgram(r.Context(), p.ID)
		if err != nil {
			return err
		}
		f.Values["version"] = strconv.Itoa(fresh.Version)
	}
	return h.render(w, r, refusedStatus(err), "funder_table", "reports", funderPage{Program: p, Form: f, Rows: rows})
}
