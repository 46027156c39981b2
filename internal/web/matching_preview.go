package web

import (
	"net/http"
	"strconv"
	"strings"

	"homeward/internal/errs"
	"homeward/internal/matching"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/store"
)

// matchingPage is the bulk matching of a program: for every waiting case
// the mentor of the optimal assignment (the largest total score under every
// mentor's free places), to adjust before confirming.
type matchingPage struct {
	*form       // a refused confirmation: a message beside each refused case ("case:<id>")
	Program     program.Program
	Rows        []matchingRow
	Mentors     int     // ready mentors with a free place
	Places      int     // their free places together
	Total       float64 // of the proposal
	GreedyTotal float64 // a first-come assignment of the same pairs, for comparison
	Assigned    int
	Done        string
	Adjusted    bool // the rows show what the coordinator chose, not the proposal
}

// matchingRow is one waiting case with the mentor chosen for it and the
// alternatives to choose from.
type matchingRow struct {
	Case    store.PoolCase
	Chosen  int64 // the mentor's account, 0 for nobody
	Total   float64
	Wishes  []matching.Wish // of the chosen mentor
	Lines   []scoreLine
	Options []matchingOption
}

// matchingOption is a mentor a case may be given to.
type matchingOption struct {
	UserID      int64
	Name        string
	Total       float64
	Free        int
	Alternative bool // among the case's best
	Apart       bool // does not meet the mentee's wishes
}

// matchingAlternatives is how many mentors each case offers to choose from.
const matchingAlternatives = 8

func (h *Web) matchingPreview(w http.ResponseWriter, r *http.Request) error {
	p, err := h.programForMentors(r)
	if err != nil {
		return err
	}
	done := ""
	if n, err := strconv.Atoi(r.URL.Query().Get("matched")); err == nil && n > 0 {
		done = strconv.Itoa(n)
	}
	return h.renderMatching(w, r, http.StatusOK, p, nil, matchingPage{Done: done})
}

// renderMatching computes the proposal of the program's pool and shows it;
// chosen, when not nil, are the mentors a refused confirmation asked for,
// by case, which the rows keep.
func (h *Web) renderMatching(w http.ResponseWriter, r *http.Request, status int, p program.Program, chosen map[int64]int64, pg matchingPage) error {
	pool, err := h.store.MatchPool(r.Context(), p.ID, 0)
	if err != nil {
		return err
	}
	pg.Program = p
	if pg.form == nil {
		pg.form = newForm(nil)
	}
	ms := make([]matching.Mentor, len(pool.Mentors))
	free := make([]int, len(pool.Mentors))
	index := map[int64]int{}
	for j, m := range pool.Mentors {
		ms[j], free[j], index[m.Input.ID] = m.Input, m.Standing.Free(), j
		pg.Places += free[j]
	}
	pg.Mentors = len(ms)
	cs := make([]matching.Case, len(pool.Cases))
	for i, c := range pool.Cases {
		cs[i] = c.Input
	}
	plan := matching.PlanFor(ms, free, cs, p.MatchWeights, pool.HoursNeeded, matchingAlternatives)
	pg.Total, pg.GreedyTotal, pg.Adjusted = plan.Total, plan.GreedyTotal, chosen != nil
	for i, c := range pool.Cases {
		row := matchingRow{Case: c}
		j := plan.MentorOf[i]
		if chosen != nil {
			j = -1
			if k, ok := index[chosen[c.ID]]; ok {
				j = k
			}
		}
		opts := map[int]bool{}
		for _, k := range plan.Alternatives[i] {
			opts[k] = true
		}
		if j >= 0 {
			opts[j] = true
		}
		for _, k := range append(plan.Alternatives[i], j) {
			if k < 0 || !opts[k] {
				continue
			}
			delete(opts, k)
			t, _ := plan.Score(i, k)
			row.Options = append(row.Options, matchingOption{UserID: ms[k].ID, Name: pool.Mentors[k].Standing.Mentor.Name,
				Total: t, Free: free[k], Apart: !plan.MeetsWishes(i, k)})
		}
		if j >= 0 {
			row.Chosen = ms[j].ID
			e := matching.Score(ms[j], cs[i], p.MatchWeights, pool.HoursNeeded)
			row.Total, row.Wishes, row.Lines = e.Total, e.Wishes, scoreLines(e)
			pg.Assigned++
		}
		pg.Rows = append(pg.Rows, row)
	}
	if chosen != nil {
		pg.Total = 0
		for _, row := range pg.Rows {
			pg.Total += row.Total
		}
	}
	return h.render(w, r, status, "matching", "mentors", pg)
}

// matchingConfirm matches every case of the posted rows that was given a
// mentor, all at once or none (store.ConfirmMatches); a refusal shows the
// rows as they were sent, each refused case marked.
func (h *Web) matchingConfirm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.programForMentors(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, 4<<20); err != nil { // a row is a few dozen bytes; thousands of cases fit
		return err
	}
	chosen := map[int64]int64{}
	pg := matchingPage{form: newForm(nil)}
	var pairs []store.MatchPair
	for _, s := range r.PostForm["case"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return errs.Invalid(map[string]string{"case": "validation.whole_number"})
		}
		m, _ := strconv.ParseInt(strings.TrimSpace(r.PostForm.Get("mentor_"+s)), 10, 64)
		chosen[id] = m
		pg.addFields("case:" + strconv.FormatInt(id, 10))
		if m > 0 {
			pairs = append(pairs, store.MatchPair{CaseID: id, MentorID: m})
		}
	}
	if len(pairs) == 0 {
		pg.say("matching.nothing_chosen")
		return h.renderMatching(w, r, http.StatusUnprocessableEntity, p, chosen, pg)
	}
	err = h.store.ConfirmMatches(r.Context(), p.ID, pairs, policy.Actor(r.Context()).ID)
	if err == nil {
		http.Redirect(w, r, "/programs/"+strconv.FormatInt(p.ID, 10)+"/matching?matched="+strconv.Itoa(len(pairs)), http.StatusSeeOther)
		return nil
	}
	if !pg.refuse(err, "") {
		return err
	}
	pg.say("matching.refused")
	return h.renderMatching(w, r, refusedStatus(err), p, chosen, pg)
}
