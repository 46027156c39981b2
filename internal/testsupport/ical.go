package testsupport

import (
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// ICalProperty is one property of a parsed iCalendar component: its
// parameters (";VALUE=DATE", or "") and its value as written.
type ICalProperty struct {
	Params, Value string
}

// ICalEvent is a parsed VEVENT: its properties by name, each once.
type ICalEvent map[string]ICalProperty

// ICalCalendar is a parsed VCALENDAR: its own properties and its events.
type ICalCalendar struct {
	Props  map[string]ICalProperty
	Events []ICalEvent
}

var (
	icalName     = regexp.MustCompile(`^[A-Z][A-Z0-9-]*$`)
	icalDate     = regexp.MustCompile(`^[0-9]{8}$`)
	icalDateTime = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z$`)
)

// ParseICal reads an iCalendar feed strictly, as RFC 5545 writes it, and
// fails the test on anything else: lines end with CRLF and hold at most 75
// octets; a continuation begins with one space and never splits a UTF-8
// character; BEGIN and END balance, one VCALENDAR holding VEVENTs only,
// with VERSION:2.0 and a PRODID; every VEVENT has one UID (unique in the
// feed), DTSTAMP in UTC and DTSTART, as a DATE (VALUE=DATE) or a UTC
// DATE-TIME; a DTEND is of the same kind and after the start; SUMMARY is
// well escaped TEXT (see ICalText). It is written apart from internal/ical,
// so that the encoder is checked by another reading of the standard.
func ParseICal(t testing.TB, body string) ICalCalendar {
	t.Helper()
	if !strings.HasSuffix(body, "\r\n") {
		t.Fatalf("the feed does not end with CRLF")
	}
	var lines []string
	for i, l := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d holds a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Fatalf("line %d has %d octets, more than 75: %q", i+1, len(l), l)
		}
		if strings.HasPrefix(l, " ") {
			if len(lines) == 0 || len(l) == 1 {
				t.Fatalf("line %d continues nothing: %q", i+1, l)
			}
			if !utf8.RuneStart(l[1]) {
				t.Fatalf("line %d splits a UTF-8 character", i+1)
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		if strings.HasPrefix(l, "\t") || l == "" {
			t.Fatalf("line %d: empty, or folded with a tab (this writer folds with a space): %q", i+1, l)
		}
		lines = append(lines, l)
	}
	var cal ICalCalendar
	var stack []string
	var ev ICalEvent
	uids := map[string]bool{}
	for _, l := range lines {
		if !utf8.ValidString(l) {
			t.Fatalf("content line is not UTF-8: %q", l)
		}
		head, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("content line without a colon: %q", l)
		}
		name, params, _ := strings.Cut(head, ";")
		if params != "" {
			params = ";" + params
		}
		if !icalName.MatchString(name) {
			t.Fatalf("bad property name %q", name)
		}
		switch name {
		case "BEGIN":
			switch {
			case value == "VCALENDAR" && len(stack) == 0 && cal.Props == nil:
				cal.Props = map[string]ICalProperty{}
			case value == "VEVENT" && len(stack) == 1:
				ev = ICalEvent{}
			default:
				t.Fatalf("BEGIN:%s inside %v", value, stack)
			}
			stack = append(stack, value)
			continue
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != value {
				t.Fatalf("END:%s does not close %v", value, stack)
			}
			stack = stack[:len(stack)-1]
			if value == "VEVENT" {
				checkICalEvent(t, ev, uids)
				cal.Events = append(cal.Events, ev)
				ev = nil
			}
			continue
		}
		var props map[string]ICalProperty
		switch {
		case len(stack) == 1:
			props = cal.Props
		case len(stack) == 2:
			props = ev
		default:
			t.Fatalf("property %s outside a component", name)
		}
		if _, dup := props[name]; dup {
			t.Fatalf("property %s twice in %s", name, stack[len(stack)-1])
		}
		props[name] = ICalProperty{Params: params, Value: value}
	}
	if len(stack) != 0 || cal.Props == nil {
		t.Fatalf("BEGIN and END do not balance: %v left open", stack)
	}
	if cal.Props["VERSION"].Value != "2.0" || cal.Props["PRODID"].Value == "" {
		t.Fatalf("the calendar lacks VERSION:2.0 or PRODID: %v", cal.Props)
	}
	return cal
}

func checkICalEvent(t testing.TB, ev ICalEvent, uids map[string]bool) {
	t.Helper()
	for _, req := range []string{"UID", "DTSTAMP", "DTSTART"} {
		if ev[req].Value == "" {
			t.Fatalf("an event lacks %s: %v", req, ev)
		}
	}
	if uids[ev["UID"].Value] {
		t.Fatalf("UID %s twice", ev["UID"].Value)
	}
	uids[ev["UID"].Value] = true
	if p := ev["DTSTAMP"]; p.Params != "" || !icalDateTime.MatchString(p.Value) {
		t.Fatalf("DTSTAMP is no UTC date-time: %v", p)
	}
	start := icalTime(t, "DTSTART", ev["DTSTART"])
	if end, ok := ev["DTEND"]; ok {
		if end.Params != ev["DTSTART"].Params || !icalTime(t, "DTEND", end).After(start) {
			t.Fatalf("DTEND %v does not follow DTSTART %v", end, ev["DTSTART"])
		}
	}
	if s, ok := ev["SUMMARY"]; ok {
		ICalText(t, s.Value)
	}
}

func icalTime(t testing.TB, name string, p ICalProperty) time.Time {
	t.Helper()
	layout := ""
	switch {
	case p.Params == ";VALUE=DATE" && icalDate.MatchString(p.Value):
		layout = "20060102"
	case p.Params == "" && icalDateTime.MatchString(p.Value):
		layout = "20060102T150405Z"
	default:
		t.Fatalf("%s is neither a DATE nor a UTC DATE-TIME: %v", name, p)
	}
	at, err := time.Parse(layout, p.Value)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return at
}

// ICalText unescapes a TEXT value strictly: a backslash escapes only a
// backslash, a semicolon, a comma or a line break (\n, \N); a bare
// semicolon or comma, or a control character, fails the test.
func ICalText(t testing.TB, v string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\':
			if i+1 == len(v) {
				t.Fatalf("TEXT ends in a lone backslash: %q", v)
			}
			i++
			switch v[i] {
			case '\\', ';', ',':
				b.WriteByte(v[i])
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				t.Fatalf("TEXT has an unknown escape \\%c: %q", v[i], v)
			}
		case c == ';' || c == ',':
			t.Fatalf("TEXT has an unescaped %q: %q", c, v)
		case (c < 0x20 && c != '\t') || c == 0x7f:
			t.Fatalf("TEXT holds a control character: %q", v)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
