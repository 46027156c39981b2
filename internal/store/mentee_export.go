package store

import (
	"context"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/matching"
	"homeward/internal/partners"
)

// MenteeExport is the head of a person's export (GDPR art. 15) taken by a
// coordinator: everything Homeward holds about the person but their cases,
// which follow one at a time (ExportCase), so that the file is written as
// it is read. Each sealed value is opened through the store's own reads,
// each audited as when it is shown on a page.
type MenteeExport struct {
	Format      string          `json:"format"`
	ExportedAt  time.Time       `json:"exported_at"`
	Times       string          `json:"times"`
	NotIncluded []string        `json:"not_included"`
	Profile     cases.Mentee    `json:"profile"`
	History     cases.History   `json:"history"`
	Consents    []cases.Consent `json:"consents"`
	// Portal is the person's portal account, nil without one.
	Portal   *ExportAccount         `json:"portal_account"`
	Erasures []cases.ErasureRequest `json:"erasure_requests"`
}

// exportTimes says how the file's times and days are written.
const exportTimes = "Times are in UTC (the Z at their end); days, such as an outcome's or a due date, are days as they were typed."

// exportNotIncluded says what the export leaves out, and why.
var exportNotIncluded = []string{
	"Cases of the person in programs the exporting coordinator does not coordinate: their coordinators export them.",
	"The audit log, which records who read or changed the person's record by ids only, without values.",
}

// ExportAccount is what the export says of a portal account.
type ExportAccount struct {
	Email     string    `json:"email"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// CaseExport is one case of the person with everything recorded on it,
// staff notes of every level included.
type CaseExport struct {
	Case         cases.Case           `json:"case"`
	Custody      *cases.Custody       `json:"custody,omitempty"`
	MatchProfile matching.CaseProfile `json:"match_wishes"`
	Transitions  []cases.Transition   `json:"transitions"`
	Matches      []cases.Match        `json:"matches"`
	Needs        []cases.Need         `json:"needs"` // every assessment, newest first
	PlanSteps    []cases.PlanStep     `json:"plan_steps"`
	Contacts     []cases.Contact      `json:"contacts"`
	Requests     []cases.Request      `json:"requests"`
	Notes        []cases.Note         `json:"notes"`
	Referrals    []ExportReferral     `json:"referrals"`
	Closing      []cases.ClosingSteps `json:"closing"`
	Feedback     []cases.Feedback     `json:"feedback"`
	Outcomes     []cases.Outcome      `json:"outcomes"`
	FollowUps    []cases.FollowUp     `json:"follow_ups"`
}

// ExportReferral is a referral of the case, opened, with its timeline.
type ExportReferral struct {
	partners.Referral
	Events []partners.Event `json:"events"`
}

// ExportMentee reads the head of the person's export and audits the export
// (mentee.export_all). An erased person has nothing left to export: it is
// errs.NotFound with the code "erased".
func (s *Store) ExportMentee(ctx context.Context, menteeID int64) (MenteeExport, error) {
	out := MenteeExport{Format: "homeward.mentee-record.v1", ExportedAt: s.now().UTC(), Times: exportTimes, NotIncluded: exportNotIncluded}
	if err := s.notErased(ctx, s.read, menteeID); err != nil {
		return out, err
	}
	if err := s.Audit(ctx, "mentee.export_all", "mentee", menteeID, audit.OK); err != nil {
		return out, err
	}
	var err error
	if out.Profile, err = s.GetMentee(ctx, menteeID); err != nil {
		return out, err
	}
	if out.History, err = s.MenteeHistory(ctx, menteeID, cases.HistoryParts); err != nil {
		return out, err
	}
	if out.Consents, err = s.Consents(ctx, menteeID); err != nil {
		return out, err
	}
	if out.Profile.UserID != 0 {
		u, err := s.GetUser(ctx, out.Profile.UserID)
		if err != nil && !errs.Is(err, errs.KindNotFound) {
			return out, err
		}
		if err == nil && u.Role == auth.Mentee {
			// The account's address is sealed under its own data key.
			u.Email, err = s.openUserEmail(ctx, s.read, u.ID)
		}
		if err == nil {
			out.Portal = &ExportAccount{Email: u.Email, Status: u.Status, CreatedAt: u.CreatedAt}
		}
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+erasureColumns+` FROM erasure_requests e JOIN cases c ON c.id = e.case_id
		WHERE e.mentee_id = $1 ORDER BY e.id`, menteeID)
	if err != nil {
		return out, s.wrap(err, "list erasure requests")
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanErasure(rows)
		if err != nil {
			return out, s.wrap(err, "read erasure request")
		}
		out.Erasures = append(out.Erasures, e)
	}
	if err := rows.Err(); err != nil {
		return out, s.wrap(err, "list erasure requests")
	}
	out.Consents, out.Erasures = orNone(out.Consents), orNone(out.Erasures)
	return out, nil
}

// ExportCase reads everything recorded on one case of the person, for
// their export: each sealed read audited by the read itself.
func (s *Store) ExportCase(ctx context.Context, c cases.Case) (CaseExport, error) {
	out := CaseExport{Case: c}
	cu, err := s.CaseCustody(ctx, c.ID)
	if err != nil {
		return out, err
	}
	if cu.Phase != "" || cu.FacilityID != 0 || cu.FacilityDetail != "" {
		out.Custody = &cu
	}
	if out.MatchProfile, err = s.MatchProfile(ctx, c.ID); err != nil {
		return out, err
	}
	if out.Transitions, err = s.CaseTransitions(ctx, c.ID); err != nil {
		return out, err
	}
	if out.Matches, err = s.CaseMatches(ctx, c.ID); err != nil {
		return out, err
	}
	if out.Needs, err = s.NeedHistory(ctx, c.ID); err != nil {
		return out, err
	}
	if out.PlanSteps, err = s.PlanSteps(ctx, c.ID); err != nil {
		return out, err
	}
	page := Page{Limit: MaxLimit}
	for {
		list, next, err := s.Contacts(ctx, c.ID, page)
		if err != nil {
			return out, err
		}
		out.Contacts = append(out.Contacts, list...)
		if next == "" {
			break
		}
		page.Cursor = next
	}
	if out.Requests, err = s.Requests(ctx, c.ID); err != nil {
		return out, err
	}
	if out.Notes, err = s.Notes(ctx, c.ID, cases.Visibilities); err != nil {
		return out, err
	}
	page = Page{Limit: MaxLimit}
	for {
		list, next, err := s.Referrals(ctx, ReferralFilter{CaseID: c.ID}, page)
		if err != nil {
			return out, err
		}
		for _, r := range list {
			opened, err := s.GetReferral(ctx, r.ID)
			if err != nil {
				return out, err
			}
			events, err := s.ReferralEvents(ctx, r.ID)
			if err != nil {
				return out, err
			}
			out.Referrals = append(out.Referrals, ExportReferral{Referral: opened, Events: orNone(events)})
		}
		if next == "" {
			break
		}
		page.Cursor = next
	}
	for period := 1; period <= c.Period; period++ {
		steps, err := s.ClosingOf(ctx, c.ID, period)
		if err != nil {
			return out, err
		}
		if steps.ReadinessAskedAt != nil || steps.ClosedAt != nil {
			out.Closing = append(out.Closing, steps)
		}
		fb, err := s.FeedbackOf(ctx, c.ID, period)
		if err != nil {
			return out, err
		}
		if fb != nil {
			out.Feedback = append(out.Feedback, *fb)
		}
	}
	if out.Outcomes, err = s.Outcomes(ctx, c.ID); err != nil {
		return out, err
	}
	if out.FollowUps, err = s.FollowUps(ctx, c.ID); err != nil {
		return out, err
	}
	out.Transitions, out.Matches, out.Needs, out.PlanSteps = orNone(out.Transitions), orNone(out.Matches), orNone(out.Needs), orNone(out.PlanSteps)
	out.Contacts, out.Requests, out.Notes, out.Referrals = orNone(out.Contacts), orNone(out.Requests), orNone(out.Notes), orNone(out.Referrals)
	out.Closing, out.Feedback, out.Outcomes, out.FollowUps = orNone(out.Closing), orNone(out.Feedback), orNone(out.Outcomes), orNone(out.FollowUps)
	return out, nil
}

// orNone makes a nil list an empty one, so that JSON shows [] for "none".
func orNone[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
