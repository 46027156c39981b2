package program

import (
	"testing"

	"homeward/internal/errs"
)

func TestCaseCodePattern(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, stored string
		year, n         int
		want            string
	}{
		{"VOL-{year}-{n}", "VOL-{year}-{n}", 2026, 7, "VOL-2026-7"},
		{" vol-{YEAR}-{N:3} ", "VOL-{year}-{n:3}", 2026, 7, "VOL-2026-007"},
		{"{n:4}", "{n:4}", 2026, 12345, "12345"}, // padding is a minimum
		{"HW{n}", "HW{n}", 2026, 1, "HW1"},
		{"", "", 2026, 1, ""}, // no pattern: coordinators type the codes
	} {
		p := New()
		p.Name, p.CaseCodePattern = "Program", tc.pattern
		p.Normalize()
		if p.CaseCodePattern != tc.stored {
			t.Errorf("%q stored as %q, want %q", tc.pattern, p.CaseCodePattern, tc.stored)
		}
		if err := p.Validate(); err != nil {
			t.Errorf("%q refused: %v", tc.pattern, err)
		}
		if got := p.CaseCode(tc.year, tc.n); got != tc.want {
			t.Errorf("%q with %d: %q, want %q", tc.pattern, tc.n, got, tc.want)
		}
	}
	for _, bad := range []string{"VOL-{year}", "{n}-{n}", "VOL {n}", "VOL-{month}-{n}", "VOL-{n", "-{n}", "{n:0}", "{n:7}",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ-{year}-{n}", "VOL_{n}"} {
		p := New()
		p.Name, p.CaseCodePattern = "Program", bad
		p.Normalize()
		err := p.Validate()
		if e := errs.As(err); err == nil || e.Fields["case_code_pattern"] != "validation.case_code_pattern" {
			t.Errorf("%q: %v, want refused", bad, err)
		}
	}
}
