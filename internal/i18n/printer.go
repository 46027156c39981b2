package i18n

import (
	"fmt"
	"strconv"
	"strings"
)

// Printer translates messages into one language. It is immutable and safe
// for concurrent use.
type Printer struct {
	lang     string
	cat      catalogue
	fallback catalogue // English
}

// Printer returns the printer for lang. A tag with a region ("ru-RU") uses
// its base language; an unsupported or empty lang gets the English printer.
func (b *Bundle) Printer(lang string) *Printer {
	if code, ok := b.match(lang); ok {
		return b.printers[code]
	}
	return b.printers[defaultLang]
}

// Lang returns the printer's language code.
func (p *Printer) Lang() string {
	if p == nil {
		return defaultLang
	}
	return p.lang
}

// lookup finds key in the printer's language, then in English. It reports
// the language the message came from, which decides its plural rules.
func (p *Printer) lookup(key string) (message, string, bool) {
	if p == nil {
		return message{}, "", false
	}
	if m, ok := p.cat[key]; ok {
		return m, p.lang, true
	}
	if m, ok := p.fallback[key]; ok {
		return m, defaultLang, true
	}
	return message{}, "", false
}

// T translates key, filling {name} placeholders from args, which are
// name/value pairs: p.T("greeting", "name", "Ana"). Values are formatted
// with fmt.Sprint; placeholders without a value are left as written.
// A key missing from the printer's language falls back to English; a key
// missing there too is returned as is. T never panics. For a plural
// message T uses its "other" form.
func (p *Printer) T(key string, args ...any) string {
	m, _, ok := p.lookup(key)
	if !ok {
		return key
	}
	s := m.text
	if m.plural() {
		s = m.forms[other]
	}
	return format(s, args)
}

// N translates the plural message key, choosing the form for n by the
// CLDR rules of the message's language, and fills {n} with n (as Number
// writes it) and other
// placeholders from args as T does. Fallbacks are as for T; a form missing
// from a catalogue falls back to that message's "other" form. For a plain
// message N returns its text.
func (p *Printer) N(key string, n int, args ...any) string {
	m, lang, ok := p.lookup(key)
	if !ok {
		return key
	}
	s := m.text
	if m.plural() {
		var found bool
		if s, found = m.forms[pluralCategory(lang, n)]; !found {
			s = m.forms[other]
		}
	}
	all := make([]any, 0, len(args)+2)
	all = append(all, "n", p.Number(n))
	return format(s, append(all, args...))
}

// groupSeparators are the thousands separators of the languages (CLDR):
// a comma in English, a no-break space in the others.
var groupSeparators = map[string]string{"en": ",", "cs": "\u00a0", "ru": "\u00a0", "uk": "\u00a0", "be": "\u00a0"}

// Number writes the integer n as the printer's language does, its digits
// grouped by thousands: "1,341" in English, "1 341" in Czech or Russian.
func (p *Printer) Number(n int) string {
	digits := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, digits = "-", digits[1:]
	}
	if len(digits) <= 3 {
		return sign + digits
	}
	sep, ok := groupSeparators[p.Lang()]
	if !ok {
		sep = ","
	}
	var b strings.Builder
	b.WriteString(sign)
	head := len(digits) % 3
	if head == 0 {
		head = 3
	}
	b.WriteString(digits[:head])
	for i := head; i < len(digits); i += 3 {
		b.WriteString(sep)
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// format replaces each {name} in s whose name appears in args.
func format(s string, args []any) string {
	if len(args) < 2 || !strings.Contains(s, "{") {
		return s
	}
	return scan(s, func(name string) (string, bool) {
		for i := 0; i+1 < len(args); i += 2 {
			k, ok := args[i].(string)
			if !ok {
				k = fmt.Sprint(args[i])
			}
			if k == name {
				return fmt.Sprint(args[i+1]), true
			}
		}
		return "", false
	})
}

// scan copies s, replacing each placeholder {name} by what fill returns
// for name; if fill reports false, the placeholder is kept. A name is one
// or more ASCII letters, digits or underscores; braces around anything
// else are literal text.
func scan(s string, fill func(name string) (string, bool)) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+1:], '}')
		if j < 0 {
			break
		}
		name := s[i+1 : i+1+j]
		if !isPlaceholderName(name) {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		if v, ok := fill(name); ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+j+2])
		}
		s = s[i+j+2:]
	}
	b.WriteString(s)
	return b.String()
}

func isPlaceholderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
