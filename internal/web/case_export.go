package web

import (
	"net/http"
	"time"

	"homeward/internal/audit"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/report"
	"homeward/internal/store"
	"homeward/internal/zone"
)

// caseExport writes the case list, with the list's filters and order, as a
// CSV file or an XLSX workbook for a coordinator: case codes, programs,
// states, mentors and dates; never a person's name nor anything sealed.
// The dates are the days the list shows, in the user's zone, which the
// date columns' headers name. The export is audited before the first byte
// is written.
func (h *Web) caseExport(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format != "csv" && format != "xlsx" {
		return errs.Invalid(map[string]string{"format": "validation.choice"})
	}
	page, f, err := h.caseListFilter(r)
	if err != nil {
		return err
	}
	if err := policy.CheckRequest(r.Context(), policy.CaseExport, page.Program); err != nil {
		return err
	}
	if err := h.store.Audit(r.Context(), "case.export", "program", page.Program, audit.OK); err != nil {
		return err
	}
	// The first page is read before the answer begins, so that a failing
	// database shows the error page, not a file.
	list, next, err := h.store.ListCases(r.Context(), f, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	name := "homeward-cases-" + zone.Today(h.store.Now(), zoneOf(r)).Format(time.DateOnly) + "." + format
	var sheet report.Sheet
	if format == "csv" {
		sheet = report.NewCSV(w)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		if sheet, err = report.NewXLSX(w, h.printer(r).T("nav.cases")); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	err = h.writeCases(r, sheet, f, page, list, next)
	if cerr := sheet.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeCases writes the header and every case of the filter, page by page
// from the first one read.
func (h *Web) writeCases(r *http.Request, sheet report.Sheet, f store.CaseFilter, page caseListPage, list []cases.Case, next string) error {
	p := h.printer(r)
	// A day is the one on the user's calendar, as the list shows it; the
	// headers say whose calendar, since a file travels.
	loc := zoneOf(r)
	now := h.store.Now().In(loc)
	day := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return zone.Today(t, loc)
	}
	inZone := func(key string) string { return p.T("cases.export_in_zone", "column", p.T(key), "zone", loc.String()) }
	programs := map[int64]string{}
	for _, pr := range page.Programs {
		programs[pr.ID] = pr.Name
	}
	if err := sheet.Row(p.T("cases.code"), p.T("cases.program"), p.T("cases.state"), p.T("cases.closure_reason"),
		p.T("cases.mentor"), inZone("cases.opened"), inZone("cases.state_since"), inZone("cases.last_contact"),
		inZone("cases.next_contact"), p.T("cases.signal")); err != nil {
		return err
	}
	for {
		for _, c := range list {
			row := rowOf(c, programs[c.ProgramID], now)
			reason, signal, due := "", "", any(nil)
			if c.ClosureReason != "" {
				reason = p.T("case.closure." + string(c.ClosureReason))
			}
			switch {
			case row.Overdue:
				signal = p.T("cases.signal.overdue")
			case row.Quiet:
				signal = p.T("cases.signal.quiet")
			}
			if row.Due != "" {
				due = day(*c.ContactDueAt)
			}
			last := any(nil)
			if c.LastContactAt != nil {
				last = day(*c.LastContactAt)
			}
			if err := sheet.Row(c.Code, row.ProgramName, p.T("case.state."+string(c.State)), reason,
				c.MentorName, day(c.OpenedAt), day(c.StateSince), last, due, signal); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		var err error
		if list, next, err = h.store.ListCases(r.Context(), f, store.Page{Limit: store.MaxLimit, Cursor: next}); err != nil {
			return err
		}
	}
}
