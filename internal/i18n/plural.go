package i18n

// CLDR plural categories used by the supported languages.
const (
	one   = "one"
	few   = "few"
	many  = "many"
	other = "other"
)

// validCategories lists, per language, the plural categories CLDR defines
// for it. A catalogue may use only these.
var validCategories = map[string]map[string]bool{
	"en": {one: true, other: true},
	"cs": {one: true, few: true, many: true, other: true}, // many: fractions only
	"ru": {one: true, few: true, many: true, other: true}, // other: fractions only
	"uk": {one: true, few: true, many: true, other: true},
	"be": {one: true, few: true, many: true, other: true},
}

// requiredCategories lists, per language, the plural categories every
// plural message must provide. "other" is required everywhere: it is the
// fallback (and, in ru/uk/be, the form for fractions). Czech "many" is
// only for fractions, which N never produces, so it is optional.
var requiredCategories = map[string][]string{
	"en": {one, other},
	"cs": {one, few, other},
	"ru": {one, few, many, other},
	"uk": {one, few, many, other},
	"be": {one, few, many, other},
}

// pluralCategory returns the CLDR cardinal plural category of the integer n
// in lang. Integers have no visible fraction digits (v = 0), so the rules
// reduce to:
//
//	en:        one: n = 1; other
//	cs:        one: n = 1; few: n = 2..4; other
//	ru, uk, be: one: n%10 = 1 and n%100 != 11;
//	           few: n%10 = 2..4 and n%100 not in 12..14; many
//
// As in CLDR, the sign is ignored.
func pluralCategory(lang string, n int) string {
	u := uint64(n)
	if n < 0 {
		u = -u // two's complement negation; correct even for math.MinInt
	}
	switch lang {
	case "ru", "uk", "be":
		mod10, mod100 := u%10, u%100
		switch {
		case mod10 == 1 && mod100 != 11:
			return one
		case mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14):
			return few
		default:
			return many
		}
	case "cs":
		switch {
		case u == 1:
			return one
		case u >= 2 && u <= 4:
			return few
		default:
			return other
		}
	default: // en
		if u == 1 {
			return one
		}
		return other
	}
}
