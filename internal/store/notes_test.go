package store_test

import (
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/store"
)

func TestNotesByVisibility(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		c := f.active(t, "V-1")
		for _, n := range []cases.Note{
			{CaseID: c.ID, Visibility: cases.VisibleMentor, Body: "Prefers calls in the evening", AuthorID: f.coord.ID},
			{CaseID: c.ID, Visibility: cases.VisibleTeam, Body: "Debt case may need a lawyer", AuthorID: f.coord.ID},
			{CaseID: c.ID, Visibility: cases.VisiblePsychologist, Body: "Nightmares since the arrest", AuthorID: f.psych.ID},
		} {
			f.later(time.Minute)
			if _, err := s.AddNote(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.AddNote(ctx, cases.Note{CaseID: c.ID, Visibility: "everyone", Body: " "}); len(errs.As(err).Fields) != 2 {
			t.Errorf("bad note: %v", err)
		}
		mentor, err := s.Notes(ctx, c.ID, []cases.Visibility{cases.VisibleMentor})
		if err != nil || len(mentor) != 1 || mentor[0].Body != "Prefers calls in the evening" || mentor[0].AuthorName != "Cora Coordinator" {
			t.Errorf("mentor's notes %+v (%v)", mentor, err)
		}
		team, _ := s.Notes(ctx, c.ID, []cases.Visibility{cases.VisibleMentor, cases.VisibleTeam})
		if len(team) != 2 || team[0].Visibility != cases.VisibleTeam {
			t.Errorf("coordinator's notes %+v, want two, newest first", team)
		}
		psych, _ := s.Notes(ctx, c.ID, []cases.Visibility{cases.VisibleMentor, cases.VisibleTeam, cases.VisiblePsychologist})
		if len(psych) != 3 || psych[0].Body != "Nightmares since the arrest" || psych[0].AuthorName != "Pia Psychologist" {
			t.Errorf("psychologist's notes %+v", psych)
		}
		if none, err := s.Notes(ctx, c.ID, nil); err != nil || len(none) != 0 {
			t.Errorf("notes of no visibility: %v %v", none, err)
		}
		if n := f.audited(t, "case.notes_read", "case", c.ID); n != 3 {
			t.Errorf("%d case.notes_read entries, want one per read that opened notes (3)", n)
		}
	})
}
