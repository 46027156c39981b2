package i18n

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

var rewriteCatalogues = flag.Bool("rewrite-catalogues", false, "rewrite catalogues/*.json in canonical form (sorted keys, 2-space indent)")

func mustLoad(t *testing.T) *Bundle {
	t.Helper()
	b, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return b
}

func TestLoad(t *testing.T) {
	t.Parallel()
	b := mustLoad(t)
	if b2 := mustLoad(t); b2 != b {
		t.Error("Load returned a different Bundle on the second call; catalogues should be parsed once")
	}
}

func TestLanguages(t *testing.T) {
	t.Parallel()
	b := mustLoad(t)
	want := []Language{
		{"en", "English"},
		{"ru", "Русский"},
		{"be", "Беларуская"},
		{"uk", "Українська"},
		{"cs", "Čeština"},
	}
	got := b.Languages()
	if !slices.Equal(got, want) {
		t.Fatalf("Languages() = %v, want %v", got, want)
	}
	got[0].Name = "changed"
	if b.Languages()[0].Name != "English" {
		t.Error("Languages() exposes the package's slice; callers can modify it")
	}
	for _, l := range want {
		if !b.Supported(l.Code) {
			t.Errorf("Supported(%q) = false", l.Code)
		}
		if p := b.Printer(l.Code); p.Lang() != l.Code {
			t.Errorf("Printer(%q).Lang() = %q", l.Code, p.Lang())
		}
		if _, ok := validCategories[l.Code]; !ok {
			t.Errorf("no plural categories defined for %q", l.Code)
		}
		if _, ok := requiredCategories[l.Code]; !ok {
			t.Errorf("no required plural categories defined for %q", l.Code)
		}
	}
	for _, code := range []string{"", "de", "EN", "ru-RU", "english", "ua", "by", "cz"} {
		if b.Supported(code) {
			t.Errorf("Supported(%q) = true, want false", code)
		}
	}
}

// checkCatalogues returns every consistency problem across the catalogues:
// keys missing from some language, messages plural in one language and
// plain in another, plural messages lacking a category their language
// needs, and placeholders of the English text missing from (or unknown to)
// a translation.
func checkCatalogues(cats map[string]catalogue) []string {
	var problems []string
	report := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	kind := func(m message) string {
		if m.plural() {
			return "plural"
		}
		return "plain"
	}

	have := map[string][]string{} // key → languages having it, in Languages order
	for _, l := range languages {
		for key := range cats[l.Code] {
			have[key] = append(have[key], l.Code)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(have)) {
		ref := have[key][0] // English, unless the key is missing there
		refMsg := cats[ref][key]
		refNames := map[string]bool{}
		for _, text := range forms(refMsg) {
			for _, name := range placeholders(text) {
				refNames[name] = true
			}
		}
		for _, l := range languages {
			m, ok := cats[l.Code][key]
			if !ok {
				report("%s: key %q is missing (present in %s)", l.Code, key, strings.Join(have[key], ", "))
				continue
			}
			if m.plural() != refMsg.plural() {
				report("%s: key %q is %s here but %s in %s", l.Code, key, kind(m), kind(refMsg), ref)
				continue
			}
			if m.plural() {
				for _, c := range requiredCategories[l.Code] {
					if _, ok := m.forms[c]; !ok {
						report("%s: plural key %q lacks the %q form", l.Code, key, c)
					}
				}
			}
			if l.Code == ref {
				continue
			}
			f := forms(m)
			for _, label := range slices.Sorted(maps.Keys(f)) {
				where := fmt.Sprintf("key %q", key)
				if label != "" {
					where += fmt.Sprintf(" (form %q)", label)
				}
				names := placeholders(f[label])
				for _, name := range slices.Sorted(maps.Keys(refNames)) {
					if !slices.Contains(names, name) {
						report("%s: %s lacks placeholder {%s} used in %s", l.Code, where, name, ref)
					}
				}
				for _, name := range names {
					if !refNames[name] {
						report("%s: %s uses placeholder {%s}, which %s does not", l.Code, where, name, ref)
					}
				}
			}
		}
	}
	return problems
}

// forms returns a message's texts keyed by plural category ("" for a plain
// message).
func forms(m message) map[string]string {
	if m.plural() {
		return m.forms
	}
	return map[string]string{"": m.text}
}

// placeholders lists the distinct placeholder names in s, as format sees them.
func placeholders(s string) []string {
	var names []string
	scan(s, func(name string) (string, bool) {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
		return "", false
	})
	return names
}

// TestCatalogues fails when a key in any catalogue is missing from another,
// when a message is plural in one language and plain in another, when a
// plural message lacks a category its language needs, or when a
// translation drops a placeholder of the English text.
func TestCatalogues(t *testing.T) {
	t.Parallel()
	b := mustLoad(t)
	for _, p := range checkCatalogues(b.cats) {
		t.Error(p)
	}
	// The starter keys must be there (in English, and so everywhere).
	for _, key := range []string{
		"app.name", "app.tagline",
		"nav.home", "nav.programs", "nav.cases", "nav.mentors", "nav.partners",
		"nav.reports", "nav.admin", "nav.skip", "nav.menu",
		"lang.label", "lang.choose",
		"error.not_found.title", "error.not_found.body",
		"error.server.title", "error.server.body", "error.back_home",
		"programs.count",
	} {
		if _, ok := b.cats["en"][key]; !ok {
			t.Errorf("en: starter key %q is missing", key)
		}
	}
	for _, l := range languages {
		for key, m := range b.cats[l.Code] {
			for c, text := range forms(m) {
				if strings.TrimSpace(text) == "" {
					t.Errorf("%s: key %q %s is empty", l.Code, key, c)
				}
			}
		}
	}
}

// TestCatalogueChecker makes sure checkCatalogues catches each kind of
// problem, so that TestCatalogues passing means something.
func TestCatalogueChecker(t *testing.T) {
	t.Parallel()
	plain := func(s string) message { return message{text: s} }
	plural := func(kv ...string) message {
		m := message{forms: map[string]string{}}
		for i := 0; i+1 < len(kv); i += 2 {
			m.forms[kv[i]] = kv[i+1]
		}
		return m
	}
	good := func() map[string]catalogue {
		cats := map[string]catalogue{}
		for _, l := range languages {
			p := plural("one", "{n} x", "few", "{n} x", "many", "{n} x", "other", "{n} x")
			if l.Code == "en" {
				p = plural("one", "{n} x", "other", "{n} x")
			}
			if l.Code == "cs" {
				p = plural("one", "{n} x", "few", "{n} x", "other", "{n} x")
			}
			cats[l.Code] = catalogue{"greet": plain("Hi {name}"), "count": p}
		}
		return cats
	}
	if p := checkCatalogues(good()); len(p) != 0 {
		t.Fatalf("consistent catalogues reported as broken: %q", p)
	}

	tests := []struct {
		name   string
		mutate func(map[string]catalogue)
		want   string
	}{
		{"key missing from a translation", func(c map[string]catalogue) { delete(c["uk"], "greet") },
			`uk: key "greet" is missing (present in en, ru, be, cs)`},
		{"key missing from English", func(c map[string]catalogue) { c["cs"]["extra"] = plain("x") },
			`en: key "extra" is missing (present in cs)`},
		{"plural vs plain", func(c map[string]catalogue) { c["be"]["count"] = plain("{n}") },
			`be: key "count" is plain here but plural in en`},
		{"plain vs plural", func(c map[string]catalogue) { c["ru"]["greet"] = plural("one", "{name}", "other", "{name}") },
			`ru: key "greet" is plural here but plain in en`},
		{"ru lacks many", func(c map[string]catalogue) { delete(c["ru"]["count"].forms, "many") },
			`ru: plural key "count" lacks the "many" form`},
		{"uk lacks other", func(c map[string]catalogue) { delete(c["uk"]["count"].forms, "other") },
			`uk: plural key "count" lacks the "other" form`},
		{"cs lacks few", func(c map[string]catalogue) { delete(c["cs"]["count"].forms, "few") },
			`cs: plural key "count" lacks the "few" form`},
		{"en lacks one", func(c map[string]catalogue) { delete(c["en"]["count"].forms, "one") },
			`en: plural key "count" lacks the "one" form`},
		{"placeholder dropped", func(c map[string]catalogue) { c["cs"]["greet"] = plain("Ahoj") },
			`cs: key "greet" lacks placeholder {name} used in en`},
		{"placeholder dropped from a form", func(c map[string]catalogue) { c["be"]["count"].forms["few"] = "некалькі" },
			`be: key "count" (form "few") lacks placeholder {n} used in en`},
		{"placeholder renamed", func(c map[string]catalogue) { c["ru"]["greet"] = plain("Привет {nmae}") },
			`ru: key "greet" uses placeholder {nmae}, which en does not`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cats := good()
			tt.mutate(cats)
			problems := checkCatalogues(cats)
			if !slices.Contains(problems, tt.want) {
				t.Errorf("problem not reported:\n  want %s\n  got  %q", tt.want, problems)
			}
		})
	}
}

// canonical renders a catalogue the way the files must be written: keys
// sorted (Go sorts map keys), 2-space indent, no HTML escaping, final newline.
func canonical(cat catalogue) ([]byte, error) {
	m := map[string]any{}
	for key, msg := range cat {
		if msg.plural() {
			m[key] = msg.forms
		} else {
			m[key] = msg.text
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(m)
	return buf.Bytes(), err
}

// TestCatalogueFormatting keeps the files diff-friendly: sorted keys,
// pretty-printed with a 2-space indent. Fix with
// go test ./internal/i18n -run Formatting -rewrite-catalogues
func TestCatalogueFormatting(t *testing.T) {
	t.Parallel()
	b := mustLoad(t)
	for _, l := range languages {
		name := l.Code + ".json"
		got, err := embedded.ReadFile("catalogues/" + name)
		if err != nil {
			t.Fatal(err)
		}
		want, err := canonical(b.cats[l.Code])
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(got, want) {
			continue
		}
		if *rewriteCatalogues {
			if err := os.WriteFile(filepath.Join("catalogues", name), want, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("rewrote catalogues/%s", name)
			continue
		}
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		i := 0
		for i < len(gl) && i < len(wl) && gl[i] == wl[i] {
			i++
		}
		line := func(ls []string) string {
			if i < len(ls) {
				return ls[i]
			}
			return "<end of file>"
		}
		t.Errorf("catalogues/%s is not in canonical form (keys sorted, 2-space indent); first difference at line %d:\n  got:  %s\n  want: %s\nfix with: go test ./internal/i18n -run Formatting -rewrite-catalogues",
			name, i+1, line(gl), line(wl))
	}
}

func TestPluralRules(t *testing.T) {
	t.Parallel()
	ns := []int{0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111}
	slavic := []string{many, one, few, few, many, many, many, many, one, few, many, one, many}
	want := map[string][]string{
		"en": {other, one, other, other, other, other, other, other, other, other, other, other, other},
		"cs": {other, one, few, few, other, other, other, other, other, other, other, other, other},
		"ru": slavic,
		"uk": slavic,
		"be": slavic,
	}
	for _, l := range languages {
		for i, n := range ns {
			if got := pluralCategory(l.Code, n); got != want[l.Code][i] {
				t.Errorf("pluralCategory(%q, %d) = %q, want %q", l.Code, n, got, want[l.Code][i])
			}
			// The sign does not matter.
			if got := pluralCategory(l.Code, -n); got != want[l.Code][i] {
				t.Errorf("pluralCategory(%q, %d) = %q, want %q", l.Code, -n, got, want[l.Code][i])
			}
			// Every category an integer maps to must be a valid and
			// required one, or N would fall back to "other".
			if c := want[l.Code][i]; !slices.Contains(requiredCategories[l.Code], c) || !validCategories[l.Code][c] {
				t.Errorf("%s: category %q for %d is not required/valid", l.Code, c, n)
			}
		}
	}
	// No overflow at the extremes.
	for _, l := range languages {
		_ = pluralCategory(l.Code, math.MinInt)
		_ = pluralCategory(l.Code, math.MaxInt)
	}
	if got := pluralCategory("ru", math.MinInt); got != many { // 9223372036854775808: ends in 08
		t.Errorf(`pluralCategory("ru", MinInt) = %q, want "many"`, got)
	}
}

func TestProgramsCount(t *testing.T) {
	t.Parallel()
	b := mustLoad(t)
	tests := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 0, "0 programs"},
		{"en", 1, "1 program"},
		{"en", 21, "21 programs"},
		{"ru", 1, "1 программа"},
		{"ru", 3, "3 программы"},
		{"ru", 11, "11 программ"},
		{"ru", 21, "21 программа"},
		{"ru", 25, "25 программ"},
		{"uk", 22, "22 програми"},
		{"uk", 111, "111 програм"},
		{"be", 101, "101 праграма"},
		{"be", 14, "14 праграм"},
		{"cs", 1, "1 program"},
		{"cs", 4, "4 programy"},
		{"cs", 5, "5 programů"},
		{"cs", 22, "22 programů"},
		// Thousands are grouped as each language does.
		{"en", 1341, "1,341 programs"},
		{"en", 1234567, "1,234,567 programs"},
		{"cs", 1341, "1\u00a0341 programů"},
		{"ru", 1341, "1\u00a0341 программа"},
		{"uk", 100000, "100\u00a0000 програм"},
		{"be", 2024, "2\u00a0024 праграмы"},
	}
	for _, tt := range tests {
		if got := b.Printer(tt.lang).N("programs.count", tt.n); got != tt.want {
			t.Errorf("%s: N(programs.count, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

func TestNegotiate(t *testing.T) {
	t.Parallel()
	b := mustLoad(t)
	tests := []struct {
		name, choice, header, want string
	}{
		{"cookie wins", "ru", "uk-UA,uk;q=0.9,en;q=0.5", "ru"},
		{"cookie wins over nothing", "be", "", "be"},
		{"cookie is case-insensitive", " CS ", "en", "cs"},
		{"cookie with region", "uk-UA", "en", "uk"},
		{"unsupported cookie ignored", "de", "uk-UA,uk;q=0.9,en;q=0.5", "uk"},
		{"garbage cookie ignored", "<script>", "cs", "cs"},
		{"empty cookie, empty header", "", "", "en"},
		{"region tag matches base", "", "uk-UA,uk;q=0.9,en;q=0.5", "uk"},
		{"unsupported first, q-value next", "", "de, cs;q=0.8", "cs"},
		{"q=0 excludes", "", "ru;q=0", "en"},
		{"q=0 excludes despite region", "", "ru-RU;q=0.9, ru;q=0, cs;q=0.5", "cs"},
		{"q=0 on a region only excludes the region", "", "ru-RU;q=0, ru;q=0.5", "ru"},
		{"garbage", "", "!!!, ;;; ,q=,\x00\xff", "en"},
		{"garbage items skipped", "", "1234, en-, -ru, ru--RU, be", "be"},
		{"higher q later wins", "", "en;q=0.3, be;q=0.7, uk;q=0.5", "be"},
		{"equal q keeps header order", "", "cs;q=0.5, ru;q=0.5", "cs"},
		{"implicit q=1", "", "uk;q=0.9, ru", "ru"},
		{"malformed q ignored", "", "ru;q=abc, cs;q=0.2", "cs"},
		{"q above 1 ignored", "", "ru;q=2, be;q=0.1", "be"},
		{"negative q ignored", "", "ru;q=-1, uk;q=0.1", "uk"},
		{"exponent q ignored", "", "ru;q=1e-1, uk;q=0.05", "uk"},
		{"case-insensitive tag and q", "", "CS-cz; Q=0.5, de", "cs"},
		{"spaces around params", "", "de ; q = 0.9 , be ; q = 0.8", "be"},
		{"other params ignored", "", "ru;foo=bar;q=0.4", "ru"},
		{"script subtag", "", "be-Latn-BY", "be"},
		{"underscore separator", "", "uk_UA", "uk"},
		{"wildcard", "", "de, *;q=0.1", "en"},
		{"wildcard skips excluded", "", "en;q=0, *", "ru"},
		{"only unsupported", "", "de-DE, fr;q=0.8", "en"},
		{"typical browser", "", "cs-CZ,cs;q=0.9,en-US;q=0.8,en;q=0.7", "cs"},
		{"too long header still parsed from the start", "", "be;q=0.9," + strings.Repeat("x,", 5000), "be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := b.Negotiate(tt.choice, tt.header); got != tt.want {
				t.Errorf("Negotiate(%q, %q) = %q, want %q", tt.choice, tt.header, got, tt.want)
			}
		})
	}
}

// testFS returns catalogues with every language empty ("{}") except those
// given; a value of "-" removes that file.
func testFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, l := range languages {
		fsys[l.Code+".json"] = &fstest.MapFile{Data: []byte("{}")}
	}
	for name, data := range files {
		if data == "-" {
			delete(fsys, name)
			continue
		}
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

func TestTranslateFallbacks(t *testing.T) {
	t.Parallel()
	b, err := load(testFS(map[string]string{
		"en.json": `{
			"files": {"one": "{n} file in {folder}", "other": "{n} files in {folder}"},
			"greeting": "Hello, {name}!",
			"items": {"one": "{n} item", "other": "{n} items"},
			"only_en": "Only in English",
			"total": "Total: {n}"
		}`,
		"ru.json": `{
			"braces": "{} {{name}} {na me} {name",
			"greeting": "Привет, {name}!",
			"items": {"one": "{n} предмет", "few": "{n} предмета", "many": "{n} предметов", "other": "{n} предмета"},
			"partial": {"one": "{n} штука", "other": "{n} штуки"}
		}`,
	}))
	if err != nil {
		t.Fatal(err)
	}
	ru, en := b.Printer("ru"), b.Printer("en")
	var nilPrinter *Printer
	tests := []struct {
		name, got, want string
	}{
		{"translated", ru.T("greeting", "name", "Ana"), "Привет, Ana!"},
		{"english", en.T("greeting", "name", "Ana"), "Hello, Ana!"},
		{"missing in ru falls back to en", ru.T("only_en"), "Only in English"},
		{"missing everywhere returns key", ru.T("no.such.key"), "no.such.key"},
		{"missing in en returns key", en.T("no.such.key", "name", "x"), "no.such.key"},
		{"only in ru not visible from en", en.T("partial"), "partial"},
		{"no args leaves placeholder", ru.T("greeting"), "Привет, {name}!"},
		{"odd args ignored", ru.T("greeting", "name"), "Привет, {name}!"},
		{"extra trailing arg ignored", ru.T("greeting", "name", "Ana", "extra"), "Привет, Ana!"},
		{"unknown arg ignored", ru.T("greeting", "nmae", "Ana"), "Привет, {name}!"},
		{"non-string name", ru.T("greeting", 42, "x"), "Привет, {name}!"},
		{"non-string value", ru.T("greeting", "name", 42), "Привет, 42!"},
		{"nil value", ru.T("greeting", "name", nil), "Привет, <nil>!"},
		{"first duplicate arg wins", ru.T("greeting", "name", "A", "name", "B"), "Привет, A!"},
		{"braces that are not placeholders", ru.T("braces", "name", "X"), "{} {X} {na me} {name"},
		{"T on plural uses other", ru.T("items"), "{n} предмета"},
		{"N one", ru.N("items", 1), "1 предмет"},
		{"N few", ru.N("items", 3), "3 предмета"},
		{"N many", ru.N("items", 11), "11 предметов"},
		{"N 21", ru.N("items", 21), "21 предмет"},
		{"N negative", ru.N("items", -2), "-2 предмета"},
		{"N en", en.N("items", 1), "1 item"},
		{"N en other", en.N("items", 0), "0 items"},
		{"N n cannot be overridden", en.N("items", 2, "n", 99), "2 items"},
		{"N falls back to en with English rules", ru.N("files", 21, "folder", "Inbox"), "21 files in Inbox"},
		{"N falls back to en, one", ru.N("files", 1, "folder", "Inbox"), "1 file in Inbox"},
		{"N missing form uses other", ru.N("partial", 5), "5 штуки"},
		{"N missing key returns key", ru.N("no.such.key", 5), "no.such.key"},
		{"N on plain message", ru.N("total", 3), "Total: 3"},
		{"nil printer T", nilPrinter.T("greeting"), "greeting"},
		{"nil printer N", nilPrinter.N("items", 2), "items"},
		{"nil printer Lang", nilPrinter.Lang(), "en"},
		{"unsupported printer is English", b.Printer("de").Lang(), "en"},
		{"empty printer is English", b.Printer("").Lang(), "en"},
		{"region printer uses base", b.Printer("RU-ru").Lang(), "ru"},
		{"unsupported printer translates", b.Printer("de").T("greeting", "name", "Ana"), "Hello, Ana!"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the error
	}{
		{"syntax error", map[string]string{"ru.json": `{"a": "x",}`}, []string{"catalogues/ru.json", "malformed JSON"}},
		{"unterminated", map[string]string{"uk.json": `{"a": "x"`}, []string{"catalogues/uk.json", "malformed JSON"}},
		{"empty file", map[string]string{"be.json": ``}, []string{"catalogues/be.json", "malformed JSON"}},
		{"not an object", map[string]string{"cs.json": `["a"]`}, []string{"catalogues/cs.json", "expected a JSON object"}},
		{"trailing data", map[string]string{"en.json": `{"a": "x"} {}`}, []string{"catalogues/en.json", "after the JSON object"}},
		{"number value", map[string]string{"ru.json": `{"nav.home": 5}`}, []string{"catalogues/ru.json", `key "nav.home"`, "string or an object"}},
		{"null value", map[string]string{"ru.json": `{"nav.home": null}`}, []string{"catalogues/ru.json", `key "nav.home"`}},
		{"array value", map[string]string{"ru.json": `{"nav.home": ["x"]}`}, []string{"catalogues/ru.json", `key "nav.home"`}},
		{"empty key", map[string]string{"cs.json": `{"": "x"}`}, []string{"catalogues/cs.json", "empty key"}},
		{"duplicate key", map[string]string{"be.json": `{"a": "x", "b": "y", "a": "z"}`}, []string{"catalogues/be.json", `duplicate key "a"`}},
		{"category not used by language", map[string]string{"en.json": `{"p": {"one": "a", "few": "b", "other": "c"}}`},
			[]string{"catalogues/en.json", `key "p"`, `"few"`}},
		{"unknown category", map[string]string{"ru.json": `{"p": {"one": "a", "lots": "b", "other": "c"}}`},
			[]string{"catalogues/ru.json", `key "p"`, `"lots"`}},
		{"non-string form", map[string]string{"cs.json": `{"p": {"one": 1, "other": "b"}}`},
			[]string{"catalogues/cs.json", `key "p"`, `"one"`}},
		{"object form", map[string]string{"cs.json": `{"p": {"one": {"x": "y"}, "other": "b"}}`},
			[]string{"catalogues/cs.json", `key "p"`, `"one"`}},
		{"duplicate category", map[string]string{"uk.json": `{"p": {"other": "a", "other": "b"}}`},
			[]string{"catalogues/uk.json", `key "p"`, `duplicate key "other"`}},
		{"missing other", map[string]string{"uk.json": `{"p": {"one": "a", "few": "b", "many": "c"}}`},
			[]string{"catalogues/uk.json", `key "p"`, `"other"`}},
		{"empty plural", map[string]string{"uk.json": `{"p": {}}`}, []string{"catalogues/uk.json", `key "p"`, `"other"`}},
		{"missing file", map[string]string{"cs.json": "-"}, []string{"catalogues/cs.json"}},
		{"unsupported language file", map[string]string{"de.json": `{}`}, []string{"catalogues/de.json", "not a supported language"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := load(testFS(tt.files))
			if err == nil {
				t.Fatalf("load succeeded (%v), want an error", b)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	// And a well-formed set loads.
	if _, err := load(testFS(map[string]string{
		"cs.json": `{"p": {"one": "a", "few": "b", "many": "c", "other": "d"}, "q": "<b>&</b>"}`,
	})); err != nil {
		t.Errorf("load of valid catalogues: %v", err)
	}
}
