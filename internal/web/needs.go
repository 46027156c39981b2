package web

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

// needsPage is the needs assessment of a case: every domain of the program
// with its severity and status, as assessed last or as typed.
type needsPage struct {
	Header     caseHeader
	Rows       []needRow
	Severities []cases.Severity
	Statuses   []cases.NeedStatus
	Form       *form // the choices as sent ("severity.<domain>", "status.<domain>"), when refused
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

// needsPageOf builds the assessment form: as assessed last, or as sent in
// f when not nil.
func (h *Web) needsPageOf(r *http.Request, c cases.Case, f *form) (*needsPage, error) {
	p, err := h.store.GetProgram(r.Context(), c.ProgramID)
	if err != nil {
		return nil, err
	}
	current, err := h.store.CurrentNeeds(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	hd, err := h.headerFor(r, c, "overview")
	if err != nil {
		return nil, err
	}
	pg := &needsPage{Header: hd, Severities: cases.Severities, Statuses: cases.NeedStatuses, Form: f}
	for _, d := range p.NeedDomains {
		row := needRow{Domain: d, Status: string(cases.NotStarted)}
		for i := range current {
			if current[i].Domain == d {
				row.Current = &current[i]
				row.Severity, row.Status = string(current[i].Severity), string(current[i].Status)
			}
		}
		if f != nil {
			row.Severity, row.Status = f.Value("severity."+d), f.Value("status."+d)
			row.SeverityErr, row.StatusErr = f.Err("severity."+d), f.Err("status."+d)
		}
		pg.Rows = append(pg.Rows, row)
	}
	return pg, nil
}

// needsAssess records the domains whose severity or status changed (a
// domain never assessed counts once a severity is chosen); the others stay
// as they are. Bad choices come back with every choice kept.
func (h *Web) needsAssess(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{
		action: policy.CaseManage, conflict: "case.refused.changed",
		save: func(c cases.Case, f *form) (string, error) {
			pg, err := h.needsPageOf(r, c, nil)
			if err != nil {
				return "", err
			}
			var changed []cases.Assessment
			for _, row := range pg.Rows {
				severity, status := "severity."+row.Domain, "status."+row.Domain
				f.read(r, []string{severity, status})
				if row.Current == nil && f.Value(severity) == "" {
					continue // not assessed yet, and still not
				}
				if row.Current != nil && string(row.Current.Severity) == f.Value(severity) && string(row.Current.Status) == f.Value(status) {
					continue
				}
				changed = append(changed, cases.Assessment{Domain: row.Domain,
					Severity: cases.Severity(f.Value(severity)), Status: cases.NeedStatus(f.Value(status))})
			}
			if len(changed) == 0 {
				return overviewAt(c, "needs_same", "needs"), nil
			}
			return overviewAt(c, "needs", "needs"), h.store.AssessNeeds(r.Context(), c.ID, changed, policy.Actor(r.Context()).ID)
		},
		show: func(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
			pg, err := h.needsPageOf(r, c, f)
			if err != nil {
				return err
			}
			return h.render(w, r, status, "needs_form", "cases", pg)
		},
	})
}
