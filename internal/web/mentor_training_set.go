package web

import (
	"net/http"

	"homeward/internal/mentors"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// mentorTrainingSet records a module's completion: a coordinator confirms
// (or withdraws) it, the mentor themself reports it done (or withdraws an
// unconfirmed report). The mentor comes back to their home page.
func (h *Web) mentorTrainingSet(w http.ResponseWriter, r *http.Request) {
	ref, err := h.mentorFromPath(r, policy.MentorView)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	moduleID, err := route.PathID(r, "module", "training module")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u := policy.Actor(r.Context())
	self := policy.CanMentor(u, policy.MentorSelf, ref)
	if !self && !policy.CanMentor(u, policy.MentorManage, ref) {
		h.fail(w, r, policy.CheckMentor(r.Context(), policy.MentorManage, ref))
		return
	}
	if !h.readForm(w, r, maxFormBytes) {
		return
	}
	f := newOverviewForm(map[string]string{"status": r.PostForm.Get("status")})
	err = h.store.SetCompletion(r.Context(), ref.ID, moduleID, mentors.CompletionStatus(f.Value("status")), self, u.ID)
	if err == nil {
		if self {
			http.Redirect(w, r, "/?done=training#training", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, mentorAt(ref.ID, "training")+"#training", http.StatusSeeOther)
		return
	}
	if !f.refuse(err, "mentor.conflict") {
		h.fail(w, r, err)
		return
	}
	h.renderMentor(w, r, overviewStatus(err), ref, mentorPage{TrainingForm: f})
}
