package web

import (
	"net/http"
	"strconv"
	"strings"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// historyForm is the history's edit form, as typed: a text per part.
type historyForm struct {
	Mentee  cases.Mentee
	Parts   []cases.HistoryPart
	Values  map[string]string // part → text, and "version"
	Errors  map[string]string
	Message string // a form-wide message, as a catalogue key
}

// Value returns the typed value of a field.
func (f *historyForm) Value(name string) string { return f.Values[name] }

// Err returns the message key of a field's error, or "".
func (f *historyForm) Err(name string) string { return f.Errors[name] }

// maxHistoryFormBytes bounds the history form: five parts of up to
// cases.MaxHistory characters of up to four bytes, form-encoded.
const maxHistoryFormBytes = 5*cases.MaxHistory*4*3 + 4096

// historyEdit shows the history's edit form with every part opened (the
// read is audited).
func (h *Web) historyEdit(w http.ResponseWriter, r *http.Request) {
	m, _, _, err := h.menteeFromPath(r, policy.CaseManage)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hist, err := h.store.MenteeHistory(r.Context(), m.ID, cases.HistoryParts)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := &historyForm{Mentee: m, Parts: cases.HistoryParts, Values: map[string]string{"version": strconv.Itoa(hist.Version)}, Errors: map[string]string{}}
	for _, p := range cases.HistoryParts {
		f.Values[string(p)] = hist.Parts[p]
	}
	h.render(w, r, http.StatusOK, "history_form", "cases", f)
}

// historyUpdate seals and saves the edited history. A conflicting edit
// brings the form back with what was typed and the newer version.
func (h *Web) historyUpdate(w http.ResponseWriter, r *http.Request) {
	m, _, _, err := h.menteeFromPath(r, policy.CaseManage)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, maxHistoryFormBytes) {
		return
	}
	f := &historyForm{Mentee: m, Parts: cases.HistoryParts, Values: map[string]string{"version": r.PostForm.Get("version")}, Errors: map[string]string{}}
	hist := cases.History{MenteeID: m.ID, Parts: map[cases.HistoryPart]string{}}
	hist.Version, _ = strconv.Atoi(strings.TrimSpace(f.Values["version"]))
	for _, p := range cases.HistoryParts {
		v := r.PostForm.Get(string(p))
		f.Values[string(p)] = v
		hist.Parts[p] = strings.TrimSpace(v)
	}
	err = hist.Validate()
	if err == nil {
		err = h.store.SaveHistory(r.Context(), hist)
	}
	if err == nil {
		http.Redirect(w, r, menteePath(m.ID)+"/history?done=saved", http.StatusSeeOther)
		return
	}
	if !applySaveError(err, f.Errors, &f.Message, "history.conflict") {
		h.fail(w, r, err)
		return
	}
	if errs.Is(err, errs.KindConflict) {
		current, err := h.store.HistorySharing(r.Context(), m.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		f.Values["version"] = strconv.Itoa(current.Version)
	}
	h.render(w, r, http.StatusUnprocessableEntity, "history_form", "cases", f)
}
