package web

import (
	"net/http"
	"strconv"
	"strings"

	"homeward/internal/mentors"
	"homeward/internal/policy"
)

// mentorAvailability sets a mentor's own number of mentees (empty: the
// program's) and a pause until a day (empty: not paused).
func (h *Web) mentorAvailability(w http.ResponseWriter, r *http.Request) {
	ref, err := h.mentorFromPath(r, policy.MentorManage)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, maxFormBytes) {
		return
	}
	f := newOverviewForm(map[string]string{})
	for _, k := range []string{"capacity", "paused_until"} {
		f.Values[k] = strings.TrimSpace(r.PostForm.Get(k))
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
			return
		}
		if !f.refuse(err, "mentor.conflict", inputFields(err, "capacity", "paused_until")...) {
			h.fail(w, r, err)
			return
		}
	}
	h.renderMentor(w, r, overviewStatus(err), ref, mentorPage{Availability: f})
}
