package store_test

import (
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/store"
)

func TestNeedsReassessmentKeepsHistory(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		c := f.intake(t, "N-1")

		// Nothing is stored from an assessment with a domain the program lacks.
		err := s.AssessNeeds(ctx, c.ID, []cases.Assessment{
			{Domain: "housing", Severity: cases.Critical, Status: cases.NotStarted},
			{Domain: "astrology", Severity: cases.Low, Status: cases.NotStarted},
		}, f.coord.ID)
		if errs.As(err).Fields["domain"] != "validation.domain_of_program" {
			t.Fatalf("unknown domain: %v", err)
		}
		if needs, _ := s.NeedHistory(ctx, c.ID); len(needs) != 0 {
			t.Fatalf("%d needs stored by a refused assessment", len(needs))
		}

		if err := s.AssessNeeds(ctx, c.ID, []cases.Assessment{
			{Domain: "income", Severity: cases.Low, Status: cases.InProgress},
			{Domain: "housing", Severity: cases.Critical, Status: cases.NotStarted},
			{Domain: "documents", Severity: cases.High, Status: cases.NotStarted},
		}, f.coord.ID); err != nil {
			t.Fatal(err)
		}
		first, err := s.CurrentNeeds(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := needDomains(first); got != "housing documents income" {
			t.Fatalf("current needs %s, want critical first, then by severity", got)
		}
		for _, n := range first {
			if n.Previous != nil || !n.Changed() || n.AssessedByName != "Cora Coordinator" || !n.AssessedAt.Equal(workStart) {
				t.Errorf("first assessment of %s: previous %v, changed %v, by %q at %v", n.Domain, n.Previous, n.Changed(), n.AssessedByName, n.AssessedAt)
			}
		}

		// A week later the psychologist reassesses: housing got better,
		// income is as it was, documents are done.
		f.later(7 * 24 * time.Hour)
		if err := s.AssessNeeds(ctx, c.ID, []cases.Assessment{
			{Domain: "housing", Severity: cases.Medium, Status: cases.InProgress},
			{Domain: "income", Severity: cases.Low, Status: cases.InProgress},
			{Domain: "documents", Severity: cases.High, Status: cases.Done},
		}, f.psych.ID); err != nil {
			t.Fatal(err)
		}
		now, err := s.CurrentNeeds(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := needDomains(now); got != "documents housing income" {
			t.Fatalf("current needs after reassessment %s", got)
		}
		byDomain := map[string]cases.Need{}
		for _, n := range now {
			byDomain[n.Domain] = n
		}
		h := byDomain["housing"]
		if !h.Changed() || h.Previous == nil || h.Previous.Severity != cases.Critical || h.Previous.Status != cases.NotStarted ||
			h.Severity != cases.Medium || h.AssessedByName != "Pia Psychologist" || h.Previous.AssessedByName != "Cora Coordinator" {
			t.Errorf("housing after reassessment: %+v (previous %+v), want medium replacing critical", h, h.Previous)
		}
		if d := byDomain["documents"]; !d.Changed() || d.Previous == nil || d.Previous.Status != cases.NotStarted || d.Status != cases.Done || d.Open() {
			t.Errorf("documents after reassessment: %+v", d)
		}
		in := byDomain["income"]
		if in.Previous != nil || !in.AssessedAt.Equal(workStart) || in.AssessedByName != "Cora Coordinator" {
			t.Errorf("unchanged income was touched: %+v", in)
		}
		hist, err := s.NeedHistory(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 5 || !hist[0].AssessedAt.After(hist[len(hist)-1].AssessedAt) {
			t.Fatalf("history has %d assessments (%s), want 5, newest first", len(hist), needDomains(hist))
		}
		if n := f.audited(t, "case.needs_assess", "case", c.ID); n != 2 {
			t.Errorf("%d case.needs_assess entries, want 2", n)
		}

		// A closed case is not assessed.
		f.move(t, c.ID, cases.Closed, cases.Withdrawn, "Moved away")
		err = s.AssessNeeds(ctx, c.ID, []cases.Assessment{{Domain: "housing", Severity: cases.NoNeed, Status: cases.Done}}, f.coord.ID)
		refusedFor(t, "assessment of a closed case", err, "case.refused.closed")
		if _, err := s.CurrentNeeds(ctx, c.ID+1000); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("needs of a missing case: %v", err)
		}
	})
}

func needDomains(ns []cases.Need) string {
	out := ""
	for i, n := range ns {
		if i > 0 {
			out += " "
		}
		out += n.Domain
	}
	return out
}
