package iso

import "testing"

func TestReadNames(t *testing.T) {
	t.Parallel()
	langs := map[string]string{"Russian": "ru", "russian": "ru", " RUŠTINA ": "ru", "русский": "ru", "Беларуская": "be",
		"ru": "ru", "DE": "de", "němčina": "de", "nemcina": "de", "Українська": "uk", "farsi": "fa"}
	for typed, want := range langs {
		if got, ok := ReadLanguage(typed); !ok || got != want {
			t.Errorf("ReadLanguage(%q) = %q, %v; want %q", typed, got, ok, want)
		}
	}
	countries := map[string]string{"Germany": "DE", "germany": "DE", "německo": "DE", "nemecko": "DE", "Германия": "DE",
		"Німеччина": "DE", "Германія": "DE", "de": "DE", "Czech Republic": "CZ", "USA": "US", "Белоруссия": "BY", "ZW": "ZW"}
	for typed, want := range countries {
		if got, ok := ReadCountry(typed); !ok || got != want {
			t.Errorf("ReadCountry(%q) = %q, %v; want %q", typed, got, ok, want)
		}
	}
	for _, typed := range []string{"Russland", "Klingon", "", "xx", "Germ"} {
		if got, ok := ReadLanguage(typed); ok {
			t.Errorf("ReadLanguage(%q) = %q, want refused", typed, got)
		}
		if got, ok := ReadCountry(typed); ok {
			t.Errorf("ReadCountry(%q) = %q, want refused", typed, got)
		}
	}
}

func TestNamesInEveryLanguage(t *testing.T) {
	t.Parallel()
	if got := CountryName("DE", "cs"); got != "Německo" {
		t.Errorf("CountryName(DE, cs) = %q", got)
	}
	if got := LanguageName("ru", "uk"); got != "російська" {
		t.Errorf("LanguageName(ru, uk) = %q", got)
	}
	if got := CountryName("ZW", "en"); got != "ZW" {
		t.Errorf("an unnamed code shows as itself, got %q", got)
	}
	for _, lang := range UILanguages {
		for _, n := range Countries(lang) {
			if n.Name == "" {
				t.Errorf("%s has no name in %s", n.Code, lang)
			}
			if back, ok := ReadCountry(n.Name); !ok || back != n.Code {
				t.Errorf("%s's name in %s, %q, reads back as %q", n.Code, lang, n.Name, back)
			}
		}
		for _, n := range Languages(lang) {
			if back, ok := ReadLanguage(n.Name); !ok || back != n.Code {
				t.Errorf("%s's name in %s, %q, reads back as %q", n.Code, lang, n.Name, back)
			}
		}
	}
	for _, c := range []string{"RU", "BY", "UA", "GE", "AM", "AZ", "KZ", "UZ", "TJ", "KG", "MD", "TR", "IR", "AF", "SY", "IQ", "US", "CA", "IL", "CN"} {
		if CountryName(c, "be") == c {
			t.Errorf("%s has no name", c)
		}
	}
	if !IsLanguage("ru") || IsLanguage("xx") || !IsCountry("DE") || IsCountry("XX") {
		t.Error("the standard's codes are not told apart")
	}
}
