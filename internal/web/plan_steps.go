package web

import (
	"net/http"
	"strings"

	"homeward/internal/cases"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// planStepFields are the fields of the new plan step form.
var planStepFields = []string{"title", "domain", "owner", "due_on"}

// planStepCreate adds a step to the plan of the case's current period. The
// overview guides the first plan to a few steps; it does not forbid more.
func (h *Web) planStepCreate(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{
		action: policy.CaseWork, fields: planStepFields, conflict: "case.refused.changed",
		save: func(c cases.Case, f *form) (string, error) {
			p, err := h.store.GetProgram(r.Context(), c.ProgramID)
			if err != nil {
				return "", err
			}
			st := cases.PlanStep{CaseID: c.ID, Title: f.Value("title"), Domain: strings.TrimSpace(f.Value("domain")),
				Owner: cases.Owner(f.Value("owner")), Status: cases.StepOpen}
			var ok bool
			if st.DueOn, ok = overviewDate(f.Value("due_on")); !ok {
				f.Errors["due_on"] = "validation.date"
			}
			st.Normalize()
			if err := st.Validate(p.NeedDomains); err != nil || f.Refused() {
				return "", f.invalid(err)
			}
			_, err = h.store.AddPlanStep(r.Context(), st)
			return overviewAt(c, "step_added", "plan"), err
		},
		show: func(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
			return h.renderOverview(w, r, status, h.reloadCase(r, c), overviewForms{Step: f})
		},
	})
}

// planStepUpdate changes the status of a plan step. The form carries the
// version the person saw: when someone changed the step meanwhile, the
// overview comes back saying so and showing the step as it is now.
func (h *Web) planStepUpdate(w http.ResponseWriter, r *http.Request) error {
	var st cases.PlanStep
	return h.postOnCase(w, r, casePost{
		action: policy.CaseWork, conflict: "case.step.conflict",
		save: func(c cases.Case, f *form) (string, error) {
			stepID, err := route.PathID(r, "step", "plan step")
			if err != nil {
				return "", err
			}
			st, err = h.store.GetPlanStep(r.Context(), c.ID, stepID)
			if err != nil {
				return "", err
			}
			// The status is a button and the version hidden: a refusal
			// is said beside the step.
			f.Values["status"], f.Values["version"] = r.PostForm.Get("status"), r.PostForm.Get("version")
			version, err := f.version()
			if err != nil {
				return "", err
			}
			status := cases.StepStatus(f.Value("status"))
			if status == st.Status && version == st.Version {
				return overviewAt(c, "step_unchanged", "plan"), nil
			}
			st.Status, st.Version = status, version
			_, err = h.store.UpdatePlanStep(r.Context(), st)
			return overviewAt(c, "step_saved", "plan"), err
		},
		show: func(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
			return h.renderOverview(w, r, status, h.reloadCase(r, c), overviewForms{StepErr: map[int64]string{st.ID: f.unshown()}})
		},
	})
}
