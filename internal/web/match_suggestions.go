package web

import (
	"net/http"
	"strconv"

	"homeward/internal/cases"
	"homeward/internal/matching"
	"homeward/internal/mentors"
	"homeward/internal/policy"
	"homeward/internal/program"
)

// suggestionsPage ranks the ready mentors with a free place for a waiting
// case, each score explained item by item; the coordinator confirms one.
// Mentors who do not meet the mentee's wishes are listed apart, after the
// others. It also holds what the case tells matching (the mentee's wish
// for a woman or a man, other wishes and background), to edit.
type suggestionsPage struct {
	Header    caseHeader
	Program   program.Program
	Waiting   bool
	Rows      []suggestionRow
	Blocked   int // ready mentors left out: no common language
	Pool      int // ready mentors with a free place
	Profile   *form
	Wishes    []string
	Histories []string
	Done      string
	// Genders are the choices of a mentor's gender the mentee may ask for.
	Genders []string
}

// suggestionRow is one ranked mentor.
type suggestionRow struct {
	UserID, MentorID int64
	Name             string
	Load, Capacity   int
	Total, Max       float64
	Wishes           []matching.Wish
	Apart            bool // does not meet the mentee's wishes
	Lines            []scoreLine
}

// maxSuggestions is how many mentors the page ranks.
const maxSuggestions = 20

func (h *Web) matchSuggestions(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	done := ""
	if r.URL.Query().Get("done") == "profile" {
		done = "suggest.done.profile"
	}
	return h.renderSuggestions(w, r, http.StatusOK, c, nil, done)
}

func (h *Web) renderSuggestions(w http.ResponseWriter, r *http.Request, status int, c cases.Case, form *form, done string) error {
	ctx := r.Context()
	p, err := h.store.GetProgram(ctx, c.ProgramID)
	if err != nil {
		return err
	}
	hd, err := h.headerFor(r, c, "overview")
	if err != nil {
		return err
	}
	pg := suggestionsPage{Header: hd, Program: p, Waiting: c.State == cases.Waiting,
		Wishes: matching.Wishes, Genders: matching.MentorGenders, Histories: mentors.ExperienceTags, Profile: form, Done: done}
	if pg.Profile == nil {
		prof, err := h.store.MatchProfile(ctx, c.ID)
		if err != nil {
			return err
		}
		pg.Profile = newForm(map[string]string{"mentor_gender": prof.MentorGender})
		pg.Profile.Multi["wishes"], pg.Profile.Multi["background"] = prof.Wishes, prof.Background
	}
	if pg.Waiting {
		pool, err := h.store.MatchPool(ctx, c.ProgramID, c.ID)
		if err != nil {
			return err
		}
		pg.Pool = len(pool.Mentors)
		if len(pool.Cases) == 1 {
			ms := make([]matching.Mentor, len(pool.Mentors))
			for i, m := range pool.Mentors {
				ms[i] = m.Input
			}
			ranked := matching.Suggest(ms, pool.Cases[0].Input, p.MatchWeights, pool.HoursNeeded)
			pg.Blocked = len(ms) - len(ranked)
			for _, s := range ranked[:min(len(ranked), maxSuggestions)] {
				m := pool.Mentors[s.Mentor]
				pg.Rows = append(pg.Rows, suggestionRow{UserID: m.Input.ID, MentorID: m.Standing.Mentor.ID,
					Name: m.Standing.Mentor.Name, Load: m.Standing.Load, Capacity: m.Standing.Capacity,
					Total: s.Score.Total, Max: maxTotal(p.MatchWeights), Wishes: s.Score.Wishes, Apart: !s.Score.WishesMet,
					Lines: scoreLines(s.Score)})
			}
		}
	}
	return h.render(w, r, status, "suggestions", "cases", pg)
}

// maxTotal is the most a score can reach under the weights.
func maxTotal(w program.MatchWeights) float64 {
	t := 0.0
	for _, it := range w.Items() {
		t += it.Weight
	}
	return t
}

// matchProfileUpdate saves what the case tells matching and ranks again.
func (h *Web) matchProfileUpdate(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{
		action: policy.CaseManage, fields: []string{"mentor_gender"}, multi: []string{"wishes", "background"}, conflict: "case.refused.changed",
		save: func(c cases.Case, f *form) (string, error) {
			err := h.store.SetMatchProfile(r.Context(), c.ID, matching.CaseProfile{MentorGender: f.Value("mentor_gender"),
				Wishes: f.Multi["wishes"], Background: f.Multi["background"]})
			return "/cases/" + strconv.FormatInt(c.ID, 10) + "/suggestions?done=profile", err
		},
		show: func(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
			return h.renderSuggestions(w, r, status, c, f, "")
		},
	})
}
