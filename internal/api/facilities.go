package api

import (
	"net/http"
	"strconv"

	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/route"
)

// ---- Facilities of a program: prisons and remand centres ----

// facilityList lists a program's facilities, archived ones last, to those
// who may see the program.
func (a *API) facilityList(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "program")
	if err == nil {
		err = policy.CheckRequest(r.Context(), policy.ProgramView, id)
	}
	if err != nil {
		return err
	}
	list, err := a.store.Facilities(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(list, ""))
}

type facilityInput struct {
	Name     *string               `json:"name"`
	Kind     *program.FacilityKind `json:"kind"`
	Archived *bool                 `json:"archived"`
	Version  int                   `json:"version"`
}

// apply sets the fields the input names on f.
func (in facilityInput) apply(f *program.Facility) {
	patch(&f.Name, in.Name)
	patch(&f.Kind, in.Kind)
	patch(&f.Archived, in.Archived)
}

// facilityCreate adds a facility to a program: its coordinators, or the admin.
func (a *API) facilityCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "program")
	if err == nil {
		err = policy.CheckRequest(r.Context(), policy.ProgramEdit, id)
	}
	if err != nil {
		return err
	}
	var in facilityInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	f := program.Facility{ProgramID: id}
	in.apply(&f)
	if f, err = a.store.CreateFacility(r.Context(), f); err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/facilities/"+strconv.FormatInt(f.ID, 10))
	return writeJSON(w, http.StatusCreated, f)
}

// facilityUpdate renames, re-kinds, archives or restores a facility; the
// body carries the version last read.
func (a *API) facilityUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "facility")
	if err != nil {
		return err
	}
	f, err := a.store.GetFacility(r.Context(), id)
	if err == nil {
		err = policy.CheckRequest(r.Context(), policy.ProgramEdit, f.ProgramID)
	}
	if err != nil {
		if errs.Is(err, errs.KindNotFound) {
			err = errs.NotFound("facility")
		}
		return err
	}
	var in facilityInput
	_, version, err := versionedBody(w, r, &in)
	if err != nil {
		return err
	}
	in.apply(&f)
	f.Version = version
	if f, err = a.store.UpdateFacility(r.Context(), f); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, f)
}
