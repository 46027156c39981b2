package ical_test

import (
	"strings"
	"testing"
	"time"

	"homeward/internal/ical"
	"homeward/internal/testsupport"
)

func encode(t testing.TB, c ical.Calendar) string {
	t.Helper()
	var b strings.Builder
	if err := c.Encode(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// A calendar app reads back what was written: long lines folded at 75
// octets without splitting a character, text with commas, semicolons,
// backslashes and line breaks escaped, whole days as dates and moments in
// UTC.
func TestCalendarReadsBack(t *testing.T) {
	t.Parallel()
	prague := time.FixedZone("CET", 3600)
	stamp := time.Date(2026, 12, 6, 15, 4, 5, 0, time.UTC)
	long := "Ž-0042: дата освобождения, ещё; и ещё \\ " + strings.Repeat("ёжик ", 30) + "\nend"
	c := ical.Calendar{ProdID: "-//Homeward//Calendar feed//EN", Name: "Homeward, test", Refresh: time.Hour, Events: []ical.Event{
		{UID: "plan-step-1@example.org", Stamp: stamp, Start: time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC), AllDay: true,
			Summary: long, URL: "https://example.org/cases/1"},
		{UID: "contact-due-2@example.org", Stamp: stamp, Start: time.Date(2026, 12, 7, 9, 30, 0, 0, prague), Summary: "T-1: contact due"},
	}}
	out := encode(t, c)
	cal := testsupport.ParseICal(t, out)
	if got := testsupport.ICalText(t, cal.Props["X-WR-CALNAME"].Value); got != "Homeward, test" {
		t.Errorf("calendar name %q", got)
	}
	if cal.Props["REFRESH-INTERVAL"] != (testsupport.ICalProperty{Params: ";VALUE=DURATION", Value: "PT1H"}) {
		t.Errorf("refresh interval %v", cal.Props["REFRESH-INTERVAL"])
	}
	if len(cal.Events) != 2 {
		t.Fatalf("events: %d", len(cal.Events))
	}
	day, moment := cal.Events[0], cal.Events[1]
	if got := testsupport.ICalText(t, day["SUMMARY"].Value); got != long {
		t.Errorf("summary read back as %q, want %q", got, long)
	}
	if day["DTSTART"] != (testsupport.ICalProperty{Params: ";VALUE=DATE", Value: "20261224"}) ||
		day["DTEND"] != (testsupport.ICalProperty{Params: ";VALUE=DATE", Value: "20261225"}) {
		t.Errorf("a whole day: %v – %v", day["DTSTART"], day["DTEND"])
	}
	if day["URL"].Value != "https://example.org/cases/1" || day["UID"].Value != "plan-step-1@example.org" {
		t.Errorf("URL %v, UID %v", day["URL"], day["UID"])
	}
	if moment["DTSTART"] != (testsupport.ICalProperty{Value: "20261207T083000Z"}) || moment["DTSTAMP"].Value != "20261206T150405Z" {
		t.Errorf("a moment in UTC: %v, stamp %v", moment["DTSTART"], moment["DTSTAMP"])
	}
	if !strings.Contains(out, "\r\n ") {
		t.Errorf("the long summary was not folded")
	}
}

func TestFoldNeverSplitsACharacter(t *testing.T) {
	t.Parallel()
	for n := 60; n < 240; n++ {
		line := "SUMMARY:" + strings.Repeat("a", n%3) + strings.Repeat("€", n)
		out := ical.Fold(line)
		for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
			if len(l) > ical.MaxLine {
				t.Fatalf("a line of %d octets", len(l))
			}
		}
		if got := strings.ReplaceAll(strings.TrimSuffix(out, "\r\n"), "\r\n ", ""); got != line {
			t.Fatalf("unfolded %q, want %q", got, line)
		}
	}
}

func TestTextDropsControlCharacters(t *testing.T) {
	t.Parallel()
	if got := ical.Text("a\x00b\x1bc\r\nd\re\tf"); got != `abc\nd\ne`+"\tf" {
		t.Errorf("Text: %q", got)
	}
}

func TestDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{time.Hour: "PT1H", 90 * time.Minute: "PT1H30M", 48 * time.Hour: "P2D", 45 * time.Second: "PT45S", 0: "PT0S"} {
		if got := ical.Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

// Whatever a summary holds, the feed stays well formed and the summary
// reads back, less the control characters TEXT may not hold.
func FuzzSummary(f *testing.F) {
	for _, s := range []string{"", "T-1: contact due", "a,b;c\\d\ne", strings.Repeat("ж", 100), "\xff\xfe", "\r\n\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := ical.Calendar{ProdID: "-//x//y//EN", Events: []ical.Event{{UID: "u@x", Stamp: time.Unix(0, 0), Start: time.Unix(0, 0), Summary: s}}}
		cal := testsupport.ParseICal(t, encode(t, c))
		want := strings.Map(func(r rune) rune {
			if (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f || r == '\uFFFD' {
				return -1
			}
			return r
		}, strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
		if got := testsupport.ICalText(t, cal.Events[0]["SUMMARY"].Value); got != want {
			t.Fatalf("summary %q read back as %q, want %q", s, got, want)
		}
	})
}
