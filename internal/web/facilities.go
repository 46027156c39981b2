package web

import (
	"net/http"
	"strconv"

	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/route"
)

// facilityFormFields are the fields of a facility's form.
var facilityFormFields = []string{"name", "kind"}

// facilityFromForm reads a facility's fields as typed.
func facilityFromForm(w http.ResponseWriter, r *http.Request) (*form, program.Facility, error) {
	f, err := readForm(w, r, facilityFormFields)
	if err != nil {
		return nil, program.Facility{}, err
	}
	f.Values["version"] = r.PostForm.Get("version")
	if r.PostForm.Get("archived") != "" {
		f.Values["archived"] = "on"
	}
	fa := program.Facility{Name: f.Value("name"), Kind: program.FacilityKind(f.Value("kind")), Archived: f.Value("archived") != ""}
	fa.Version, _ = strconv.Atoi(f.Value("version"))
	return f, fa, nil
}

// facilitySaved sends the person back to the program's facilities.
func facilitySaved(w http.ResponseWriter, r *http.Request, programID int64) {
	http.Redirect(w, r, "/programs/"+strconv.FormatInt(programID, 10)+"?done=facility#facilities", http.StatusSeeOther)
}

// facilityCreate adds a facility to a program: its coordinators, or the admin.
func (h *Web) facilityCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := h.programFromPath(r, policy.ProgramEdit)
	if err != nil {
		return err
	}
	f, fa, err := facilityFromForm(w, r)
	if err != nil {
		return err
	}
	fa.ProgramID = p.ID
	if _, err = h.store.CreateFacility(r.Context(), fa); err == nil {
		facilitySaved(w, r, p.ID)
		return nil
	}
	if !f.refuse(err, "facility.conflict") {
		return err
	}
	return h.renderProgram(w, r, refusedStatus(err), p, programPage{FacilityNew: f})
}

// facilityUpdate renames, re-kinds, archives or restores a facility.
func (h *Web) facilityUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "facility")
	if err != nil {
		return err
	}
	cur, err := h.store.GetFacility(r.Context(), id)
	if err == nil {
		err = policy.CheckRequest(r.Context(), policy.ProgramEdit, cur.ProgramID)
	}
	if err != nil {
		if errs.Is(err, errs.KindNotFound) {
			err = errs.NotFound("facility")
		}
		return err
	}
	p, err := h.store.GetProgram(r.Context(), cur.ProgramID)
	if err != nil {
		return err
	}
	f, fa, err := facilityFromForm(w, r)
	if err != nil {
		return err
	}
	fa.ID, fa.ProgramID = id, cur.ProgramID
	if _, err = h.store.UpdateFacility(r.Context(), fa); err == nil {
		facilitySaved(w, r, p.ID)
		return nil
	}
	if !f.refuse(err, "facility.conflict") {
		return err
	}
	return h.renderProgram(w, r, refusedStatus(err), p, programPage{FacilityEdit: map[int64]*form{id: f}})
}

// facilityFieldSet is the data of the "facility_fields" partial: a refused
// form's values, or a stored facility's, with an id prefix for the inputs.
type facilityFieldSet struct {
	ID    string
	Kinds []program.FacilityKind
	form  *form
}

func (s facilityFieldSet) Value(name string) string { return s.form.Value(name) }
func (s facilityFieldSet) Err(name string) string   { return s.form.Err(name) }
func (s facilityFieldSet) Is(name string, v any) bool {
	return s.form.Is(name, v)
}

// facilityFields fills the partial from a refused form, else from the
// facility (nil for the form of a new one, which starts empty).
func facilityFields(f *form, facility any, id string, kinds []program.FacilityKind) facilityFieldSet {
	if f == nil {
		f = newForm(nil)
		if fa, ok := facility.(program.Facility); ok {
			f.Values = map[string]string{"name": fa.Name, "kind": string(fa.Kind)}
		}
	}
	return facilityFieldSet{ID: id, Kinds: kinds, form: f}
}
