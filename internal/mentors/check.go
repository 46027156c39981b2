package mentors

import (
	"slices"
	"time"

	"homeward/internal/errs"
)

// CheckKinds are the checks a program may require of its mentors before
// they support anyone.
var CheckKinds = []string{"background_check", "reference", "signed_agreement", "safeguarding"}

// CheckResult is what a check found.
type CheckResult string

const (
	Passed CheckResult = "passed"
	Failed CheckResult = "failed"
)

// CheckResults lists them.
var CheckResults = []CheckResult{Passed, Failed}

// ExpiringWithin is how early a check about to expire is shown.
const ExpiringWithin = 30 * 24 * time.Hour

// Check is one check of a mentor (a background check, a reference, a
// signed agreement…), done on a day and valid until ExpiresOn (nil: it does
// not expire). The newest check of a kind is the one that counts.
type Check struct {
	ID             int64       `json:"id"`
	MentorID       int64       `json:"mentor_id"`
	Kind           string      `json:"kind"`
	Result         CheckResult `json:"result"`
	DoneOn         time.Time   `json:"done_on"`
	ExpiresOn      *time.Time  `json:"expires_on"`
	RecordedBy     int64       `json:"recorded_by"`
	RecordedByName string      `json:"recorded_by_name"`
	RecordedAt     time.Time   `json:"recorded_at"`
}

// Validate checks a check being recorded on today (the recorder's day,
// zone.Today): a known kind and result, done no later than today and not
// before 1990, expiring after the day it was done and within ten years.
func (c Check) Validate(today time.Time) error {
	f := map[string]string{}
	if !slices.Contains(CheckKinds, c.Kind) {
		f["kind"] = "validation.choice"
	}
	if !slices.Contains(CheckResults, c.Result) {
		f["result"] = "validation.choice"
	}
	switch {
	case c.DoneOn.IsZero():
		f["done_on"] = "validation.required"
	case c.DoneOn.After(today) || c.DoneOn.Year() < 1990:
		f["done_on"] = "validation.check_done_on"
	}
	if c.ExpiresOn != nil && (!c.ExpiresOn.After(c.DoneOn) || c.ExpiresOn.After(c.DoneOn.AddDate(10, 0, 0))) {
		f["expires_on"] = "validation.check_expires_on"
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// Expired tells whether the check's validity ended by now.
func (c Check) Expired(now time.Time) bool { return c.ExpiresOn != nil && !now.Before(*c.ExpiresOn) }

// Valid tells whether the check passed and has not expired at now.
func (c Check) Valid(now time.Time) bool { return c.Result == Passed && !c.Expired(now) }

// Expiring tells whether a valid check expires within ExpiringWithin of now.
func (c Check) Expiring(now time.Time) bool {
	return c.Valid(now) && c.ExpiresOn != nil && c.ExpiresOn.Before(now.Add(ExpiringWithin))
}

// CurrentChecks returns the newest check of each kind (by the day done,
// then the order recorded), in the order of CheckKinds.
func CurrentChecks(all []Check) []Check {
	newest := map[string]Check{}
	for _, c := range all {
		if n, ok := newest[c.Kind]; !ok || c.DoneOn.After(n.DoneOn) || (c.DoneOn.Equal(n.DoneOn) && c.ID > n.ID) {
			newest[c.Kind] = c
		}
	}
	var out []Check
	for _, k := range CheckKinds {
		if c, ok := newest[k]; ok {
			out = append(out, c)
		}
	}
	return out
}
