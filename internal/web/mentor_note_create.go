package web

import (
	"net/http"
	"strings"

	"homeward/internal/mentors"
	"homeward/internal/policy"
	"homeward/internal/text"
)

// mentorNoteCreate adds an interview or screening note (sealed).
func (h *Web) mentorNoteCreate(w http.ResponseWriter, r *http.Request) {
	ref, err := h.mentorFromPath(r, policy.MentorManage)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, maxFormBytes) {
		return
	}
	f := newOverviewForm(map[string]string{"body": r.PostForm.Get("body")})
	text.Check(f.Errors, "body", strings.TrimSpace(f.Value("body")), true, true, mentors.MaxNote)
	if len(f.Errors) == 0 {
		if _, err = h.store.AddMentorNote(r.Context(), ref.ID, f.Value("body"), policy.Actor(r.Context()).ID); err == nil {
			http.Redirect(w, r, mentorAt(ref.ID, "note")+"#notes", http.StatusSeeOther)
			return
		}
		if !f.refuse(err, "mentor.conflict", "body") {
			h.fail(w, r, err)
			return
		}
	}
	h.renderMentor(w, r, overviewStatus(err), ref, mentorPage{Note: f})
}
