// Package matching finds mentors for waiting cases: Score explains, item by
// item, how well one mentor fits one case, and Assign finds the assignment of
// many waiting cases to mentors with the largest total score that respects
// every mentor's capacity (DESIGN.md, Matching).
//
// The package knows nothing of the store: the caller fills Mentor and Case
// with the data a coordinator may use for matching, and decides which mentors
// are ready (training done, checks valid, free capacity) before scoring.
//
// Glossary words: Match (a mentor on a case), Mentor, Case, Need.
package matching

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"homeward/internal/cases"
	"homeward/internal/program"
)

// Mentor is what matching knows of a ready mentor.
type Mentor struct {
	ID           int64
	Languages    []string // ISO 639-1 codes they can mentor in
	Country      string   // ISO 3166-1 alpha-2
	City         string
	HoursPerWeek float64 // time they can give to one more mentee
	// Skills are the need-domain keys of the program (e.g. "housing") the
	// mentor can help with.
	Skills []string
	// LivedExperience are tags such as "prison", "emigration", "refugee"
	// (sealed data: see Item.Detail).
	LivedExperience []string
	// Accepts are tags of whom they feel able to support, e.g. "women",
	// "men", "youth", "families", "prison", "emigration".
	Accepts []string
	// Gender is as the mentor states it ("female", "male", "other" or ""),
	// compared with a mentee's wish for a woman or a man (Case.MentorGender).
	Gender string
	// Traits are tags describing the mentor that a mentee may wish for
	// (Case.Wishes), e.g. "lived_experience". Optional.
	Traits []string
}

// Case is what matching knows of a waiting case.
type Case struct {
	ID int64
	// Languages the mentee speaks, the preferred one first.
	Languages []string
	Country   string
	City      string
	// OpenNeeds maps each need domain still asking for work to its weight
	// from 0 to 1 (see NeedWeight and OpenNeeds).
	OpenNeeds map[string]float64
	// MentorGender is the mentee's wish for a woman ("female") or a man
	// ("male") as mentor, "" for none: a mentor who does not meet it is
	// never ranked above one who does (see Explained.WishesMet).
	MentorGender string
	// Wishes are the mentee's other wishes of a mentor (see Wishes), met by
	// a mentor who has the tag among their Traits; they decide as
	// MentorGender does.
	Wishes []string
	// Preferences are tags of who the mentee is ("women", "parents",
	// "in_custody"…), met by a mentor who feels able to support such a
	// person (has the tag among their Accepts): the mentor's fit, scored.
	Preferences []string
	// Background are tags such as "prison", "emigration", compared with the
	// mentor's lived experience.
	Background []string
}

// NeedWeight is the weight of an open need of a severity: critical 1, high
// 0.75, medium 0.5, low 0.25, none or unknown 0.
func NeedWeight(s cases.Severity) float64 {
	switch s {
	case cases.Critical:
		return 1
	case cases.High:
		return 0.75
	case cases.Medium:
		return 0.5
	case cases.Low:
		return 0.25
	}
	return 0
}

// OpenNeeds turns the current needs of a case into Case.OpenNeeds: each
// open need (cases.Need.Open) with a positive weight, by domain.
func OpenNeeds(needs []cases.Need) map[string]float64 {
	out := map[string]float64{}
	for _, n := range needs {
		if w := NeedWeight(n.Severity); n.Open() && w > 0 {
			out[n.Domain] = max(out[n.Domain], w)
		}
	}
	return out
}

// HoursNeeded is the time a week one mentee asks of a mentor under a
// program's cadence: the contacts a week of its most demanding phase times
// the hours one contact takes (travel and notes included).
func HoursNeeded(c program.Cadence, hoursPerContact float64) float64 {
	return max(c.FirstPerWeek, c.LaterPerWeek) * hoursPerContact
}

// Weights are a program's weights of the score items (program.MatchWeights).
type Weights = program.MatchWeights

// MaxWeight is the largest weight of one item.
const MaxWeight = program.MaxWeight

// DefaultWeights are the weights of a new program (program.DefaultMatchWeights).
func DefaultWeights() Weights { return program.DefaultMatchWeights() }

// Keys of the score items, also message keys of the i18n catalogues.
const (
	ItemLanguage        = "match.item.language"
	ItemPlace           = "match.item.place"
	ItemAvailability    = "match.item.availability"
	ItemSkills          = "match.item.skills"
	ItemPreferences     = "match.item.preferences"
	ItemLivedExperience = "match.item.lived_experience"
)

// Details of the place item.
const (
	PlaceCity    = "city"
	PlaceCountry = "country"
)

// Item is one line of an explained score.
type Item struct {
	Key    string  `json:"key"`    // i18n key, one of the Item… constants
	Points float64 `json:"points"` // from 0 to Max
	Max    float64 `json:"max"`    // the item's weight
	// Detail says what earned the points, machine-readable: a comma-separated
	// list of codes or tags, PlaceCity or PlaceCountry, or "have/need" hours.
	// The lived-experience detail names sealed tags: show it only to whom
	// may read the mentor's lived experience.
	Detail string `json:"detail"`
	// Blocking marks an item that makes the match useless whatever the other
	// items say (no common language).
	Blocking bool `json:"blocking,omitempty"`
}

// WishMentorGender is the key of the mentee's wish for a woman or a man.
const WishMentorGender = "mentor_gender"

// Wish is one of the mentee's wishes of a mentor, and whether this mentor
// meets it. Wishes are not points: they decide before the total does.
type Wish struct {
	Key   string `json:"key"`             // WishMentorGender or a tag of Wishes
	Value string `json:"value,omitempty"` // of WishMentorGender: "female" or "male"
	Met   bool   `json:"met"`
}

// Explained is a score with its items, always in the order of Weights, and
// the mentee's wishes, each met or not by the mentor.
type Explained struct {
	Total  float64 `json:"total"` // the sum of the points, 0 when blocked
	Items  []Item  `json:"items"`
	Wishes []Wish  `json:"wishes"`
	// WishesMet tells whether the mentor meets every wish of the mentee
	// (true when there is none). A mentor who does not is listed apart
	// and never ranked above one who does.
	WishesMet bool `json:"wishes_met"`
}

// Compare orders two scores of mentors for one case, better first (a
// negative result when a is better): the mentor who meets the mentee's
// wishes first, then the higher total.
func Compare(a, b Explained) int {
	if a.WishesMet != b.WishesMet {
		if a.WishesMet {
			return -1
		}
		return 1
	}
	return cmp.Compare(b.Total, a.Total)
}

// Blocked tells whether an item rules the match out.
func (e Explained) Blocked() bool {
	return slices.ContainsFunc(e.Items, func(it Item) bool { return it.Blocking })
}

// Score explains how well mentor m fits case c under weights w, when one
// mentee asks hoursNeeded hours a week of a mentor (see HoursNeeded).
//
// Each item earns from 0 to its weight; an item about which the case says
// nothing (no languages, no country, no open needs, no preferences, no
// background) earns 0 for every mentor, so it never changes the ranking of
// the mentors of one case. The rules:
//
//   - Language: the whole weight when the mentor speaks the mentee's first
//     language, three quarters when they share only another of the mentee's
//     languages. When the case has languages and none is shared the item is
//     Blocking and the Total is 0: without a common language a match is
//     useless. Detail: the shared codes in the mentee's order.
//   - Place: the whole weight in the same country and city, half in the same
//     country only. Detail: PlaceCity, PlaceCountry or "".
//   - Availability: the weight times the share of hoursNeeded the mentor's
//     HoursPerWeek covers (at most 1); the whole weight when hoursNeeded is
//     not positive. Detail: "have/need".
//   - Skills: the weight times the share of the open needs' total weight in
//     domains the mentor has among their Skills. Detail: the covered domains,
//     heaviest first.
//   - Preferences (the mentor's fit): the weight times the share of the
//     tags of who the mentee is that the mentor feels able to support (has
//     among their Accepts). Detail: the met tags.
//   - Lived experience: the weight times the share of the mentee's background
//     tags the mentor shares from lived experience. Detail: the shared tags.
//
// The mentee's wishes (MentorGender, Wishes) earn no points: each is met
// or not (Explained.Wishes), and Compare ranks a mentor who meets them all
// above any who does not.
//
// Codes and tags compare case-insensitively; points are rounded to 1/10000.
func Score(m Mentor, c Case, w Weights, hoursNeeded float64) Explained {
	items := []Item{
		language(m, c, w.Language),
		place(m, c, w.Place),
		availability(m, w.Availability, hoursNeeded),
		skills(m, c, w.Skills),
		share(ItemPreferences, c.Preferences, w.Preferences, m.Accepts),
		share(ItemLivedExperience, c.Background, w.LivedExperience, m.LivedExperience),
	}
	e := Explained{Items: items, Wishes: wishes(m, c), WishesMet: true}
	for _, wi := range e.Wishes {
		e.WishesMet = e.WishesMet && wi.Met
	}
	for _, it := range items {
		e.Total += it.Points
	}
	if e.Blocked() {
		e.Total = 0
	}
	e.Total = round(e.Total)
	return e
}

// wishes tells, for each wish of the mentee, whether the mentor meets it.
func wishes(m Mentor, c Case) []Wish {
	out := []Wish{}
	if g := strings.ToLower(strings.TrimSpace(c.MentorGender)); g != "" {
		out = append(out, Wish{Key: WishMentorGender, Value: g, Met: strings.EqualFold(g, strings.TrimSpace(m.Gender))})
	}
	traits := norm(m.Traits)
	for _, t := range norm(c.Wishes) {
		out = append(out, Wish{Key: t, Met: slices.Contains(traits, t)})
	}
	return out
}

func language(m Mentor, c Case, w float64) Item {
	it := Item{Key: ItemLanguage, Max: w}
	want := norm(c.Languages)
	if len(want) == 0 {
		return it
	}
	have := norm(m.Languages)
	var shared []string
	for _, l := range want {
		if slices.Contains(have, l) {
			shared = append(shared, l)
		}
	}
	switch {
	case len(shared) == 0:
		it.Blocking = true
	case shared[0] == want[0]:
		it.Points = w
	default:
		it.Points = round(w * 0.75)
	}
	it.Detail = strings.Join(shared, ",")
	return it
}

func place(m Mentor, c Case, w float64) Item {
	it := Item{Key: ItemPlace, Max: w}
	country := strings.TrimSpace(c.Country)
	if country == "" || !strings.EqualFold(country, strings.TrimSpace(m.Country)) {
		return it
	}
	if city := strings.TrimSpace(c.City); city != "" && strings.EqualFold(city, strings.TrimSpace(m.City)) {
		it.Points, it.Detail = w, PlaceCity
		return it
	}
	it.Points, it.Detail = round(w/2), PlaceCountry
	return it
}

func availability(m Mentor, w, need float64) Item {
	it := Item{Key: ItemAvailability, Max: w}
	have := max(m.HoursPerWeek, 0)
	if !(need > 0) {
		it.Points = w
		return it
	}
	it.Points = round(w * min(have/need, 1))
	it.Detail = strconv.FormatFloat(have, 'g', -1, 64) + "/" + strconv.FormatFloat(need, 'g', -1, 64)
	return it
}

func skills(m Mentor, c Case, w float64) Item {
	it := Item{Key: ItemSkills, Max: w}
	type need struct {
		domain string
		weight float64
	}
	var needs []need
	total, covered := 0.0, 0.0
	have := norm(m.Skills)
	// In a fixed order, so that the sums are the same bits every time.
	for _, d := range slices.Sorted(maps.Keys(c.OpenNeeds)) {
		nw := c.OpenNeeds[d]
		if !(nw > 0) {
			continue
		}
		nw = min(nw, 1)
		total += nw
		d = strings.ToLower(strings.TrimSpace(d))
		if slices.Contains(have, d) {
			covered += nw
			needs = append(needs, need{d, nw})
		}
	}
	if total == 0 {
		return it
	}
	slices.SortFunc(needs, func(a, b need) int {
		if a.weight != b.weight {
			if a.weight > b.weight {
				return -1
			}
			return 1
		}
		return strings.Compare(a.domain, b.domain)
	})
	names := make([]string, len(needs))
	for i, n := range needs {
		names[i] = n.domain
	}
	it.Points = round(w * covered / total)
	it.Detail = strings.Join(names, ",")
	return it
}

// share scores the share of the case's tags found in any of the mentor's lists.
func share(key string, want []string, w float64, have ...[]string) Item {
	it := Item{Key: key, Max: w}
	want = norm(want)
	if len(want) == 0 {
		return it
	}
	var all []string
	for _, h := range have {
		all = append(all, norm(h)...)
	}
	var met []string
	for _, t := range want {
		if slices.Contains(all, t) {
			met = append(met, t)
		}
	}
	it.Points = round(w * float64(len(met)) / float64(len(want)))
	it.Detail = strings.Join(met, ",")
	return it
}

// norm lower-cases and trims codes or tags, dropping empty and repeated ones.
func norm(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = strings.ToLower(strings.TrimSpace(s))
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func round(x float64) float64 { return math.Round(x*1e4) / 1e4 }
