package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// historyPage is the mentee's sensitive history as far as the user may read
// it; coordinators also get the form that records what the mentee chose to
// share with their mentor.
type historyPage struct {
	Mentee    cases.Mentee
	Header    *caseHeader
	Parts     []historyPart
	CanManage bool
	// Who recorded the mentee's choice of shared parts, and when.
	SharedBy string
	SharedAt string
	Version  int    // the history version the sharing form was read at
	Done     string // the notice of an action just done, as a catalogue key
}

// historyPart is one part of the history: its text when the user may read
// it, or that it is not shared with them.
type historyPart struct {
	Part     cases.HistoryPart
	Readable bool
	Text     string
	Shared   bool // shared with the mentor
}

// historyDone are the notices the history page shows after an action.
var historyDone = map[string]string{
	"saved":   "form.saved",
	"sharing": "history.done.sharing",
}

// historyShow opens only the parts of the history the user may read
// (policy.HistoryParts); the store records the read in the audit. A part
// the user may not read is named, without its content.
func (h *Web) historyShow(w http.ResponseWriter, r *http.Request) error {
	m, visible, via, err := h.menteeFromPath(r, policy.HistoryRead)
	if err != nil {
		return err
	}
	ctx := r.Context()
	u := policy.Actor(ctx)
	sharing, err := h.store.HistorySharing(ctx, m.ID)
	if err != nil {
		return err
	}
	parts := policy.HistoryParts(u, policy.RefOf(via), sharing.Shared)
	opened := cases.History{}
	if len(parts) > 0 {
		if opened, err = h.store.MenteeHistory(ctx, m.ID, parts); err != nil {
			return err
		}
	}
	page := historyPage{Mentee: m, Done: historyDone[r.URL.Query().Get("done")]}
	for _, c := range visible {
		page.CanManage = page.CanManage || policy.CanCase(u, policy.CaseManage, policy.RefOf(c))
	}
	if len(visible) == 1 {
		page.Header = menteeHeader(r, visible[0], m)
	}
	for _, p := range cases.HistoryParts {
		hp := historyPart{Part: p, Readable: slices.Contains(parts, p)}
		if hp.Readable {
			hp.Text = opened.Parts[p]
		}
		if page.CanManage {
			hp.Shared = slices.Contains(sharing.Shared, p)
		}
		page.Parts = append(page.Parts, hp)
	}
	page.Version = sharing.Version
	if page.CanManage && sharing.SharedAt != nil {
		page.SharedAt = sharing.SharedAt.In(zoneOf(r)).Format("2006-01-02")
		if sharing.SharedBy != 0 {
			if by, err := h.store.GetUser(ctx, sharing.SharedBy); err == nil {
				page.SharedBy = cmp.Or(by.Name, by.Email)
			}
		}
	}
	return h.render(w, r, http.StatusOK, "history", "cases", page)
}

// historyForm is the history's edit form, as typed: a text per part, and
// the version.
type historyForm struct {
	*form
	Mentee cases.Mentee
	Parts  []cases.HistoryPart
}

// maxHistoryFormBytes bounds the history form: five parts of up to
// cases.MaxHistory characters of up to four bytes, form-encoded.
const maxHistoryFormBytes = 5*cases.MaxHistory*4*3 + 4096

// historyEdit shows the history's edit form with every part opened (the
// read is audited).
func (h *Web) historyEdit(w http.ResponseWriter, r *http.Request) error {
	m, _, _, err := h.menteeFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	hist, err := h.store.MenteeHistory(r.Context(), m.ID, cases.HistoryParts)
	if err != nil {
		return err
	}
	f := &historyForm{form: newForm(map[string]string{"version": strconv.Itoa(hist.Version)}), Mentee: m, Parts: cases.HistoryParts}
	for _, p := range cases.HistoryParts {
		f.Values[string(p)] = hist.Parts[p]
	}
	return h.render(w, r, http.StatusOK, "history_form", "cases", f)
}

// historyUpdate seals and saves the edited history. A conflicting edit
// brings the form back with what was typed and the newer version.
func (h *Web) historyUpdate(w http.ResponseWriter, r *http.Request) error {
	m, _, _, err := h.menteeFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxHistoryFormBytes); err != nil {
		return err
	}
	f := &historyForm{form: newForm(nil), Mentee: m, Parts: cases.HistoryParts}
	f.read(r, append(optionsOf(cases.HistoryParts), "version"))
	hist := cases.History{MenteeID: m.ID, Parts: map[cases.HistoryPart]string{}}
	hist.Version, _ = strconv.Atoi(strings.TrimSpace(f.Values["version"]))
	for _, p := range cases.HistoryParts {
		hist.Parts[p] = strings.TrimSpace(f.Values[string(p)])
	}
	err = hist.Validate()
	if err == nil {
		err = h.store.SaveHistory(r.Context(), hist)
	}
	if err == nil {
		http.Redirect(w, r, menteePath(m.ID)+"/history?done=saved", http.StatusSeeOther)
		return nil
	}
	if !f.refuse(err, "history.conflict") {
		return err
	}
	if errs.Is(err, errs.KindConflict) {
		current, err := h.store.HistorySharing(r.Context(), m.ID)
		if err != nil {
			return err
		}
		f.Values["version"] = strconv.Itoa(current.Version)
	}
	return h.render(w, r, http.StatusUnprocessableEntity, "history_form", "cases", f)
}

// sharingUpdate records which parts of the history the mentee chose to
// share with their mentor, who recorded it and when.
func (h *Web) sharingUpdate(w http.ResponseWriter, r *http.Request) error {
	m, _, _, err := h.menteeFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	var shared []cases.HistoryPart
	for _, v := range r.PostForm["shared"] {
		p := cases.HistoryPart(v)
		if !p.Valid() {
			// The form offers only the parts: this is an edited request.
			return errs.Invalid(map[string]string{"shared": "validation.choice"})
		}
		if !slices.Contains(shared, p) {
			shared = append(shared, p)
		}
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	if err := h.store.SetHistorySharing(r.Context(), m.ID, shared, version, policy.Actor(r.Context()).ID); err != nil {
		return err
	}
	http.Redirect(w, r, menteePath(m.ID)+"/history?done=sharing", http.StatusSeeOther)
	return nil
}
