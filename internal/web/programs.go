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
	// Facilities are the program's prisons and remand centres, archived
	// ones last, shown with the custody phase; FacilityNew is the form of
	// a new one, FacilityEdit a refused edit by facility.
	Facilities    []program.Facility
	FacilityKinds []program.FacilityKind
	FacilityNew   *form
	FacilityEdit  map[int64]*form
	FacilityDone  bool
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
	return h.renderProgram(w, r, http.StatusOK, p, programPage{Saved: r.URL.Query().Get("saved") == "1",
		FacilityDone: r.URL.Query().Get("done") == "facility"})
}

// renderProgram shows the program page with its facilities; pg brings a
// refused facility form, if any.
func (h *Web) renderProgram(w http.ResponseWriter, r *http.Request, status int, p program.Program, pg programPage) error {
	facilities, err := h.store.Facilities(r.Context(), p.ID)
	if err != nil {
		return err
	}
	pg.Program, pg.Facilities, pg.FacilityKinds = p, facilities, program.FacilityKinds
	pg.CanEdit = policy.CheckRequest(r.Context(), policy.ProgramEdit, p.ID) == nil
	pg.CanMentors = policy.CheckRequest(r.Context(), policy.MentorManage, p.ID) == nil
	if pg.FacilityNew == nil {
		pg.FacilityNew = newForm(map[string]string{"kind": string(program.Prison)})
	}
	if pg.FacilityEdit == nil {
		pg.FacilityEdit = map[int64]*form{}
	}
	return h.render(w, r, status, "program", "programs", pg)
}

// programNew shows an empty form with every setting at its default.
func (h *Web) programNew(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.ProgramCreate, 0); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "program_form", "programs", formFromProgram(program.New(), h.printer(r).Lang()))
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
	return h.render(w, r, http.StatusOK, "program_form", "programs", formFromProgram(p, h.printer(r).Lang()))
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
