package web

import (
	"homeward/internal/errs"
	"homeward/internal/mentors"
	"homeward/internal/policy"
	"homeward/internal/text"
	"net/http"
	"strings"
	"time"
)

// mentorCheckCreate records a check of a mentor: its kind, result, the
// day it was done and (optionally) the day it expires.
func (h *Web) mentorCheckCreate(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.mentorFromPath(r, policy.MentorManage)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	f := newOverviewForm(map[string]string{})
	for _, k := range []string{"kind", "result", "done_on", "expires_on"} {
		f.Values[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	c := mentors.Check{MentorID: ref.ID, Kind: f.Value("kind"), Result: mentors.CheckResult(f.Value("result"))}
	if d, ok := formDate(f, "done_on"); ok && d != nil {
		c.DoneOn = *d
	}
	c.ExpiresOn, _ = formDate(f, "expires_on")
	if len(f.Errors) == 0 {
		if _, err = h.store.RecordCheck(r.Context(), c, policy.Actor(r.Context()).ID); err == nil {
			http.Redirect(w, r, mentorAt(ref.ID, "check")+"#checks", http.StatusSeeOther)
			return nil
		}
		if !f.refuse(err, "mentor.conflict", inputFields(err, "kind", "result", "done_on", "expires_on")...) {
			return err
		}
	}
	return h.renderMentor(w, r, overviewStatus(err), ref, mentorPage{Check: f})
}

// inputFields are the fields of a form whose refusal goes next to them: a
// refusal for what the mentor is now (their stage changed since the page
// was shown) is no fault of the input, and says so above the page, where
// it shows even when the form's section no longer does.
func inputFields(err error, fields ...string) []string {
	if errs.Is(err, errs.KindConflict) {
		return nil
	}
	return fields
}

// formDate reads a date (2006-01-02) of a form field: nil when empty,
// false with a message on the field when it is not a date.
func formDate(f *overviewForm, name string) (*time.Time, bool) {
	s := f.Value(name)
	if s == "" {
		return nil, true
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		f.Errors[name] = "validation.date"
		return nil, false
	}
	return &t, true
}

// mentorNoteCreate adds an interview or screening note (sealed).
func (h *Web) mentorNoteCreate(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.mentorFromPath(r, policy.MentorManage)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	f := newOverviewForm(map[string]string{"body": r.PostForm.Get("body")})
	text.Check(f.Errors, "body", strings.TrimSpace(f.Value("body")), true, true, mentors.MaxNote)
	if len(f.Errors) == 0 {
		if _, err = h.store.AddMentorNote(r.Context(), ref.ID, f.Value("body"), policy.Actor(r.Context()).ID); err == nil {
			http.Redirect(w, r, mentorAt(ref.ID, "note")+"#notes", http.StatusSeeOther)
			return nil
		}
		if !f.refuse(err, "mentor.conflict", "body") {
			return err
		}
	}
	return h.renderMentor(w, r, overviewStatus(err), ref, mentorPage{Note: f})
}
