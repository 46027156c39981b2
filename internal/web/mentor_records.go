package web

import (
	"net/http"
	"strconv"

	"homeward/internal/mentors"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// linkPath is where a one-time link's token is used; "" for no token.
func linkPath(token string) string {
	if token == "" {
		return ""
	}
	return "/link/" + token
}

// mentorVersion reads the version the coordinator saw from the form.
func mentorVersion(r *http.Request) int {
	v, _ := strconv.Atoi(r.PostForm.Get("version"))
	return v
}

// mentorMove moves a mentor on the screening board, retires an accepted
// one or brings a retired one back. From the board, it goes back there.
func (h *Web) mentorMove(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.mentorFromPath(r, policy.MentorManage)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	f := newForm(map[string]string{"stage": r.PostForm.Get("stage")})
	to := mentors.Stage(f.Value("stage"))
	v := mentorVersion(r)
	if v < 1 {
		f.say("mentor.conflict")
	} else if err = h.store.MoveMentor(r.Context(), ref.ID, to, v); err == nil {
		if r.PostForm.Get("return") == "board" {
			http.Redirect(w, r, "/mentors/board?program="+strconv.FormatInt(ref.ProgramID, 10), http.StatusSeeOther)
			return nil
		}
		http.Redirect(w, r, mentorAt(ref.ID, "moved"), http.StatusSeeOther)
		return nil
	}
	return h.mentorRefused(w, r, ref, f, err)
}

// mentorRefused shows the mentor's page with a refused screening action's
// message above it; an error that is not a refusal is returned.
func (h *Web) mentorRefused(w http.ResponseWriter, r *http.Request, ref store.MentorRef, f *form, err error) error {
	if err != nil && !refuseOnMentor(f, err) {
		return err
	}
	return h.renderMentor(w, r, refusedStatus(err), ref, mentorPage{Stage: f})
}

// mentorAccept accepts a mentor at the checks stage and shows, once, the
// invitation link to send them.
func (h *Web) mentorAccept(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.mentorFromPath(r, policy.MentorManage)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	f := newForm(nil)
	acc, err := h.store.AcceptMentor(r.Context(), ref.ID, mentorVersion(r), h.identity.Config().LinkLifetime)
	if err == nil {
		// A person with an active mentor account already gets no link:
		// the notice must not ask to send one.
		done := "mentor.done.accepted"
		if acc.Link == "" {
			done = "mentor.done.accepted_account"
		}
		return h.renderMentor(w, r, http.StatusOK, store.MentorRef{ID: ref.ID, ProgramID: ref.ProgramID, UserID: acc.UserID},
			mentorPage{Done: done, Link: linkPath(acc.Link)})
	}
	return h.mentorRefused(w, r, ref, f, err)
}

// mentorInvite makes a new invitation link for an accepted mentor who has
// not used theirs, and shows it once.
func (h *Web) mentorInvite(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.mentorFromPath(r, policy.MentorManage)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	f := newForm(nil)
	link, err := h.store.InviteMentorAgain(r.Context(), ref.ID, h.identity.Config().LinkLifetime)
	if err == nil {
		return h.renderMentor(w, r, http.StatusOK, ref, mentorPage{Done: "mentor.done.invited", Link: linkPath(link)})
	}
	return h.mentorRefused(w, r, ref, f, err)
}

// mentorAvailability sets a mentor's own number of mentees (empty: the
// program's) and a pause until a day (empty: not paused).
func (h *Web) mentorAvailability(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.mentorFromPath(r, policy.MentorManage)
	if err != nil {
		return err
	}
	f, err := readMentorForm(w, r, "capacity", "paused_until")
	if err != nil {
		return err
	}
	var a mentors.Availability
	if s := f.Value("capacity"); s != "" {
		n, perr := strconv.Atoi(s)
		if perr != nil {
			f.Errors["capacity"] = "validation.whole_number"
		}
		a.Capacity = n
	}
	if r.PostForm.Get("resume") == "" {
		a.PausedUntil, _ = formDate(f, "paused_until")
	}
	if len(f.Errors) == 0 {
		if err = h.store.SetMentorAvailability(r.Context(), ref.ID, a, mentorVersion(r)); err == nil {
			http.Redirect(w, r, mentorAt(ref.ID, "availability")+"#availability", http.StatusSeeOther)
			return nil
		}
		if !refuseOnMentor(f, err) {
			return err
		}
	}
	return h.renderMentor(w, r, refusedStatus(err), ref, mentorPage{Availability: f})
}
