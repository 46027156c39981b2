package web

import (
	"cmp"
	"math"
	"net/http"
	"strconv"
	"time"
)

// applySubmit takes an application. What was typed comes back with a
// message on each field that needs attention; a submission the honeypot or
// the timing gives away as a machine's is answered exactly as a person's,
// and nothing is stored; more than the address's limit gets a friendly 429
// with the form kept. The confirmation reveals nothing either way.
func (h *Web) applySubmit(w http.ResponseWriter, r *http.Request) error {
	p, err := h.applyProgramFromPath(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxApplyBytes); err != nil {
		return err
	}
	f := h.newApplyForm(p, r.PostForm.Get("token"))
	a := f.parse(r)
	done := "/programs/" + strconv.FormatInt(p.ID, 10) + "/apply/done"

	person, err := h.applyFilledByAPerson(r, p.ID, f.Token)
	if err != nil {
		return err
	}
	if r.PostForm.Get(applyTrap) != "" || !person {
		// Counted all the same, so that a machine meets the same limit.
		if limited, err := h.applyLimited(w, r, f, 0); limited {
			return err
		}
		http.Redirect(w, r, done, http.StatusSeeOther)
		return nil
	}

	a.Normalize()
	if err := a.Validate(p.NeedDomains); err != nil {
		f.refuse(err, "")
	}
	if len(f.Errors) > 0 {
		return h.render(w, r, http.StatusUnprocessableEntity, "apply", "", f)
	}
	if limited, err := h.applyLimited(w, r, f, p.ID); limited {
		return err
	}
	if _, err := h.store.CreateMentorApplication(r.Context(), a); err != nil {
		if !f.refuse(err, "") {
			return err
		}
		return h.render(w, r, http.StatusUnprocessableEntity, "apply", "", f)
	}
	http.Redirect(w, r, done, http.StatusSeeOther)
	return nil
}

// applyLimited counts an application against the client address's limit
// and, with programID, the program's daily one; over either, it shows the form again, as typed, with a friendly 429 and when
// to try again. It tells whether the request ends here (with the error
// to answer, if any).
func (h *Web) applyLimited(w http.ResponseWriter, r *http.Request, f *applyForm, programID int64) (bool, error) {
	until, program, err := h.store.CountApplication(r.Context(), clientAddress(r), programID)
	if err != nil {
		return true, err
	}
	if until.IsZero() {
		return false, nil
	}
	wait := max(until.Sub(h.store.Now()), time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	f.Until = until.UTC().Format("15:04 UTC")
	f.say(cmp.Or(map[bool]string{true: "apply.too_many_program"}[program], "apply.too_many"))
	return true, h.render(w, r, http.StatusTooManyRequests, "apply", "", f)
}

// applyDonePage thanks the applicant. It says only what happens next: not
// whether anything was stored, nor anything about anyone.
func (h *Web) applyDonePage(w http.ResponseWriter, r *http.Request) error {
	p, err := h.applyProgramFromPath(r)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "apply_done", "", applyProgram{ID: p.ID, Name: p.Name})
}
