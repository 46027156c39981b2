package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"homeward/internal/cases"
)

// A psychologist's home page lists their closing cases still waiting for a
// final meeting (not another psychologist's, not one already met, not one
// still active), with the way to each case's closing; and which cases
// they wrote notes on, when, at which level, without the notes' text.
func TestPsychologistHomeShowsFinalMeetingsAndNotes(t *testing.T) {
	t.Parallel()
	overviewEngines(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		w := newOverviewWorld(t, a, false, 5)
		setup := func(psy int64, st cases.State) cases.Case {
			return a.makeCase(caseSetup{Program: w.prog, By: w.coord, MentorID: w.mentor.ID, Psychologist: psy, State: st})
		}
		waiting := setup(w.psy.ID, cases.Closing)
		agreed := setup(w.psy.ID, cases.Closing)
		if err := a.store.RecordAgreement(ctx, agreed.ID, w.coord.ID, false); err != nil {
			t.Fatal(err)
		}
		met := setup(w.psy.ID, cases.Closing)
		if err := a.store.RecordFinalMeeting(ctx, met.ID, w.psy.ID); err != nil {
			t.Fatal(err)
		}
		active := setup(w.psy.ID, cases.Active)
		others := setup(w.otherPs.ID, cases.Closing)

		home := func() string {
			t.Helper()
			res, body := w.as(w.psy).do("GET", "/", nil)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("the psychologist's home: %d", res.StatusCode)
			}
			return body
		}
		body := home()
		section := body[strings.Index(body, `id="final-meetings"`):]
		section = section[:strings.Index(section, "</section>")]
		ovHas(t, "cases waiting for a final meeting", section, "Waiting for your final meeting",
			`href="/cases/`+itoa(waiting.ID)+`/closing"`, waiting.Code, "the mentee has not agreed to finish yet",
			`href="/cases/`+itoa(agreed.ID)+`/closing"`, agreed.Code, "the mentee agreed to finish on ")
		ovLacks(t, "cases waiting for a final meeting", section, met.Code, active.Code, others.Code)
		ovHas(t, "no notes yet", body, "You have written no notes on your cases yet.")

		// Their notes: the case and the level, never the text; not the
		// notes others wrote, nor those on cases no longer theirs.
		note := func(u int64, c cases.Case, vis cases.Visibility, text string) {
			t.Helper()
			if _, err := a.store.AddNote(ctx, cases.Note{CaseID: c.ID, Visibility: vis, Body: text, AuthorID: u}); err != nil {
				t.Fatal(err)
			}
		}
		note(w.psy.ID, waiting, cases.VisiblePsychologist, "Sleeps badly since the arrest")
		note(w.psy.ID, active, cases.VisibleTeam, "Ready to talk about finishing")
		note(w.coord.ID, agreed, cases.VisibleTeam, "Coordinator's own note")
		note(w.otherPs.ID, others, cases.VisiblePsychologist, "Another psychologist's note")
		body = home()
		notes := body[strings.Index(body, `id="my-notes"`):]
		notes = notes[:strings.Index(notes, "</section>")]
		ovHas(t, "the psychologist's notes", notes, "Your latest notes",
			`href="/cases/`+itoa(waiting.ID)+`/notes"`, "The psychologist only",
			`href="/cases/`+itoa(active.ID)+`/notes"`, "Coordinators and psychologist")
		ovLacks(t, "the psychologist's notes", notes, agreed.Code, others.Code)
		ovLacks(t, "the psychologist's home", body, "Sleeps badly", "Ready to talk", "Coordinator's own note", "Another psychologist's note")

		// Once the meeting is recorded, the case leaves the list.
		if res, body := w.as(w.psy).postForm("/cases/"+itoa(waiting.ID)+"/closing/final-meeting", url.Values{}); res.StatusCode >= 400 {
			t.Fatalf("record the final meeting: %d\n%s", res.StatusCode, body)
		}
		body = home()
		section = body[strings.Index(body, `id="final-meetings"`):]
		section = section[:strings.Index(section, "</section>")]
		ovLacks(t, "after the final meeting", section, waiting.Code)
		ovHas(t, "after the final meeting", section, agreed.Code)

		// Another psychologist's home lists their own case only.
		res, body := w.as(w.otherPs).do("GET", "/", nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("the other psychologist's home: %d", res.StatusCode)
		}
		ovHas(t, "the other psychologist's home", body, others.Code)
		ovLacks(t, "the other psychologist's home", body, agreed.Code, waiting.Code)

		// A coordinator's home has no such part.
		_, body = w.as(w.coord).do("GET", "/", nil)
		ovLacks(t, "the coordinator's home", body, `id="final-meetings"`, `id="my-notes"`)
	})
}
