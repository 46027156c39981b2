package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/report"
	"homeward/internal/route"
)

func (a *API) programList(w http.ResponseWriter, r *http.Request) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	items, next, err := a.store.ListPrograms(r.Context(), policy.ProgramScope(r.Context(), strings.TrimSpace(r.URL.Query().Get("q"))), page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

func (a *API) programGet(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "program")
	if err == nil {
		err = policy.CheckRequest(r.Context(), policy.ProgramView, id)
	}
	if err != nil {
		return err
	}
	p, err := a.store.GetProgram(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// programCreate creates a program; settings left out take their defaults.
func (a *API) programCreate(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.ProgramCreate, 0); err != nil {
		return err
	}
	p := program.New()
	if err := decode(w, r, &p); err != nil {
		return err
	}
	p.Normalize()
	if err := report.CheckFunderTable(p); err != nil {
		return err
	}
	p, err := a.store.CreateProgram(r.Context(), p)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/programs/"+strconv.FormatInt(p.ID, 10))
	return writeJSON(w, http.StatusCreated, p)
}

// programUpdate changes the fields the body names. The body must carry the
// version the client last read; a newer version in the database means someone
// else changed the program meanwhile, and the update is refused (409).
func (a *API) programUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "program")
	if err == nil {
		err = policy.CheckRequest(r.Context(), policy.ProgramEdit, id)
	}
	if err != nil {
		return err
	}
	body, version, err := versionedBody(w, r, &program.Program{})
	if err != nil {
		return err
	}
	p, err := a.store.GetProgram(r.Context(), id)
	if err != nil {
		return err
	}
	funder := p.FunderTable
	if err := decodeStrict(body, &p); err != nil {
		return err
	}
	p.ID, p.Version = id, version
	p.Normalize()
	// A table the body changes names figures of the report; one it leaves
	// as it was may name an own outcome kind the program has since removed
	// (the report shows that line as gone).
	if !slices.Equal(funder, p.FunderTable) {
		if err := report.CheckFunderTable(p); err != nil {
			return err
		}
	}
	p, err = a.store.UpdateProgram(r.Context(), p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}
