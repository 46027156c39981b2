package web

import (
	"net/http"
	"slices"
	"strconv"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/route"
)

// portalStepDone marks one of the mentee's own plan steps done. The step
// must be on one of the person's own cases and owned by the mentee; any
// other step is not found, so that its existence is not revealed.
func (h *Web) portalStepDone(w http.ResponseWriter, r *http.Request) {
	id, err := route.PathID(r, "id", "plan step")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, maxPortalForm) {
		return
	}
	// The step first: a step that is not the mentee's to mark is refused
	// before anything of the person is read (and audited).
	st, err := h.store.GetPlanStep(r.Context(), id)
	if errs.Is(err, errs.KindNotFound) || (err == nil && st.Owner != cases.OwnerMentee) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	own, err := h.portalOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !ownStep(own, st) {
		h.notFound(w, r)
		return
	}
	if st.Status == cases.StepDone {
		// Sent twice (a double tap): it is done already.
		http.Redirect(w, r, "/my?done=step", http.StatusSeeOther)
		return
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		h.renderPortal(w, r, http.StatusUnprocessableEntity, &portalPage{Message: "portal.step.changed"})
		return
	}
	st.Status, st.Version = cases.StepDone, version
	if _, err := h.store.UpdatePlanStep(r.Context(), st); err != nil {
		switch errs.As(err).Kind {
		case errs.KindConflict, errs.KindInvalid:
			// Someone changed the step meanwhile, or the case no longer
			// takes changes: show the plan as it is now.
			h.renderPortal(w, r, http.StatusConflict, &portalPage{Message: "portal.step.changed"})
		default:
			h.fail(w, r, err)
		}
		return
	}
	http.Redirect(w, r, "/my?done=step", http.StatusSeeOther)
}

// ownStep tells whether the plan step is the mentee's to mark: on one of
// their cases, owned by the mentee.
func ownStep(own portalOwn, st cases.PlanStep) bool {
	return st.Owner == cases.OwnerMentee && slices.ContainsFunc(own.Cases, func(c cases.Case) bool { return c.ID == st.CaseID })
}

// maxPortalForm bounds a portal form post: a request or feedback text of
// at most cases.MaxLong characters, with room for multi-byte letters.
const maxPortalForm = 64 << 10
