package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/store"
)

// The outcomes report as its readers meet it: a viewer sees counts of 1 to
// 4 as "fewer than 5" and no person; the program's coordinator sees exact
// counts on the page; every download is suppressed and audited; another
// program's report is not found; bad periods are refused with the form kept.
func TestOutcomesReportPagesAndDownloads(t *testing.T) {
	t.Parallel()
	w1Engines(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		p := a.w1Program("Report program", 3)
		other := a.w1Program("Someone else's", 3)
		coord, coordSession := a.w1User(auth.Coordinator, p.ID)
		_, viewerSession := a.w1User(auth.Viewer, p.ID)
		mentor, mentorSession := a.w1User(auth.Mentor, p.ID)
		// The cases are made last month: suppressed reports count whole
		// months that have ended.
		lastMonth := lastMonthOn(a)
		var made []cases.Case
		made = append(made, a.makeCase(caseSetup{Program: p, By: coord, MentorID: mentor.ID, State: cases.Active}))
		made = append(made, a.makeCase(caseSetup{Program: p, By: coord, State: cases.Waiting}))
		a.store.SetClock(time.Now)
		q := "program_id=" + strconv.FormatInt(p.ID, 10) + "&preset=last_month"

		viewer := a.w1Get(viewerSession, "/reports/outcomes?"+q, http.StatusOK)
		from := lastMonth.Format(time.DateOnly)
		link := fmt.Sprintf(`href="/reports/outcomes.xlsx?from=%s&amp;program_id=%d&amp;to=`, from, p.ID)
		for _, want := range []string{"People entered", "fewer than 5", "Report program", from, "<svg", "Download XLSX", link} {
			if !strings.Contains(viewer, want) {
				t.Errorf("the viewer's report lacks %q", want)
			}
		}
		for _, c := range made {
			if strings.Contains(viewer, c.Code) || strings.Contains(viewer, "Test Person") {
				t.Errorf("the viewer's report shows a person (%s)", c.Code)
			}
		}
		home := a.w1Get(viewerSession, "/", http.StatusOK)
		if !strings.Contains(home, "Report program") || !strings.Contains(home, "fewer than 5") || !strings.Contains(home, "/reports/outcomes?program_id=") {
			t.Error("the viewer's home page does not show the program's key figures")
		}
		coordPage := a.w1Get(coordSession, "/reports/outcomes?"+q, http.StatusOK)
		if !strings.Contains(coordPage, "exact counts") || !strings.Contains(coordPage, `<dt>People entered</dt><dd><strong class="">2</strong>`) {
			t.Errorf("the coordinator's report does not show the exact 2 people entered")
		}

		// Downloads: suppressed for the coordinator too, and audited.
		before, _ := a.store.AuditHead(ctx)
		body := a.w1Get(coordSession, "/reports/outcomes.csv?"+q, http.StatusOK)
		r := csv.NewReader(strings.NewReader(body))
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		entered := false
		for _, row := range rows {
			if len(row) >= 4 && row[1] == "People entered" {
				entered = row[2] == "" && row[3] == "fewer than 5"
			}
		}
		if !entered {
			t.Errorf("the CSV does not suppress the 2 people entered: %q", rows)
		}
		if strings.Contains(body, made[0].Code) {
			t.Error("the CSV holds a case code")
		}
		after, _ := a.store.AuditHead(ctx)
		entries, _, _ := a.store.ListAudit(ctx, store.AuditFilter{}, store.Page{Limit: int(after.Seq - before.Seq)})
		if len(entries) != 1 || entries[0].Action != "report.export" || entries[0].ObjectID != strconv.FormatInt(p.ID, 10) {
			t.Errorf("audit after a download: %+v", entries)
		}
		xlsx := a.w1Get(viewerSession, "/reports/outcomes.xlsx?"+q, http.StatusOK)
		f, err := excelize.OpenReader(bytes.NewReader([]byte(xlsx)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheet, err := f.GetRows(f.GetSheetName(0))
		if err != nil || len(sheet) < 10 || sheet[0][0] != "Outcomes report" {
			t.Errorf("XLSX: %v %q", err, sheet)
		}

		// Nobody reaches another program's report; a mentor reaches none.
		a.w1Get(viewerSession, "/reports/outcomes?program_id="+strconv.FormatInt(other.ID, 10), http.StatusNotFound)
		a.w1Get(coordSession, "/reports/outcomes.csv?program_id="+strconv.FormatInt(other.ID, 10), http.StatusNotFound)
		a.w1Get(mentorSession, "/reports/outcomes?"+q, http.StatusForbidden)

		// A period of days is rounded to the whole months that ended, and
		// the page says so.
		rounded := a.w1Get(viewerSession, "/reports/outcomes?program_id="+strconv.FormatInt(p.ID, 10)+"&preset=this_month", http.StatusOK)
		if !strings.Contains(rounded, "whole months that have ended") || !strings.Contains(rounded, from) {
			t.Error("the viewer's report of this month is not rounded to last month, or does not say so")
		}

		// A period ending before it starts: refused, the form kept.
		bad := a.w1Get(viewerSession, "/reports/outcomes?program_id="+strconv.FormatInt(p.ID, 10)+"&preset=custom&from=2026-05-01&to=2026-04-01", http.StatusUnprocessableEntity)
		if !strings.Contains(bad, "The last day is before the first.") || !strings.Contains(bad, `value="2026-05-01"`) {
			t.Error("a period ending before it starts is not refused beside the field, with the days kept")
		}
		a.w1Get(viewerSession, "/reports/outcomes?program_id=x", http.StatusUnprocessableEntity)
	})
}

// The API answers the report as JSON with every figure's definition,
// suppressed for a viewer and exact for the program's coordinator.
func TestOutcomesReportAPI(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	p := a.w1Program("API report program", 3)
	coord, _ := a.w1User(auth.Coordinator, p.ID)
	viewer, _ := a.w1User(auth.Viewer, p.ID)
	lastMonthOn(a)
	a.makeCase(caseSetup{Program: p, By: coord, State: cases.Waiting})
	a.store.SetClock(time.Now)
	token := func(u auth.User) string {
		secret, _, err := a.store.CreateAPIToken(ctx, u.ID, "report", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	type figure struct {
		Key, Name, Definition, Marker string
		Value                         *float64
	}
	get := func(tok string) (exact bool, figures map[string]figure) {
		res, body := a.withBearer(tok, "GET", "/api/v1/reports/outcomes?program_id="+strconv.FormatInt(p.ID, 10)+"&preset=last_month", "")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("report: %d %s", res.StatusCode, body)
		}
		var out struct {
			Exact   bool     `json:"exact"`
			Figures []figure `json:"figures"`
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		figures = map[string]figure{}
		for _, f := range out.Figures {
			figures[f.Key] = f
		}
		return out.Exact, figures
	}
	exact, figs := get(token(viewer))
	if e := figs["entered"]; exact || e.Value != nil || e.Marker != "fewer_than_5" || e.Definition == "" {
		t.Errorf("the viewer's entered figure: exact %v, %+v", exact, e)
	}
	exact, figs = get(token(coord))
	if e := figs["entered"]; !exact || e.Value == nil || *e.Value != 1 {
		t.Errorf("the coordinator's entered figure: exact %v, %+v", exact, e)
	}
	res, body := a.withBearer(token(viewer), "GET", "/api/v1/reports/outcomes.csv?program_id="+strconv.FormatInt(p.ID, 10)+"&from=2026-01-01&to=2025-01-01", "")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "report_to_before_from") && !strings.Contains(body, "before the first") {
		t.Errorf("a bad period: %d %s", res.StatusCode, body)
	}
}

// A coordinator chooses the figures of their program's funder table, in
// their order and with their funder's labels; a bad place is refused with
// the form kept, and the report leads with the table.
func TestFunderTableForm(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.w1Program("Funded program", 3)
	_, session := a.w1User(auth.Coordinator, p.ID)
	a.session = session
	page := a.w1Get(session, fmt.Sprintf("/programs/%d/funder-table", p.ID), http.StatusOK)
	if !strings.Contains(page, `name="figure" value="entered" checked`) {
		t.Error("the default table does not tick People entered")
	}
	form := url.Values{"version": {strconv.Itoa(p.Version)}, "figure": {"outcome.job_found", "entered"},
		"order.outcome.job_found": {"1"}, "label.outcome.job_found": {"Got a job"}, "order.entered": {"zero"}}
	res, body := a.postForm(fmt.Sprintf("/programs/%d/funder-table", p.ID), form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Enter a place from 1 to 1000") || !strings.Contains(body, `value="Got a job"`) {
		t.Fatalf("a bad place: %d", res.StatusCode)
	}
	form.Set("order.entered", "2")
	res, _ = a.postForm(fmt.Sprintf("/programs/%d/funder-table", p.ID), form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	saved, err := a.store.GetProgram(context.Background(), p.ID)
	if err != nil || len(saved.FunderTable) != 2 || saved.FunderTable[0].Figure != "outcome.job_found" || saved.FunderTable[0].Label != "Got a job" {
		t.Fatalf("saved table: %+v %v", saved.FunderTable, err)
	}
	report := a.w1Get(session, fmt.Sprintf("/reports/outcomes?program_id=%d", p.ID), http.StatusOK)
	if i, j := strings.Index(report, "Got a job"), strings.Index(report, "People entered"); i < 0 || j < 0 || i > j {
		t.Error("the report does not lead with the funder table in its order")
	}
	// Ticking nothing is refused.
	res, body = a.postForm(fmt.Sprintf("/programs/%d/funder-table", p.ID), url.Values{"version": {strconv.Itoa(saved.Version)}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Tick at least one figure.") {
		t.Errorf("an empty table: %d", res.StatusCode)
	}
}

// lastMonthOn moves the store's clock to a day of last month, where the
// test's cases are made (the caller moves it back), and returns last
// month's first day.
func lastMonthOn(a *app) time.Time {
	now := time.Now().UTC()
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	a.store.SetClock(func() time.Time { return first.AddDate(0, 0, 9).Add(12 * time.Hour) })
	return first
}
