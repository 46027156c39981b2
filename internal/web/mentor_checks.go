package web

import (
	"net/http"
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/mentors"
	"homeward/internal/policy"
	"homeward/internal/text"
)

// mentorCheckCreate records a check of a mentor: its kind, result, the
// day it was done and (optionally) the day it expires.
func (h *Web) mentorCheckCreate(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.mentorFromPath(r, policy.MentorManage)
	if err != nil {
		return err
	}
	f, err := readMentorForm(w, r, "kind", "result", "done_on", "expires_on")
	if err != nil {
		return err
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
		if !refuseOnMentor(f, err) {
			return err
		}
	}
	return h.renderMentor(w, r, refusedStatus(err), ref, mentorPage{Check: f})
}

// readMentorForm reads the fields of a form of a mentor's page, without
// the spaces around them.
func readMentorForm(w http.ResponseWriter, r *http.Request, fields ...string) (*form, error) {
	f, err := readForm(w, r, fields)
	if err != nil {
		return nil, err
	}
	for k, v := range f.Values {
		f.Values[k] = strings.TrimSpace(v)
	}
	return f, nil
}

// refuseOnMentor puts a refused action on a form of a mentor's page. A
// conflict is a refusal of what the mentor is now (their stage changed
// since the page was shown), no fault of the input: it is said above the
// form, where the page shows it even when the form's section is gone.
func refuseOnMentor(f *form, err error) bool {
	if errs.Is(err, errs.KindConflict) {
		f.fields = nil
	}
	return f.refuse(err, "mentor.conflict")
}

// formDate reads a date (2006-01-02) of a form field: nil when empty,
// false with a message on the field when it is not a date.
func formDate(f *form, name string) (*time.Time, bool) {
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
	f, err := readForm(w, r, []string{"body"})
	if err != nil {
		return err
	}
	text.Check(f.Errors, "body", strings.TrimSpace(f.Value("body")), true, true, mentors.MaxNote)
	if len(f.Errors) == 0 {
		if _, err = h.store.AddMentorNote(r.Context(), ref.ID, f.Value("body"), policy.Actor(r.Context()).ID); err == nil {
			http.Redirect(w, r, mentorAt(ref.ID, "note")+"#notes", http.StatusSeeOther)
			return nil
		}
		if !refuseOnMentor(f, err) {
			return err
		}
	}
	return h.renderMentor(w, r, refusedStatus(err), ref, mentorPage{Note: f})
}
