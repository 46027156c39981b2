package web

import (
	"net/http"
	"strconv"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// planStepUpdate changes the status of a plan step. The form carries the
// version the person saw: when someone changed the step meanwhile, the
// overview comes back saying so and showing the step as it is now.
func (h *Web) planStepUpdate(w http.ResponseWriter, r *http.Request) {
	c, err := h.caseFromPath(r, policy.CaseWork)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	stepID, err := route.PathID(r, "step", "plan step")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st, err := h.store.GetPlanStep(r.Context(), stepID)
	if err == nil && st.CaseID != c.ID {
		err = errs.NotFound("plan step")
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, maxFormBytes) {
		return
	}
	status := cases.StepStatus(r.PostForm.Get("status"))
	version, verr := strconv.Atoi(r.PostForm.Get("version"))
	refused := ""
	switch {
	case verr != nil || version <= 0:
		refused = "validation.version_required"
	case status == st.Status && version == st.Version:
		http.Redirect(w, r, overviewAt(c, "step_unchanged", "plan"), http.StatusSeeOther)
		return
	default:
		st.Status, st.Version = status, version
		if _, err = h.store.UpdatePlanStep(r.Context(), st); err == nil {
			http.Redirect(w, r, overviewAt(c, "step_saved", "plan"), http.StatusSeeOther)
			return
		}
		f := newOverviewForm(nil)
		if !f.refuse(err, "case.step.conflict") {
			h.fail(w, r, err)
			return
		}
		refused = f.Messages[0]
	}
	h.renderOverview(w, r, overviewStatus(err), h.reloadCase(r, c), overviewForms{StepErr: map[int64]string{st.ID: refused}})
}
