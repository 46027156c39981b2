package web

import (
	"strings"

	"homeward/internal/iso"
)

// Languages and countries are stored as ISO codes and typed by name: forms
// show the codes as names in the reader's language and read back a name in
// any of the interface's languages, or a code.

// typedItems splits a typed list at commas, semicolons and line breaks
// (names may have spaces: "North Macedonia").
func typedItems(s string) []string {
	var out []string
	for _, it := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' || r == '\t' }) {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

// readCodes reads a typed list of names or codes with read; an item not
// understood as a whole may be several codes typed with spaces ("be ru").
// ok is false when any item is not understood.
func readCodes(typed string, read func(string) (string, bool)) (codes []string, ok bool) {
	for _, it := range typedItems(typed) {
		if c, found := read(it); found {
			codes = append(codes, c)
			continue
		}
		for _, word := range strings.Fields(it) {
			c, found := read(word)
			if !found {
				return nil, false
			}
			codes = append(codes, c)
		}
	}
	return codes, true
}

// readLanguages reads the languages typed into a field; what is not a
// language is refused on the field, with what was typed kept.
func readLanguages(typed string) ([]string, string) {
	codes, ok := readCodes(typed, iso.ReadLanguage)
	if !ok {
		return nil, "validation.unknown_language"
	}
	return codes, ""
}

// readCountries reads the countries typed into a field.
func readCountries(typed string) ([]string, string) {
	codes, ok := readCodes(typed, iso.ReadCountry)
	if !ok {
		return nil, "validation.unknown_country"
	}
	return codes, ""
}

// readCountry reads one country typed into a field; empty stays empty.
func readCountry(typed string) (string, string) {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return "", ""
	}
	c, ok := iso.ReadCountry(typed)
	if !ok {
		return "", "validation.unknown_country"
	}
	return c, ""
}

// showLanguages shows language codes as names in lang: "Russian, Czech".
func showLanguages(codes []string, lang string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = iso.LanguageName(c, lang)
	}
	return strings.Join(names, ", ")
}

// showCountries shows country codes as names in lang.
func showCountries(codes []string, lang string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = iso.CountryName(c, lang)
	}
	return strings.Join(names, ", ")
}
