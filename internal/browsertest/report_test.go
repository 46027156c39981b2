package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/store"
)

// A funder's viewer and the outcomes report, through the pages only (issue
// 14): the viewer signs in, sees their programs' key figures on the home
// page, opens Reports, chooses one program and a period with the form, sees
// the chart and the funder table, downloads the XLSX workbook and the test
// reads the funder table back from it; the figures agree with the page and
// the workbook names nobody. The viewer then tries a case's address and
// does not reach it. The programs, the accounts and the cases are made in
// the store: six people taken into one program (a count the report shows)
// and two into the other (a count it shows as "fewer than 5").
func TestViewerOutcomesReport(t *testing.T) {
	a := startBare(t)
	ctx := t.Context()
	en := a.en

	prog, err := a.store.CreateProgram(ctx, testProgram("Return to freedom"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := a.store.CreateProgram(ctx, testProgram("Exiles in Vilnius"))
	if err != nil {
		t.Fatal(err)
	}
	coord := a.user("coordinator@example.org", auth.Coordinator, prog.ID, other.ID)
	const viewerEmail = "funder@example.org"
	viewer := a.user(viewerEmail, auth.Viewer, prog.ID, other.ID)
	viewerSecret := a.withTOTP(viewer)

	// The people: their codes and names must appear nowhere the viewer goes.
	var people []string
	take := func(programID int64, code, name string) cases.Case {
		t.Helper()
		m := cases.Mentee{Profile: cases.Profile{CaseCode: code, FullName: name, BirthYear: 1985, Languages: []string{"be"}, Country: "LT", City: "Vilnius"}}
		_, c, err := a.store.CreateIntake(ctx, store.Intake{Mentee: m, ProgramID: programID, State: cases.Intake, ActorID: coord.ID})
		if err != nil {
			t.Fatalf("take in %s: %v", code, err)
		}
		people = append(people, code, name)
		return c
	}
	// They were taken in last month: a viewer's report counts whole
	// months that have ended.
	now := a.store.Now().UTC()
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	lastMonth := thisMonth.AddDate(0, -1, 0)
	a.store.SetClock(func() time.Time { return lastMonth.AddDate(0, 0, 9).Add(12 * time.Hour) })
	var taken []cases.Case
	for i, name := range []string{"Ales Novik", "Hanna Kavaliova", "Ihar Zhuk", "Maryna Lis", "Paval Sieu", "Volha Bely"} {
		taken = append(taken, take(prog.ID, fmt.Sprintf("HW-R%03d", i+1), name))
	}
	take(other.ID, "HW-E001", "Siarhei Bialou")
	take(other.ID, "HW-E002", "Tatsiana Krol")
	a.clock.Use(a.store) // the app's own clock again
	const enteredHere = "6"

	// The period: last month, the whole of it.
	from, to := lastMonth.Format(time.DateOnly), thisMonth.AddDate(0, 0, -1).Format(time.DateOnly)

	entered := en.T("report.figure.entered")
	fewer := en.T("report.cell.fewer_than_5")
	progID, otherID := strconv.FormatInt(prog.ID, 10), strconv.FormatInt(other.ID, 10)

	// Sign in; the home page shows each program's key figures, this year.
	a.signIn(viewerEmail, viewerSecret)
	if got := a.keyFigures(`section[aria-labelledby="report-` + progID + `"]`)[entered]; got != enteredHere {
		t.Errorf("the home page shows %q people entered in %s, want %s", got, prog.Name, enteredHere)
	}
	if got := a.keyFigures(`section[aria-labelledby="report-` + otherID + `"]`)[entered]; got != fewer {
		t.Errorf("the home page shows %q people entered in %s (2 people), want %q", got, other.Name, fewer)
	}
	a.wantText(chromedp.CSS(`section[aria-labelledby="report-`+progID+`"] a[href="/reports/outcomes?program_id=`+progID+`"]`), en.T("home.viewer.open_report"))
	a.wantNotIn("the home page", people...)

	// Reports, from the navigation; then one program and last month.
	a.follow("open the reports", `header nav a[href="/reports/outcomes"]`)
	a.wantHere("the reports link", "/reports/outcomes")
	a.wantText("main h1", en.T("report.title"))
	for id, want := range map[string]bool{progID: true, otherID: false} {
		box := `form.report-query input[name=program_id][value="` + id + `"]`
		a.present("the program checkboxes", box)
		if a.checked(box) != want {
			a.click(box)
		}
		if a.checked(box) != want {
			t.Fatalf("the checkbox of program %s is not %v after a click", id, want)
		}
	}
	a.choose("#preset", "custom")
	a.choose("#from", from)
	a.choose("#to", to)
	showButton := `form.report-query button[type=submit]`
	a.wantText(chromedp.CSS(showButton), en.T("report.show"))
	a.sendWith("show the report", showButton, http.StatusOK)
	a.wantHere("after showing the report", "/reports/outcomes?program_id="+progID+"&preset=custom&from="+from+"&to="+to)
	if got := a.value("preset"); got != "custom" {
		t.Errorf("the report's form shows the preset %q, want custom", got)
	}
	a.wantText("#report-of", prog.Name)
	a.wantIn("section.report-head", en.T("report.period_is", "from", from, "to", to), en.T("report.suppressed_note"))

	// The funder table: one, of the chosen program, with the people entered.
	if n := a.count("table.report-funder"); n != 1 {
		t.Fatalf("the report has %d funder tables, want 1 (of %s alone)", n, prog.Name)
	}
	a.wantText(chromedp.CSS("#funder-"+progID), en.T("report.funder_table.of", "program", prog.Name))
	funder := a.funderRows()
	i := slices.IndexFunc(funder, func(r funderRow) bool { return r.label == entered })
	if i < 0 {
		t.Fatalf("the funder table has no %q row: %+v", entered, funder)
	}
	if r := funder[i]; r.value != enteredHere || r.hidden {
		t.Errorf("the funder table shows %q people entered (hidden %v), want %s shown", r.value, r.hidden, enteredHere)
	}

	// The chart is drawn and shown, with the six people being taken in.
	chart := `figure.report-chart svg.chart[aria-labelledby="chart-states-title"]`
	a.present("the chart of states", chart)
	a.do("see the chart", chromedp.WaitVisible(chromedp.CSS(chart)))
	if w, h := a.box(chart); w < 100 || h < 50 {
		t.Errorf("the chart of states is drawn %.0f×%.0f px, too small to be seen", w, h)
	}
	bars := get(a, "read the chart's bars", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll(`+js(chart+" rect")+`)).filter(r => r.getBBox().height > 0).map(r => r.textContent.trim())`))
	wantBar := en.T("report.state.taken_in") + ": " + enteredHere
	if !slices.ContainsFunc(bars, func(b string) bool { return strings.HasSuffix(b, wantBar) }) {
		t.Errorf("no bar of the chart of states says %q; its bars: %q", wantBar, bars)
	}
	a.wantNotIn("the report", people...)

	// The XLSX download, as Chromium saves it.
	xlsxLink := `section.report-head a.button[href^="/reports/outcomes.xlsx?"]`
	a.present("the download link", xlsxLink)
	a.wantText(chromedp.CSS(xlsxLink), en.T("report.download_xlsx"))
	query := url.Values{"program_id": {progID}, "from": {from}, "to": {to}}.Encode()
	if got := a.attr(xlsxLink, "href"); got != "/reports/outcomes.xlsx?"+query {
		t.Errorf("the XLSX link is %s, want /reports/outcomes.xlsx?%s", got, query)
	}
	path, name := a.download("download the XLSX", xlsxLink)
	if want := "homeward-outcomes-" + from + "-" + to + ".xlsx"; name != want {
		t.Errorf("the download is named %q, want %q", name, want)
	}
	a.wantHere("after the download", "/reports/outcomes?program_id="+progID+"&preset=custom&from="+from+"&to="+to)
	t.Run("workbook", func(t *testing.T) {
		checkReportWorkbook(t, a, path, reportExpect{
			program: prog.Name, from: from, to: to, funder: funder,
			entered: entered, enteredValue: enteredHere, people: people,
		})
	})

	// No person's record: the case page is not the viewer's to see.
	casePath := "/cases/" + strconv.FormatInt(taken[0].ID, 10)
	a.load("open a case", http.StatusNotFound, chromedp.Navigate(a.url+casePath))
	a.wantText("main h1", en.T("error.not_found.title"))
	a.wantNo("the case page", "main h1 .state")
	a.wantNotIn("the case page", people...)
}

// funderRow is a line of a funder table on the report page.
type funderRow struct {
	label, value string
	hidden       bool
}

// funderRows reads the report page's (only) funder table.
func (a *app) funderRows() []funderRow {
	a.t.Helper()
	rows := get(a, "read the funder table", chromedp.Evaluate[[][]string](`Array.from(
		document.querySelectorAll("table.report-funder tbody tr"),
		r => [r.querySelector("th[scope=row]").innerText.trim(), r.querySelector("td").innerText.trim(),
			String(r.querySelector("td").classList.contains("hidden-value"))])`))
	out := make([]funderRow, len(rows))
	for i, r := range rows {
		out[i] = funderRow{label: r[0], value: r[1], hidden: r[2] == "true"}
	}
	return out
}

// keyFigures reads the figures (name → value) of a dl.report-figures in
// the section the selector names.
func (a *app) keyFigures(section string) map[string]string {
	a.t.Helper()
	a.present("the key figures", section+" dl.report-figures")
	pairs := get(a, "read the key figures of "+section, chromedp.Evaluate[[][]string](`Array.from(
		document.querySelectorAll(`+js(section+" dl.report-figures > div")+`),
		d => [d.querySelector("dt").innerText.trim(), d.querySelector("dd").innerText.trim()])`))
	out := map[string]string{}
	for _, p := range pairs {
		out[p[0]] = p[1]
	}
	return out
}

// box is the size the first element the selector matches is drawn at.
func (a *app) box(sel string) (w, h float64) {
	a.t.Helper()
	r := get(a, "measure "+sel, chromedp.Evaluate[[]float64](
		`(r => [r.width, r.height])(document.querySelector(`+js(sel)+`).getBoundingClientRect())`))
	return r[0], r[1]
}

// download clicks a link the server answers with an attachment and lets
// Chromium save it into a directory of the test's own. It returns the saved
// file's path and the name the server suggested. It waits on the browser's
// download events, not on a clock; the tab's context (the test's, with
// testTimeout) bounds the wait.
func (a *app) download(what, link string) (path, name string) {
	a.t.Helper()
	a.present(what, link)
	dir := a.t.TempDir()
	ctx, cancel := context.WithCancel(a.tab)
	defer cancel()
	// Subscribed before the click, so no event is missed.
	begun := chromedp.Events(ctx, browser.DownloadWillBegin)
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	enabled := true
	a.do(what,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &enabled})
			return err
		}),
		chromedp.Click(chromedp.CSS(link)))
	var guid string
	for ev, err := range begun {
		if err != nil {
			a.t.Fatalf("%s: no download began: %v", what, err)
		}
		guid, name = ev.GUID, ev.SuggestedFilename
		break
	}
	if guid == "" {
		a.t.Fatalf("%s: the browser closed before a download began", what)
	}
	for ev, err := range progress {
		if err != nil {
			a.t.Fatalf("%s: the download of %s did not finish: %v", what, name, err)
		}
		if ev.GUID != guid {
			continue
		}
		switch ev.State {
		case browser.DownloadProgressStateCanceled:
			a.t.Fatalf("%s: the browser cancelled the download of %s", what, name)
		case browser.DownloadProgressStateCompleted:
			path = ev.FilePath
			if path == "" {
				path = filepath.Join(dir, name)
			}
			return path, name
		}
	}
	a.t.Fatalf("%s: the browser closed before the download of %s finished", what, name)
	return "", ""
}

// reportExpect is what the downloaded workbook must say.
type reportExpect struct {
	program, from, to     string
	funder                []funderRow // as the page showed the funder table
	entered, enteredValue string      // the people entered, by name and value
	people                []string    // case codes and names that must not appear
}

// number matches the number in a shown value's words ("6", "0 h", "40 %").
var number = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?`)

// checkReportWorkbook opens the downloaded XLSX and reads its head and the
// funder table back: every line as the page showed it, counts as numbers,
// hidden values as empty cells with the marker beside them; and no cell
// holds a case code or a person's name.
func checkReportWorkbook(t *testing.T, a *app, path string, want reportExpect) {
	en := a.en
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open the downloaded workbook: %v", err)
	}
	defer f.Close()
	sheet := en.T("report.sheet")
	if got := f.GetSheetList(); !slices.Equal(got, []string{sheet}) {
		t.Fatalf("the workbook's sheets are %q, want one, %q", got, sheet)
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("read the sheet: %v", err)
	}
	row := func(r int) []string {
		if r < len(rows) {
			return rows[r]
		}
		return nil
	}
	cell := func(r, c int) string {
		if c < len(row(r)) {
			return rows[r][c]
		}
		return ""
	}
	for _, row := range rows {
		for _, c := range row {
			for _, p := range want.people {
				if strings.Contains(c, p) {
					t.Errorf("a cell of the workbook holds %q: %q", p, c)
				}
			}
		}
	}
	for _, head := range []struct {
		row  int
		want []string
	}{
		{0, []string{en.T("report.title")}},
		{1, []string{en.T("report.programs"), want.program}},
		{2, []string{en.T("report.period"), want.from, want.to}},
	} {
		if got := row(head.row); !slices.Equal(got, head.want) {
			t.Errorf("row %d of the workbook is %q, want %q", head.row+1, got, head.want)
		}
	}
	if cell(3, 0) != en.T("report.made") || cell(3, 1) == "" {
		t.Errorf("row 4 of the workbook does not say when the report was made: %q", row(3))
	}

	title := en.T("report.funder_table.of", "program", want.program)
	start := slices.IndexFunc(rows, func(r []string) bool { return len(r) > 0 && r[0] == title })
	if start < 0 {
		t.Fatalf("the workbook has no row %q", title)
	}
	if got, head := row(start+1), []string{en.T("report.column.figure"), en.T("report.column.value"), en.T("report.column.note")}; !slices.Equal(got, head) {
		t.Errorf("the funder table's header row is %q, want %q", got, head)
	}
	var lines [][]string
	first := start + 2 // the first line's row index
	for r := first; r < len(rows) && len(rows[r]) > 0; r++ {
		lines = append(lines, rows[r])
	}
	if len(lines) != len(want.funder) {
		t.Fatalf("the workbook's funder table has %d lines, the page's %d:\n%q\n%+v", len(lines), len(want.funder), lines, want.funder)
	}
	sawEntered := false
	for i, page := range want.funder {
		label, value, note := cell(first+i, 0), cell(first+i, 1), cell(first+i, 2)
		at, _ := excelize.CoordinatesToCellName(2, first+i+1)
		if label != page.label {
			t.Errorf("funder line %d is %q in the workbook, %q on the page", i+1, label, page.label)
			continue
		}
		if page.hidden {
			if value != "" || note != page.value {
				t.Errorf("%s: the page shows it hidden as %q; the workbook has the value %q and the note %q, want empty and %q", label, page.value, value, note, page.value)
			}
			continue
		}
		typ, err := f.GetCellType(sheet, at)
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("%s: the workbook's value %s is not a number (type %v)", label, at, typ)
		}
		n := number.FindString(page.value)
		pageN, err1 := strconv.ParseFloat(n, 64)
		fileN, err2 := strconv.ParseFloat(value, 64)
		if err1 != nil || err2 != nil || pageN != fileN || note != "" {
			t.Errorf("%s: the page shows %q, the workbook the value %q and the note %q", label, page.value, value, note)
		}
		if label == want.entered {
			sawEntered = true
			if value != want.enteredValue {
				t.Errorf("the workbook has %s %q, want %s", label, value, want.enteredValue)
			}
		}
	}
	if !sawEntered {
		t.Errorf("the workbook's funder table has no shown %q line", want.entered)
	}
}
