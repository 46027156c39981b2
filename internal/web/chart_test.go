package web

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func testChartText() chartText {
	return chartText{
		Title: "Requests per week", Desc: `Trend: falling <progress> & "more"`,
		XAxis: "Week", YAxis: "Requests",
		Bar: func(week, count int) string { return fmt.Sprintf("Week %d: %d requests", week, count) },
	}
}

// chartSVGOf parses a chart as XML and returns its elements' names, the numbers
// of every attribute, and its texts.
func chartSVGOf(t *testing.T, svg string) (elements map[string]int, texts []string) {
	t.Helper()
	elements = map[string]int{}
	d := xml.NewDecoder(strings.NewReader(svg))
	d.Strict = true
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 && tok.Name.Local != "svg" {
				t.Fatalf("root element %q, want svg", tok.Name.Local)
			}
			depth++
			elements[tok.Name.Local]++
			for _, a := range tok.Attr {
				switch a.Name.Local {
				case "x", "y", "x1", "x2", "y1", "y2", "width", "height":
					v, err := strconv.ParseFloat(a.Value, 64)
					if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("%s %s=%q is not a finite number", tok.Name.Local, a.Name.Local, a.Value)
					}
					if (a.Name.Local == "width" || a.Name.Local == "height") && v < 0 {
						t.Fatalf("%s %s=%q is negative", tok.Name.Local, a.Name.Local, a.Value)
					}
				}
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if s := strings.TrimSpace(string(tok)); s != "" {
				texts = append(texts, s)
			}
		}
	}
	if depth != 0 {
		t.Fatalf("unbalanced elements")
	}
	if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
		t.Fatalf("chart holds NaN or Inf:\n%s", svg)
	}
	return elements, texts
}

func TestWeeklyChartIsWellFormedForAnyInput(t *testing.T) {
	t.Parallel()
	many := make([]int, 520)
	for i := range many {
		many[i] = (i * 7) % 13
	}
	cases := []struct {
		name   string
		counts []int
		trend  float64
		bars   int
	}{
		{"no weeks", nil, 0, 1},
		{"one week", []int{3}, 0, 1},
		{"one empty week", []int{0}, 0, 1},
		{"all zero", []int{0, 0, 0, 0}, 0, 4},
		{"falling", []int{5, 4, 2, 1, 0}, -1.2, 5},
		{"rising", []int{0, 1, 3, 6}, 2, 4},
		{"hundreds of weeks", many, 0.001, 520},
		{"large counts", []int{math.MaxInt32, 1 << 40, 0, math.MaxInt64}, -1e12, 4},
		{"negative counts", []int{-5, 2, -1}, 0.5, 3},
		{"NaN trend", []int{1, 2, 3}, math.NaN(), 3},
		{"infinite trend", []int{1, 2, 3}, math.Inf(-1), 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			svg := string(weeklyChart(c.counts, c.trend, testChartText()))
			els, texts := chartSVGOf(t, svg)
			if els["rect"] != c.bars {
				t.Errorf("%d bars, want %d", els["rect"], c.bars)
			}
			if els["title"] != c.bars+1 || els["desc"] != 1 {
				t.Errorf("titles %d, descs %d: want a chart title, a description and a title for each bar", els["title"], els["desc"])
			}
			joined := strings.Join(texts, "|")
			for _, want := range []string{"Requests per week", `Trend: falling <progress> & "more"`, "Week", "Requests", "Week 1: "} {
				if !strings.Contains(joined, want) {
					t.Errorf("chart texts lack %q: %s", want, joined)
				}
			}
			if !strings.Contains(svg, `role="img"`) || !strings.Contains(svg, `aria-labelledby="chart-title chart-desc"`) {
				t.Errorf("chart is not named for screen readers")
			}
		})
	}
}

func TestWeeklyChartScalesBarsToTheLargestCount(t *testing.T) {
	t.Parallel()
	svg := string(weeklyChart([]int{4, 2, 0, 1}, -1.1, testChartText()))
	heights := chartFloats(t, svg, `<rect [^>]*height="([0-9.]+)"`)
	if len(heights) != 4 {
		t.Fatalf("bars: %v", heights)
	}
	if heights[0] != chartPlotH || heights[1] != chartPlotH/2 || heights[2] != 0 || heights[3] != chartPlotH/4 {
		t.Errorf("bar heights %v, want the tallest the plot's height %v and the others in proportion", heights, chartPlotH)
	}
	_, texts := chartSVGOf(t, svg)
	joined := strings.Join(texts, "|")
	for _, want := range []string{"Week 1: 4 requests", "Week 2: 2 requests", "Week 3: 0 requests", "Week 4: 1 requests"} {
		if !strings.Contains(joined, want) {
			t.Errorf("bar titles lack %q", want)
		}
	}
	if !strings.Contains(svg, `class="chart-trend"`) {
		t.Errorf("no trend line on four weeks")
	}
	if strings.Contains(string(weeklyChart([]int{4}, 0, testChartText())), "chart-trend") {
		t.Errorf("a trend line on one week")
	}
}

func TestWeeklyChartLabelsAFewWeeksOnLongCases(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 9, 10, 11, 52, 100, 519, 520, 2000} {
		e := weekLabelEvery(n)
		if labels := (n + e - 1) / e; labels > chartMaxWeekLabels || e < 1 {
			t.Errorf("%d weeks: a label every %d weeks makes %d labels", n, e, labels)
		}
	}
}

func TestChartScaleIsRound(t *testing.T) {
	t.Parallel()
	for top, want := range map[int][2]float64{
		0: {1, 1}, 1: {1, 1}, 4: {1, 4}, 5: {1, 5}, 6: {2, 6}, 7: {2, 8}, 11: {5, 15}, 26: {10, 30}, 1234: {500, 1500},
	} {
		step, yMax := chartScale(top)
		if step != want[0] || yMax != want[1] {
			t.Errorf("chartScale(%d) = %v, %v; want %v, %v", top, step, yMax, want[0], want[1])
		}
	}
	if step, yMax := chartScale(math.MaxInt64); math.IsInf(yMax, 0) || yMax < float64(math.MaxInt64) || step <= 0 {
		t.Errorf("chartScale(MaxInt64) = %v, %v", step, yMax)
	}
}

func TestClipTrendKeepsTheLineInThePlot(t *testing.T) {
	t.Parallel()
	line := func(a, b float64) func(float64) float64 { return func(x float64) float64 { return a + b*x } }
	for _, c := range []struct {
		name         string
		a, b, yMax   float64
		x0, x1       float64
		wantOK       bool
		wantX0, want float64
	}{
		{"inside", 4, -1, 5, 0, 3, true, 0, 3},
		{"crosses zero", 2, -1, 5, 0, 4, true, 0, 2},
		{"above the top", 8, 0, 5, 0, 4, false, 0, 0},
		{"below zero", -1, 0, 5, 0, 4, false, 0, 0},
		{"flat inside", 3, 0, 5, 0, 4, true, 0, 4},
		{"starts above", 7, -1, 5, 0, 4, true, 2, 4},
	} {
		x0, x1, ok := clipTrend(line(c.a, c.b), c.x0, c.x1, c.b, c.yMax)
		if ok != c.wantOK || (ok && (x0 != c.wantX0 || x1 != c.want)) {
			t.Errorf("%s: %v %v %v, want %v %v %v", c.name, x0, x1, ok, c.wantX0, c.want, c.wantOK)
		}
	}
}

func chartFloats(t *testing.T, s, pattern string) []float64 {
	t.Helper()
	var out []float64
	for _, m := range regexp.MustCompile(pattern).FindAllStringSubmatch(s, -1) {
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}
