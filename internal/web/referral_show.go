package web

import (
	"net/http"
	"slices"
	"strconv"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/partners"
	"homeward/internal/policy"
	"homeward/internal/route"
	"homeward/internal/store"
)

// referralShowPage is one referral: what it asks and shares, its timeline,
// and the forms of the side the user takes. A partner user sees only what
// the referral shares, never the case.
type referralShowPage struct {
	Referral partners.Referral
	Events   []partners.Event
	// Header is the case's, for staff; nil for a partner user.
	Header  *caseHeader
	Partner bool // the signed-in user is the partner's
	Waiting bool // sent, and no answer for the program's reminder days
	Days    int
	Outcome *cases.Outcome
	// OutcomeLabel names the outcome when its kind is the program's own.
	OutcomeLabel string
	Done         string
	Alert        string
	// The forms: a draft's edit-and-send form, the referrer's message or
	// withdrawal, the partner's answer (recorded by staff for a referral
	// sent by phone or email).
	Draft    *referralForm
	Referrer *form
	Answer   *form
	Fields   []partners.Field // the shared fields in page order
	// Hidden are shared fields kept from the user (policy.SharedFor): a
	// part of the history a mentor may not read, or, for a partner user,
	// everything once the referral has ended.
	Hidden []partners.Field
	// MessageHidden: the message is kept from a partner user once the
	// referral has ended (policy.MessageFor).
	MessageHidden bool
}

// referralFromPath loads the ReferralRef of the path's {id} and checks the
// action on it before anything sealed is read.
func (h *Web) referralFromPath(r *http.Request, a policy.Action) (store.ReferralRef, error) {
	id, err := route.PathID(r, "id", "referral")
	if err != nil {
		return store.ReferralRef{}, err
	}
	ref, err := h.store.ReferralRef(r.Context(), id)
	if err != nil {
		return ref, err
	}
	return ref, policy.CheckReferral(r.Context(), a, ref)
}

// referralShow shows a referral.
func (h *Web) referralShow(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.referralFromPath(r, policy.ReferralView)
	if err != nil {
		return err
	}
	done := ""
	switch r.URL.Query().Get("done") {
	case "sent":
		done = "referral.done.sent"
	case "draft":
		done = "referral.done.draft"
	case "event":
		done = "referral.done.event"
	}
	return h.renderReferral(w, r, http.StatusOK, ref, referralForms{Done: done})
}

// referralForms are the referral page's forms that come back refused.
type referralForms struct {
	Done, Alert      string
	Draft            *referralForm
	Referrer, Answer *form
}

func (h *Web) renderReferral(w http.ResponseWriter, r *http.Request, status int, ref store.ReferralRef, forms referralForms) error {
	ctx := r.Context()
	u := policy.Actor(ctx)
	rf, err := h.store.GetReferral(ctx, ref.ID)
	if err != nil {
		return err
	}
	evs, err := h.store.ReferralEvents(ctx, ref.ID)
	if err != nil {
		return err
	}
	page := referralShowPage{Referral: rf, Events: policy.EventsFor(u, evs), Partner: u.Role == auth.Partner, Done: forms.Done, Alert: forms.Alert}
	var c cases.Case
	var sharedWithMentor []cases.HistoryPart
	if !page.Partner {
		if c, err = h.store.GetCase(ctx, ref.CaseID); err != nil {
			return err
		}
		sharing, err := h.store.HistorySharing(ctx, c.MenteeID)
		if err != nil {
			return err
		}
		sharedWithMentor = sharing.Shared
	}
	page.Referral.Shared, page.Hidden = policy.SharedFor(u, rf, policy.RefOf(c), sharedWithMentor)
	page.Referral.Message, page.MessageHidden = policy.MessageFor(u, rf)
	for _, f := range partners.AllFields() {
		if rf.Shares(f) && !slices.Contains(page.Hidden, f) {
			page.Fields = append(page.Fields, f)
		}
	}
	if !page.Partner {
		hd, err := h.headerFor(r, c, "referrals")
		if err != nil {
			return err
		}
		page.Header = &hd
		p, err := h.store.GetProgram(ctx, c.ProgramID)
		if err != nil {
			return err
		}
		page.Days = p.ReferralReminderDays
		page.Waiting = rf.Waiting(h.store.Now(), p.ReferralReminderDays)
		if rf.OutcomeID != 0 {
			outs, err := h.store.Outcomes(ctx, c.ID)
			if err != nil {
				return err
			}
			for i := range outs {
				if outs[i].ID == rf.OutcomeID {
					page.Outcome = &outs[i]
					page.OutcomeLabel, _ = p.OwnOutcomeLabel(string(outs[i].Kind))
				}
			}
		}
		if rf.Status == partners.Draft && policy.CanReferral(u, policy.ReferralSend, ref) && c.State.Open() {
			page.Draft = forms.Draft
			if page.Draft == nil {
				page.Draft = draftForm(rf)
			}
			page.Draft.Service, err = h.store.GetService(ctx, rf.ServiceID)
			if err != nil {
				return err
			}
			if err := h.referralChoices(ctx, page.Draft, c, sharedWithMentor); err != nil {
				return err
			}
			page.Draft.ReferralID = rf.ID
		}
		if (rf.Status.Open() || rf.Status == partners.Draft) && policy.CanReferral(u, policy.ReferralSend, ref) {
			page.Referrer = forms.Referrer
			if page.Referrer == nil {
				page.Referrer = eventForm(rf, partners.SideReferrer)
			}
			page.Referrer.Options["status"] = optionsOf(referrerMoves(rf.Status))
		}
	}
	if len(partners.Next(rf.Status, partners.SidePartner)) > 0 && policy.CanReferral(u, policy.ReferralAnswer, ref) {
		page.Answer = forms.Answer
		if page.Answer == nil {
			page.Answer = eventForm(rf, partners.SidePartner)
		}
		page.Answer.Options["status"] = optionsOf(partners.Next(rf.Status, partners.SidePartner))
		page.Answer.Options["reason"] = optionsOf(partners.Reasons)
		// The program's own outcome kinds too, by the names it gave them.
		p, err := h.store.GetProgram(ctx, ref.ProgramID)
		if err != nil {
			return err
		}
		page.Answer.Options["outcome_kind"] = append(optionsOf(cases.OutcomeKinds), ownKindKeys(p)...)
		page.Answer.Labels = ownKindLabels(p)
	}
	section := "cases"
	if page.Partner {
		section = "partner"
	}
	return h.render(w, r, status, "referral", section, page)
}

// draftForm is a draft's form as stored.
func draftForm(rf partners.Referral) *referralForm {
	f := &referralForm{form: newForm(nil), ReferralID: rf.ID, CaseID: rf.CaseID}
	f.Values["service_id"] = strconv.FormatInt(rf.ServiceID, 10)
	f.Values["domain"], f.Values["message"], f.Values["channel"] = rf.Domain, rf.Message, string(rf.Channel)
	f.Values["consent_note"], f.Values["version"] = rf.ConsentNote, strconv.Itoa(rf.Version)
	f.Multi["share"] = optionsOf(rf.Share)
	return f
}

// eventForm is an empty form of the side's next event on the referral.
func eventForm(rf partners.Referral, side partners.Side) *form {
	f := newForm(nil)
	f.ID = string(side) + "-"
	f.Values["status"], f.Values["version"], f.Values["side"] = string(rf.Status), strconv.Itoa(rf.Version), string(side)
	return f
}

// referrerMoves are the referrer's events on the page: sending a draft
// goes through its own form (with the consent), so a draft offers only
// its withdrawal.
func referrerMoves(st partners.Status) []partners.Status {
	if st == partners.Draft {
		return []partners.Status{partners.Withdrawn}
	}
	return partners.Next(st, partners.SideReferrer)
}

// referralMoves is the data of the referral_moves partial.
type referralMoves struct {
	Form    *form
	Current string
}

// MovesFrom describes the form's status choices for the referral_moves
// partial, the current status being an update with a message only.
func (f *form) MovesFrom(current string) referralMoves {
	return referralMoves{Form: f, Current: current}
}
