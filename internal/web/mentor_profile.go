package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"homeward/internal/mentors"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/store"
)

// mentorProfileForm is the form of what matching reads of a mentor, as typed.
type mentorProfileForm struct {
	ID        int64
	Name      string
	Program   program.Program
	Values    map[string]string
	Lists     map[string][]string
	Errors    map[string]string
	Message   string
	Times     []string
	Tags      []string
	Genders   []string
	Histories []string // mentors.ExperienceTags
}

func (f *mentorProfileForm) Value(name string) string { return f.Values[name] }
func (f *mentorProfileForm) Err(name string) string   { return f.Errors[name] }

// Checked reports whether a box of a field is ticked.
func (f *mentorProfileForm) Checked(field, value string) bool {
	return slices.Contains(f.Lists[field], value)
}

func newMentorProfileForm(ref store.MentorRef, name string, p program.Program) *mentorProfileForm {
	return &mentorProfileForm{ID: ref.ID, Name: name, Program: p, Values: map[string]string{}, Lists: map[string][]string{},
		Errors: map[string]string{}, Times: mentors.Times, Tags: mentors.PreferenceTags, Genders: mentors.Genders,
		Histories: mentors.ExperienceTags}
}

var profileListFields = []string{"need_domains", "times", "preference_tags", "experience_tags"}

func (h *Web) mentorEdit(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.mentorFromPath(r, policy.MentorManage)
	if err != nil {
		return err
	}
	st, err := h.store.GetMentor(r.Context(), ref.ID)
	if err != nil {
		return err
	}
	app, err := h.store.MentorApplication(r.Context(), ref.ID) // the sealed experience tags
	if err != nil {
		return err
	}
	p, err := h.store.GetProgram(r.Context(), ref.ProgramID)
	if err != nil {
		return err
	}
	name := st.Mentor.Name
	if name == "" {
		name = app.FullName
	}
	f := newMentorProfileForm(ref, name, p)
	pr := st.Mentor.Profile
	f.Values = map[string]string{"languages": strings.Join(pr.Languages, ", "), "country": pr.Country, "city": pr.City,
		"skills": pr.Skills, "hours_per_week": strconv.Itoa(pr.HoursPerWeek), "gender": pr.Gender,
		"version": strconv.Itoa(st.Mentor.Version)}
	f.Lists = map[string][]string{"need_domains": pr.NeedDomains, "times": pr.Times, "preference_tags": pr.PreferenceTags,
		"experience_tags": app.ExperienceTags}
	return h.render(w, r, http.StatusOK, "mentor_form", "mentors", f)
}

func (h *Web) mentorUpdate(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.mentorFromPath(r, policy.MentorManage)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	p, err := h.store.GetProgram(r.Context(), ref.ProgramID)
	if err != nil {
		return err
	}
	f := newMentorProfileForm(ref, r.PostForm.Get("name"), p)
	for _, k := range []string{"languages", "country", "city", "skills", "hours_per_week", "gender", "version", "name"} {
		f.Values[k] = r.PostForm.Get(k)
	}
	for _, k := range profileListFields {
		f.Lists[k] = r.PostForm[k]
	}
	pr := mentors.Profile{Languages: splitList(f.Values["languages"]), Country: f.Values["country"], City: f.Values["city"],
		Skills: f.Values["skills"], Gender: f.Values["gender"], NeedDomains: f.Lists["need_domains"], Times: f.Lists["times"],
		PreferenceTags: f.Lists["preference_tags"], ExperienceTags: f.Lists["experience_tags"]}
	if n, perr := strconv.Atoi(strings.TrimSpace(f.Values["hours_per_week"])); perr != nil {
		f.Errors["hours_per_week"] = "validation.whole_number"
	} else {
		pr.HoursPerWeek = n
	}
	v, _ := strconv.Atoi(f.Values["version"])
	if len(f.Errors) == 0 {
		if err = h.store.UpdateMentorProfile(r.Context(), ref.ID, pr, v); err == nil {
			http.Redirect(w, r, mentorAt(ref.ID, "profile"), http.StatusSeeOther)
			return nil
		}
		if !applySaveError(err, f.Errors, &f.Message, "mentor.conflict") {
			return err
		}
		if f.Message != "" {
			if st, gerr := h.store.GetMentor(r.Context(), ref.ID); gerr == nil {
				f.Values["version"] = strconv.Itoa(st.Mentor.Version)
			}
		}
	}
	return h.render(w, r, overviewStatus(err), "mentor_form", "mentors", f)
}
