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
)

// trainingPage lists a program's training modules, each editable, with a
// form for a new one.
type trainingPage struct {
	Program program.Program
	Modules []mentors.Module
	New     *form
	Edit    map[int64]*form // a refused edit, by module
	Done    string
}

func (h *Web) trainingList(w http.ResponseWriter, r *http.Request) error {
	p, err := h.programForMentors(r)
	if err != nil {
		return err
	}
	done := ""
	if r.URL.Query().Get("done") == "saved" {
		done = "training.done.saved"
	}
	return h.renderTraining(w, r, http.StatusOK, p, trainingPage{Done: done})
}

func (h *Web) renderTraining(w http.ResponseWriter, r *http.Request, status int, p program.Program, pg trainingPage) error {
	mods, err := h.store.Modules(r.Context(), p.ID)
	if err != nil {
		return err
	}
	pg.Program, pg.Modules = p, mods
	if pg.New == nil {
		pg.New = newForm(map[string]string{"required": "on", "position": strconv.Itoa(len(mods) + 1)})
	}
	if pg.Edit == nil {
		pg.Edit = map[int64]*form{}
	}
	return h.render(w, r, status, "training", "mentors", pg)
}

// moduleFromForm reads a module's fields as typed.
func moduleFromForm(r *http.Request) (*form, mentors.Module) {
	f := newForm(map[string]string{"version": r.PostForm.Get("version")})
	f.read(r, []string{"title", "description", "position", "hours"})
	for _, k := range []string{"required", "archived"} {
		if r.PostForm.Get(k) != "" {
			f.Values[k] = "on"
		}
	}
	m := mentors.Module{Title: f.Value("title"), Description: f.Value("description"),
		Required: f.Value("required") != "", Archived: f.Value("archived") != ""}
	if s := strings.TrimSpace(f.Value("position")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			f.Errors["position"] = "validation.whole_number"
		}
		m.Position = n
	}
	// Blank is unknown (0 hours).
	if s := strings.TrimSpace(f.Value("hours")); s != "" {
		h, err := parseNumber(s)
		if err != nil {
			f.Errors["hours"] = "validation.number"
		}
		m.Hours = h
	}
	m.Version, _ = strconv.Atoi(f.Value("version"))
	return f, m
}

func (h *Web) moduleCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := h.programForMentors(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	f, m := moduleFromForm(r)
	m.ProgramID = p.ID
	if len(f.Errors) == 0 {
		if _, err = h.store.CreateModule(r.Context(), m); err == nil {
			http.Redirect(w, r, "/programs/"+strconv.FormatInt(p.ID, 10)+"/training?done=saved", http.StatusSeeOther)
			return nil
		}
		if !f.refuse(err, "training.conflict") {
			return err
		}
	}
	return h.renderTraining(w, r, refusedStatus(err), p, trainingPage{New: f})
}

func (h *Web) moduleUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "training module")
	if err != nil {
		return err
	}
	cur, err := h.store.GetModule(r.Context(), id)
	if err == nil {
		err = policy.CheckRequest(r.Context(), policy.MentorManage, cur.ProgramID)
	}
	if err != nil {
		if errs.Is(err, errs.KindNotFound) {
			err = errs.NotFound("training module")
		}
		return err
	}
	p, err := h.store.GetProgram(r.Context(), cur.ProgramID)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	f, m := moduleFromForm(r)
	m.ID, m.ProgramID = id, cur.ProgramID
	if len(f.Errors) == 0 {
		if _, err = h.store.UpdateModule(r.Context(), m); err == nil {
			http.Redirect(w, r, "/programs/"+strconv.FormatInt(p.ID, 10)+"/training?done=saved", http.StatusSeeOther)
			return nil
		}
		if !f.refuse(err, "training.conflict") {
			return err
		}
	}
	return h.renderTraining(w, r, refusedStatus(err), p, trainingPage{Edit: map[int64]*form{id: f}})
}

// moduleFieldSet is the data of the "module_fields" partial: a refused
// form's values, or a stored module's, with an id prefix for the inputs.
type moduleFieldSet struct {
	ID   string
	form *form
}

func (m moduleFieldSet) Value(name string) string { return m.form.Value(name) }
func (m moduleFieldSet) Err(name string) string   { return m.form.Err(name) }

// moduleFields fills the partial from a refused form, else from the module.
func moduleFields(f *form, module any, id string) moduleFieldSet {
	if f == nil {
		f = newForm(nil)
		if m, ok := module.(mentors.Module); ok {
			f.Values = map[string]string{"title": m.Title, "description": m.Description, "position": strconv.Itoa(m.Position)}
			if m.Hours != 0 {
				f.Values["hours"] = number(m.Hours)
			}
			if m.Required {
				f.Values["required"] = "on"
			}
		}
	}
	return moduleFieldSet{ID: id, form: f}
}

// mentorTrainingSet records a module's completion: a coordinator confirms
// (or withdraws) it, the mentor themself reports it done (or withdraws an
// unconfirmed report). The mentor comes back to their home page.
func (h *Web) mentorTrainingSet(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.mentorFromPath(r, policy.MentorView)
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
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	f := newForm(map[string]string{"status": r.PostForm.Get("status")})
	err = h.store.SetCompletion(r.Context(), ref.ID, moduleID, mentors.CompletionStatus(f.Value("status")), self, u.ID)
	if err == nil {
		if self {
			http.Redirect(w, r, "/?done=training#training", http.StatusSeeOther)
			return nil
		}
		http.Redirect(w, r, mentorAt(ref.ID, "training")+"#training", http.StatusSeeOther)
		return nil
	}
	if !refuseOnMentor(f, err) {
		return err
	}
	return h.renderMentor(w, r, refusedStatus(err), ref, mentorPage{TrainingForm: f})
}
