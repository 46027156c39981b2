package web

import (
	"net/http"
	"strings"

	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/route"
	"homeward/internal/store"
)

type programListPage struct {
	Query     string
	Programs  []program.Program
	Total     int
	Next      string // URL of the next page, "" on the last
	First     string // URL of the first page when not on it
	CanCreate bool
}

const programPageSize = 50

func (h *Web) programList(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	cursor := r.URL.Query().Get("cursor")
	f := policy.ProgramScope(r.Context(), q)
	items, next, err := h.store.ListPrograms(r.Context(), f, store.Page{Limit: programPageSize, Cursor: cursor})
	if errs.Is(err, errs.KindInvalid) {
		// A stale or edited cursor: start from the first page.
		cursor = ""
		items, next, err = h.store.ListPrograms(r.Context(), f, store.Page{Limit: programPageSize})
	}
	if err != nil {
		return err
	}
	total, err := h.store.CountPrograms(r.Context(), f)
	if err != nil {
		return err
	}
	page := programListPage{Query: q, Programs: items, Total: total, CanCreate: policy.CheckRequest(r.Context(), policy.ProgramCreate, 0) == nil}
	page.Next, page.First = pageLinks(r, "/programs", cursor, next)
	return h.render(w, r, http.StatusOK, "programs", "programs", page)
}

type programPage struct {
	Program    program.Program
	Saved      bool
	CanEdit    bool
	CanMentors bool // the program's coordinators: mentors, training, matching
}

// programFromPath loads the program the path's {id} names, if the signed-in
// user may do the action on it.
func (h *Web) programFromPath(r *http.Request, a policy.Action) (program.Program, error) {
	id, err := route.PathID(r, "id", "program")
	if err != nil {
		return program.Program{}, err
	}
	if err := policy.CheckRequest(r.Context(), a, id); err != nil {
		return program.Program{}, err
	}
	return h.store.GetProgram(r.Context(), id)
}

func (h *Web) programShow(w http.ResponseWriter, r *http.Request) error {
	p, err := h.programFromPath(r, policy.ProgramView)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "program", "programs", programPage{Program: p, Saved: r.URL.Query().Get("saved") == "1",
		CanEdit:    policy.CheckRequest(r.Context(), policy.ProgramEdit, p.ID) == nil,
		CanMentors: policy.CheckRequest(r.Context(), policy.MentorManage, p.ID) == nil})
}

// programNew shows an empty form with every setting at its default.
func (h *Web) programNew(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.ProgramCreate, 0); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "program_form", "programs", formFromProgram(program.New()))
}

// programCreate saves a new program, or shows the form again with what was
// typed and a message on each field that needs attention.
func (h *Web) programCreate(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.ProgramCreate, 0); err != nil {
		return err
	}
	f, p, err := parseProgramForm(w, r)
	if err != nil {
		return err
	}
	return h.saveProgramForm(w, r, f, p, h.store.CreateProgram)
}

func (h *Web) programEdit(w http.ResponseWriter, r *http.Request) error {
	p, err := h.programFromPath(r, policy.ProgramEdit)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "program_form", "programs", formFromProgram(p))
}

// programUpdate saves an edited program. When someone else saved it in the
// meantime, the form comes back with what this person typed, a message saying
// so, and the newer version, so that sending again is a deliberate choice.
func (h *Web) programUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "program")
	if err == nil {
		err = policy.CheckRequest(r.Context(), policy.ProgramEdit, id)
	}
	if err != nil {
		return err
	}
	f, p, err := parseProgramForm(w, r)
	if err != nil {
		return err
	}
	f.ID, p.ID = id, id
	return h.saveProgramForm(w, r, f, p, h.store.UpdateProgram)
}
