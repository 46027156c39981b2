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

// Validate checks the contact; it may not lie in the future.
func (c *Contact) Validate(domains []string, now time.Time) error {
	f := map[string]string{}
	if c.At.IsZero() {
		f["at"] = "validation.required"
	} else if c.At.After(now.Add(5 * time.Minute)) {
		f["at"] = "validation.not_future"
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
