package mentors

import (
	"testing"
	"time"

	"homeward/internal/errs"
	"homeward/internal/zone"
)

// At 23:30 UTC on 10 March it is already 11 March in Prague and still 10
// March in New York: a check done on 11 March, and a pause until 11 March,
// are judged against the coordinator's today.
func TestCheckAndPauseAgainstTheCoordinatorsToday(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)
	prague, _ := zone.Load("Europe/Prague")
	newYork, _ := zone.Load("America/New_York")
	eleventh := time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)

	c := Check{Kind: CheckKinds[0], Result: Passed, DoneOn: eleventh}
	if err := c.Validate(zone.Today(now, prague)); err != nil {
		t.Errorf("a check done on 11 March refused in Prague, where it is today: %v", err)
	}
	if errs.As(c.Validate(zone.Today(now, newYork))).Fields["done_on"] != "validation.check_done_on" {
		t.Error("a check done on 11 March accepted in New York, where it is still 10 March")
	}

	a := Availability{PausedUntil: &eleventh}
	if errs.As(a.Validate(zone.Today(now, prague))).Fields["paused_until"] != "validation.pause_until" {
		t.Error("a pause until 11 March accepted in Prague, where 11 March is today, not a later day")
	}
	if err := a.Validate(zone.Today(now, newYork)); err != nil {
		t.Errorf("a pause until 11 March refused in New York, where it is tomorrow: %v", err)
	}
}
