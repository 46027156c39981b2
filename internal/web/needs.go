package web

import (
	"net/http"
	"slices"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// needsPage is the needs assessment of a case: every domain of the program
// with its severity and status, as assessed last or as typed.
type needsPage struct {
	Header     caseHeader
	Rows       []needRow
	Severities []cases.Severity
	Statuses   []cases.NeedStatus
	Messages   []string // form-wide messages, as catalogue keys
	Refused    bool
}

// needRow is one domain of the assessment form.
type needRow struct {
	Domain           string
	Current          *cases.Need // the last assessment, nil when never assessed
	Severity, Status string      // as chosen
	SeverityErr      string
	StatusErr        string
}

// needsForm shows the assessment with every domain's current severity and
// status chosen.
func (h *Web) needsForm(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	pg, err := h.needsPageOf(r, c, nil)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "needs_form", "cases", pg)
}

// needsPageOf builds the assessment form; posted, when not nil, holds the
// choices as sent.
func (h *Web) needsPageOf(r *http.Request, c cases.Case, posted map[string]string) (*needsPage, error) {
	p, err := h.store.GetProgram(r.Context(), c.ProgramID)
	if err != nil {
		return nil, err
	}
	current, err := h.store.CurrentNeeds(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	pg := &needsPage{Header: headerFor(r, c, "overview"), Severities: cases.Severities, Statuses: cases.NeedStatuses}
	for _, d := range p.NeedDomains {
		row := needRow{Domain: d, Status: string(cases.NotStarted)}
		for i := range current {
			if current[i].Domain == d {
				row.Current = &current[i]
				row.Severity, row.Status = string(current[i].Severity), string(current[i].Status)
			}
		}
		if posted != nil {
			row.Severity, row.Status = posted["severity."+d], posted["status."+d]
		}
		pg.Rows = append(pg.Rows, row)
	}
	return pg, nil
}

// needsAssess records the domains whose severity or status changed (a
// domain never assessed counts once a severity is chosen); the others stay
// as they are. Bad choices come back with every choice kept.
func (h *Web) needsAssess(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	posted := map[string]string{}
	for k, vs := range r.PostForm {
		if len(vs) > 0 {
			posted[k] = vs[0]
		}
	}
	pg, err := h.needsPageOf(r, c, posted)
	if err != nil {
		return err
	}
	var changed []cases.Assessment
	for _, row := range pg.Rows {
		if row.Current == nil && row.Severity == "" {
			continue // not assessed yet, and still not
		}
		if row.Current != nil && string(row.Current.Severity) == row.Severity && string(row.Current.Status) == row.Status {
			continue
		}
		changed = append(changed, cases.Assessment{Domain: row.Domain,
			Severity: cases.Severity(row.Severity), Status: cases.NeedStatus(row.Status)})
	}
	if len(changed) == 0 {
		http.Redirect(w, r, overviewAt(c, "needs_same", "needs"), http.StatusSeeOther)
		return nil
	}
	err = h.store.AssessNeeds(r.Context(), c.ID, changed, policy.Actor(r.Context()).ID)
	if err == nil {
		http.Redirect(w, r, overviewAt(c, "needs", "needs"), http.StatusSeeOther)
		return nil
	}
	e := errs.As(err)
	if e.Kind != errs.KindInvalid && e.Kind != errs.KindConflict {
		return err
	}
	pg.Refused = true
	for _, k := range e.FieldNames() {
		placed := false
		for i := range pg.Rows {
			switch k {
			case "severity." + pg.Rows[i].Domain:
				pg.Rows[i].SeverityErr, placed = e.Fields[k], true
			case "status." + pg.Rows[i].Domain:
				pg.Rows[i].StatusErr, placed = e.Fields[k], true
			}
		}
		if !placed && !slices.Contains(pg.Messages, e.Fields[k]) {
			pg.Messages = append(pg.Messages, e.Fields[k])
		}
	}
	if len(e.Fields) == 0 {
		pg.Messages = append(pg.Messages, "case.refused.changed")
	}
	return h.render(w, r, refusedStatus(err), "needs_form", "cases", pg)
}
