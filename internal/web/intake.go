package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/store"
	"homeward/internal/zone"
)

// intakeRequest is a posted intake form, read and checked.
type intakeRequest struct {
	form      *menteeForm
	mentee    cases.Mentee
	programID int64
	state     cases.State
	existing  int64 // the duplicate check's "link": the mentee already known
	confirmed bool  // the duplicate check's "continue: a new person"
	made      bool  // the program makes the case code (its pattern)
}

// menteeCreate takes a person in. With existing_mentee_id it links a new
// case to a mentee already known; with confirmed=1 it creates a new mentee
// after the coordinator saw the likely duplicates; with neither it runs the
// duplicate check first, so that the check cannot be skipped.
func (h *Web) menteeCreate(w http.ResponseWriter, r *http.Request) error {
	in, err := h.readIntake(w, r)
	if err != nil {
		return err
	}
	switch {
	case in.existing != 0:
		return h.intakeLink(w, r, in)
	case h.intakeInvalid(r, in):
		return h.render(w, r, http.StatusUnprocessableEntity, "mentee_form", "cases", in.form)
	case in.confirmed:
		return h.intakeCreate(w, r, in)
	}
	return h.intakeCheck(w, r, in)
}

// readIntake reads the intake form and refuses a program the user may not
// take people into. Errors in the program or state are put on the form.
func (h *Web) readIntake(w http.ResponseWriter, r *http.Request) (*intakeRequest, error) {
	if err := policy.CheckRequest(r.Context(), policy.MenteeCreate, 0); err != nil {
		return nil, err
	}
	programs, err := h.intakePrograms(r)
	if err != nil {
		return nil, err
	}
	in := &intakeRequest{form: newMenteeForm(programs)}
	if in.mentee, err = parseMenteeForm(w, r, in.form); err != nil {
		return nil, err
	}
	if in.form.Proposals, err = h.store.ProposeCaseCodes(r.Context(), programs); err != nil {
		return nil, err
	}
	f := in.form
	switch id, err := strconv.ParseInt(strings.TrimSpace(f.Values["program"]), 10, 64); {
	case f.Values["program"] == "":
		f.Errors["program"] = "validation.required"
	case err != nil || id <= 0:
		f.Errors["program"] = "validation.no_such_program"
	default:
		// A program that is not the coordinator's is refused outright.
		if err := policy.CheckRequest(r.Context(), policy.MenteeCreate, id); err != nil {
			return nil, err
		}
		in.programID = id
	}
	if in.state = cases.State(f.Values["state"]); in.state != cases.Referred && in.state != cases.Intake {
		f.Errors["state"] = "validation.choice"
	}
	if v := r.PostForm.Get("existing_mentee_id"); v != "" {
		if in.existing, err = strconv.ParseInt(v, 10, 64); err != nil || in.existing <= 0 {
			return nil, errs.NotFound("mentee")
		}
	}
	in.confirmed = r.PostForm.Get("confirmed") == "1"
	if in.made = f.madeCode(in.programID); in.made {
		in.mentee.CaseCode = ""
	}
	return in, nil
}

// intakeInvalid checks the profile and tells whether anything needs
// attention (put on the form, to show again with what was typed).
func (h *Web) intakeInvalid(r *http.Request, in *intakeRequest) bool {
	return in.form.checkIntake(in.mentee, zone.TodayIn(r.Context(), h.store.Now()).Year(), in.made)
}

// intakeCreate creates the mentee and their case, and goes to the case.
func (h *Web) intakeCreate(w http.ResponseWriter, r *http.Request, in *intakeRequest) error {
	u := policy.Actor(r.Context())
	_, c, err := h.store.CreateIntake(r.Context(), store.Intake{Mentee: in.mentee, ProgramID: in.programID, State: in.state, ActorID: u.ID,
		Consents: in.form.consents()})
	if err != nil {
		if in.form.applyError(err) {
			return h.render(w, r, http.StatusUnprocessableEntity, "mentee_form", "cases", in.form)
		}
		return err
	}
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
	return nil
}

// intakeLink opens a case in the chosen program for a mentee already known
// (the duplicate check's "this is the same person"). The coordinator must
// see the person through a case of theirs; when the person already has a
// case in the program, that case is where they go.
func (h *Web) intakeLink(w http.ResponseWriter, r *http.Request, in *intakeRequest) error {
	if len(in.form.Errors) > 0 {
		// Only the program and the state matter here; both come from the
		// form the coordinator filled in, so this is an edited request.
		return errs.Invalid(in.form.Errors)
	}
	all, err := h.store.MenteeCases(r.Context(), in.existing)
	if err != nil {
		return err
	}
	u := policy.Actor(r.Context())
	var seen bool
	for _, c := range all {
		if !policy.CanCase(u, policy.CaseView, policy.RefOf(c)) {
			continue
		}
		seen = true
		if c.ProgramID == in.programID {
			http.Redirect(w, r, "/cases/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
			return nil
		}
	}
	if !seen {
		return errs.NotFound("mentee")
	}
	_, c, err := h.store.CreateIntake(r.Context(), store.Intake{ExistingMenteeID: in.existing, ProgramID: in.programID, State: in.state, ActorID: u.ID,
		Consents: in.form.consents()})
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
	return nil
}

// menteeNew shows the empty intake form: the program and the state the
// case starts in, and the person's profile.
func (h *Web) menteeNew(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.MenteeCreate, 0); err != nil {
		return err
	}
	programs, err := h.intakePrograms(r)
	if err != nil {
		return err
	}
	f := newMenteeForm(programs)
	codes, err := h.store.ProposeCaseCodes(r.Context(), programs)
	if err != nil {
		return err
	}
	f.propose(codes)
	return h.render(w, r, http.StatusOK, "mentee_form", "cases", f)
}

// intakePrograms are the programs the signed-in user may take people into.
func (h *Web) intakePrograms(r *http.Request) ([]program.Program, error) {
	list, _, err := h.store.ListPrograms(r.Context(), policy.ProgramScope(r.Context(), ""), store.Page{Limit: store.MaxLimit})
	if err != nil {
		return nil, err
	}
	u := policy.Actor(r.Context())
	var out []program.Program
	for _, p := range list {
		if policy.Can(u, policy.MenteeCreate, p.ID) {
			out = append(out, p)
		}
	}
	return out, nil
}

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
func (h *Web) menteeCheck(w http.ResponseWriter, r *http.Request) error {
	in, err := h.readIntake(w, r)
	if err != nil {
		return err
	}
	if r.PostForm.Get("edit") == "1" {
		return h.render(w, r, http.StatusOK, "mentee_form", "cases", in.form)
	}
	if h.intakeInvalid(r, in) {
		return h.render(w, r, http.StatusUnprocessableEntity, "mentee_form", "cases", in.form)
	}
	return h.intakeCheck(w, r, in)
}

// intakeCheck looks for likely duplicates within the coordinator's scope:
// none creates the mentee at once; some are shown to link or to continue.
func (h *Web) intakeCheck(w http.ResponseWriter, r *http.Request, in *intakeRequest) error {
	m := in.mentee
	m.Normalize()
	found, err := h.store.FindDuplicates(r.Context(), m, policy.CaseScope(policy.Actor(r.Context())))
	if err != nil {
		return err
	}
	if len(found) == 0 {
		return h.intakeCreate(w, r, in)
	}
	page := menteeCheckPage{Form: in.form, Candidates: found, Fields: slices.Concat(intakeFields, menteeFields)}
	for _, p := range in.form.Programs {
		if p.ID == in.programID {
			page.ProgramName = p.Name
		}
	}
	return h.render(w, r, http.StatusOK, "mentee_check", "cases", page)
}
