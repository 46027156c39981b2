package cases

import (
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/text"
)

// Rating is a feedback rating from 1 (poor) to 5 (very good); 0 is "not answered".
type Rating int

// Feedback is the mentee's feedback at closing: a few ratings and free text
// (sealed), or the record that they declined to give it.
type Feedback struct {
	CaseID     int64     `json:"case_id"`
	Period     int       `json:"period"`
	Declined   bool      `json:"declined"`
	Support    Rating    `json:"support"`   // how the support helped
	Mentor     Rating    `json:"mentor"`    // the mentor
	Plan       Rating    `json:"plan"`      // the plan and its steps
	Recommend  Rating    `json:"recommend"` // would recommend the program
	Text       string    `json:"text"`
	InPortal   bool      `json:"in_portal"` // given by the mentee in the portal
	RecordedBy int64     `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Validate checks the ratings and the text.
func (fb *Feedback) Validate() error {
	f := map[string]string{}
	for name, r := range map[string]Rating{"support": fb.Support, "mentor": fb.Mentor, "plan": fb.Plan, "recommend": fb.Recommend} {
		if r < 0 || r > 5 {
			f[name] = "validation.rating"
		}
	}
	fb.Text = strings.TrimSpace(fb.Text)
	text.Check(f, "text", fb.Text, false, true, MaxLong)
	if !fb.Declined && fb.Support == 0 && fb.Mentor == 0 && fb.Plan == 0 && fb.Recommend == 0 && fb.Text == "" {
		f["text"] = "validation.feedback_empty"
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}
