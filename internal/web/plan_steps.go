package web

import (
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/route"
	"net/http"
	"strconv"
	"strings"
)

// planStepFields are the fields of the new plan step form.
var planStepFields = []string{"title", "domain", "owner", "due_on"}

// planStepCreate adds a step to the plan of the case's current period. The
// overview guides the first plan to a few steps; it does not forbid more.
func (h *Web) planStepCreate(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.CaseWork)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, planStepFields)
	if err != nil {
		return err
	}
	p, err := h.store.GetProgram(r.Context(), c.ProgramID)
	if err != nil {
		return err
	}
	st := cases.PlanStep{CaseID: c.ID, Title: f.Value("title"), Domain: strings.TrimSpace(f.Value("domain")),
		Owner: cases.Owner(f.Value("owner")), Status: cases.StepOpen}
	var ok bool
	if st.DueOn, ok = overviewDate(f.Value("due_on")); !ok {
		f.Errors["due_on"] = "validation.date"
	}
	st.Normalize()
	if err := st.Validate(p.NeedDomains); err != nil {
		f.refuse(err, "")
	}
	if len(f.Errors) == 0 {
		if _, err = h.store.AddPlanStep(r.Context(), st); err == nil {
			http.Redirect(w, r, overviewAt(c, "step_added", "plan"), http.StatusSeeOther)
			return nil
		}
		if !f.refuse(err, "case.refused.changed") {
			return err
		}
	}
	return h.renderOverview(w, r, refusedStatus(err), h.reloadCase(r, c), overviewForms{Step: f})
}

// planStepUpdate changes the status of a plan step. The form carries the
// version the person saw: when someone changed the step meanwhile, the
// overview comes back saying so and showing the step as it is now.
func (h *Web) planStepUpdate(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.CaseWork)
	if err != nil {
		return err
	}
	stepID, err := route.PathID(r, "step", "plan step")
	if err != nil {
		return err
	}
	st, err := h.store.GetPlanStep(r.Context(), stepID)
	if err == nil && st.CaseID != c.ID {
		err = errs.NotFound("plan step")
	}
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	status := cases.StepStatus(r.PostForm.Get("status"))
	version, verr := strconv.Atoi(r.PostForm.Get("version"))
	refused := ""
	switch {
	case verr != nil || version <= 0:
		refused = "validation.version_required"
	case status == st.Status && version == st.Version:
		http.Redirect(w, r, overviewAt(c, "step_unchanged", "plan"), http.StatusSeeOther)
		return nil
	default:
		st.Status, st.Version = status, version
		if _, err = h.store.UpdatePlanStep(r.Context(), st); err == nil {
			http.Redirect(w, r, overviewAt(c, "step_saved", "plan"), http.StatusSeeOther)
			return nil
		}
		f := newForm(nil)
		if !f.refuse(err, "case.step.conflict") {
			return err
		}
		refused = f.Messages[0]
	}
	return h.renderOverview(w, r, refusedStatus(err), h.reloadCase(r, c), overviewForms{StepErr: map[int64]string{st.ID: refused}})
}
