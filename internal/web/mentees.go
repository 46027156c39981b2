package web

import (
	"net/http"
	"strconv"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/zone"
)

// menteePage is a mentee's profile: who they are and how to reach them
// safely, their consents, the cases of theirs the user may see, and their
// portal access. Coordinators also get the forms to record a consent and to
// give portal access.
type menteePage struct {
	Mentee     cases.Mentee
	Header     *caseHeader // the case's header when the user sees one case of the person
	Cases      []menteeCase
	Consents   []consentState // per kind, in the order of cases.ConsentKinds
	ConsentLog []cases.Consent
	History    bool // the user may read some part of the history
	Portal     *auth.User
	CanManage  bool
	CanPortal  bool   // the user manages the person's portal account
	Done       string // the notice of an action just done, as a catalogue key
	Alert      string // why a change to the portal account was refused, as a catalogue key
	// The forms, as typed when refused: a consent (its kind and given, 1
	// or 0) and the portal access (its email address).
	ConsentKinds    []cases.ConsentKind
	Consent, Access *form
}

// menteeCase is a case of the person's, with its program's name.
type menteeCase struct {
	cases.Case
	ProgramName string
}

// consentState is the consent of a kind in force: the newest record, or none.
type consentState struct {
	Kind    cases.ConsentKind
	Current *cases.Consent
}

// menteeDone are the notices the profile shows after an action (?done=…).
var menteeDone = map[string]string{
	"saved":           "form.saved",
	"consent":         "mentees.done.consent",
	"portal_disabled": "portal_access.done.disabled",
	"portal_active":   "portal_access.done.active",
}

func (h *Web) menteeShow(w http.ResponseWriter, r *http.Request) error {
	m, visible, _, err := h.menteeFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	page := menteePage{Done: menteeDone[r.URL.Query().Get("done")]}
	return h.renderMentee(w, r, http.StatusOK, m, visible, &page)
}

// renderMentee fills the profile page around what the caller set (a
// notice, a refused form) and shows it.
func (h *Web) renderMentee(w http.ResponseWriter, r *http.Request, status int, m cases.Mentee, visible []cases.Case, page *menteePage) error {
	ctx := r.Context()
	u := policy.Actor(ctx)
	page.Mentee, page.ConsentKinds = m, cases.ConsentKinds
	if page.Consent == nil {
		page.Consent = newForm(nil)
	}
	if page.Access == nil {
		page.Access = newForm(nil)
	}
	names, err := h.programNameIndex(r)
	if err != nil {
		return err
	}
	sharing, err := h.store.HistorySharing(ctx, m.ID)
	if err != nil {
		return err
	}
	for _, c := range visible {
		page.Cases = append(page.Cases, menteeCase{Case: c, ProgramName: names[c.ProgramID]})
		ref := policy.RefOf(c)
		page.CanManage = page.CanManage || policy.CanCase(u, policy.CaseManage, ref)
		page.CanPortal = page.CanPortal || policy.CanCase(u, policy.PortalAccount, ref)
		page.History = page.History || len(policy.HistoryParts(u, ref, sharing.Shared)) > 0
	}
	if len(visible) == 1 {
		page.Header = menteeHeader(r, visible[0], m)
	}
	if page.ConsentLog, err = h.store.Consents(ctx, m.ID); err != nil {
		return err
	}
	page.Consents = currentConsents(page.ConsentLog)
	if m.UserID != 0 {
		// The account's address is sealed: opened (and audited) only for
		// those who manage the account.
		get := func() (auth.User, error) { return h.store.GetUser(ctx, m.UserID) }
		if page.CanPortal {
			get = func() (auth.User, error) { return h.store.PortalAccount(ctx, m.ID) }
		}
		acct, err := get()
		if err != nil && !errs.Is(err, errs.KindNotFound) {
			return err
		}
		if err == nil {
			page.Portal = &acct
		}
	}
	return h.render(w, r, status, "mentee", "cases", page)
}

// currentConsents picks the consent in force of each kind from the records,
// newest first.
func currentConsents(log []cases.Consent) []consentState {
	out := make([]consentState, len(cases.ConsentKinds))
	for i, k := range cases.ConsentKinds {
		out[i].Kind = k
		for j := range log {
			if log[j].Kind == k {
				out[i].Current = &log[j]
				break
			}
		}
	}
	return out
}

// menteePath is the address of a mentee's profile.
func menteePath(id int64) string { return "/mentees/" + strconv.FormatInt(id, 10) }

// menteeEdit shows the profile's edit form, with the version it starts from.
func (h *Web) menteeEdit(w http.ResponseWriter, r *http.Request) error {
	m, _, _, err := h.menteeFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "mentee_form", "cases", formFromMentee(m, h.printer(r).Lang()))
}

// menteeUpdate saves an edited profile. When someone else saved it in the
// meantime, the form comes back with what this person typed, a message
// saying so, and the newer version, so that sending again is a deliberate
// choice.
func (h *Web) menteeUpdate(w http.ResponseWriter, r *http.Request) error {
	stored, _, _, err := h.menteeFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	f := formFromMentee(stored, h.printer(r).Lang())
	m, err := parseMenteeForm(w, r, f)
	if err != nil {
		return err
	}
	m.ID, m.UserID = stored.ID, stored.UserID
	if f.check(m, zone.Today(h.store.Now(), zoneOf(r)).Year()) {
		return h.render(w, r, http.StatusUnprocessableEntity, "mentee_form", "cases", f)
	}
	if _, err := h.store.UpdateMentee(r.Context(), m); err != nil {
		if !f.applyError(err) {
			return err
		}
		if len(f.Messages) > 0 {
			current, err := h.store.GetMentee(r.Context(), m.ID)
			if err != nil {
				return err
			}
			f.Values["version"] = strconv.Itoa(current.Version)
		}
		return h.render(w, r, http.StatusUnprocessableEntity, "mentee_form", "cases", f)
	}
	http.Redirect(w, r, menteePath(m.ID)+"?done=saved", http.StatusSeeOther)
	return nil
}
