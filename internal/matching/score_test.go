package matching

import (
	"errors"
	"math"
	"slices"
	"testing"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/program"
)

// item returns the item of e with the key, failing the test if absent.
func itemOf(t *testing.T, e Explained, key string) Item {
	t.Helper()
	for _, it := range e.Items {
		if it.Key == key {
			return it
		}
	}
	t.Fatalf("no item %s in %+v", key, e)
	return Item{}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestScoreItemsInOrderWithTheirWeights(t *testing.T) {
	t.Parallel()
	w := Weights{Language: 1, Place: 2, Availability: 3, Skills: 4, Preferences: 5, LivedExperience: 6}
	e := Score(Mentor{}, Case{}, w, 0)
	keys := []string{ItemLanguage, ItemPlace, ItemAvailability, ItemSkills, ItemPreferences, ItemLivedExperience}
	if len(e.Items) != len(keys) {
		t.Fatalf("%d items", len(e.Items))
	}
	for k, it := range e.Items {
		if it.Key != keys[k] || it.Max != float64(k+1) {
			t.Errorf("item %d: %+v, want key %s max %d", k, it, keys[k], k+1)
		}
	}
}

func TestScorePerfectFitEarnsEveryWeight(t *testing.T) {
	t.Parallel()
	m := Mentor{Languages: []string{"be", "ru"}, Country: "LT", City: "Vilnius", HoursPerWeek: 5,
		Skills: []string{"housing", "documents"}, LivedExperience: []string{"prison"}, Accepts: []string{"youth", "women"}, Gender: "female"}
	c := Case{Languages: []string{"be"}, Country: "LT", City: "Vilnius", OpenNeeds: map[string]float64{"housing": 1, "documents": 0.5},
		Preferences: []string{"women", "youth"}, Background: []string{"prison"}, MentorGender: "female"}
	w := DefaultWeights()
	e := Score(m, c, w, 4)
	want := w.Language + w.Place + w.Availability + w.Skills + w.Preferences + w.LivedExperience
	if !near(e.Total, want) || e.Blocked() {
		t.Fatalf("total %v blocked %v, want %v: %+v", e.Total, e.Blocked(), want, e.Items)
	}
	sum := 0.0
	for _, it := range e.Items {
		sum += it.Points
		if it.Points != it.Max {
			t.Errorf("%s: %v of %v", it.Key, it.Points, it.Max)
		}
	}
	if !near(sum, e.Total) {
		t.Errorf("items add up to %v, total %v", sum, e.Total)
	}
}

func TestScoreLanguage(t *testing.T) {
	t.Parallel()
	w := Weights{Language: 4, Skills: 1}
	c := Case{Languages: []string{"be", "RU", "pl"}}
	for _, tc := range []struct {
		name     string
		mentor   []string
		points   float64
		detail   string
		blocking bool
	}{
		{"first language", []string{"be"}, 4, "be", false},
		{"first and another, codes in any case", []string{" PL", "ru", "Be"}, 4, "be,ru,pl", false},
		{"only another language", []string{"en", "pl"}, 3, "pl", false},
		{"no common language", []string{"en", "de"}, 0, "", true},
		{"mentor without languages", nil, 0, "", true},
	} {
		e := Score(Mentor{Languages: tc.mentor, Skills: []string{"housing"}}, Case{Languages: c.Languages, OpenNeeds: map[string]float64{"housing": 1}}, w, 0)
		it := itemOf(t, e, ItemLanguage)
		if it.Points != tc.points || it.Detail != tc.detail || it.Blocking != tc.blocking || e.Blocked() != tc.blocking {
			t.Errorf("%s: %+v", tc.name, it)
		}
		// Blocked: a clear zero, although the skills item still shows its points.
		if tc.blocking && (e.Total != 0 || itemOf(t, e, ItemSkills).Points != 1) {
			t.Errorf("%s: total %v, items %+v", tc.name, e.Total, e.Items)
		}
		if !tc.blocking && !near(e.Total, tc.points+1) {
			t.Errorf("%s: total %v", tc.name, e.Total)
		}
	}
	// A case without languages blocks nobody and rewards nobody.
	e := Score(Mentor{Languages: []string{"be"}}, Case{}, w, 0)
	if it := itemOf(t, e, ItemLanguage); it.Points != 0 || it.Blocking || e.Blocked() {
		t.Errorf("case without languages: %+v", it)
	}
}

func TestScorePlace(t *testing.T) {
	t.Parallel()
	w := Weights{Place: 3}
	c := Case{Country: "LT", City: "Vilnius"}
	for _, tc := range []struct {
		name          string
		country, city string
		points        float64
		detail        string
	}{
		{"same city", "LT", " vilnius ", 3, PlaceCity},
		{"same country", "lt", "Kaunas", 1.5, PlaceCountry},
		{"same country, city unknown", "LT", "", 1.5, PlaceCountry},
		{"other country", "PL", "Vilnius", 0, ""},
		{"unknown", "", "", 0, ""},
	} {
		it := itemOf(t, Score(Mentor{Country: tc.country, City: tc.city}, c, w, 0), ItemPlace)
		if it.Points != tc.points || it.Detail != tc.detail {
			t.Errorf("%s: %+v", tc.name, it)
		}
	}
	// A case without a country earns nothing, whatever the mentor.
	if it := itemOf(t, Score(Mentor{Country: "", City: "Vilnius"}, Case{City: "Vilnius"}, w, 0), ItemPlace); it.Points != 0 {
		t.Errorf("case without country: %+v", it)
	}
}

func TestScoreAvailability(t *testing.T) {
	t.Parallel()
	w := Weights{Availability: 2}
	for _, tc := range []struct {
		have, need float64
		points     float64
		detail     string
	}{
		{4, 4, 2, "4/4"},
		{6, 4, 2, "6/4"},
		{1, 4, 0.5, "1/4"},
		{0, 4, 0, "0/4"},
		{-3, 4, 0, "0/4"},
		{1.5, 0, 2, ""}, // nothing needed: everyone is available enough
	} {
		it := itemOf(t, Score(Mentor{HoursPerWeek: tc.have}, Case{}, w, tc.need), ItemAvailability)
		if it.Points != tc.points || it.Detail != tc.detail {
			t.Errorf("have %v need %v: %+v", tc.have, tc.need, it)
		}
	}
}

func TestScoreSkills(t *testing.T) {
	t.Parallel()
	w := Weights{Skills: 3}
	c := Case{OpenNeeds: map[string]float64{"housing": 1, "income": 0.5, "documents": 0.5, "social": 0, "family": -1}}
	for _, tc := range []struct {
		skills []string
		points float64
		detail string
	}{
		{[]string{"housing"}, 1.5, "housing"},                                       // 1 of 2
		{[]string{"documents", "income", "social"}, 1.5, "documents,income"},        // 0.5+0.5 of 2; "social" has no weight
		{[]string{"Income", "housing", "documents"}, 3, "housing,documents,income"}, // heaviest first, then by name
		{[]string{"family", "safety"}, 0, ""},
		{nil, 0, ""},
	} {
		it := itemOf(t, Score(Mentor{Skills: tc.skills}, c, w, 0), ItemSkills)
		if it.Points != tc.points || it.Detail != tc.detail {
			t.Errorf("skills %v: %+v", tc.skills, it)
		}
	}
	if it := itemOf(t, Score(Mentor{Skills: []string{"housing"}}, Case{}, w, 0), ItemSkills); it.Points != 0 {
		t.Errorf("case without open needs: %+v", it)
	}
}

func TestScorePreferences(t *testing.T) {
	t.Parallel()
	w := Weights{Preferences: 2}
	c := Case{Preferences: []string{"women", "youth", "parents", "women"}} // a repeated tag counts once
	for _, tc := range []struct {
		m      Mentor
		points float64
		detail string
	}{
		{Mentor{Accepts: []string{"Women", "youth"}}, 1.3333, "women,youth"},
		{Mentor{Accepts: []string{"youth", "families"}}, 0.6667, "youth"},
		{Mentor{Accepts: []string{"women", "parents", "youth"}}, 2, "women,youth,parents"},
		// Traits are what a mentee may wish for, not whom the mentor supports.
		{Mentor{Traits: []string{"women", "youth", "parents"}, Accepts: []string{"men"}}, 0, ""},
	} {
		it := itemOf(t, Score(tc.m, c, w, 0), ItemPreferences)
		if it.Points != tc.points || it.Detail != tc.detail {
			t.Errorf("%+v: %+v", tc.m, it)
		}
	}
	if it := itemOf(t, Score(Mentor{Accepts: []string{"youth"}}, Case{}, w, 0), ItemPreferences); it.Points != 0 || it.Detail != "" {
		t.Errorf("no preferences: %+v", it)
	}
}

func TestScoreLivedExperience(t *testing.T) {
	t.Parallel()
	w := Weights{LivedExperience: 1}
	c := Case{Background: []string{"prison", "emigration"}}
	for _, tc := range []struct {
		lived  []string
		points float64
		detail string
	}{
		{[]string{"prison"}, 0.5, "prison"},
		{[]string{"Emigration", "prison", "refugee"}, 1, "prison,emigration"},
		{[]string{"refugee"}, 0, ""},
		{nil, 0, ""},
	} {
		it := itemOf(t, Score(Mentor{LivedExperience: tc.lived, Accepts: []string{"prison"}}, c, w, 0), ItemLivedExperience)
		if it.Points != tc.points || it.Detail != tc.detail {
			t.Errorf("%v: %+v", tc.lived, it)
		}
	}
}

func TestScoreRanksMentorsForACase(t *testing.T) {
	t.Parallel()
	c := Case{Languages: []string{"be", "ru"}, Country: "LT", City: "Vilnius", OpenNeeds: map[string]float64{"housing": 1, "employment": 0.5}}
	local := Mentor{ID: 1, Languages: []string{"be"}, Country: "LT", City: "Vilnius", HoursPerWeek: 4, Skills: []string{"housing"}}
	far := Mentor{ID: 2, Languages: []string{"ru"}, Country: "PL", City: "Warsaw", HoursPerWeek: 4, Skills: []string{"housing"}}
	mute := Mentor{ID: 3, Languages: []string{"en"}, Country: "LT", City: "Vilnius", HoursPerWeek: 10, Skills: []string{"housing", "employment"}}
	w := DefaultWeights()
	a, b, z := Score(local, c, w, 4), Score(far, c, w, 4), Score(mute, c, w, 4)
	if !(a.Total > b.Total && b.Total > z.Total && z.Total == 0) {
		t.Fatalf("totals %v, %v, %v", a.Total, b.Total, z.Total)
	}
}

func TestWeightsValidate(t *testing.T) {
	t.Parallel()
	if err := DefaultWeights().Validate(); err != nil {
		t.Fatalf("default weights: %v", err)
	}
	if err := (Weights{Place: 10}).Validate(); err != nil {
		t.Fatalf("one weight at the maximum: %v", err)
	}
	for _, tc := range []struct {
		w     Weights
		field string
		key   string
	}{
		{Weights{}, "match_weights", "validation.weights_all_zero"},
		{Weights{Language: -1, Place: 1}, "match_weights.language", "validation.weight"},
		{Weights{Skills: 10.5}, "match_weights.skills", "validation.weight"},
		{Weights{LivedExperience: math.NaN(), Place: 1}, "match_weights.lived_experience", "validation.weight"},
		{Weights{Availability: math.Inf(1)}, "match_weights.availability", "validation.weight"},
	} {
		var e *errs.Error
		if err := tc.w.Validate(); !errors.As(err, &e) || e.Kind != errs.KindInvalid || e.Fields[tc.field] != tc.key {
			t.Errorf("%+v: %v", tc.w, err)
		}
	}
}

func TestNeedWeightsAndOpenNeeds(t *testing.T) {
	t.Parallel()
	got := []float64{}
	for _, s := range cases.Severities {
		got = append(got, NeedWeight(s))
	}
	if !slices.Equal(got, []float64{1, 0.75, 0.5, 0.25, 0}) || NeedWeight("bogus") != 0 {
		t.Fatalf("weights %v", got)
	}
	needs := []cases.Need{
		{Domain: "housing", Severity: cases.Critical, Status: cases.InProgress},
		{Domain: "income", Severity: cases.Low, Status: cases.NotStarted},
		{Domain: "documents", Severity: cases.High, Status: cases.Done},
		{Domain: "family", Severity: cases.NoNeed, Status: cases.NotStarted},
		{Domain: "social", Severity: cases.Medium, Status: cases.Declined},
	}
	open := OpenNeeds(needs)
	if len(open) != 2 || open["housing"] != 1 || open["income"] != 0.25 {
		t.Fatalf("open needs %v", open)
	}
}

func TestHoursNeeded(t *testing.T) {
	t.Parallel()
	c := program.New().Cadence // 2 a week at first, then 1
	if got := HoursNeeded(c, 1.5); got != 3 {
		t.Fatalf("hours %v, want 3", got)
	}
	if got := HoursNeeded(program.Cadence{FirstPerWeek: 0.5, LaterPerWeek: 1}, 2); got != 2 {
		t.Fatalf("hours %v, want 2", got)
	}
}

// TestScoreFeedsAssign runs the bulk assignment on explained scores: no pair
// without a common language is made, and the result is the brute-force optimum.
func TestScoreFeedsAssign(t *testing.T) {
	t.Parallel()
	mentors := []Mentor{
		{ID: 11, Languages: []string{"be", "ru"}, Country: "LT", City: "Vilnius", HoursPerWeek: 4, Skills: []string{"housing"}},
		{ID: 12, Languages: []string{"uk"}, Country: "PL", City: "Warsaw", HoursPerWeek: 2, Skills: []string{"documents"}},
		{ID: 13, Languages: []string{"ru", "uk"}, Country: "LT", City: "Kaunas", HoursPerWeek: 6, Skills: []string{"housing", "documents"}},
	}
	cs := []Case{
		{ID: 21, Languages: []string{"be"}, Country: "LT", City: "Vilnius", OpenNeeds: map[string]float64{"housing": 1}},
		{ID: 22, Languages: []string{"uk"}, Country: "PL", City: "Warsaw", OpenNeeds: map[string]float64{"documents": 0.75}},
		{ID: 23, Languages: []string{"ru"}, Country: "LT", City: "Vilnius", OpenNeeds: map[string]float64{"housing": 0.5, "documents": 0.5}},
		{ID: 24, Languages: []string{"de"}, Country: "DE"},
	}
	w := DefaultWeights()
	in := instance{caps: []int{1, 1, 1}, score: make([][]float64, len(cs)), allowed: make([][]bool, len(cs))}
	for i, c := range cs {
		for _, m := range mentors {
			e := Score(m, c, w, 4)
			in.score[i] = append(in.score[i], e.Total)
			in.allowed[i] = append(in.allowed[i], !e.Blocked())
		}
	}
	a := Assign(in.slots(), in.ids(), in.fn())
	checkFeasible(t, in, a)
	best, _ := bruteForce(in)
	if !near(a.Total, best) {
		t.Fatalf("total %v, brute force %v", a.Total, best)
	}
	if a.MentorOf[3] != -1 || !slices.Equal(a.MentorOf[:3], []int{0, 1, 2}) {
		t.Fatalf("assignment %v, want [0 1 2 -1]", a.MentorOf)
	}
}
