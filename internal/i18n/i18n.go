// Package i18n holds Homeward's user-interface translations and the logic
// to choose a language, pick plural forms and fill placeholders.
//
// Catalogues are embedded JSON files, one per language, in catalogues/.
// Each is a flat object mapping a message key either to a string or, for
// plural messages, to an object from CLDR plural category ("one", "few",
// "many", "other") to a string:
//
//	"nav.home": "Home",
//	"programs.count": {"one": "{n} program", "other": "{n} programs"}
//
// Placeholders are written {name} and are filled from name/value argument
// pairs; N fills {n} with the count. Keep keys sorted and files indented with
// two spaces: the tests enforce it, along with every catalogue having the
// same keys, the plural categories each language needs and the placeholders
// the English text uses.
package i18n

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
)

//go:embed catalogues/*.json
var embedded embed.FS

// Language is a supported user-interface language.
type Language struct {
	Code string // lower-case ISO 639-1 code, e.g. "uk"
	Name string // endonym, e.g. "Українська"
}

// languages lists the supported languages in the order Languages reports
// them. The first is the default and the fallback for missing messages.
var languages = []Language{
	{Code: "en", Name: "English"},
	{Code: "ru", Name: "Русский"},
	{Code: "be", Name: "Беларуская"},
	{Code: "uk", Name: "Українська"},
	{Code: "cs", Name: "Čeština"},
}

// defaultLang is the language used when negotiation finds nothing better
// and the one missing messages fall back to.
const defaultLang = "en"

// message is one catalogue entry: plain text, or plural forms by category.
type message struct {
	text  string
	forms map[string]string // nil for a plain message
}

func (m message) plural() bool { return m.forms != nil }

type catalogue map[string]message

// Bundle holds the catalogues of all supported languages. It is immutable
// once loaded and safe for concurrent use.
type Bundle struct {
	cats     map[string]catalogue
	printers map[string]*Printer
}

var loadEmbedded = sync.OnceValues(func() (*Bundle, error) {
	sub, err := fs.Sub(embedded, "catalogues")
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	return load(sub)
})

// Load parses the embedded catalogues. They are parsed once; later calls
// return the same Bundle (or error). A malformed entry yields an error
// naming the file and the key.
func Load() (*Bundle, error) {
	return loadEmbedded()
}

// load reads <code>.json for every supported language from fsys.
func load(fsys fs.FS) (*Bundle, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("i18n: reading catalogues: %w", err)
	}
	for _, e := range entries {
		code, ok := strings.CutSuffix(e.Name(), ".json")
		if ok && !e.IsDir() && !isSupported(code) {
			return nil, fmt.Errorf("i18n: catalogues/%s: not a supported language (add it to the languages list first)", e.Name())
		}
	}

	b := &Bundle{
		cats:     make(map[string]catalogue, len(languages)),
		printers: make(map[string]*Printer, len(languages)),
	}
	for _, l := range languages {
		name := l.Code + ".json"
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: catalogues/%s: %w", name, err)
		}
		cat, err := parseCatalogue(l.Code, data)
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", path.Join("catalogues", name), err)
		}
		b.cats[l.Code] = cat
	}
	for _, l := range languages {
		b.printers[l.Code] = &Printer{lang: l.Code, cat: b.cats[l.Code], fallback: b.cats[defaultLang]}
	}
	return b, nil
}

// parseCatalogue parses one catalogue file. Errors name the offending key.
func parseCatalogue(lang string, data []byte) (catalogue, error) {
	valid := validCategories[lang]
	cat := catalogue{}
	err := decodeObject(data, func(key string, raw json.RawMessage) error {
		if key == "" {
			return errors.New("empty key")
		}
		m, err := parseMessage(valid, raw)
		if err != nil {
			return fmt.Errorf("key %q: %w", key, err)
		}
		cat[key] = m
		return nil
	})
	return cat, err
}

func parseMessage(valid map[string]bool, raw json.RawMessage) (message, error) {
	switch raw[0] { // decodeObject hands over trimmed, non-empty values
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return message{}, err
		}
		return message{text: s}, nil
	case '{':
		forms := map[string]string{}
		err := decodeObject(raw, func(category string, raw json.RawMessage) error {
			if !valid[category] {
				return fmt.Errorf("plural category %q is not used by this language (valid: %s)", category, strings.Join(slices.Sorted(maps.Keys(valid)), ", "))
			}
			if raw[0] != '"' {
				return fmt.Errorf("plural category %q: value must be a string", category)
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return fmt.Errorf("plural category %q: %w", category, err)
			}
			forms[category] = s
			return nil
		})
		if err != nil {
			return message{}, err
		}
		if _, ok := forms[other]; !ok {
			return message{}, errors.New(`plural message lacks the "other" form`)
		}
		return message{forms: forms}, nil
	default:
		return message{}, errors.New("value must be a string or an object of plural forms")
	}
}

// decodeObject walks the JSON object in data, calling fn for each member
// in order. Unlike json.Unmarshal into a map it rejects duplicate keys.
func decodeObject(data []byte, fn func(key string, raw json.RawMessage) error) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	syntax := func(err error) error {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("malformed JSON near byte %d: %w", dec.InputOffset(), err)
	}
	tok, err := dec.Token()
	if err != nil {
		return syntax(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New("expected a JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return syntax(err)
		}
		key, ok := tok.(string)
		if !ok {
			return syntax(fmt.Errorf("unexpected %v", tok))
		}
		if seen[key] {
			return fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("key %q: %w", key, syntax(err))
		}
		if err := fn(key, bytes.TrimSpace(raw)); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // closing '}'
		return syntax(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("unexpected data after the JSON object near byte %d", dec.InputOffset())
	}
	return nil
}

// Languages returns the supported languages in display order:
// en, ru, be, uk, cs.
func (b *Bundle) Languages() []Language {
	return append([]Language(nil), languages...)
}

// Supported reports whether code is exactly one of the codes Languages
// returns.
func (b *Bundle) Supported(code string) bool {
	_, ok := b.cats[code]
	return ok
}

func isSupported(code string) bool {
	for _, l := range languages {
		if l.Code == code {
			return true
		}
	}
	return false
}
