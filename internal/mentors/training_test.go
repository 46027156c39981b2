package mentors

import (
	"math"
	"testing"

	"homeward/internal/errs"
)

func TestModuleHoursAreQuartersUpTo200(t *testing.T) {
	t.Parallel()
	for _, h := range []float64{0, 0.25, 2.5, 7.75, MaxModuleHours} {
		m := Module{Title: "Safety", Hours: h}
		if err := m.Validate(); err != nil {
			t.Errorf("%g hours refused: %v", h, err)
		}
	}
	for _, h := range []float64{-0.25, 0.1, 2.3, MaxModuleHours + 0.25, 1e12, math.NaN(), math.Inf(1)} {
		m := Module{Title: "Safety", Hours: h}
		e := errs.As(m.Validate())
		if e.Kind != errs.KindInvalid || e.Fields["hours"] != "validation.module_hours" || len(e.Fields) != 1 {
			t.Errorf("%g hours: got %v, want only hours = validation.module_hours", h, e.Fields)
		}
	}
}
