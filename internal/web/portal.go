package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// The mentee's own portal (/my): their plan, their next contact, asking for
// help, their requests and, while the case is closing, the agreement and the
// feedback. The mentee is always the signed-in user's own record, found by
// their account (store.MenteeByUser) and never by an id from the request.

// portalOwn is the signed-in mentee's record and their current case: the
// newest open one, else the newest.
type portalOwn struct {
	Mentee  cases.Mentee
	Cases   []cases.Case // every case of theirs, newest first
	Case    cases.Case
	HasCase bool
}

// errNotLinked is what portalOf answers for a mentee account that no mentee
// record is linked to yet.
var errNotLinked = errs.NotFound("mentee")

// portalOf finds the signed-in user's mentee record and current case.
func (h *Web) portalOf(r *http.Request) (portalOwn, error) {
	var own portalOwn
	u := policy.Actor(r.Context())
	if u.ID == 0 {
		return own, errs.Forbidden("You may not do this.")
	}
	// Only the id: the profile is opened (and its read audited) by the
	// pages that show it, after the request is known to be the person's own.
	id, err := h.store.MenteeIDByUser(r.Context(), u.ID)
	if errs.Is(err, errs.KindNotFound) {
		return own, errNotLinked
	}
	if err != nil {
		return own, err
	}
	all, err := h.store.MenteeCases(r.Context(), id)
	if err != nil {
		return own, err
	}
	own.Mentee.ID, own.Cases = id, all
	if i := slices.IndexFunc(all, func(c cases.Case) bool { return c.State.Open() }); i >= 0 {
		own.Case, own.HasCase = all[i], true
	} else if len(all) > 0 {
		own.Case, own.HasCase = all[0], true
	}
	return own, nil
}

// portalPage is the data of the portal page.
type portalPage struct {
	Linked bool
	Name   string // the mentee's name, for the greeting
	// HasCase is false while no case is open for the person yet.
	HasCase bool
	Case    cases.Case
	Today   time.Time
	// Steps are the plan steps of the current period.
	Steps []cases.PlanStep
	// ContactDue is when the next contact is due by the program's cadence
	// (nil while none is expected); ContactLate tells whether that is past.
	ContactDue  *time.Time
	ContactLate bool
	// CanAsk tells whether the case is open, so that help may be asked for.
	CanAsk    bool
	Domains   []string
	Urgencies []cases.Urgency
	Ask       *form
	Requests  []cases.Request
	// The closing, while the case is closing.
	Closing       bool
	Agreed        bool
	FeedbackGiven bool
	Feedback      *form
	Ratings       []portalRating
	Scale         []int // the rating choices, 1 to 5
	// Flash is the message key of what was just done; Message the key of
	// why a request was refused.
	Flash   string
	Message string
}

// portalRating is one of the feedback ratings: the field and its question.
type portalRating struct{ Name, Question string }

// portalRatings are the four feedback questions.
var portalRatings = []portalRating{
	{"support", "portal.feedback.q_support"},
	{"mentor", "portal.feedback.q_mentor"},
	{"plan", "portal.feedback.q_plan"},
	{"recommend", "portal.feedback.q_recommend"},
}

// refused puts the messages of a refused form on the page: the fields' own
// beside them, any other above the page.
func (pg *portalPage) refused(f *form, err error) {
	f.refuse(err, "")
	if len(f.Messages) > 0 {
		pg.Message = f.Messages[0]
	}
}

// portalFlashes maps the ?done= value after a successful post to its message.
var portalFlashes = map[string]string{
	"step":     "portal.flash.step",
	"request":  "portal.flash.request",
	"agreed":   "portal.flash.agreed",
	"feedback": "portal.flash.feedback",
}

func (h *Web) portalHome(w http.ResponseWriter, r *http.Request) error {
	return h.renderPortal(w, r, http.StatusOK, &portalPage{Flash: portalFlashes[r.URL.Query().Get("done")]})
}

// renderPortal fills the page from the store around what the handler set
// (a form with what was typed, a message) and shows it.
func (h *Web) renderPortal(w http.ResponseWriter, r *http.Request, status int, pg *portalPage) error {
	own, err := h.portalOf(r)
	if err == errNotLinked {
		return h.render(w, r, status, "portal", "portal", pg)
	}
	if err != nil {
		return err
	}
	if err := h.fillPortal(r, own, pg); err != nil {
		return err
	}
	return h.render(w, r, status, "portal", "portal", pg)
}

// fillPortal reads what the portal shows of the person's current case.
func (h *Web) fillPortal(r *http.Request, own portalOwn, pg *portalPage) error {
	ctx := r.Context()
	m, err := h.store.GetMentee(ctx, own.Mentee.ID)
	if err != nil {
		return err
	}
	pg.Linked, pg.Name, pg.HasCase, pg.Case = true, m.FullName, own.HasCase, own.Case
	now := h.store.Now().In(zoneOf(r)) // today is the program's
	pg.Today = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	pg.Urgencies = cases.Urgencies
	pg.Ratings, pg.Scale = portalRatings, []int{1, 2, 3, 4, 5}
	if pg.Ask == nil {
		pg.Ask = newForm(nil)
		pg.Ask.Values["urgency"] = string(cases.Normal)
	}
	if pg.Feedback == nil {
		pg.Feedback = newForm(nil)
	}
	if !own.HasCase {
		return nil
	}
	c := own.Case
	steps, err := h.store.PlanSteps(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, st := range steps {
		if st.Period == c.Period && st.Status != cases.StepDropped {
			pg.Steps = append(pg.Steps, st)
		}
	}
	// What is still to do first, then what is done, each in its order.
	slices.SortStableFunc(pg.Steps, func(a, b cases.PlanStep) int {
		return cmp.Compare(boolRank(a.Status == cases.StepDone), boolRank(b.Status == cases.StepDone))
	})
	if c.State.SupportedByMentor() && c.ContactDueAt != nil {
		pg.ContactDue = c.ContactDueAt
		pg.ContactLate = now.After(*c.ContactDueAt)
	}
	pg.CanAsk = c.State.Open()
	if pg.CanAsk {
		p, err := h.store.GetProgram(ctx, c.ProgramID)
		if err != nil {
			return err
		}
		pg.Domains = slices.Clone(p.NeedDomains) // the domains a mentee may ask for help in
	}
	// The person's own requests: reading them opens sealed text, and the
	// store records the read in the audit.
	if pg.Requests, err = h.store.Requests(ctx, c.ID); err != nil {
		return err
	}
	if c.State == cases.Closing {
		pg.Closing = true
		steps, err := h.store.ClosingOf(ctx, c.ID, c.Period)
		if err != nil {
			return err
		}
		pg.Agreed = steps.AgreedAt != nil
		if pg.Agreed {
			fb, err := h.store.FeedbackOf(ctx, c.ID, c.Period)
			if err != nil {
				return err
			}
			pg.FeedbackGiven = fb != nil
		}
	}
	return nil
}

// portalStepDone marks one of the mentee's own plan steps done. The step
// must be on one of the person's own cases and owned by the mentee; any
// other step is not found, so that its existence is not revealed.
func (h *Web) portalStepDone(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "plan step")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxPortalForm); err != nil {
		return err
	}
	// The step first: a step that is not the mentee's to mark is refused
	// before anything of the person is read (and audited).
	ref, err := h.store.PlanStepRef(r.Context(), id)
	if errs.Is(err, errs.KindNotFound) || (err == nil && ref.Owner != cases.OwnerMentee) {
		return h.notFound(w, r)
	}
	if err != nil {
		return err
	}
	own, err := h.portalOf(r)
	if err != nil {
		return err
	}
	if !ownStep(own, ref) {
		return h.notFound(w, r)
	}
	// Their own step: now its title is opened (and the read audited).
	st, err := h.store.GetPlanStep(r.Context(), ref.CaseID, id)
	if err != nil {
		return err
	}
	if st.Status == cases.StepDone {
		// Sent twice (a double tap): it is done already.
		http.Redirect(w, r, "/my?done=step", http.StatusSeeOther)
		return nil
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		return h.renderPortal(w, r, http.StatusUnprocessableEntity, &portalPage{Message: "portal.step.changed"})
	}
	st.Status, st.Version = cases.StepDone, version
	if _, err := h.store.UpdatePlanStep(r.Context(), st); err != nil {
		switch errs.As(err).Kind {
		case errs.KindConflict, errs.KindInvalid:
			// Someone changed the step meanwhile, or the case no longer
			// takes changes: show the plan as it is now.
			return h.renderPortal(w, r, http.StatusConflict, &portalPage{Message: "portal.step.changed"})
		default:
			return err
		}
	}
	http.Redirect(w, r, "/my?done=step", http.StatusSeeOther)
	return nil
}

// ownStep tells whether the plan step is the mentee's to mark: on one of
// their cases, owned by the mentee.
func ownStep(own portalOwn, st cases.PlanStep) bool {
	return st.Owner == cases.OwnerMentee && slices.ContainsFunc(own.Cases, func(c cases.Case) bool { return c.ID == st.CaseID })
}

// maxPortalForm bounds a portal form post: a request or feedback text of
// at most cases.MaxLong characters, with room for multi-byte letters.
const maxPortalForm = 64 << 10

// portalRequest records a request the mentee raises ("Ask for help") on
// their current case. Bad input shows the page again with what was typed.
func (h *Web) portalRequest(w http.ResponseWriter, r *http.Request) error {
	own, err := h.portalOf(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxPortalForm); err != nil {
		return err
	}
	f := newForm(nil)
	f.read(r, []string{"domain", "urgency", "text"})
	pg := &portalPage{Ask: f}
	if !own.HasCase || !own.Case.State.Open() {
		pg.Message = "portal.ask.closed"
		return h.renderPortal(w, r, http.StatusConflict, pg)
	}
	req := cases.Request{
		CaseID:         own.Case.ID,
		Domain:         f.Values["domain"],
		Urgency:        cases.Urgency(f.Values["urgency"]),
		Text:           f.Values["text"],
		Status:         cases.RequestOpen,
		RaisedByMentee: true,
		RecordedBy:     policy.Actor(r.Context()).ID,
	}
	_, err = h.store.AddRequest(r.Context(), req)
	if err == nil {
		http.Redirect(w, r, "/my?done=request", http.StatusSeeOther)
		return nil
	}
	switch errs.As(err).Kind {
	case errs.KindInvalid:
		pg.refused(f, err)
		return h.renderPortal(w, r, http.StatusUnprocessableEntity, pg)
	case errs.KindConflict:
		// The case closed meanwhile.
		pg.Message = "portal.ask.closed"
		return h.renderPortal(w, r, http.StatusConflict, pg)
	default:
		return err
	}
}

// portalAgree records that the mentee agrees to finish ("Yes, I am ready"),
// in the portal. Only while their case is closing; otherwise the page says
// that nothing is to be agreed now.
func (h *Web) portalAgree(w http.ResponseWriter, r *http.Request) error {
	own, err := h.portalOf(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxPortalForm); err != nil {
		return err
	}
	if !own.HasCase || own.Case.State != cases.Closing {
		return h.renderPortal(w, r, http.StatusConflict, &portalPage{Message: "portal.closing.not_now"})
	}
	err = h.store.RecordAgreement(r.Context(), own.Case.ID, policy.Actor(r.Context()).ID, true)
	switch {
	case err == nil:
		http.Redirect(w, r, "/my?done=agreed", http.StatusSeeOther)
	case errs.Is(err, errs.KindConflict) || errs.Is(err, errs.KindInvalid):
		return h.renderPortal(w, r, http.StatusConflict, &portalPage{Message: "portal.closing.not_now"})
	default:
		return err
	}
	return nil
}

// portalFeedback saves the mentee's feedback at closing: four ratings from 1
// to 5 (each may be left out) and free text, or "I'd rather not" (the
// declined button). Only while their case is closing. Bad input shows the
// form again with what was typed.
func (h *Web) portalFeedback(w http.ResponseWriter, r *http.Request) error {
	own, err := h.portalOf(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxPortalForm); err != nil {
		return err
	}
	f := newForm(nil)
	f.read(r, []string{"text"})
	fb := cases.Feedback{Declined: r.PostForm.Get("declined") != "", InPortal: true, RecordedBy: policy.Actor(r.Context()).ID}
	if !fb.Declined {
		fb.Text = f.Values["text"]
		for _, q := range portalRatings {
			f.read(r, []string{q.Name})
			n, ok := parseRating(f.Values[q.Name])
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
		return h.renderPortal(w, r, http.StatusConflict, pg)
	}
	if len(f.Errors) > 0 {
		return h.renderPortal(w, r, http.StatusUnprocessableEntity, pg)
	}
	fb.CaseID, fb.Period = own.Case.ID, own.Case.Period
	err = h.store.SaveFeedback(r.Context(), fb)
	switch {
	case err == nil:
		http.Redirect(w, r, "/my?done=feedback", http.StatusSeeOther)
	case errs.Is(err, errs.KindInvalid):
		pg.refused(f, err)
		return h.renderPortal(w, r, http.StatusUnprocessableEntity, pg)
	case errs.Is(err, errs.KindConflict):
		pg.Message = "portal.closing.not_now"
		return h.renderPortal(w, r, http.StatusConflict, pg)
	default:
		return err
	}
	return nil
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

// boolRank orders false before true.
func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
