package web

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"

	"homeward/internal/mentors"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/store"
)

// mentorProfileForm is the form of what matching reads of a mentor, as
// typed, with its choices.
type mentorProfileForm struct {
	*form
	ID        int64
	Name      string
	Program   program.Program
	Times     []string
	Tags      []string
	Genders   []string
	Histories []string // mentors.ExperienceTags
}

func newMentorProfileForm(ref store.MentorRef, name string, p program.Program) *mentorProfileForm {
	return &mentorProfileForm{form: newForm(nil), ID: ref.ID, Name: name, Program: p, Times: mentors.Times,
		Tags: mentors.PreferenceTags, Genders: mentors.Genders, Histories: mentors.ExperienceTags}
}

// The fields of the profile form: its text fields and its groups of boxes.
var (
	mentorProfileFields     = []string{"languages", "country", "city", "skills", "hours_per_week", "gender", "version", "name"}
	mentorProfileListFields = []string{"need_domains", "times", "preference_tags", "experience_tags"}
)

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
	f := newMentorProfileForm(ref, cmp.Or(st.Mentor.Name, app.FullName), p)
	pr := st.Mentor.Profile
	lang := h.printer(r).Lang()
	f.Values = map[string]string{"languages": showLanguages(pr.Languages, lang), "country": showCountries([]string{pr.Country}, lang), "city": pr.City,
		"skills": pr.Skills, "hours_per_week": strconv.Itoa(pr.HoursPerWeek), "gender": pr.Gender,
		"version": strconv.Itoa(st.Mentor.Version)}
	f.Multi = map[string][]string{"need_domains": pr.NeedDomains, "times": pr.Times, "preference_tags": pr.PreferenceTags,
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
	f.read(r, mentorProfileFields, mentorProfileListFields...)
	pr := mentors.Profile{City: f.Values["city"],
		Skills: f.Values["skills"], Gender: f.Values["gender"], NeedDomains: f.Multi["need_domains"], Times: f.Multi["times"],
		PreferenceTags: f.Multi["preference_tags"], ExperienceTags: f.Multi["experience_tags"]}
	var msg string
	if pr.Languages, msg = readLanguages(f.Values["languages"]); msg != "" {
		f.Errors["languages"] = msg
	}
	if pr.Country, msg = readCountry(f.Values["country"]); msg != "" {
		f.Errors["country"] = msg
	}
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
		if !f.refuse(err, "mentor.conflict") {
			return err
		}
		if len(f.Messages) > 0 {
			if st, gerr := h.store.GetMentor(r.Context(), ref.ID); gerr == nil {
				f.Values["version"] = strconv.Itoa(st.Mentor.Version)
			}
		}
	}
	return h.render(w, r, refusedStatus(err), "mentor_form", "mentors", f)
}
