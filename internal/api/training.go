package api

import (
	"net/http"
	"strconv"

	"homeward/internal/errs"
	"homeward/internal/mentors"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// ---- A mentor's training ----

func (a *API) mentorTrainingList(w http.ResponseWriter, r *http.Request) error {
	ref, err := a.mentorFromPath(r, policy.MentorView)
	if err != nil {
		return err
	}
	list, err := a.store.MentorTraining(r.Context(), ref.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(list, ""))
}

// mentorTrainingSet records a module's completion: "confirmed" (or "" to
// withdraw) by a coordinator, "reported" (or "" to withdraw a report) by
// the mentor themself.
func (a *API) mentorTrainingSet(w http.ResponseWriter, r *http.Request) error {
	ref, err := a.mentorFromPath(r, policy.MentorView)
	if err != nil {
		return err
	}
	moduleID, err := route.PathID(r, "module", "training module")
	if err != nil {
		return err
	}
	u := policy.Actor(r.Context())
	self := policy.CanMentor(u, policy.MentorSelf, ref)
	if !self && !policy.CanMentor(u, policy.MentorManage, ref) {
		return policy.CheckMentor(r.Context(), policy.MentorManage, ref)
	}
	var in struct {
		// Status is required, so that an empty body withdraws nothing:
		// "" withdraws on purpose.
		Status *mentors.CompletionStatus `json:"status"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Status == nil {
		return errs.Invalid(map[string]string{"status": "validation.required"})
	}
	if err := a.store.SetCompletion(r.Context(), ref.ID, moduleID, *in.Status, self, u.ID); err != nil {
		return err
	}
	return a.mentorTrainingList(w, r)
}

// ---- Training modules of a program ----

func (a *API) moduleList(w http.ResponseWriter, r *http.Request) error {
	pid, err := programOfQuery(r)
	if err != nil {
		return err
	}
	list, err := a.store.Modules(r.Context(), pid)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(list, ""))
}

type moduleInput struct {
	ProgramID   int64    `json:"program_id"`
	Title       *string  `json:"title"`
	Description *string  `json:"description"`
	Required    *bool    `json:"required"`
	Archived    *bool    `json:"archived"`
	Position    *int     `json:"position"`
	Hours       *float64 `json:"hours"`
	Version     int      `json:"version"`
}

// apply sets the fields the input names on m.
func (in moduleInput) apply(m *mentors.Module) {
	patch(&m.Title, in.Title)
	patch(&m.Description, in.Description)
	patch(&m.Required, in.Required)
	patch(&m.Archived, in.Archived)
	patch(&m.Position, in.Position)
	patch(&m.Hours, in.Hours)
}

func (a *API) moduleCreate(w http.ResponseWriter, r *http.Request) error {
	var in moduleInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.ProgramID <= 0 {
		return errs.Invalid(map[string]string{"program_id": "validation.required"})
	}
	if err := policy.CheckRequest(r.Context(), policy.MentorManage, in.ProgramID); err != nil {
		return err
	}
	m := mentors.Module{ProgramID: in.ProgramID, Required: true}
	in.apply(&m)
	m, err := a.store.CreateModule(r.Context(), m)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/training-modules/"+strconv.FormatInt(m.ID, 10))
	return writeJSON(w, http.StatusCreated, m)
}

func (a *API) moduleUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "training module")
	if err != nil {
		return err
	}
	m, err := a.store.GetModule(r.Context(), id)
	if err == nil {
		err = policy.CheckRequest(r.Context(), policy.MentorManage, m.ProgramID)
	}
	if err != nil {
		if errs.Is(err, errs.KindNotFound) {
			err = errs.NotFound("training module")
		}
		return err
	}
	var in moduleInput
	_, version, err := versionedBody(w, r, &in)
	if err == nil && in.ProgramID != 0 && in.ProgramID != m.ProgramID {
		err = errs.Invalid(map[string]string{"program_id": "validation.read_only"})
	}
	if err != nil {
		return err
	}
	in.apply(&m)
	m.Version = version
	if m, err = a.store.UpdateModule(r.Context(), m); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}
