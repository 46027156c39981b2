package partners

import (
	"slices"
	"strings"
	"testing"
)

// Service areas are typed into a form (or come from a file): whatever is
// typed, each area read has a country in capitals and no space around its
// parts, and the areas written back for the form read as the same areas,
// before and after the service's normalising.
func FuzzParseAreas(f *testing.F) {
	for _, s := range []string{"lt vilnius\nLT: Kaunas, PL/Kraków; lt vilnius", "LT", "", " , ;\n", "DE Frankfurt am Main",
		"lt:vilnius/old town", "ß straße", "\xff \xfe", "LT\tVilnius", "LT  Vilnius  Old\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		areas := ParseAreas(s)
		for _, a := range areas {
			switch {
			case a.Country == "":
				t.Fatalf("%q: an area without a country: %+v", s, a)
			case a.Country != strings.ToUpper(a.Country):
				t.Fatalf("%q: country %q is not in capitals", s, a.Country)
			case strings.ContainsAny(a.Country, " :/,;\n"):
				t.Fatalf("%q: country %q holds a separator", s, a.Country)
			case a.Country != strings.TrimSpace(a.Country) || a.City != strings.TrimSpace(a.City):
				t.Fatalf("%q: area %+v is not trimmed", s, a)
			}
		}
		if back := ParseAreas(FormatAreas(areas)); !slices.Equal(back, areas) {
			t.Fatalf("%q: areas %+v are written as %q, which reads as %+v", s, areas, FormatAreas(areas), back)
		}
		v := Service{Areas: areas}
		v.Normalize()
		if back := ParseAreas(FormatAreas(v.Areas)); !slices.Equal(back, v.Areas) {
			t.Fatalf("%q: normalised areas %+v are written as %q, which reads as %+v", s, v.Areas, FormatAreas(v.Areas), back)
		}
	})
}
