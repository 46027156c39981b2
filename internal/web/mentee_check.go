package web

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

// menteeCheckPage lists the people already known who may be the person
// being taken in, with the form as typed (sent again by "continue").
type menteeCheckPage struct {
	Form        *menteeForm
	Fields      []string // the names of the form's fields, in order, for the hidden inputs
	ProgramName string
	Candidates  []cases.DuplicateCandidate
}

// menteeCheck is the intake form's first step: the form is checked, then
// the people already known in the coordinator's programs who may be the
// same person are shown. Without any, the person is taken in at once.
// edit=1 (from the check's page) shows the form again as typed.
func (h *Web) menteeCheck(w http.ResponseWriter, r *http.Request) {
	in, ok := h.readIntake(w, r)
	if !ok {
		return
	}
	if r.PostForm.Get("edit") == "1" {
		h.render(w, r, http.StatusOK, "mentee_form", "cases", in.form)
		return
	}
	if h.intakeValid(w, r, in) {
		h.intakeCheck(w, r, in)
	}
}

// intakeCheck looks for likely duplicates within the coordinator's scope:
// none creates the mentee at once; some are shown to link or to continue.
func (h *Web) intakeCheck(w http.ResponseWriter, r *http.Request, in *intakeRequest) {
	m := in.mentee
	m.Normalize()
	found, err := h.store.FindDuplicates(r.Context(), m, policy.CaseScope(policy.Actor(r.Context())))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(found) == 0 {
		h.intakeCreate(w, r, in)
		return
	}
	page := menteeCheckPage{Form: in.form, Candidates: found, Fields: append(append([]string{}, intakeFields...), menteeFields...)}
	for _, p := range in.form.Programs {
		if p.ID == in.programID {
			page.ProgramName = p.Name
		}
	}
	h.render(w, r, http.StatusOK, "mentee_check", "cases", page)
}
