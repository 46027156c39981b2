package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"homeward/internal/cases"
)

// A mentee who asks for a man gets the man first even when a woman scores
// more points; she is listed apart, and each explanation says the wish and
// whether the mentor meets it apart from the mentor's fit, where the lived
// experience the woman shares with the mentee scores.
func TestSuggestionsPutTheMenteesWishBeforeThePoints(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		pl := newMatchPool(t, a)
		pl.post(mentorPath(pl.ritaID, ""), url.Values{"version": {pl.version(pl.ritaID)}, "languages": {"be, ru"}, "country": {"LT"},
			"city": {"Vilnius"}, "hours_per_week": {"3"}, "times": {"weekends"}, "need_domains": {"housing"}, "gender": {"female"},
			"experience_tags": {"prison"}, "preference_tags": {"women", "parents"}}, http.StatusSeeOther)
		pl.post(mentorPath(pl.borisID, ""), url.Values{"version": {pl.version(pl.borisID)}, "languages": {"ru"}, "country": {"PL"}, "city": {"Warsaw"}, "hours_per_week": {"3"}, "times": {"weekends"},
			"gender": {"male"}}, http.StatusSeeOther)
		c := pl.waiting(1)[0]
		suggestions := fmt.Sprintf("/cases/%d/suggestions", c.ID)

		// Before the wish, Rita (housing, the same city, prison lived
		// through) comes first.
		body := pl.get(suggestions)
		if r, b := strings.Index(body, "Match with rita"), strings.Index(body, "Match with boris"); r < 0 || b < 0 || r > b {
			t.Fatalf("without a wish Rita is not first")
		}
		ovLacks(t, "suggestions without a wish", body, `id="apart"`)

		res, _ := pl.post(fmt.Sprintf("/cases/%d/match-profile", c.ID), url.Values{"mentor_gender": {"male"}, "background": {"prison"}},
			http.StatusSeeOther)
		body = pl.follow(res)
		ovHas(t, "suggestions", body, `<input type="radio" id="g-male" name="mentor_gender" value="male" checked>`,
			"Whom the mentor feels able to support", "Lived experience shared")
		boris, apart, rita := strings.Index(body, "Match with boris"), strings.Index(body, `id="apart"`), strings.Index(body, "Match with rita")
		if boris < 0 || apart < boris || rita < apart {
			t.Fatalf("want Boris, then the mentors apart, then Rita: %d %d %d", boris, apart, rita)
		}
		ovHas(t, "the mentors apart", body[apart:], "Do not match the mentee")
		ovHas(t, "Boris's card", body[:apart], "a man as mentor: <strong>this mentor meets it</strong>")
		ovHas(t, "Rita's card", body[apart:], "a man as mentor: <strong>does not match the mentee", `score-detail">Prison</span>`)
		ovLacks(t, "Rita's card", body[apart:], "this mentor meets it")

		// The API says the same: Boris first, Rita's wish unmet though she
		// has more points, and her shared lived experience scores.
		type wish struct {
			Key, Value string
			Met        bool
		}
		type item struct {
			Key    string  `json:"key"`
			Points float64 `json:"points"`
			Max    float64 `json:"max"`
			Detail string  `json:"detail"`
		}
		s := decodeJSON[struct {
			Items []struct {
				MentorID int64 `json:"mentor_id"`
				Score    struct {
					Total     float64 `json:"total"`
					Items     []item  `json:"items"`
					Wishes    []wish  `json:"wishes"`
					WishesMet bool    `json:"wishes_met"`
				} `json:"score"`
			} `json:"items"`
		}](t, pl.api("GET", fmt.Sprintf("/api/v1/cases/%d/match-suggestions", c.ID), "", http.StatusOK))
		if len(s.Items) != 2 || s.Items[0].MentorID != pl.boris.ID || s.Items[1].MentorID != pl.rita.ID {
			t.Fatalf("suggestions %+v: want Boris then Rita", s.Items)
		}
		him, her := s.Items[0].Score, s.Items[1].Score
		if !him.WishesMet || her.WishesMet || len(her.Wishes) != 1 || her.Wishes[0] != (wish{"mentor_gender", "male", false}) {
			t.Errorf("wishes: his %+v, hers %+v", him, her.Wishes)
		}
		if her.Total <= him.Total {
			t.Errorf("the test means Rita to score more (%v) than Boris (%v)", her.Total, him.Total)
		}
		for _, it := range her.Items {
			if it.Key == "match.item.lived_experience" && (it.Points != it.Max || it.Points == 0 || it.Detail != "prison") {
				t.Errorf("Rita's shared lived experience: %+v", it)
			}
		}

		// The wish is a field of the profile; the old tag is taken as it.
		prof := decodeJSON[struct {
			MentorGender string   `json:"mentor_gender"`
			Wishes       []string `json:"wishes"`
		}](t, pl.api("PUT", fmt.Sprintf("/api/v1/cases/%d/match-profile", c.ID), `{"wishes":["woman","lived_experience"]}`, http.StatusOK))
		if prof.MentorGender != "female" || strings.Join(prof.Wishes, ",") != "lived_experience" {
			t.Errorf("profile after the old tag: %+v", prof)
		}
		if f := pl.refusedFields("PUT", fmt.Sprintf("/api/v1/cases/%d/match-profile", c.ID), `{"mentor_gender":"other"}`,
			http.StatusUnprocessableEntity); f["mentor_gender"] == "" {
			t.Errorf("an unknown gender wish is refused without naming the field: %v", f)
		}
	})
}

// The case page's match drop-down offers the ready mentors with a free
// place; the others are there greyed (disabled), each saying why, and the
// server refuses them when sent anyway.
func TestCaseMatchOffersOnlyReadyMentorsWithAPlace(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		pl := newMatchPool(t, a)
		c := pl.waiting(1)[0]
		body := pl.get(fmt.Sprintf("/cases/%d", c.ID))
		sel := ovSelect(body, "mentor_id")
		option := func(id int64) string {
			t.Helper()
			m := regexp.MustCompile(fmt.Sprintf(`<option value="%d"[^>]*>[^<]*</option>`, id)).FindString(sel)
			if m == "" {
				t.Fatalf("no option for mentor %d in %s", id, sel)
			}
			return m
		}
		for _, u := range []int64{pl.rita.ID, pl.boris.ID} {
			if o := option(u); strings.Contains(o, "disabled") || !strings.Contains(o, " — 0 of 1") {
				t.Errorf("a ready mentor with a place: %s", o)
			}
		}
		untrained, expired, paused, full := pl.excluded[0], pl.excluded[1], pl.excluded[2], pl.excluded[3]
		for _, tc := range []struct {
			id   int64
			want string
		}{
			{untrained.ID, "not ready: Training “Safety and confidentiality” is not done."},
			{expired.ID, "not ready: Background check has expired."},
			{paused.ID, "not ready: Paused until"},
			{full.ID, "full: 1 of 1"},
		} {
			if o := option(tc.id); !strings.Contains(o, " disabled>") || !strings.Contains(o, tc.want) {
				t.Errorf("option %s, want it disabled with %q", o, tc.want)
			}
		}
		// The mentors who may take the case come first.
		if strings.Index(sel, option(pl.rita.ID)) > strings.Index(sel, option(untrained.ID)) {
			t.Errorf("a greyed mentor comes before a ready one: %s", sel)
		}

		// Sent anyway (a forged form, or a page open while things changed):
		// refused with the reason, the case still waits.
		for _, tc := range []struct {
			id   int64
			want string
		}{
			{untrained.ID, "This mentor is not ready for matching"},
			{paused.ID, "This mentor is not ready for matching"},
			{full.ID, "This mentor already supports as many mentees as the program allows."},
		} {
			res, body := pl.a.postForm(fmt.Sprintf("/cases/%d/match", c.ID), url.Values{"mentor_id": {itoa(tc.id)}})
			if res.StatusCode != http.StatusConflict || !strings.Contains(body, tc.want) {
				t.Errorf("matching mentor %d: %d, want 409 with %q", tc.id, res.StatusCode, tc.want)
			}
		}
		if got := a.getCase(c.ID); got.State != cases.Waiting || got.MentorID != 0 {
			t.Fatalf("a refused match changed the case: %s, mentor %d", got.State, got.MentorID)
		}
		pl.post(fmt.Sprintf("/cases/%d/match", c.ID), url.Values{"mentor_id": {itoa(pl.rita.ID)}}, http.StatusSeeOther)
		if got := a.getCase(c.ID); got.State != cases.Matched || got.MentorID != pl.rita.ID {
			t.Fatalf("after matching Rita: %s, mentor %d", got.State, got.MentorID)
		}
	})
}
