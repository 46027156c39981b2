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
	var id int64
	return h.postOnCase(w, r, casePost{
		action: policy.CaseManage, fields: []string{"work_kept", "housing", "rearrested", "note", "version"},
		conflict: "followups.conflict",
		save: func(c cases.Case, f *form) (string, error) {
			var err error
			if id, err = route.PathID(r, "followup", "follow-up"); err != nil {
				return "", err
			}
			version, err := f.version()
			if err != nil {
				return "", err
			}
			// The store refuses a follow-up of another case as not found.
			fu := cases.FollowUp{ID: id, CaseID: c.ID, WorkKept: cases.Answer(f.Value("work_kept")), Housing: cases.Answer(f.Value("housing")),
				Rearrested: cases.Answer(f.Value("rearrested")), Note: f.Value("note"), RecordedBy: policy.Actor(r.Context()).ID, Version: version}
			_, err = h.store.RecordFollowUp(r.Context(), fu)
			return workTab(c, "closing") + "?done=follow_up#follow-up-" + strconv.FormatInt(id, 10), err
		},
		show: func(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
			return h.renderClosing(w, r, status, c, closingForms{FollowUpID: id, FollowUp: f})
		},
	})
}
