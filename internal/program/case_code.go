package program

import (
	"fmt"
	"strconv"
	"strings"
)

// A case code pattern is how a program makes its case codes, such as
// "VOL-{year}-{n:3}": letters, digits and hyphens as they are, {year} the
// year the case is opened and {n} the program's counter (with {n:3}, at
// least three digits). The counter never repeats, so neither does a code.
const (
	// MaxCaseCodePattern is the longest pattern, in characters.
	MaxCaseCodePattern = 40
	// maxCaseCode is the longest code a pattern may make (cases.Profile).
	maxCaseCode = 32
	// counterRoom is the digits a counter is allowed for in the length check.
	counterRoom = 6
)

// codePart is a piece of a pattern: a literal, or a token (year or n).
type codePart struct {
	literal string
	token   string // "", "year" or "n"
	width   int    // of n: at least this many digits
}

// parseCaseCodePattern reads a pattern; ok is false when it is not one.
func parseCaseCodePattern(pattern string) (parts []codePart, ok bool) {
	counters := 0
	for rest := pattern; rest != ""; {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			open = len(rest)
		}
		if open > 0 {
			lit := strings.ToUpper(rest[:open])
			for _, r := range lit {
				if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
					return nil, false
				}
			}
			parts = append(parts, codePart{literal: lit})
			rest = rest[open:]
			continue
		}
		end := strings.IndexByte(rest, '}')
		if end < 0 {
			return nil, false
		}
		tok := strings.ToLower(strings.TrimSpace(rest[1:end]))
		rest = rest[end+1:]
		switch {
		case tok == "year":
			parts = append(parts, codePart{token: "year"})
		case tok == "n":
			parts = append(parts, codePart{token: "n", width: 1})
			counters++
		case strings.HasPrefix(tok, "n:"):
			w, err := strconv.Atoi(tok[2:])
			if err != nil || w < 1 || w > counterRoom {
				return nil, false
			}
			parts = append(parts, codePart{token: "n", width: w})
			counters++
		default:
			return nil, false
		}
	}
	return parts, counters == 1
}

// NormalizeCaseCodePattern is the pattern as stored: literals upper case,
// tokens lower case ("vol-{YEAR}-{N:3}" becomes "VOL-{year}-{n:3}"); a
// pattern that does not parse is returned trimmed, for Validate to refuse.
func NormalizeCaseCodePattern(pattern string) string {
	pattern = strings.TrimSpace(pattern)
	parts, ok := parseCaseCodePattern(pattern)
	if !ok {
		return pattern
	}
	var b strings.Builder
	for _, p := range parts {
		switch {
		case p.token == "year":
			b.WriteString("{year}")
		case p.token == "n" && p.width > 1:
			fmt.Fprintf(&b, "{n:%d}", p.width)
		case p.token == "n":
			b.WriteString("{n}")
		default:
			b.WriteString(p.literal)
		}
	}
	return b.String()
}

// validCaseCodePattern tells whether a pattern makes codes a case may have:
// one counter, known tokens, a letter or digit first, and room for a
// six-digit counter within a code's length.
func validCaseCodePattern(pattern string) bool {
	parts, ok := parseCaseCodePattern(pattern)
	if !ok {
		return false
	}
	longest := renderCaseCode(parts, 9999, 999999)
	return len(longest) >= 2 && len(longest) <= maxCaseCode && longest[0] != '-'
}

func renderCaseCode(parts []codePart, year, n int) string {
	var b strings.Builder
	for _, p := range parts {
		switch p.token {
		case "year":
			b.WriteString(strconv.Itoa(year))
		case "n":
			fmt.Fprintf(&b, "%0*d", p.width, n)
		default:
			b.WriteString(p.literal)
		}
	}
	return b.String()
}

// CaseCode makes the program's case code for the counter n in year, or ""
// when the program has no pattern (its coordinators type every code).
func (p Program) CaseCode(year, n int) string {
	parts, ok := parseCaseCodePattern(p.CaseCodePattern)
	if p.CaseCodePattern == "" || !ok {
		return ""
	}
	return renderCaseCode(parts, year, n)
}
