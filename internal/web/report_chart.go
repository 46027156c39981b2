package web

import (
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"homeward/internal/report"
)

// The report's charts: drawn here as inline SVG from the published (so
// suppressed, for a viewer) cells, each with its data as a table beside it
// for screen readers and print. A hidden value draws no bar; its bar's
// title says why.

// chartSeries colours, distinguishable in grey print as well.
var chartColours = []string{"#1f5f5b", "#c98a2b", "#6b4c9a", "#a3261b"}

// barPoint is one bar: its value, or hidden with the marker's words.
type barPoint struct {
	Value  float64
	Hidden bool
	Text   string // the value or marker in words, for the bar's title
}

// groupedChart draws categories (e.g. months) along the bottom, a bar per
// series in each, stacked when stack is true.
func groupedChart(id, title string, categories, series []string, points [][]barPoint, stack bool) template.HTML {
	n := max(len(categories), 1)
	top := 0.0
	for _, row := range points {
		sum := 0.0
		for _, p := range row {
			if p.Hidden {
				continue
			}
			if stack {
				sum += p.Value
			} else {
				sum = math.Max(sum, p.Value)
			}
		}
		top = math.Max(top, sum)
	}
	step, yMax := chartScale(int(math.Ceil(top)))
	slot := chartPlotW / float64(n)
	y := func(v float64) float64 { return chartTop + chartPlotH - v/yMax*chartPlotH }
	var b strings.Builder
	chartOpen(&b, id, title)
	chartGrid(&b, step, yMax, y)
	b.WriteString(`<g class="chart-bars">`)
	for i, row := range points {
		x0 := chartLeft + float64(i)*slot + slot*(1-chartBarShare)/2
		w := slot * chartBarShare
		if !stack && len(series) > 0 {
			w /= float64(len(series))
		}
		base := 0.0
		for k, p := range row {
			label := categories[i] + " · " + series[k] + ": " + p.Text
			x := x0
			if !stack {
				x = x0 + float64(k)*w
			}
			v := p.Value
			if p.Hidden {
				v = 0
			}
			h := v / yMax * chartPlotH
			yy := y(base + v)
			if stack {
				base += v
			}
			b.WriteString(`<rect x="` + chartNum(x) + `" y="` + chartNum(yy) + `" width="` + chartNum(math.Max(w-1, 1)) +
				`" height="` + chartNum(h) + `" fill="` + chartColours[k%len(chartColours)] + `"><title>` + chartEsc(label) + `</title></rect>`)
		}
	}
	b.WriteString(`</g><g class="chart-axes" aria-hidden="true">`)
	every := max(1, (n+11)/12)
	for i := 0; i < n && i < len(categories); i += every {
		b.WriteString(`<text x="` + chartNum(chartLeft+(float64(i)+0.5)*slot) + `" y="` + chartNum(chartTop+chartPlotH+18) +
			`" text-anchor="middle" font-size="12" fill="#5a6563">` + chartEsc(categories[i]) + `</text>`)
	}
	x := chartLeft
	for k, s := range series {
		b.WriteString(`<rect x="` + chartNum(x) + `" y="` + chartNum(chartH-18) + `" width="12" height="12" fill="` + chartColours[k%len(chartColours)] + `"/>`)
		b.WriteString(`<text x="` + chartNum(x+16) + `" y="` + chartNum(chartH-8) + `" font-size="13" fill="#1c2321">` + chartEsc(s) + `</text>`)
		x += 16 + textWidth(s, 13) + 18 // the next after this one's text
	}
	b.WriteString(`</g></svg>`)
	return template.HTML(b.String()) // #nosec G203 -- built here, every text escaped
}

// barsChart draws one horizontal bar per item, its label on the left;
// share draws the values as percentages of 1.
func barsChart(id, title string, labels []string, points []barPoint, share bool) template.HTML {
	n := max(len(labels), 1)
	const rowH = 26.0
	labelW := 120.0 // room for the longest label, within reason
	for _, l := range labels {
		labelW = math.Max(labelW, textWidth(l, 13)+16)
	}
	labelW = math.Min(labelW, 330)
	height := chartTop + float64(n)*rowH + 10
	top := 0.0
	for _, p := range points {
		if !p.Hidden {
			top = math.Max(top, p.Value)
		}
	}
	xMax := 1.0
	if !share {
		_, xMax = chartScale(int(math.Ceil(top)))
	}
	plotW := chartW - labelW - chartRight - 40
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ` + chartNum(chartW) + ` ` + chartNum(height) +
		`" role="img" aria-labelledby="` + id + `-title" aria-describedby="` + id + `-table" focusable="false">`)
	b.WriteString(`<title id="` + id + `-title">` + chartEsc(title) + `</title>`)
	for i, p := range points {
		yy := chartTop + float64(i)*rowH
		label := ""
		if i < len(labels) {
			label = labels[i]
		}
		b.WriteString(`<text x="` + chartNum(labelW-8) + `" y="` + chartNum(yy+17) + `" text-anchor="end" font-size="13" fill="#1c2321" aria-hidden="true">` +
			chartEsc(label) + `</text>`)
		v := p.Value
		if p.Hidden {
			v = 0
		}
		w := v / xMax * plotW
		b.WriteString(`<rect x="` + chartNum(labelW) + `" y="` + chartNum(yy+4) + `" width="` + chartNum(w) + `" height="` + chartNum(rowH-8) +
			`" fill="#1f5f5b"><title>` + chartEsc(label+": "+p.Text) + `</title></rect>`)
		b.WriteString(`<text x="` + chartNum(labelW+w+6) + `" y="` + chartNum(yy+17) + `" font-size="13" fill="#5a6563" aria-hidden="true">` +
			chartEsc(p.Text) + `</text>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // #nosec G203 -- built here, every text escaped
}

// chartOpen begins a chart's SVG, named by its title and described by the
// table with the id ID-table beside it.
func chartOpen(b *strings.Builder, id, title string) {
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ` + chartNum(chartW) + ` ` + chartNum(chartH) +
		`" role="img" aria-labelledby="` + id + `-title" aria-describedby="` + id + `-table" focusable="false">`)
	b.WriteString(`<title id="` + id + `-title">` + chartEsc(title) + `</title>`)
}

// chartGrid draws the value axis's grid lines and numbers.
func chartGrid(b *strings.Builder, step, yMax float64, y func(float64) float64) {
	b.WriteString(`<g class="chart-grid" aria-hidden="true">`)
	for v := 0.0; v <= yMax+step/2; v += step {
		yy := y(v)
		b.WriteString(`<line x1="` + chartNum(chartLeft) + `" x2="` + chartNum(chartLeft+chartPlotW) + `" y1="` + chartNum(yy) + `" y2="` + chartNum(yy) +
			`" stroke="#d5dcda" stroke-width="1"/>`)
		b.WriteString(`<text x="` + chartNum(chartLeft-6) + `" y="` + chartNum(yy+4) + `" text-anchor="end" font-size="13" fill="#5a6563">` +
			strconv.FormatFloat(v, 'f', -1, 64) + `</text>`)
	}
	b.WriteString(`</g>`)
}

// reportCharts are the report's four charts: cases by state at each
// month's end, case openings and completions per month, the people with
// each outcome, and the share of referrals that got help by need.
func reportCharts(o report.Outcomes, t report.T) []chartView {
	var out []chartView
	if s, ok := o.Table("states"); ok {
		var cats, series []string
		for _, r := range s.Rows {
			cats = append(cats, r.Words(t))
		}
		for _, c := range s.Cols {
			series = append(series, c.Words(t))
		}
		points := make([][]barPoint, len(s.Rows))
		for i := range s.Rows {
			for j := range s.Cols {
				points[i] = append(points[i], pointOf(s.Cell(i, j), t))
			}
		}
		title := t("report.chart.states")
		table := tableOf(s, t)
		table.ID, table.Caption = "chart-states-table", title
		out = append(out, chartView{ID: "chart-states", Title: title, SVG: groupedChart("chart-states", title, cats, series, points, true), Table: table,
			Hidden: anyHidden(points...)})
	}
	// Entered and completed per month: two tables of one column each,
	// drawn side by side.
	if in, ok := o.Table("openings"); ok {
		done, _ := o.Table("completions")
		title := t("report.chart.monthly")
		series := []string{t("report.column.openings"), t("report.column.completions")}
		table := tableView{ID: "chart-monthly-table", Key: "monthly", Caption: title, Head: append([]string{""}, series...)}
		var cats []string
		var points [][]barPoint
		for i, r := range in.Rows {
			a, c := pointOf(in.Cell(i, 0), t), pointOf(done.Cell(i, 0), t)
			cats = append(cats, r.Words(t))
			points = append(points, []barPoint{a, c})
			table.Rows = append(table.Rows, []tableCell{{Text: r.Words(t), Head: true}, {Text: a.Text, Hidden: a.Hidden}, {Text: c.Text, Hidden: c.Hidden}})
		}
		out = append(out, chartView{ID: "chart-monthly", Title: title, SVG: groupedChart("chart-monthly", title, cats, series, points, false), Table: table,
			Hidden: anyHidden(points...)})
	}

	var labels []string
	var points []barPoint
	table := tableView{ID: "chart-outcomes-table", Key: "outcomes", Head: []string{t("report.column.figure"), t("report.column.value")}}
	for _, f := range o.Figures {
		if f.Message != "outcome" {
			continue
		}
		v := f.Value.Text(f.Unit, t)
		labels = append(labels, f.Name(t))
		points = append(points, barPoint{Value: f.Value.N, Hidden: f.Value.Kind != report.Shown, Text: v})
		table.Rows = append(table.Rows, []tableCell{{Text: f.Name(t), Head: true}, {Text: v, Hidden: f.Value.Kind != report.Shown}})
	}
	title := t("report.chart.outcomes")
	table.Caption = title
	out = append(out, chartView{ID: "chart-outcomes", Title: title, SVG: barsChart("chart-outcomes", title, labels, points, false), Table: table,
		Hidden: anyHidden(points)})

	if s, ok := o.Table("referrals_by_domain"); ok {
		labels, points = nil, nil
		title := t("report.chart.referrals")
		table := tableView{ID: "chart-referrals-table", Key: "referral_share", Caption: title, Head: []string{t("report.column.need"), t("report.column.share")}}
		for i, r := range s.Rows {
			helped, sent := s.Cell(i, 0), s.Cell(i, report.Total)
			p := barPoint{Hidden: true}
			switch {
			case helped.Kind != report.Shown || sent.Kind != report.Shown:
				p.Text = t(report.TooFew.Key()) // a share of hidden counts
			case sent.Count > 0:
				share := float64(helped.Count) / float64(sent.Count)
				p = barPoint{Value: share, Text: report.Value{Kind: report.Shown, N: share}.Text(report.Share, t)}
			default:
				p = barPoint{Text: "—"}
			}
			labels = append(labels, r.Words(t))
			points = append(points, p)
			table.Rows = append(table.Rows, []tableCell{{Text: r.Words(t), Head: true}, {Text: p.Text, Hidden: p.Hidden}})
		}
		out = append(out, chartView{ID: "chart-referrals", Title: title, SVG: barsChart("chart-referrals", title, labels, points, true), Table: table,
			Hidden: anyHidden(points)})
	}
	return out
}

func pointOf(c report.Cell, t report.T) barPoint {
	if c.Kind != report.Shown {
		return barPoint{Hidden: true, Text: t(c.Kind.Key())}
	}
	return barPoint{Value: float64(c.Count), Text: strconv.Itoa(c.Count)}
}

// textWidth estimates the width of a text at a font size in user units:
// an average glyph is a little over half the size wide.
func textWidth(s string, size float64) float64 {
	return float64(utf8.RuneCountInString(s)) * size * 0.58
}

// anyHidden tells whether a point of the chart is hidden.
func anyHidden(rows ...[]barPoint) bool {
	for _, r := range rows {
		for _, p := range r {
			if p.Hidden {
				return true
			}
		}
	}
	return false
}
