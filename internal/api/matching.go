package api

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/matching"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// ---- The match profile of a case ----

func (a *API) matchProfileGet(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	p, err := a.store.MatchProfile(r.Context(), c.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (a *API) matchProfileSet(w http.ResponseWriter, r *http.Request) error {
	var in matching.CaseProfile
	c, err := a.caseAndBody(w, r, policy.CaseManage, &in)
	if err != nil {
		return err
	}
	if err := a.store.SetMatchProfile(r.Context(), c.ID, in); err != nil {
		return err
	}
	return a.matchProfileGet(w, r)
}

// ---- Suggestions for one case ----

// suggestion is a ready mentor with a free place, ranked for a case.
type suggestion struct {
	MentorID       int64              `json:"mentor_id"`        // the mentor's account, as a case's mentor_id
	MentorRecordID int64              `json:"mentor_record_id"` // the mentor under /mentors/{id}
	Name           string             `json:"name"`
	Load           int                `json:"load"`
	Capacity       int                `json:"capacity"`
	Score          matching.Explained `json:"score"`
}

func suggestionOf(m store.PoolMentor, e matching.Explained) suggestion {
	return suggestion{MentorID: m.Input.ID, MentorRecordID: m.Standing.Mentor.ID, Name: m.Standing.Mentor.Name,
		Load: m.Standing.Load, Capacity: m.Standing.Capacity, Score: e}
}

// matchSuggestions ranks the program's ready mentors with a free place for
// a waiting case, best first (those who meet the mentee's wishes before
// those who do not, see matching.Compare), each score explained; mentors
// without a common language are left out (counted in left_out).
func (a *API) matchSuggestions(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	if c.State != cases.Waiting {
		return errs.Conflict("Only a case waiting for a mentor gets suggestions.", map[string]string{"state": "case.refused.match_state"})
	}
	pool, err := a.store.MatchPool(r.Context(), c.ProgramID, c.ID)
	if err != nil {
		return err
	}
	out := struct {
		Items   []suggestion `json:"items"`
		LeftOut int          `json:"left_out"`
	}{Items: []suggestion{}}
	if len(pool.Cases) == 1 {
		ms := make([]matching.Mentor, len(pool.Mentors))
		for i, m := range pool.Mentors {
			ms[i] = m.Input
		}
		ranked := matching.Suggest(ms, pool.Cases[0].Input, pool.Program.MatchWeights, pool.HoursNeeded)
		out.LeftOut = len(ms) - len(ranked)
		for _, s := range ranked {
			out.Items = append(out.Items, suggestionOf(pool.Mentors[s.Mentor], s.Score))
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// ---- Bulk matching of a program ----

// previewPair is a waiting case of a preview with its proposed mentor (none
// when nobody fits) and its best alternatives.
type previewPair struct {
	CaseID       int64        `json:"case_id"`
	CaseCode     string       `json:"case_code"`
	Mentor       *suggestion  `json:"mentor"`
	Alternatives []suggestion `json:"alternatives"`
}

// matchingPreview proposes the optimal assignment of the program's waiting
// cases to its ready mentors under their free places. Nothing is saved.
func (a *API) matchingPreview(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ProgramID    int64 `json:"program_id"`
		Alternatives *int  `json:"alternatives"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := a.programForMatching(r, in.ProgramID); err != nil {
		return err
	}
	alts := 3
	if in.Alternatives != nil {
		if *in.Alternatives < 0 || *in.Alternatives > 20 {
			return errs.Invalid(map[string]string{"alternatives": "validation.alternatives"})
		}
		alts = *in.Alternatives
	}
	pool, err := a.store.MatchPool(r.Context(), in.ProgramID, 0)
	if err != nil {
		return err
	}
	ms := make([]matching.Mentor, len(pool.Mentors))
	free := make([]int, len(pool.Mentors))
	for j, m := range pool.Mentors {
		ms[j], free[j] = m.Input, m.Standing.Free()
	}
	cs := make([]matching.Case, len(pool.Cases))
	for i, c := range pool.Cases {
		cs[i] = c.Input
	}
	w8 := pool.Program.MatchWeights
	plan := matching.PlanFor(ms, free, cs, w8, pool.HoursNeeded, alts)
	out := struct {
		ProgramID   int64         `json:"program_id"`
		Total       float64       `json:"total"`
		GreedyTotal float64       `json:"greedy_total"`
		Assigned    int           `json:"assigned"`
		Pairs       []previewPair `json:"pairs"`
	}{ProgramID: in.ProgramID, Total: plan.Total, GreedyTotal: plan.GreedyTotal, Pairs: []previewPair{}}
	for i, c := range pool.Cases {
		pp := previewPair{CaseID: c.ID, CaseCode: c.Code, Alternatives: []suggestion{}}
		if j := plan.MentorOf[i]; j >= 0 {
			s := suggestionOf(pool.Mentors[j], matching.Score(ms[j], cs[i], w8, pool.HoursNeeded))
			pp.Mentor = &s
			out.Assigned++
		}
		for _, j := range plan.Alternatives[i] {
			pp.Alternatives = append(pp.Alternatives, suggestionOf(pool.Mentors[j], matching.Score(ms[j], cs[i], w8, pool.HoursNeeded)))
		}
		out.Pairs = append(out.Pairs, pp)
	}
	return writeJSON(w, http.StatusOK, out)
}

// matchingConfirm makes every posted match of a program at once, or none
// (409 naming each refused pair as "case:<id>").
func (a *API) matchingConfirm(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ProgramID int64             `json:"program_id"`
		Pairs     []store.MatchPair `json:"pairs"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := a.programForMatching(r, in.ProgramID); err != nil {
		return err
	}
	if err := a.store.ConfirmMatches(r.Context(), in.ProgramID, in.Pairs, actorID(r)); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, struct {
		Matched int `json:"matched"`
	}{len(in.Pairs)})
}

// programForMatching checks that the user manages the mentors of the program.
func (a *API) programForMatching(r *http.Request, id int64) error {
	if id <= 0 {
		return errs.Invalid(map[string]string{"program_id": "validation.required"})
	}
	return policy.CheckRequest(r.Context(), policy.MentorManage, id)
}
