package web

import (
	"net/http"
	"strconv"
	"strings"

	"homeward/internal/errs"
	"homeward/internal/mentors"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/route"
	"homeward/internal/store"
)

// mentorListPage is the coordinator's view of a program's mentors: where
// they are in the pipeline, their workload, who supports nobody, whose
// checks are about to expire.
type mentorListPage struct {
	Program   program.Program
	Programs  []program.Program
	Counts    map[mentors.Pipeline]int
	Pipelines []mentors.Pipeline
	// The filters as chosen.
	Pipeline         string
	Nobody, Expiring bool
	Query            string
	Filtered         bool
	Items            []mentors.Standing
	listPager
	ApplyOpen bool // the program's public form is open
	Waiting   int  // waiting cases of the program, for bulk matching
}

func (h *Web) mentorList(w http.ResponseWriter, r *http.Request) error {
	p, programs, err := h.mentorProgram(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	page := mentorListPage{Program: p, Programs: programs, Pipelines: mentors.Pipelines, ApplyOpen: p.ApplicationsOpen,
		Nobody: q.Get("nobody") == "1", Expiring: q.Get("expiring") == "1", Query: strings.TrimSpace(q.Get("q"))}
	f := store.MentorFilter{ProgramID: p.ID, Nobody: page.Nobody, Expiring: page.Expiring, Query: page.Query}
	for _, pl := range mentors.Pipelines {
		if q.Get("pipeline") == string(pl) {
			page.Pipeline, f.Pipeline = string(pl), pl
		}
	}
	page.Filtered = page.Pipeline != "" || page.Nobody || page.Expiring || page.Query != ""
	cursor := q.Get("cursor")
	ov, err := h.store.MentorOverview(r.Context(), f, store.Page{Limit: casePageSize, Cursor: cursor})
	if err != nil {
		return err
	}
	page.Counts, page.Items = ov.Counts, ov.Items
	page.listPager = pager(r, "/mentors", cursor, ov.Next, ov.Total, casePageSize, "list.total.mentors")
	return h.render(w, r, http.StatusOK, "mentors", "mentors", page)
}

// mentorBoardPage is the screening board of a program: a column per stage
// that waits for a decision, and the latest decisions.
type mentorBoardPage struct {
	Program  program.Program
	Programs []program.Program
	Columns  []boardColumn
}

// boardColumn is one stage of the board with its mentors, newest first.
type boardColumn struct {
	Stage   mentors.Stage
	Items   []mentors.Standing
	More    bool // more than shown: the list has them all
	Decided bool // accepted or rejected: the latest only
}

func (h *Web) mentorBoard(w http.ResponseWriter, r *http.Request) error {
	p, programs, err := h.mentorProgram(r)
	if err != nil {
		return err
	}
	open, err := h.store.MentorOverview(r.Context(), store.MentorFilter{ProgramID: p.ID, Stages: mentors.ScreeningStages}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	decided, err := h.store.MentorOverview(r.Context(), store.MentorFilter{ProgramID: p.ID,
		Stages: []mentors.Stage{mentors.StageAccepted, mentors.StageRejected}}, store.Page{Limit: 20})
	if err != nil {
		return err
	}
	page := mentorBoardPage{Program: p, Programs: programs}
	for _, st := range []mentors.Stage{mentors.StageNew, mentors.StageInterview, mentors.StageChecks, mentors.StageAccepted, mentors.StageRejected} {
		col := boardColumn{Stage: st, Decided: st == mentors.StageAccepted || st == mentors.StageRejected}
		items, more := open.Items, open.Next != ""
		if col.Decided {
			items, more = decided.Items, decided.Next != ""
		}
		for _, m := range items {
			if m.Mentor.Stage == st {
				col.Items = append(col.Items, m)
			}
		}
		col.More = more && len(col.Items) > 0
		page.Columns = append(page.Columns, col)
	}
	return h.render(w, r, http.StatusOK, "mentor_board", "mentors", page)
}

// ChoiceAction is where the program chooser sends.
func (p mentorListPage) ChoiceAction() string { return "/mentors" }

// ChoiceAction is where the program chooser sends.
func (p mentorBoardPage) ChoiceAction() string { return "/mentors/board" }

// mentorFromPath returns the mentor the path's {id} names, if the user may
// do the action on them (errs.NotFound when they may not even view them).
// Nothing sealed is read before the policy decides.
func (h *Web) mentorFromPath(r *http.Request, a policy.Action) (store.MentorRef, error) {
	id, err := route.PathID(r, "id", "mentor")
	if err != nil {
		return store.MentorRef{}, err
	}
	ref, err := h.store.MentorRef(r.Context(), id)
	if err != nil {
		return ref, err
	}
	return ref, policy.CheckMentor(r.Context(), a, ref)
}

// mentorProgram returns the program whose mentors a coordinator works
// with: the ?program= one (if theirs), else their first; with all their
// programs to choose from.
func (h *Web) mentorProgram(r *http.Request) (program.Program, []program.Program, error) {
	programs, _, err := h.store.ListPrograms(r.Context(), policy.ProgramScope(r.Context(), ""), store.Page{Limit: store.MaxLimit})
	if err != nil {
		return program.Program{}, nil, err
	}
	if len(programs) == 0 {
		return program.Program{}, nil, errs.NotFound("program")
	}
	want, _ := strconv.ParseInt(r.URL.Query().Get("program"), 10, 64)
	for _, p := range programs {
		if p.ID == want {
			return p, programs, policy.CheckRequest(r.Context(), policy.MentorManage, p.ID)
		}
	}
	if want != 0 {
		return program.Program{}, nil, errs.NotFound("program")
	}
	return programs[0], programs, policy.CheckRequest(r.Context(), policy.MentorManage, programs[0].ID)
}

// programForMentors returns the program of the path's {id} if the user
// manages its mentors.
func (h *Web) programForMentors(r *http.Request) (program.Program, error) {
	return h.programFromPath(r, policy.MentorManage)
}

// mentorAt is the address of a mentor's page, with a notice.
func mentorAt(id int64, done string) string {
	p := "/mentors/" + strconv.FormatInt(id, 10)
	if done != "" {
		p += "?done=" + done
	}
	return p
}
