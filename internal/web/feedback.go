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
	c, err := h.caseFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, append([]string{"declined", "text"}, feedbackRatings...))
	if err != nil {
		return err
	}
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
	if len(f.Errors) > 0 {
		if err := fb.Validate(); err != nil {
			f.refuse(err, "work.conflict")
		}
		return h.renderClosing(w, r, http.StatusUnprocessableEntity, c, closingForms{Feedback: f})
	}
	if err := h.store.SaveFeedback(r.Context(), fb); err != nil {
		if !f.refuse(err, "work.conflict") {
			return err
		}
		return h.renderClosing(w, r, refusedStatus(err), c, closingForms{Feedback: f})
	}
	http.Redirect(w, r, workTab(c, "closing")+"?done=feedback#feedback", http.StatusSeeOther)
	return nil
}
