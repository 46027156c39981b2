package web

import (
	"net/http"
	"strconv"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// portalFeedback saves the mentee's feedback at closing: four ratings from 1
// to 5 (each may be left out) and free text, or "I'd rather not" (the
// declined button). Only while their case is closing. Bad input shows the
// form again with what was typed.
func (h *Web) portalFeedback(w http.ResponseWriter, r *http.Request) {
	own, err := h.portalOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, maxPortalForm) {
		return
	}
	f := newPortalForm()
	f.Values["text"] = r.PostForm.Get("text")
	fb := cases.Feedback{Declined: r.PostForm.Get("declined") != "", InPortal: true, RecordedBy: policy.Actor(r.Context()).ID}
	if !fb.Declined {
		fb.Text = f.Values["text"]
		for _, q := range portalRatings {
			v := r.PostForm.Get(q.Name)
			f.Values[q.Name] = v
			n, ok := parseRating(v)
			if !ok {
				f.Errors[q.Name] = "validation.rating"
			}
			switch q.Name {
			case "support":
				fb.Support = n
			case "mentor":
				fb.Mentor = n
			case "plan":
				fb.Plan = n
			case "recommend":
				fb.Recommend = n
			}
		}
	}
	pg := &portalPage{Feedback: f}
	if !own.HasCase || own.Case.State != cases.Closing {
		pg.Message = "portal.closing.not_now"
		h.renderPortal(w, r, http.StatusConflict, pg)
		return
	}
	if len(f.Errors) > 0 {
		h.renderPortal(w, r, http.StatusUnprocessableEntity, pg)
		return
	}
	fb.CaseID, fb.Period = own.Case.ID, own.Case.Period
	err = h.store.SaveFeedback(r.Context(), fb)
	switch {
	case err == nil:
		http.Redirect(w, r, "/my?done=feedback", http.StatusSeeOther)
	case errs.Is(err, errs.KindInvalid):
		applySaveError(err, f.Errors, &pg.Message, "")
		h.renderPortal(w, r, http.StatusUnprocessableEntity, pg)
	case errs.Is(err, errs.KindConflict):
		pg.Message = "portal.closing.not_now"
		h.renderPortal(w, r, http.StatusConflict, pg)
	default:
		h.fail(w, r, err)
	}
}

// parseRating reads a rating from 1 to 5; empty is 0, "not answered".
func parseRating(v string) (cases.Rating, bool) {
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 5 {
		return 0, false
	}
	return cases.Rating(n), true
}
