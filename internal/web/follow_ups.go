package web

import (
	"net/http"
	"strconv"

	"homeward/internal/cases"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// followUpForm is a follow-up's form as stored.
func followUpForm(fu cases.FollowUp) *form {
	f := newForm(nil)
	f.ID = "fu" + strconv.FormatInt(fu.ID, 10) + "-"
	answers := optionsOf(cases.Answers)
	f.Options["work_kept"], f.Options["housing"], f.Options["rearrested"] = answers, answers, answers
	f.Values["work_kept"], f.Values["housing"], f.Values["rearrested"] = string(fu.WorkKept), string(fu.Housing), string(fu.Rearrested)
	f.Values["note"], f.Values["version"] = fu.Note, strconv.Itoa(fu.Version)
	return f
}

// followUpRecord records the answers of a follow-up some months after a
// completed closure: work kept, housing, re-arrest (yes, no, unknown) and a
// note (sealed). When someone else recorded it meanwhile, the form comes
// back as typed with the newer version.
func (h *Web) followUpRecord(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	id, err := route.PathID(r, "followup", "follow-up")
	if err != nil {
		return err
	}
	f, err := readForm(w, r, []string{"work_kept", "housing", "rearrested", "note", "version"})
	if err != nil {
		return err
	}
	// The store refuses a follow-up of another case as not found.
	fu := cases.FollowUp{ID: id, CaseID: c.ID}
	fu.WorkKept, fu.Housing, fu.Rearrested = cases.Answer(f.Value("work_kept")), cases.Answer(f.Value("housing")), cases.Answer(f.Value("rearrested"))
	fu.Note, fu.RecordedBy = f.Value("note"), policy.Actor(r.Context()).ID
	version, err := strconv.Atoi(f.Value("version"))
	if err != nil || version <= 0 {
		f.say("validation.version_required")
		return h.renderClosing(w, r, http.StatusUnprocessableEntity, c, closingForms{FollowUpID: fu.ID, FollowUp: f})
	}
	fu.Version = version
	if _, err := h.store.RecordFollowUp(r.Context(), fu); err != nil {
		if !f.refuse(err, "followups.conflict") {
			return err
		}
		return h.renderClosing(w, r, refusedStatus(err), c, closingForms{FollowUpID: fu.ID, FollowUp: f})
	}
	http.Redirect(w, r, workTab(c, "closing")+"?done=follow_up#follow-up-"+strconv.FormatInt(fu.ID, 10), http.StatusSeeOther)
	return nil
}
