package policy

import (
	"context"
	"slices"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/identity"
	"homeward/internal/partners"
	"homeward/internal/store"
)

// CanReferral tells whether the user may do the action on a referral:
//   - the referrer's side (ReferralSend: drafting, sending, withdrawing,
//     messages to the partner) is the case's daily work — the program's
//     coordinators and the case's mentor;
//   - the partner's side (ReferralAnswer: accepting, declining, updates)
//     belongs to the partner users of the referral's organisation once it is
//     sent through the portal; for a referral sent by phone or email, staff
//     who work on the case record the partner's answers;
//   - reading (ReferralView) is open to both sides, a partner user seeing
//     only what the referral shares (the partner pages never read the case).
//
// The admin, psychologists, viewers and mentees reach no referral.
func CanReferral(u auth.User, a Action, r store.ReferralRef) bool {
	if u.Status != auth.StatusActive || r.ProgramID == 0 {
		return false
	}
	staff := CanCase(u, CaseWork, CaseRef{ProgramID: r.ProgramID, MentorID: r.MentorID, PsychologistID: r.PsychologistID})
	partner := u.Role == auth.Partner && u.PartnerID != 0 && u.PartnerID == r.PartnerID &&
		r.Sent && r.Channel == partners.Portal
	switch a {
	case ReferralView:
		return staff || partner
	case ReferralSend:
		return staff
	case ReferralAnswer:
		return partner || (staff && r.Channel != partners.Portal)
	}
	return false
}

// CheckReferral is CanReferral as an error for the request's user:
// errs.NotFound when they may not even view the referral, errs.Forbidden
// otherwise.
func CheckReferral(ctx context.Context, a Action, r store.ReferralRef) error {
	if _, ok := identity.From(ctx); !ok {
		return &errs.Error{Kind: errs.KindUnauthorized, Code: "unauthorized", Message: "Sign in first."}
	}
	u := Actor(ctx)
	if CanReferral(u, a, r) {
		return nil
	}
	if !CanReferral(u, ReferralView, r) {
		return errs.NotFound("referral")
	}
	return errs.Forbidden("You may not do this.")
}

// CheckReferralSide decides the side the request's user takes in an event
// on a referral, and checks they may: a partner user always answers as the
// partner (ReferralAnswer); staff write as the referrer (ReferralSend), or,
// asPartner, record the answer a partner gave by phone or email
// (ReferralAnswer, which a portal referral refuses them).
func CheckReferralSide(ctx context.Context, r store.ReferralRef, asPartner bool) (partners.Side, error) {
	side, act := partners.SideReferrer, ReferralSend
	if Actor(ctx).Role == auth.Partner || asPartner {
		side, act = partners.SidePartner, ReferralAnswer
	}
	return side, CheckReferral(ctx, act, r)
}

// ShareableFields are the fields the user may share in a referral from a
// case: the profile fields, and the parts of the sealed history they may
// read themself (HistoryParts) — nobody passes on what they may not see.
func ShareableFields(u auth.User, c CaseRef, sharedWithMentor []cases.HistoryPart) []partners.Field {
	if !CanCase(u, CaseWork, c) {
		return nil
	}
	out := slices.Clone(partners.ProfileFields)
	for _, p := range HistoryParts(u, c, sharedWithMentor) {
		out = append(out, partners.HistoryField(p))
	}
	return out
}

// CheckShare refuses a referral's shared fields that the user may not
// share (ShareableFields), naming the field "share".
func CheckShare(u auth.User, c CaseRef, sharedWithMentor []cases.HistoryPart, share []partners.Field) error {
	ok := ShareableFields(u, c, sharedWithMentor)
	for _, f := range share {
		if !slices.Contains(ok, f) {
			return errs.Invalid(map[string]string{"share": "referral.refused.share_not_yours"})
		}
	}
	return nil
}

// SharedFor returns the shared values of a referral the user may read, and
// the shared fields kept from them. A partner user reads them while the
// referral is open (sent, accepted, in progress) and no longer once it has
// ended; staff read every shared field but the parts of the sealed
// history they may not read themself (HistoryParts), whoever shared them.
func SharedFor(u auth.User, r partners.Referral, c CaseRef, sharedWithMentor []cases.HistoryPart) (map[partners.Field]string, []partners.Field) {
	if len(r.Shared) == 0 {
		return nil, nil
	}
	keep := func(partners.Field) bool { return false }
	switch {
	case u.Role == auth.Partner:
		if r.Status.Open() {
			keep = func(partners.Field) bool { return true }
		}
	default:
		parts := HistoryParts(u, c, sharedWithMentor)
		keep = func(f partners.Field) bool {
			p, hist := f.IsHistory()
			return !hist || slices.Contains(parts, p)
		}
	}
	out := map[partners.Field]string{}
	var hidden []partners.Field
	for _, f := range partners.AllFields() {
		v, ok := r.Shared[f]
		if !ok {
			continue
		}
		if keep(f) {
			out[f] = v
		} else {
			hidden = append(hidden, f)
		}
	}
	return out, hidden
}

// MessageFor returns a referral's message as the user may read it, and
// whether it is kept from them: a partner user reads it only while the
// referral is open; once it has ended, the message goes with the shared
// values.
func MessageFor(u auth.User, r partners.Referral) (string, bool) {
	if u.Role == auth.Partner && !r.Status.Open() {
		return "", r.Message != ""
	}
	return r.Message, false
}

// EventsFor returns a referral's timeline as the user may read it: a
// partner user sees it from the sending on, not who in the program made
// each change (staff names stay inside the program), and, once the
// referral has ended (its last event closes it), no message of either side.
func EventsFor(u auth.User, evs []partners.Event) []partners.Event {
	if u.Role != auth.Partner {
		return evs
	}
	ended := len(evs) > 0 && !evs[len(evs)-1].Status.Open()
	var out []partners.Event
	for _, e := range evs {
		if e.Status == partners.Draft || e.From == partners.Draft && e.Status != partners.Sent {
			continue
		}
		if e.Side == partners.SideReferrer {
			e.ByUser, e.ByName = 0, ""
		}
		if ended {
			e.Message = ""
		}
		out = append(out, e)
	}
	return out
}
