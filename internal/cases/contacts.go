package cases

import (
	"slices"
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/text"
)

// Channel is how a contact took place.
type Channel string

const (
	Call        Channel = "call"
	Video       Channel = "video"
	InPerson    Channel = "in_person"
	Message     Channel = "message"
	Letter      Channel = "letter"
	PrisonVisit Channel = "prison_visit"
)

// Channels lists them.
var Channels = []Channel{Call, Video, InPerson, Message, Letter, PrisonVisit}

// Contact is one logged interaction with the mentee. The summary is sealed.
type Contact struct {
	ID             int64     `json:"id"`
	CaseID         int64     `json:"case_id"`
	At             time.Time `json:"at"`
	Channel        Channel   `json:"channel"`
	Minutes        int       `json:"minutes"`
	Summary        string    `json:"summary"`
	Needs          []string  `json:"needs"` // domains touched
	RecordedBy     int64     `json:"recorded_by"`
	RecordedByName string    `json:"recorded_by_name"`
	CreatedAt      time.Time `json:"created_at"`
}

// Validate checks the contact; it may not lie in the future, nor before
// opened, when the case's current period opened (the zero time: no such
// bound).
func (c *Contact) Validate(domains []string, opened, now time.Time) error {
	f := map[string]string{}
	switch {
	case c.At.IsZero():
		f["at"] = "validation.required"
	case c.At.After(now.Add(5 * time.Minute)):
		f["at"] = "validation.not_future"
	case c.At.Before(Day(opened)):
		f["at"] = "validation.before_case"
	}
	if !slices.Contains(Channels, c.Channel) {
		f["channel"] = "validation.choice"
	}
	if c.Minutes < 0 || c.Minutes > 24*60 {
		f["minutes"] = "validation.minutes"
	}
	c.Summary = strings.TrimSpace(c.Summary)
	text.Check(f, "summary", c.Summary, false, true, MaxLong)
	for _, d := range c.Needs {
		if !slices.Contains(domains, d) {
			f["needs"] = "validation.domain_of_program"
		}
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// BackdateSlack is how far before its recording a contact may lie and
// still count as logged on time; one earlier is audited as backdated.
const BackdateSlack = 24 * time.Hour

// Backdated tells whether the contact is logged more than BackdateSlack
// after it took place, at now.
func (c Contact) Backdated(now time.Time) bool { return c.At.Before(now.Add(-BackdateSlack)) }
