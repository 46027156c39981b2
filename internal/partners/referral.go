package partners

import (
	"errors"
	"slices"
	"strings"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/program"
	"homeward/internal/text"
)

// Status is where a referral stands.
type Status string

const (
	Draft        Status = "draft"
	Sent         Status = "sent"
	Accepted     Status = "accepted"
	Declined     Status = "declined"
	InProgress   Status = "in_progress"
	GotHelp      Status = "got_help"
	CouldNotHelp Status = "could_not_help"
	Withdrawn    Status = "withdrawn"
)

// Statuses lists them in the order of a referral's life.
var Statuses = []Status{Draft, Sent, Accepted, InProgress, GotHelp, CouldNotHelp, Declined, Withdrawn}

// Open tells whether the referral waits on someone: sent, accepted or in progress.
func (s Status) Open() bool { return s == Sent || s == Accepted || s == InProgress }

// Reason says why a partner could not help (or declined).
type Reason string

const (
	NoReason       Reason = ""
	NoCapacity     Reason = "no_capacity"
	NotEligible    Reason = "not_eligible"
	CouldNotReach  Reason = "could_not_reach"
	MenteeDeclined Reason = "mentee_declined"
)

// Reasons lists them.
var Reasons = []Reason{NoCapacity, NotEligible, CouldNotReach, MenteeDeclined}

// ReferralChannel is how a referral reaches the partner: through the partner
// portal, or by phone or email when the organisation has no account (then
// staff record the partner's answers).
type ReferralChannel string

const (
	Portal ReferralChannel = "portal"
	Phone  ReferralChannel = "phone"
	Email  ReferralChannel = "email"
)

// ReferralChannels lists them.
var ReferralChannels = []ReferralChannel{Portal, Phone, Email}

// Field is a part of the mentee's record a referral may share. The case
// code and the referral's own message are always shared; nothing else is
// unless chosen.
type Field string

const (
	FullName        Field = "full_name"
	BirthYear       Field = "birth_year"
	Gender          Field = "gender"
	Languages       Field = "languages"
	Location        Field = "location" // country and city
	ContactChannels Field = "contact_channels"
	ContactTimes    Field = "contact_times"
	Occupation      Field = "occupation"
	Family          Field = "family"
)

// ProfileFields are the profile fields a referral may share, in the order
// forms show them.
var ProfileFields = []Field{Languages, Location, FullName, ContactChannels, ContactTimes, BirthYear, Gender, Occupation, Family}

// DefaultShare is what a new referral shares beside the case code and the
// message, which always go: nothing. Even a place can endanger a persecuted
// person, so the referrer ticks each field the partner needs.
var DefaultShare = []Field{}

// HistoryField is the shared-field name of a part of the sealed history.
func HistoryField(p cases.HistoryPart) Field { return Field("history." + string(p)) }

// IsHistory tells whether f is a part of the sealed history, and which.
func (f Field) IsHistory() (cases.HistoryPart, bool) {
	p, ok := strings.CutPrefix(string(f), "history.")
	return cases.HistoryPart(p), ok && cases.HistoryPart(p).Valid()
}

// Valid tells whether f may be shared.
func (f Field) Valid() bool {
	_, hist := f.IsHistory()
	return hist || slices.Contains(ProfileFields, f)
}

// AllFields lists every shareable field: the profile's, then the history's.
func AllFields() []Field {
	out := slices.Clone(ProfileFields)
	for _, p := range cases.HistoryParts {
		out = append(out, HistoryField(p))
	}
	return out
}

// Limits of a referral's text.
const (
	MaxMessage = 2000
	MaxConsent = 400
)

// Referral sends a case's mentee to a partner's service. Message (what is
// asked, written for the partner) and Shared (the values of the shared
// fields as they were when it was sent) are sealed under the mentee's key.
type Referral struct {
	ID          int64   `json:"id"`
	CaseID      int64   `json:"case_id"`
	ProgramID   int64   `json:"program_id"`
	CaseCode    string  `json:"case_code"`
	ServiceID   int64   `json:"service_id"`
	ServiceName string  `json:"service_name"`
	PartnerID   int64   `json:"partner_id"`
	PartnerName string  `json:"partner_name"`
	Domain      string  `json:"domain"`
	Message     string  `json:"message"`
	Share       []Field `json:"share"`
	// Shared holds the shared values (field → text), filled on a referral
	// read with its sealed parts once sent.
	Shared  map[Field]string `json:"shared,omitempty"`
	Status  Status           `json:"status"`
	Reason  Reason           `json:"reason,omitempty"`
	Channel ReferralChannel  `json:"channel"`
	// Consent: the mentee agreed to share the chosen fields with this
	// organisation; recorded by ConsentBy at ConsentAt, how in ConsentNote.
	ConsentGiven  bool       `json:"consent_given"`
	ConsentNote   string     `json:"consent_note"`
	ConsentBy     int64      `json:"consent_by,omitempty"`
	ConsentByName string     `json:"consent_by_name,omitempty"`
	ConsentAt     *time.Time `json:"consent_at,omitempty"`
	CreatedBy     int64      `json:"created_by"`
	CreatedByName string     `json:"created_by_name"`
	CreatedAt     time.Time  `json:"created_at"`
	SentAt        *time.Time `json:"sent_at,omitempty"`
	AnsweredAt    *time.Time `json:"answered_at,omitempty"`
	UpdatedAt     time.Time  `json:"updated_at"`
	OutcomeID     int64      `json:"outcome_id,omitempty"`
	Version       int        `json:"version"`
}

// Waiting tells whether the referral was sent and the partner has not
// answered for at least days days at now: the coordinator's and the
// mentor's reminder.
func (r *Referral) Waiting(now time.Time, days int) bool {
	return r.Status == Sent && r.SentAt != nil && days > 0 && !now.Before(r.SentAt.AddDate(0, 0, days))
}

// Shares tells whether the referral shares f.
func (r *Referral) Shares(f Field) bool { return slices.Contains(r.Share, f) }

// Normalize trims the text and orders the shared fields as AllFields does.
func (r *Referral) Normalize() {
	r.Message = strings.TrimSpace(r.Message)
	r.ConsentNote = strings.TrimSpace(r.ConsentNote)
	var share []Field
	for _, f := range AllFields() {
		if slices.Contains(r.Share, f) {
			share = append(share, f)
		}
	}
	for _, f := range r.Share { // unknown ones stay, for Validate to name
		if !f.Valid() && !slices.Contains(share, f) {
			share = append(share, f)
		}
	}
	r.Share = share
}

// Validate checks a referral being saved against the program's need
// domains (an empty domain is allowed: not about one need).
func (r *Referral) Validate(domains []string) error {
	f := map[string]string{}
	if r.ServiceID == 0 {
		f["service_id"] = "validation.required"
	}
	if r.Domain != "" && !slices.Contains(domains, r.Domain) {
		f["domain"] = "validation.domain_of_program"
	}
	text.Check(f, "message", r.Message, true, true, MaxMessage)
	text.Check(f, "consent_note", r.ConsentNote, false, false, MaxConsent)
	for _, s := range r.Share {
		if !s.Valid() {
			f["share"] = "validation.choice"
		}
	}
	if !slices.Contains(ReferralChannels, r.Channel) {
		f["channel"] = "validation.choice"
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// ReadyToSend checks what sending needs beyond Validate: the mentee's
// consent to share the chosen fields with the organisation.
func (r *Referral) ReadyToSend() error {
	if !r.ConsentGiven {
		return errs.Invalid(map[string]string{"consent_given": "validation.referral_consent"})
	}
	return nil
}

// Side is who moves a referral: the referrer (the case's mentor or a
// coordinator) or the partner (a partner user, or staff recording the
// partner's answer given by phone or email).
type Side string

const (
	SideReferrer Side = "referrer"
	SidePartner  Side = "partner"
)

// Next lists the statuses side may move a referral from s to. An event
// with the same status is an update with a message; it is allowed while
// the referral is open.
func Next(s Status, side Side) []Status {
	switch side {
	case SideReferrer:
		switch s {
		case Draft:
			return []Status{Sent, Withdrawn}
		case Sent, Accepted, InProgress:
			return []Status{s, Withdrawn}
		}
	case SidePartner:
		switch s {
		case Sent:
			return []Status{Sent, Accepted, Declined}
		case Accepted:
			return []Status{Accepted, InProgress, GotHelp, CouldNotHelp}
		case InProgress:
			return []Status{InProgress, GotHelp, CouldNotHelp}
		}
	}
	return nil
}

// Event is one change of a referral: a new status, or an update with a
// message (Status unchanged). Message is sealed.
type Event struct {
	ID         int64     `json:"id"`
	ReferralID int64     `json:"referral_id"`
	From       Status    `json:"from"`
	Status     Status    `json:"status"`
	Reason     Reason    `json:"reason,omitempty"`
	Message    string    `json:"message"`
	Side       Side      `json:"side"`
	ByUser     int64     `json:"by_user"`
	ByName     string    `json:"by_name"`
	At         time.Time `json:"at"`
	// Outcome, on a move to got help, is recorded on the case.
	Outcome *cases.Outcome `json:"outcome,omitempty"`
}

// Check validates the event as a move of a referral in from by side, on a
// case of program p (whose outcome kinds an outcome may take).
func (e *Event) Check(from Status, p program.Program) error {
	e.Message = strings.TrimSpace(e.Message)
	f := map[string]string{}
	if !slices.Contains(Next(from, e.Side), e.Status) {
		return errs.Conflict("This referral cannot move there from where it is now.", map[string]string{"status": "referral.refused.move"})
	}
	text.Check(f, "message", e.Message, e.Status == from || e.Status == Declined || e.Status == CouldNotHelp, true, MaxMessage)
	switch e.Status {
	case CouldNotHelp:
		if !slices.Contains(Reasons, e.Reason) {
			f["reason"] = "validation.choice"
		}
	case Declined:
		if e.Reason != NoReason && !slices.Contains(Reasons, e.Reason) {
			f["reason"] = "validation.choice"
		}
	default:
		e.Reason = NoReason
	}
	if e.Outcome != nil {
		if e.Status != GotHelp {
			e.Outcome = nil
		} else if err := outcomeKindAndNote(e.Outcome, p); err != nil {
			var de *errs.Error
			if errors.As(err, &de) {
				for k, v := range de.Fields {
					f["outcome_"+k] = v
				}
			}
		}
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// outcomeKindAndNote checks the kind and note of a referral's outcome (and
// trims the note). Its day is checked where the case's period is known,
// when the store records it.
func outcomeKindAndNote(o *cases.Outcome, p program.Program) error {
	probe := *o
	probe.OccurredOn = time.Time{}
	err := probe.Validate(p, time.Time{}, time.Time{})
	o.Note = probe.Note
	return err
}
