package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/mentors"
	"homeward/internal/policy"
	"homeward/internal/route"
	"homeward/internal/store"
)

// mentorFromPath returns the mentor the path's {id} names, if the user may
// do the action on them; nothing sealed is read before the policy decides.
func (a *API) mentorFromPath(r *http.Request, act policy.Action) (store.MentorRef, error) {
	id, err := route.PathID(r, "id", "mentor")
	if err != nil {
		return store.MentorRef{}, err
	}
	ref, err := a.store.MentorRef(r.Context(), id)
	if err != nil {
		return ref, err
	}
	return ref, policy.CheckMentor(r.Context(), act, ref)
}

// programOfQuery reads ?program_id=, required, and checks that the user
// manages the program's mentors.
func programOfQuery(r *http.Request) (int64, error) {
	f := map[string]string{}
	id := queryID(r, "program_id", f)
	if id == 0 && len(f) == 0 {
		f["program_id"] = "validation.required"
	}
	if err := invalidIf(f); err != nil {
		return 0, err
	}
	return id, policy.CheckRequest(r.Context(), policy.MentorManage, id)
}

// mentorList lists a program's mentors with their standing, newest first:
// ?program_id= (required), ?pipeline=, ?stage= (repeatable), ?nobody=true,
// ?expiring=true, ?q= (account name or email).
func (a *API) mentorList(w http.ResponseWriter, r *http.Request) error {
	pid, err := programOfQuery(r)
	if err != nil {
		return err
	}
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.MentorFilter{ProgramID: pid, Nobody: q.Get("nobody") == "true", Expiring: q.Get("expiring") == "true",
		Query: strings.TrimSpace(q.Get("q"))}
	bad := map[string]string{}
	if s := q.Get("pipeline"); s != "" {
		if !slices.Contains(mentors.Pipelines, mentors.Pipeline(s)) {
			bad["pipeline"] = "validation.choice"
		}
		f.Pipeline = mentors.Pipeline(s)
	}
	for _, s := range q["stage"] {
		if !slices.Contains(mentors.Stages, mentors.Stage(s)) {
			bad["stage"] = "validation.choice"
		}
		f.Stages = append(f.Stages, mentors.Stage(s))
	}
	if err := invalidIf(bad); err != nil {
		return err
	}
	ov, err := a.store.MentorOverview(r.Context(), f, page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, struct {
		list[mentors.Standing]
		Counts map[mentors.Pipeline]int `json:"counts"`
	}{newList(ov.Items, ov.Next), ov.Counts})
}

// mentorDetail is a mentor's standing and, for the program's coordinators,
// what they sent (sealed; reading it is audited).
type mentorDetail struct {
	mentors.Standing
	Application *mentors.Application `json:"application,omitempty"`
}

func (a *API) mentorGet(w http.ResponseWriter, r *http.Request) error {
	ref, err := a.mentorFromPath(r, policy.MentorView)
	if err != nil {
		return err
	}
	return a.writeMentor(w, r, ref)
}

// writeMentor answers with the mentor as stored now.
func (a *API) writeMentor(w http.ResponseWriter, r *http.Request, ref store.MentorRef) error {
	d, err := a.mentorDetailOf(r, ref)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

func (a *API) mentorDetailOf(r *http.Request, ref store.MentorRef) (mentorDetail, error) {
	st, err := a.store.GetMentor(r.Context(), ref.ID)
	if err != nil {
		return mentorDetail{}, err
	}
	d := mentorDetail{Standing: st}
	if policy.CanMentor(policy.Actor(r.Context()), policy.MentorManage, ref) {
		app, err := a.store.MentorApplication(r.Context(), ref.ID)
		if err != nil {
			return d, err
		}
		d.Application = &app
		d.Standing.Mentor.Profile.ExperienceTags = app.ExperienceTags
		if d.Standing.Mentor.Name == "" {
			d.Standing.Mentor.Name = app.FullName
		}
	}
	return d, nil
}

// mentorPatch is one change of a mentor: a stage move, the profile, or the
// places and pause. One kind a request, so that nothing is half saved.
type mentorPatch struct {
	Version  int              `json:"version"`
	Stage    *mentors.Stage   `json:"stage"`
	Profile  *mentors.Profile `json:"profile"`
	Capacity *int             `json:"capacity"`
	// PausedUntil is a date, or null to end a pause; absent keeps it.
	PausedUntil json.RawMessage `json:"paused_until"`
}

func (a *API) mentorUpdate(w http.ResponseWriter, r *http.Request) error {
	ref, err := a.mentorFromPath(r, policy.MentorManage)
	if err != nil {
		return err
	}
	var in mentorPatch
	_, version, err := versionedBody(w, r, &in)
	if err != nil {
		return err
	}
	kinds := map[string]string{}
	for field, set := range map[string]bool{"stage": in.Stage != nil, "profile": in.Profile != nil,
		"capacity": in.Capacity != nil || in.PausedUntil != nil} {
		if set {
			kinds[field] = "validation.one_change"
		}
	}
	if len(kinds) != 1 {
		if len(kinds) == 0 {
			kinds = map[string]string{"stage": "validation.one_change"}
		}
		return errs.Invalid(kinds)
	}
	f := map[string]string{} // the fields' own errors
	ctx := r.Context()
	switch {
	case in.Stage != nil:
		err = a.store.MoveMentor(ctx, ref.ID, *in.Stage, version)
	case in.Profile != nil:
		err = a.store.UpdateMentorProfile(ctx, ref.ID, *in.Profile, version)
	default:
		// What the request leaves out stays as it is; the version makes
		// sure "as it is" is what the caller saw.
		var st mentors.Standing
		if st, err = a.store.GetMentor(ctx, ref.ID); err != nil {
			return err
		}
		av := mentors.Availability{Capacity: st.Mentor.Capacity, PausedUntil: st.Mentor.PausedUntil}
		patch(&av.Capacity, in.Capacity)
		if in.PausedUntil != nil {
			var day *string
			if json.Unmarshal(in.PausedUntil, &day) != nil {
				f["paused_until"] = "validation.date"
			}
			av.PausedUntil = parseDate("paused_until", day, f)
		}
		if err = invalidIf(f); err == nil {
			err = a.store.SetMentorAvailability(ctx, ref.ID, av, version)
		}
	}
	if err != nil {
		return err
	}
	return a.writeMentor(w, r, ref)
}

// invitation is an accepted mentor's one-time link (its path on this
// site), shown once; empty when they have an account already.
type invitation struct {
	UserID         int64     `json:"user_id"`
	InvitationPath string    `json:"invitation_path"`
	ExpiresAt      time.Time `json:"expires_at,omitzero"`
}

// mentorAccept accepts a mentor at the checks stage and invites them.
func (a *API) mentorAccept(w http.ResponseWriter, r *http.Request) error {
	ref, err := a.mentorFromPath(r, policy.MentorManage)
	if err != nil {
		return err
	}
	_, version, err := versionedBody(w, r, &struct {
		Version int `json:"version"`
	}{})
	if err != nil {
		return err
	}
	ttl := a.link
	acc, err := a.store.AcceptMentor(r.Context(), ref.ID, version, ttl)
	if err != nil {
		return err
	}
	out := invitation{UserID: acc.UserID}
	if acc.Link != "" {
		out.InvitationPath, out.ExpiresAt = "/link/"+acc.Link, a.store.Now().Add(ttl)
	}
	return writeJSON(w, http.StatusCreated, out)
}

// mentorInvite makes a new invitation link for an accepted mentor who has
// not used theirs; the earlier one stops working.
func (a *API) mentorInvite(w http.ResponseWriter, r *http.Request) error {
	ref, err := a.mentorFromPath(r, policy.MentorManage)
	if err != nil {
		return err
	}
	ttl := a.link
	link, err := a.store.InviteMentorAgain(r.Context(), ref.ID, ttl)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, invitation{UserID: ref.UserID, InvitationPath: "/link/" + link, ExpiresAt: a.store.Now().Add(ttl)})
}
