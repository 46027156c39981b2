package web

import (
	"net/http"
	"slices"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// notesPage is a case's notes tab: the notes the user may read, newest
// first, and the form to add one at a level the user may use.
type notesPage struct {
	Header caseHeader
	Notes  []cases.Note
	Form   *form // nil when the user may use no level
	Done   string
}

// noteList shows the notes of the levels the user may read
// (policy.NoteVisibilities), opened through the store, which audits it.
func (h *Web) noteList(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	return h.renderNotes(w, r, http.StatusOK, c, nil)
}

// renderNotes shows the notes tab with the form as typed (f), or an empty
// one when f is nil.
func (h *Web) renderNotes(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
	vis := policy.NoteVisibilities(policy.Actor(r.Context()), policy.RefOf(c))
	hd, err := h.headerFor(r, c, "notes")
	if err != nil {
		return err
	}
	page := notesPage{Header: hd, Done: workDoneOf(r)}
	if len(vis) > 0 {
		if f == nil {
			f = newForm(nil)
			if len(vis) == 1 {
				f.Values["visibility"] = string(vis[0])
			}
		}
		// Offered in the order of cases.Visibilities, widest first.
		for _, v := range cases.Visibilities {
			if slices.Contains(vis, v) {
				f.Options["visibility"] = append(f.Options["visibility"], string(v))
			}
		}
		page.Form = f
		notes, err := h.store.Notes(r.Context(), c.ID, vis)
		if err != nil {
			return err
		}
		page.Notes = notes
	}
	return h.render(w, r, status, "notes", "cases", page)
}

// noteCreate adds a sealed note at a visibility level. Anyone who may view
// the case may write notes, but only at the levels they may read: a level
// beyond those (a mentor's team note) is refused outright.
func (h *Web) noteCreate(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{
		action: policy.CaseView, fields: []string{"visibility", "body"}, conflict: "work.conflict",
		save: func(c cases.Case, f *form) (string, error) {
			v := cases.Visibility(f.Value("visibility"))
			allowed := policy.NoteVisibilities(policy.Actor(r.Context()), policy.RefOf(c))
			if len(allowed) == 0 || (slices.Contains(cases.Visibilities, v) && !slices.Contains(allowed, v)) {
				return "", errs.Forbidden("You may not write notes at this level.")
			}
			n := cases.Note{CaseID: c.ID, Visibility: v, Body: f.Value("body"), AuthorID: policy.Actor(r.Context()).ID}
			_, err := h.store.AddNote(r.Context(), n)
			return workTab(c, "notes") + "?done=note", err
		},
		show: h.renderNotes,
	})
}
