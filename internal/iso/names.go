// Package iso holds the codes people's languages and countries are stored
// by (ISO 639-1 and ISO 3166-1 alpha-2), with the names of the common ones
// in the interface's languages: to show a stored code as a name, to offer
// names to choose from, and to read a name typed by hand back into its code.
package iso

import (
	"slices"
	"strings"
)

// UILanguages are the interface's languages, in the order of a name row.
var UILanguages = []string{"en", "cs", "ru", "uk", "be"}

// named is one code with its names in UILanguages' order and further names
// people type for it (another spelling, a short form).
type named struct {
	code  string
	names [5]string
	also  []string
}

// Named is a code and its name in one language, as a list offers it.
type Named struct {
	Code string
	Name string
}

// table indexes a list of named codes for showing and reading.
type table struct {
	valid  map[string]bool   // every code of the standard
	byCode map[string]named  // the named ones
	byName map[string]string // folded name or code → code
	sorted map[string][]Named
}

func newTable(all string, list []named) *table {
	t := &table{valid: map[string]bool{}, byCode: map[string]named{}, byName: map[string]string{}, sorted: map[string][]Named{}}
	for _, c := range strings.Fields(all) {
		t.valid[c] = true
		t.byName[fold(c)] = c
	}
	for _, n := range list {
		if !t.valid[n.code] {
			panic("iso: " + n.code + " is not a code of the standard")
		}
		t.byCode[n.code] = n
		for _, name := range slices.Concat(n.names[:], n.also) {
			k := fold(name)
			if other, ok := t.byName[k]; ok && other != n.code {
				panic("iso: the name " + name + " is both " + other + " and " + n.code)
			}
			t.byName[k] = n.code
		}
	}
	for i, lang := range UILanguages {
		out := make([]Named, 0, len(list))
		for _, n := range list {
			out = append(out, Named{Code: n.code, Name: n.names[i]})
		}
		slices.SortFunc(out, func(a, b Named) int { return strings.Compare(fold(a.Name), fold(b.Name)) })
		t.sorted[lang] = out
	}
	return t
}

// name is the code's name in lang (English for a language not among
// UILanguages), or the code itself when the table has no name for it.
func (t *table) name(code, lang string) string {
	n, ok := t.byCode[code]
	if !ok {
		return code
	}
	i := slices.Index(UILanguages, lang)
	if i < 0 {
		i = 0
	}
	return n.names[i]
}

// read finds the code of what a person typed: a code, or a name in any of
// the interface's languages, ignoring case and accents.
func (t *table) read(typed string) (string, bool) {
	c, ok := t.byName[fold(typed)]
	return c, ok
}

// list is every named code with its name in lang, sorted by the name.
func (t *table) list(lang string) []Named {
	if l, ok := t.sorted[lang]; ok {
		return l
	}
	return t.sorted["en"]
}

// accents are the letters with marks people often type without them, and
// the letter they fold to.
var accents = strings.NewReplacer(
	"á", "a", "ä", "a", "č", "c", "ď", "d", "é", "e", "ě", "e", "í", "i", "ň", "n", "ó", "o", "ö", "o", "ř", "r",
	"š", "s", "ť", "t", "ú", "u", "ů", "u", "ü", "u", "ý", "y", "ž", "z", "ё", "е", "’", "'", "ʼ", "'", "`", "'",
)

// fold is the form names are compared in: lower case, without accents,
// with single spaces.
func fold(s string) string {
	return accents.Replace(strings.Join(strings.Fields(strings.ToLower(s)), " "))
}

// Language names a language code in lang.
func LanguageName(code, lang string) string { return languages.name(code, lang) }

// CountryName names a country code in lang.
func CountryName(code, lang string) string { return countries.name(code, lang) }

// ReadLanguage reads a language typed by hand: its ISO 639-1 code or its
// name in one of the interface's languages ("Russian", "ruština",
// "русский"). ok is false for anything else.
func ReadLanguage(typed string) (code string, ok bool) { return languages.read(typed) }

// ReadCountry reads a country typed by hand: its ISO 3166-1 alpha-2 code or
// its name in one of the interface's languages ("Germany", "Německo",
// "Германия"). ok is false for anything else.
func ReadCountry(typed string) (code string, ok bool) { return countries.read(typed) }

// IsLanguage tells whether code is an ISO 639-1 code (lower case).
func IsLanguage(code string) bool { return languages.valid[code] }

// IsCountry tells whether code is an ISO 3166-1 alpha-2 code (upper case).
func IsCountry(code string) bool { return countries.valid[code] }

// Languages are the named languages with their names in lang, by name.
func Languages(lang string) []Named { return languages.list(lang) }

// Countries are the named countries with their names in lang, by name.
func Countries(lang string) []Named { return countries.list(lang) }
