package web

import (
	"net/http"
	"strconv"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

// feedbackRatings are the rating fields of the feedback form.
var feedbackRatings = []string{"support", "mentor", "plan", "recommend"}

// feedbackForm is the feedback form as stored (empty without feedback).
func feedbackForm(fb *cases.Feedback) *form {
	f := newForm(nil)
	f.ID = "fb-"
	if fb == nil {
		return f
	}
	for name, v := range map[string]cases.Rating{"support": fb.Support, "mentor": fb.Mentor, "plan": fb.Plan, "recommend": fb.Recommend} {
		if v > 0 {
			f.Values[name] = strconv.Itoa(int(v))
		}
	}
	if fb.Declined {
		f.Values["declined"] = "on"
	}
	f.Values["text"] = fb.Text
	return f
}

// feedbackRecord stores the mentee's feedback as a coordinator recorded it
// (a few ratings from 1 to 5 and free text, sealed), or that they declined
// to give it. It may be replaced until the case is closed.
func (h *Web) feedbackRecord(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{
		action: policy.CaseManage, fields: append([]string{"declined", "text"}, feedbackRatings...), conflict: "work.conflict",
		save: func(c cases.Case, f *form) (string, error) {
			f.ID = "fb-"
			if f.Values["declined"] != "" {
				f.Values["declined"] = "on"
			}
			fb := cases.Feedback{CaseID: c.ID, Period: c.Period, Declined: f.Values["declined"] != "", Text: f.Value("text"),
				RecordedBy: policy.Actor(r.Context()).ID}
			for name, dst := range map[string]*cases.Rating{"support": &fb.Support, "mentor": &fb.Mentor, "plan": &fb.Plan, "recommend": &fb.Recommend} {
				n, ok := parseWorkInt(f.Value(name))
				if !ok {
					f.Errors[name] = "validation.rating"
				}
				*dst = cases.Rating(n)
			}
			if f.Refused() {
				return "", f.invalid(fb.Validate())
			}
			return workTab(c, "closing") + "?done=feedback#feedback", h.store.SaveFeedback(r.Context(), fb)
		},
		show: func(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
			return h.renderClosing(w, r, status, c, closingForms{Feedback: f})
		},
	})
}
