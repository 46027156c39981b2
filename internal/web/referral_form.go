package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"homeward/internal/cases"
	"homeward/internal/partners"
	"homeward/internal/policy"
)

// referralForm is the form of a referral being written: the need it is
// about, the message for the partner, the fields to share (the minimum
// ticked first), how it travels when the organisation has no account, and
// the mentee's consent.
type referralForm struct {
	*form
	Service partners.Service
	// Profile and History are the fields the user may share; History only
	// the parts of the sealed history they may read.
	Profile, History []string
	// NeedsChannel: the organisation has no partner account, so the
	// referral goes by phone or email.
	NeedsChannel bool
	ReferralID   int64 // a draft being sent; 0 for a new referral
	CaseID       int64
}

var referralFormFields = []string{"service_id", "domain", "message", "channel", "consent_given", "consent_note", "version", "send"}

// Action is where the form is sent.
func (f *referralForm) Action() string {
	if f.ReferralID != 0 {
		return "/referrals/" + strconv.FormatInt(f.ReferralID, 10)
	}
	return "/cases/" + strconv.FormatInt(f.CaseID, 10) + "/referrals"
}

// referralChoices fills the form's choices for a referral from the case to
// its service (f.Service), sharedWithMentor being the parts of the history
// the mentee shared with their mentor; values are set by the caller.
func (h *Web) referralChoices(ctx context.Context, f *referralForm, c cases.Case, sharedWithMentor []cases.HistoryPart) error {
	domains, err := h.workDomains(ctx, c)
	if err != nil {
		return err
	}
	f.Options["domain"] = domains
	f.Options["channel"] = optionsOf([]partners.ReferralChannel{partners.Phone, partners.Email})
	f.Profile, f.History = nil, nil
	for _, fl := range policy.ShareableFields(policy.Actor(ctx), policy.RefOf(c), sharedWithMentor) {
		if _, hist := fl.IsHistory(); hist {
			f.History = append(f.History, string(fl))
		} else {
			f.Profile = append(f.Profile, string(fl))
		}
	}
	f.CaseID = c.ID
	if f.Service.ID != 0 {
		users, err := h.store.PartnerUsers(ctx, f.Service.PartnerID)
		if err != nil {
			return err
		}
		f.NeedsChannel = users == 0
	}
	return nil
}

// Shares tells whether the field is ticked.
func (f *referralForm) Shares(field string) bool { return slices.Contains(f.Multi["share"], field) }

// readReferralForm reads a posted referral form as typed and the referral
// it describes (the service and case are the caller's to check).
func readReferralForm(w http.ResponseWriter, r *http.Request) (*referralForm, partners.Referral, error) {
	f, err := readForm(w, r, referralFormFields, "share")
	if err != nil {
		return nil, partners.Referral{}, err
	}
	return &referralForm{form: f}, referralOf(r, f), nil
}

// referralOf is the referral a posted referral form describes.
func referralOf(r *http.Request, f *form) partners.Referral {
	u := policy.Actor(r.Context())
	ref := partners.Referral{Domain: f.Values["domain"], Message: f.Values["message"], Channel: partners.ReferralChannel(f.Values["channel"]),
		ConsentGiven: f.Values["consent_given"] != "", ConsentNote: f.Values["consent_note"], CreatedBy: u.ID, ConsentBy: u.ID}
	for _, s := range f.Multi["share"] {
		ref.Share = append(ref.Share, partners.Field(s))
	}
	if ref.Channel == "" {
		ref.Channel = partners.Phone
	}
	if id, err := strconv.ParseInt(f.Values["service_id"], 10, 64); err == nil {
		ref.ServiceID = id
	}
	if v, err := strconv.Atoi(f.Values["version"]); err == nil {
		ref.Version = v
	}
	return ref
}

// checkShare refuses shared fields the user may not share: a part of the
// sealed history they may not read themself (policy.CheckShare).
func (h *Web) checkShare(ctx context.Context, c cases.Case, share []partners.Field) error {
	sharing, err := h.store.HistorySharing(ctx, c.MenteeID)
	if err != nil {
		return err
	}
	return policy.CheckShare(policy.Actor(ctx), policy.RefOf(c), sharing.Shared, share)
}
