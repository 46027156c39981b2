package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"homeward/internal/errs"
	"homeward/internal/program"
	"homeward/internal/store"
)

func (a *API) programList(w http.ResponseWriter, r *http.Request) {
	page, err := pageOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items, next, err := a.store.ListPrograms(r.Context(), store.ProgramFilter{Query: strings.TrimSpace(r.URL.Query().Get("q"))}, page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newList(items, next))
}

func (a *API) programGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.store.GetProgram(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// programCreate creates a program; settings left out take their defaults.
func (a *API) programCreate(w http.ResponseWriter, r *http.Request) {
	p := program.New()
	if err := decode(w, r, &p); err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.store.CreateProgram(r.Context(), p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", Prefix+"/programs/"+strconv.FormatInt(p.ID, 10))
	writeJSON(w, http.StatusCreated, p)
}

// programUpdate changes the fields the body names. The body must carry the
// version the client last read; a newer version in the database means someone
// else changed the program meanwhile, and the update is refused (409).
func (a *API) programUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var raw map[string]json.RawMessage
	if err := decode(w, r, &raw); err != nil {
		a.fail(w, r, err)
		return
	}
	if _, ok := raw["version"]; !ok {
		a.fail(w, r, errs.Invalid(map[string]string{"version": "validation.version_required"}))
		return
	}
	p, err := a.store.GetProgram(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	body, _ := json.Marshal(raw)
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		a.fail(w, r, decodeError(err))
		return
	}
	p.ID = id
	p, err = a.store.UpdateProgram(r.Context(), p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFound("program")
	}
	return id, nil
}
