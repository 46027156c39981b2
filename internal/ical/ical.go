// Package ical writes iCalendar (RFC 5545) feeds: a calendar of events,
// each either a whole day (VALUE=DATE; days stay days) or a moment in UTC,
// with text escaped and every content line folded at 75 octets. It writes
// only what Homeward's calendar feed needs, with the standard library.
package ical

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Calendar is one VCALENDAR.
type Calendar struct {
	// ProdID names the product that wrote the calendar (PRODID).
	ProdID string
	// Name is the calendar's name as calendar apps show it (NAME of RFC
	// 7986, and X-WR-CALNAME, which older apps read); empty for none.
	Name string
	// Refresh is how often a subscriber should fetch the feed again
	// (REFRESH-INTERVAL of RFC 7986, and X-PUBLISHED-TTL); zero for none.
	Refresh time.Duration
	Events  []Event
}

// Event is one VEVENT.
type Event struct {
	// UID is the event's lasting identity: a calendar app updates the event
	// of the same UID rather than adding another.
	UID string
	// Stamp is when this version of the event was written (DTSTAMP).
	Stamp time.Time
	// Start is the event's moment, written in UTC; or, when AllDay, its
	// day (the date of Start as it is, whatever its location).
	Start  time.Time
	AllDay bool
	// Summary is the event's title (SUMMARY).
	Summary string
	// URL is an absolute address about the event; empty for none.
	URL string
}

// MaxLine is the most octets a content line holds, its line break left out.
const MaxLine = 75

// Encode writes the calendar.
func (c Calendar) Encode(w io.Writer) error {
	e := &encoder{w: bufio.NewWriter(w)}
	e.line("BEGIN", "", "VCALENDAR")
	e.line("VERSION", "", "2.0")
	e.line("PRODID", "", Text(c.ProdID))
	e.line("CALSCALE", "", "GREGORIAN")
	e.line("METHOD", "", "PUBLISH")
	if c.Name != "" {
		e.line("NAME", "", Text(c.Name))
		e.line("X-WR-CALNAME", "", Text(c.Name))
	}
	if c.Refresh > 0 {
		d := Duration(c.Refresh)
		e.line("REFRESH-INTERVAL", ";VALUE=DURATION", d)
		e.line("X-PUBLISHED-TTL", "", d)
	}
	for _, ev := range c.Events {
		e.line("BEGIN", "", "VEVENT")
		e.line("UID", "", Text(ev.UID))
		e.line("DTSTAMP", "", DateTime(ev.Stamp))
		if ev.AllDay {
			e.line("DTSTART", ";VALUE=DATE", Date(ev.Start))
			e.line("DTEND", ";VALUE=DATE", Date(ev.Start.AddDate(0, 0, 1)))
			// A day's reminder blocks no time in the person's calendar.
			e.line("TRANSP", "", "TRANSPARENT")
		} else {
			e.line("DTSTART", "", DateTime(ev.Start))
		}
		e.line("SUMMARY", "", Text(ev.Summary))
		if ev.URL != "" {
			e.line("URL", "", uri(ev.URL))
		}
		e.line("END", "", "VEVENT")
	}
	e.line("END", "", "VCALENDAR")
	return e.w.Flush()
}

// encoder writes content lines; its writer keeps the first error.
type encoder struct{ w *bufio.Writer }

// line writes "NAME;PARAMS:VALUE", folded, with CRLF.
func (e *encoder) line(name, params, value string) {
	_, _ = e.w.WriteString(Fold(name + params + ":" + value))
}

// Fold breaks a content line into lines of at most MaxLine octets, each
// continuation starting with one space, never inside a UTF-8 character, and
// ends each with CRLF.
func Fold(s string) string {
	var b strings.Builder
	limit := MaxLine
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = MaxLine - 1 // the space that begins a continuation counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}

// Text is a TEXT value: backslash, semicolon and comma escaped, a line
// break written as \n, and other control characters (which TEXT may not
// hold) left out.
func Text(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
		case r == utf8.RuneError:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// uri is a URI value as it stands, control characters left out (a URI
// is not escaped like TEXT).
func uri(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// DateTime is a DATE-TIME value in UTC: 20260102T150405Z.
func DateTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// Date is a DATE value: the date of t as it is, 20260102.
func Date(t time.Time) string { return t.Format("20060102") }

// Duration is a DURATION value of whole seconds: PT1H, P1D, PT90S.
func Duration(d time.Duration) string {
	s := int64(d / time.Second)
	if s <= 0 {
		return "PT0S"
	}
	if s%86400 == 0 {
		return "P" + itoa(s/86400) + "D"
	}
	out := "PT"
	if h := s / 3600; h > 0 {
		out += itoa(h) + "H"
	}
	if m := s % 3600 / 60; m > 0 {
		out += itoa(m) + "M"
	}
	if sec := s % 60; sec > 0 {
		out += itoa(sec) + "S"
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
