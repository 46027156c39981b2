// Package text checks free text typed by people before it is stored.
package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean refuses invalid UTF-8 and control characters (NUL among them, which
// PostgreSQL cannot store); multiline text may hold line breaks and tabs.
func Clean(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// Check validates one text field into f (field → message key): bad
// characters, required and empty, or longer than max runes.
func Check(f map[string]string, field, s string, required, multiline bool, max int) {
	switch n := utf8.RuneCountInString(s); {
	case !Clean(s, multiline):
		f[field] = "validation.bad_characters"
	case required && strings.TrimSpace(s) == "":
		f[field] = "validation.required"
	case n > max:
		f[field] = "validation.too_long"
	}
}
