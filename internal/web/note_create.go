package web

import (
	"net/http"
	"slices"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// noteCreate adds a sealed note at a visibility level. Anyone who may view
// the case may write notes, but only at the levels they may read: a level
// beyond those (a mentor's team note) is refused outright.
func (h *Web) noteCreate(w http.ResponseWriter, r *http.Request) {
	c, err := h.caseFromPath(r, policy.CaseView)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, ok := h.readWorkForm(w, r, []string{"visibility", "body"})
	if !ok {
		return
	}
	v := cases.Visibility(f.Value("visibility"))
	allowed := policy.NoteVisibilities(policy.Actor(r.Context()), policy.RefOf(c))
	if len(allowed) == 0 || (slices.Contains(cases.Visibilities, v) && !slices.Contains(allowed, v)) {
		h.fail(w, r, errs.Forbidden("You may not write notes at this level."))
		return
	}
	n := cases.Note{CaseID: c.ID, Visibility: v, Body: f.Value("body"), AuthorID: policy.Actor(r.Context()).ID}
	if _, err := h.store.AddNote(r.Context(), n); err != nil {
		if !f.apply(err, "work.conflict") {
			h.fail(w, r, err)
			return
		}
		h.renderNotes(w, r, workStatus(err), c, f)
		return
	}
	http.Redirect(w, r, workTab(c, "notes")+"?done=note", http.StatusSeeOther)
}
