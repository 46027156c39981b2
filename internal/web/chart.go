package web

import (
	"encoding/xml"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// chartText is the words of a chart, in the page's language.
type chartText struct {
	Title, Desc  string
	XAxis, YAxis string
	// Bar names one bar for screen readers and as a tooltip, e.g.
	// "Week 3: 2 requests" (week counts from 1).
	Bar func(week, count int) string
}

// The chart's drawing area, in SVG user units (the SVG scales to its box).
const (
	chartW, chartH           = 640.0, 240.0
	chartLeft, chartRight    = 52.0, 12.0
	chartTop, chartBottom    = 14.0, 50.0
	chartPlotW, chartPlotH   = chartW - chartLeft - chartRight, chartH - chartTop - chartBottom
	chartMaxTicks            = 5
	chartMaxWeekLabels       = 10
	chartBarShare            = 0.75 // of a week's slot; the rest is the gap
	chartTrendMinWeeks       = 2
	chartMinimumBarUnitWidth = 2.0 // below this the gaps go, bars touch
)

// weeklyChart draws counts per week (oldest first) as a bar chart with
// labelled axes and, with two weeks or more, the least-squares trend line of
// slope trend (counts a week per week). It is an inline SVG with a title and
// a description for screen readers; every text is escaped and every number
// finite, whatever the input: no weeks, one, hundreds, huge counts.
func weeklyChart(counts []int, trend float64, tx chartText) template.HTML {
	if len(counts) == 0 {
		counts = []int{0}
	}
	n := len(counts)
	top := 0
	for _, c := range counts {
		top = max(top, c)
	}
	step, yMax := chartScale(top)
	slot := chartPlotW / float64(n)
	barW := slot * chartBarShare
	if slot < chartMinimumBarUnitWidth {
		barW = slot
	}
	y := func(v float64) float64 { return chartTop + chartPlotH - v/yMax*chartPlotH }
	xMid := func(i int) float64 { return chartLeft + (float64(i)+0.5)*slot }

	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ` + chartNum(chartW) + ` ` + chartNum(chartH) +
		`" role="img" aria-labelledby="chart-title chart-desc" focusable="false">`)
	b.WriteString(`<title id="chart-title">` + chartEsc(tx.Title) + `</title>`)
	b.WriteString(`<desc id="chart-desc">` + chartEsc(tx.Desc) + `</desc>`)

	chartGrid(&b, step, yMax, y) // the value axis: grid lines and their numbers

	// The bars, one a week, each named for screen readers.
	b.WriteString(`<g class="chart-bars">`)
	for i, c := range counts {
		c = max(c, 0)
		h := float64(c) / yMax * chartPlotH
		label := ""
		if tx.Bar != nil {
			label = tx.Bar(i+1, c)
		}
		b.WriteString(`<rect x="` + chartNum(xMid(i)-barW/2) + `" y="` + chartNum(chartTop+chartPlotH-h) + `" width="` + chartNum(barW) +
			`" height="` + chartNum(h) + `" fill="#1f5f5b"><title>` + chartEsc(label) + `</title></rect>`)
	}
	b.WriteString(`</g>`)

	// The trend line, clipped to the plot.
	if n >= chartTrendMinWeeks && !math.IsNaN(trend) && !math.IsInf(trend, 0) {
		var sum float64
		for _, c := range counts {
			sum += float64(max(c, 0))
		}
		meanX, meanY := float64(n-1)/2, sum/float64(n)
		at := func(x float64) float64 { return meanY + trend*(x-meanX) }
		if x0, x1, ok := clipTrend(at, 0, float64(n-1), trend, yMax); ok {
			b.WriteString(`<line class="chart-trend" x1="` + chartNum(chartLeft+(x0+0.5)*slot) + `" y1="` + chartNum(y(at(x0))) +
				`" x2="` + chartNum(chartLeft+(x1+0.5)*slot) + `" y2="` + chartNum(y(at(x1))) +
				`" stroke="#a3261b" stroke-width="2" stroke-dasharray="6 4" aria-hidden="true"/>`)
		}
	}

	// The axes, the week numbers under them, and their names.
	b.WriteString(`<g class="chart-axes" aria-hidden="true">`)
	b.WriteString(`<line x1="` + chartNum(chartLeft) + `" x2="` + chartNum(chartLeft) + `" y1="` + chartNum(chartTop) + `" y2="` + chartNum(chartTop+chartPlotH) +
		`" stroke="#1c2321" stroke-width="1"/>`)
	b.WriteString(`<line x1="` + chartNum(chartLeft) + `" x2="` + chartNum(chartLeft+chartPlotW) + `" y1="` + chartNum(chartTop+chartPlotH) + `" y2="` + chartNum(chartTop+chartPlotH) +
		`" stroke="#1c2321" stroke-width="1"/>`)
	every := weekLabelEvery(n)
	for i := 0; i < n; i += every {
		b.WriteString(`<text x="` + chartNum(xMid(i)) + `" y="` + chartNum(chartTop+chartPlotH+18) + `" text-anchor="middle" font-size="13" fill="#5a6563">` +
			strconv.Itoa(i+1) + `</text>`)
	}
	b.WriteString(`<text x="` + chartNum(chartLeft+chartPlotW/2) + `" y="` + chartNum(chartH-6) + `" text-anchor="middle" font-size="14" fill="#1c2321">` +
		chartEsc(tx.XAxis) + `</text>`)
	b.WriteString(`<text x="12" y="` + chartNum(chartTop+chartPlotH/2) + `" text-anchor="middle" font-size="14" fill="#1c2321" transform="rotate(-90 12 ` +
		chartNum(chartTop+chartPlotH/2) + `)">` + chartEsc(tx.YAxis) + `</text>`)
	b.WriteString(`</g></svg>`)
	return template.HTML(b.String()) // #nosec G203 -- built here, every text escaped
}

// chartScale returns the step between the value axis's grid lines and the
// axis's top: a round step (1, 2 or 5 times a power of ten) that needs at
// most chartMaxTicks steps to reach top, which is at least one step.
func chartScale(top int) (step, yMax float64) {
	t := math.Max(float64(top), 1)
	for e := 0; e <= 20; e++ {
		for _, m := range []float64{1, 2, 5} {
			step = m * math.Pow10(e)
			if math.Ceil(t/step) <= chartMaxTicks {
				return step, math.Max(step, math.Ceil(t/step)*step)
			}
		}
	}
	return step, math.Max(step, math.Ceil(t/step)*step)
}

// weekLabelEvery is how many weeks apart the week numbers stand under the
// bars: every week for a short case, every 2, 4, 13, 26, 52… weeks later.
func weekLabelEvery(n int) int {
	for _, e := range []int{1, 2, 4, 13, 26, 52, 104} {
		if (n+e-1)/e <= chartMaxWeekLabels {
			return e
		}
	}
	return (n + chartMaxWeekLabels - 1) / chartMaxWeekLabels
}

// clipTrend cuts the trend line at(x) on [x0, x1] to where it lies between
// 0 and yMax; ok is false when no part of it does.
func clipTrend(at func(float64) float64, x0, x1, slope, yMax float64) (float64, float64, bool) {
	if slope != 0 {
		// Where the line crosses 0 and yMax.
		a, c := x0+(0-at(x0))/slope, x0+(yMax-at(x0))/slope
		lo, hi := math.Min(a, c), math.Max(a, c)
		x0, x1 = math.Max(x0, lo), math.Min(x1, hi)
	} else if v := at(x0); v < 0 || v > yMax {
		return 0, 0, false
	}
	if !(x0 <= x1) || math.IsNaN(x0) || math.IsNaN(x1) {
		return 0, 0, false
	}
	return x0, x1, true
}

// chartNum formats a coordinate; anything not finite becomes 0, so that no NaN
// ever reaches the drawing.
func chartNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "" || s == "-0" {
		return "0"
	}
	return s
}

// chartEsc escapes text for the SVG's XML.
func chartEsc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
