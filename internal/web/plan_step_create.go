package web

import (
	"net/http"
	"strings"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

// planStepFields are the fields of the new plan step form.
var planStepFields = []string{"title", "domain", "owner", "due_on"}

// planStepCreate adds a step to the plan of the case's current period. The
// overview guides the first plan to a few steps; it does not forbid more.
func (h *Web) planStepCreate(w http.ResponseWriter, r *http.Request) {
	c, err := h.caseFromPath(r, policy.CaseWork)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, maxFormBytes) {
		return
	}
	f := newOverviewForm(nil)
	for _, name := range planStepFields {
		f.Values[name] = r.PostForm.Get(name)
	}
	p, err := h.store.GetProgram(r.Context(), c.ProgramID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st := cases.PlanStep{CaseID: c.ID, Title: f.Value("title"), Domain: strings.TrimSpace(f.Value("domain")),
		Owner: cases.Owner(f.Value("owner")), Status: cases.StepOpen}
	var ok bool
	if st.DueOn, ok = overviewDate(f.Value("due_on")); !ok {
		f.Errors["due_on"] = "validation.date"
	}
	st.Normalize()
	if err := st.Validate(p.NeedDomains); err != nil {
		f.refuse(err, "", planStepFields...)
	}
	if len(f.Errors) == 0 {
		if _, err = h.store.AddPlanStep(r.Context(), st); err == nil {
			http.Redirect(w, r, overviewAt(c, "step_added", "plan"), http.StatusSeeOther)
			return
		}
		if !f.refuse(err, "case.refused.changed", planStepFields...) {
			h.fail(w, r, err)
			return
		}
	}
	h.renderOverview(w, r, overviewStatus(err), h.reloadCase(r, c), overviewForms{Step: f})
}
