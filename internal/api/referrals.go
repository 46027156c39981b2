package api

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/partners"
	"homeward/internal/policy"
	"homeward/internal/route"
	"homeward/internal/store"
)

// Referrals send a case's mentee to a partner's service. The referrer's
// side (drafting, sending, withdrawing) is the case's daily work; the
// partner's side (answering) belongs to the partner users of the
// referral's organisation once it is sent through the portal, or to staff
// recording an answer given by phone or email. Every route on a referral
// decides on it (policy.CheckReferral) before anything sealed is read, and
// a partner user only ever gets the partner's representation of it.

// partnerReferral is what a partner user sees of a referral: what it asks
// and shares, never the case's or the program's ids, who in the program
// made it, the consent record or the outcome recorded on the case.
type partnerReferral struct {
	ID          int64                     `json:"id"`
	CaseCode    string                    `json:"case_code"`
	ServiceID   int64                     `json:"service_id"`
	ServiceName string                    `json:"service_name"`
	PartnerID   int64                     `json:"partner_id"`
	PartnerName string                    `json:"partner_name"`
	Domain      string                    `json:"domain"`
	Message     string                    `json:"message"`
	Share       []partners.Field          `json:"share"`
	Shared      map[partners.Field]string `json:"shared,omitempty"`
	Status      partners.Status           `json:"status"`
	Reason      partners.Reason           `json:"reason,omitempty"`
	SentAt      *time.Time                `json:"sent_at,omitempty"`
	AnsweredAt  *time.Time                `json:"answered_at,omitempty"`
	UpdatedAt   time.Time                 `json:"updated_at"`
	Version     int                       `json:"version"`
}

func partnerView(r partners.Referral) partnerReferral {
	share := r.Share
	if share == nil {
		share = []partners.Field{}
	}
	return partnerReferral{ID: r.ID, CaseCode: r.CaseCode, ServiceID: r.ServiceID, ServiceName: r.ServiceName,
		PartnerID: r.PartnerID, PartnerName: r.PartnerName, Domain: r.Domain, Message: r.Message,
		Share: share, Shared: r.Shared, Status: r.Status, Reason: r.Reason, SentAt: r.SentAt, AnsweredAt: r.AnsweredAt,
		UpdatedAt: r.UpdatedAt, Version: r.Version}
}

// isPartner tells whether the user works in the partner portal.
func isPartner(u auth.User) bool { return policy.Can(u, policy.PartnerPortal, 0) }

// referralFromPath returns the referral the path's {id} names, if the user
// may do the action on it; nothing sealed is read before the policy decides.
func (a *API) referralFromPath(r *http.Request, act policy.Action) (store.ReferralRef, error) {
	id, err := route.PathID(r, "id", "referral")
	if err != nil {
		return store.ReferralRef{}, err
	}
	ref, err := a.store.ReferralRef(r.Context(), id)
	if err != nil {
		return ref, err
	}
	return ref, policy.CheckReferral(r.Context(), act, ref)
}

// writeReferral answers with the referral as stored now (message and
// shared values opened; the store audits the read), in the representation
// for the actor.
func (a *API) writeReferral(w http.ResponseWriter, r *http.Request, status int, id int64) error {
	ref, err := a.store.GetReferral(r.Context(), id)
	if err != nil {
		return err
	}
	u := policy.Actor(r.Context())
	if isPartner(u) {
		ref.Shared, _ = policy.SharedFor(u, ref, policy.CaseRef{}, nil)
		ref.Message, _ = policy.MessageFor(u, ref)
		return writeJSON(w, status, partnerView(ref))
	}
	c, err := a.store.GetCase(r.Context(), ref.CaseID)
	if err != nil {
		return err
	}
	sharing, err := a.store.HistorySharing(r.Context(), c.MenteeID)
	if err != nil {
		return err
	}
	ref.Shared, _ = policy.SharedFor(u, ref, policy.RefOf(c), sharing.Shared)
	return writeJSON(w, status, ref)
}

// referralDraft is what the referrer writes on a referral. Fields left out
// keep their value (on a new referral: no domain, no message, the default
// shared fields, the channel the organisation takes, no consent).
type referralDraft struct {
	Domain       *string                   `json:"domain"`
	Message      *string                   `json:"message"`
	Share        *[]partners.Field         `json:"share"`
	Channel      *partners.ReferralChannel `json:"channel"`
	ConsentGiven *bool                     `json:"consent_given"`
	ConsentNote  *string                   `json:"consent_note"`
	// Send sends the referral now: it needs consent_given.
	Send bool `json:"send"`
}

func (in referralDraft) apply(ref *partners.Referral) {
	patch(&ref.Domain, in.Domain)
	patch(&ref.Message, in.Message)
	patch(&ref.Share, in.Share)
	patch(&ref.Channel, in.Channel)
	patch(&ref.ConsentGiven, in.ConsentGiven)
	patch(&ref.ConsentNote, in.ConsentNote)
}

// caseReferralList lists the case's referrals, newest change first,
// without their sealed parts.
func (a *API) caseReferralList(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	items, next, err := a.store.Referrals(r.Context(), store.ReferralFilter{CaseID: c.ID}, page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

// caseReferralCreate drafts a referral of the case to a service, and sends
// it at once with send: true (the mentee's consent is then required, and
// without it nothing is stored). The actor is who made it and who recorded
// the consent.
func (a *API) caseReferralCreate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ServiceID int64 `json:"service_id"`
		referralDraft
	}
	c, err := a.caseAndBody(w, r, policy.CaseWork, &in)
	if err != nil {
		return err
	}
	if in.ServiceID <= 0 {
		return errs.Invalid(map[string]string{"service_id": "validation.required"})
	}
	ref := partners.Referral{CaseID: c.ID, ServiceID: in.ServiceID, Share: slices.Clone(partners.DefaultShare),
		CreatedBy: actorID(r), ConsentBy: actorID(r)}
	in.apply(&ref)
	if err := a.checkShare(r, c, ref.Share); err != nil {
		return err
	}
	ref, err = a.store.CreateReferral(r.Context(), ref, in.Send)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/referrals/"+strconv.FormatInt(ref.ID, 10))
	return a.writeReferral(w, r, http.StatusCreated, ref.ID)
}

// referralList is the actor's referrals: a partner user's organisation's
// inbox (sent through the portal), a coordinator's programs', a mentor's
// own cases' (policy.ReferralList refuses anyone else). ?status=, ?open=true.
func (a *API) referralList(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.ReferralList, 0); err != nil {
		return err
	}
	u := policy.Actor(r.Context())
	var f store.ReferralFilter
	partner := isPartner(u)
	switch {
	case partner:
		f.PartnerID = u.PartnerID
	case u.Role == auth.Coordinator:
		f.Scoped, f.ProgramIDs = true, slices.Clone(u.Programs)
	case u.Role == auth.Mentor:
		f.Scoped, f.ProgramIDs, f.MentorID = true, slices.Clone(u.Programs), u.ID
	default: // policy.ReferralList lets no one else in
		return errs.Forbidden("You may not do this.")
	}
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if s := q.Get("status"); s != "" {
		if !slices.Contains(partners.Statuses, partners.Status(s)) {
			return errs.Invalid(map[string]string{"status": "validation.choice"})
		}
		f.Status = partners.Status(s)
	}
	f.OpenOnly = q.Get("open") == "true"
	items, next, err := a.store.Referrals(r.Context(), f, page)
	if err != nil {
		return err
	}
	if !partner {
		return writeJSON(w, http.StatusOK, newList(items, next))
	}
	if err := a.store.Audit(r.Context(), "referral.inbox_read", "partner", u.PartnerID, audit.OK); err != nil {
		return err
	}
	out := make([]partnerReferral, len(items))
	for i, it := range items {
		out[i] = partnerView(it)
	}
	return writeJSON(w, http.StatusOK, newList(out, next))
}

func (a *API) referralGet(w http.ResponseWriter, r *http.Request) error {
	ref, err := a.referralFromPath(r, policy.ReferralView)
	if err != nil {
		return err
	}
	return a.writeReferral(w, r, http.StatusOK, ref.ID)
}

// referralUpdate edits a draft (fields left out keep their value) and,
// with send: true, sends it; the body carries the version last read. A
// referral that is no longer a draft is refused (409).
func (a *API) referralUpdate(w http.ResponseWriter, r *http.Request) error {
	ref, err := a.referralFromPath(r, policy.ReferralSend)
	if err != nil {
		return err
	}
	var in struct {
		Version *int64 `json:"version"`
		referralDraft
	}
	_, version, err := versionedBody(w, r, &in)
	if err != nil {
		return err
	}
	if ref.Status != partners.Draft {
		return errs.Conflict("This referral was sent already; it can no longer be edited.", map[string]string{"referral": "referral.refused.not_draft"})
	}
	cur, err := a.store.GetReferral(r.Context(), ref.ID)
	if err != nil {
		return err
	}
	in.apply(&cur)
	c, err := a.store.GetCase(r.Context(), ref.CaseID)
	if err != nil {
		return err
	}
	if err := a.checkShare(r, c, cur.Share); err != nil {
		return err
	}
	cur.Version, cur.ConsentBy = version, actorID(r)
	if _, err := a.store.SendReferral(r.Context(), cur, in.Send); err != nil {
		return err
	}
	return a.writeReferral(w, r, http.StatusOK, ref.ID)
}

// referralEventList is the referral's timeline, oldest first. Partner
// users read it too: events hold the messages written for the partner
// and who moved the referral, nothing of the case.
func (a *API) referralEventList(w http.ResponseWriter, r *http.Request) error {
	ref, err := a.referralFromPath(r, policy.ReferralView)
	if err != nil {
		return err
	}
	evs, err := a.store.ReferralEvents(r.Context(), ref.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(policy.EventsFor(policy.Actor(r.Context()), evs), ""))
}

// referralEventCreate moves a referral, or adds an update with a message.
// A partner user acts as the partner; staff act as the referrer, or as the
// partner with side "partner" to record an answer the partner gave by
// phone or email (never on a referral sent through the portal). The body
// carries the version last read.
func (a *API) referralEventCreate(w http.ResponseWriter, r *http.Request) error {
	ref, err := a.referralFromPath(r, policy.ReferralView)
	if err != nil {
		return err
	}
	var in struct {
		Version *int64          `json:"version"`
		Status  partners.Status `json:"status"`
		Reason  partners.Reason `json:"reason"`
		Message string          `json:"message"`
		Side    partners.Side   `json:"side"`
		Outcome *outcomeInput   `json:"outcome"`
	}
	_, version, err := versionedBody(w, r, &in)
	if err != nil {
		return err
	}
	bad := map[string]string{}
	switch {
	case in.Status == "":
		bad["status"] = "validation.required"
	case !slices.Contains(partners.Statuses, in.Status):
		bad["status"] = "validation.choice"
	}
	if in.Side != "" && in.Side != partners.SideReferrer && in.Side != partners.SidePartner {
		bad["side"] = "validation.choice"
	}
	var outcome cases.Outcome
	if in.Outcome != nil {
		// The referral's case and the one who records are the store's to set.
		outcome = in.Outcome.outcome(0, 0, "outcome_", bad)
		if policy.Actor(r.Context()).Role == auth.Partner {
			// A partner reports help as it comes: its day is today, and
			// the custody phase of the case is not theirs to know or say
			// (nor, by trying days, when the case's period opened).
			if in.Outcome.OccurredOn != nil {
				bad["outcome_occurred_on"] = "validation.unknown_field"
			}
			if in.Outcome.AfterRelease != nil {
				bad["outcome_after_release"] = "validation.unknown_field"
			}
		}
	}
	if err := invalidIf(bad); err != nil {
		return err
	}
	u := policy.Actor(r.Context())
	side, err := policy.CheckReferralSide(r.Context(), ref, in.Side == partners.SidePartner)
	if err != nil {
		return err
	}
	e := partners.Event{ReferralID: ref.ID, Status: in.Status, Reason: in.Reason, Message: in.Message, Side: side, ByUser: u.ID}
	if in.Outcome != nil {
		e.Outcome = &outcome
	}
	if _, err := a.store.AddReferralEvent(r.Context(), version, e); err != nil {
		return err
	}
	return a.writeReferral(w, r, http.StatusCreated, ref.ID)
}

// checkShare refuses shared fields the actor may not share: a part of the
// sealed history they may not read themself (policy.CheckShare).
func (a *API) checkShare(r *http.Request, c cases.Case, share []partners.Field) error {
	sharing, err := a.store.HistorySharing(r.Context(), c.MenteeID)
	if err != nil {
		return err
	}
	return policy.CheckShare(policy.Actor(r.Context()), policy.RefOf(c), sharing.Shared, share)
}
