package i18n

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Limits on the Accept-Language header, which the client controls.
const (
	maxAcceptLanguageLen   = 4096
	maxAcceptLanguageItems = 64
)

// Negotiate picks the language for a request. A supported explicit choice
// (such as the value of the language cookie) wins. Otherwise the
// Accept-Language header decides: ranges are tried by descending q-value
// (ties in header order), a tag such as "ru-RU" matches its base language,
// "*" matches any language, q=0 on a base language ("ru;q=0") excludes it,
// and malformed items are ignored. If nothing matches, the result is "en".
// The result is always one of the codes Languages returns.
func (b *Bundle) Negotiate(choice, acceptLanguage string) string {
	if code, ok := b.match(choice); ok {
		return code
	}
	if code, ok := b.fromAcceptLanguage(acceptLanguage); ok {
		return code
	}
	return defaultLang
}

// match maps a language tag to a supported code: the tag itself
// (case-insensitively) or its base language.
func (b *Bundle) match(tag string) (string, bool) {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if !validTag(tag) {
		return "", false
	}
	if b.Supported(tag) {
		return tag, true
	}
	base, _, _ := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	if b.Supported(base) {
		return base, true
	}
	return "", false
}

type acceptItem struct {
	code string // "" for the wildcard
	q    float64
}

func (b *Bundle) fromAcceptLanguage(header string) (string, bool) {
	if len(header) > maxAcceptLanguageLen {
		header = header[:maxAcceptLanguageLen]
	}
	var items []acceptItem
	excluded := map[string]bool{}
	for n, part := range strings.Split(header, ",") {
		if n >= maxAcceptLanguageItems {
			break
		}
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		q, ok := parseParams(params)
		if !ok || tag == "" {
			continue
		}
		if tag == "*" {
			if q > 0 {
				items = append(items, acceptItem{q: q})
			}
			continue
		}
		code, ok := b.match(tag)
		if !ok {
			continue
		}
		if q == 0 {
			// "ru;q=0" rules Russian out, "ru-RU;q=0" only that variant,
			// which still leaves plain Russian acceptable to us.
			if tag == code {
				excluded[code] = true
			}
			continue
		}
		items = append(items, acceptItem{code: code, q: q})
	}
	slices.SortStableFunc(items, func(a, b acceptItem) int { return cmp.Compare(b.q, a.q) })
	for _, it := range items {
		if it.code != "" {
			if !excluded[it.code] {
				return it.code, true
			}
			continue
		}
		for _, l := range languages { // wildcard: first language not excluded
			if !excluded[l.Code] {
				return l.Code, true
			}
		}
	}
	return "", false
}

// parseParams parses the ";"-separated parameters of one Accept-Language
// item and returns its q-value (1 if absent). It reports false if the
// q-value is malformed or out of range; other parameters are ignored.
func parseParams(params string) (float64, bool) {
	q := 1.0
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(p, "=")
		if !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		v = strings.TrimSpace(v)
		if v == "" || strings.Trim(v, "0123456789.") != "" {
			return 0, false
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 {
			return 0, false
		}
		q = f
	}
	return q, true
}

// validTag reports whether tag looks like a (lower-cased) BCP 47 language
// tag: a primary subtag of 1–8 letters followed by subtags of 1–8 letters
// or digits, separated by "-" (or "_", which some clients send).
func validTag(tag string) bool {
	for i, sub := range strings.Split(strings.ReplaceAll(tag, "_", "-"), "-") {
		if len(sub) == 0 || len(sub) > 8 {
			return false
		}
		for j := 0; j < len(sub); j++ {
			c := sub[j]
			if !('a' <= c && c <= 'z' || i > 0 && '0' <= c && c <= '9') {
				return false
			}
		}
	}
	return true
}
