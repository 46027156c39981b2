package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"homeward/internal/cases"
)

// closeForm is the closing fold of an overview: its opening tag and its
// content ("" when the page has none).
func closeForm(body string) (tag, inner string) {
	m := regexp.MustCompile(`(?s)(<details class="overview-more" id="close-case"[^>]*>)(.*?)</details>`).FindStringSubmatch(body)
	if m == nil {
		return "", ""
	}
	return m[1], m[2]
}

// The closing steps show only when closing: folded under "Close this
// case…" on the overview, open when the closing tab leads there, and open
// with everything typed when a close is refused; the move form keeps none
// of it.
func TestCloseFormFoldedUntilClosing(t *testing.T) {
	t.Parallel()
	overviewEngines(t, func(t *testing.T, a *app) {
		w := newOverviewWorld(t, a, false, 2)
		c := a.makeCase(caseSetup{Program: w.prog, By: w.coord, MentorID: w.mentor.ID, Psychologist: w.psy.ID, State: cases.Active})

		tag, inner := closeForm(w.page(t, w.coord, c, http.StatusOK))
		if tag != `<details class="overview-more" id="close-case">` {
			t.Fatalf("the closing form is %q, want folded", tag)
		}
		ovHas(t, "the folded closing form", inner, "Close this case…", `name="closure_reason"`, `name="outcomes"`, "Close the case")

		// From the closing tab, the link opens it.
		w.as(w.coord)
		res, body := a.do("GET", "/cases/"+itoa(c.ID)+"?close=1", nil)
		if tag, _ := closeForm(body); res.StatusCode != http.StatusOK || tag != `<details class="overview-more" id="close-case" open>` {
			t.Errorf("?close=1 shows the closing form as %q (%d), want open", tag, res.StatusCode)
		}

		// Refused: withdrawn needs a reason, and "other" a note. The form
		// comes back open with what was typed; the move form is empty.
		_, body = w.post(t, w.coord, c, "/transitions", url.Values{"to": {"closed"}, "closure_reason": {"withdrawn"},
			"outcomes": {"job_found", "other"}, "reason": {"Moved to Vilnius with family"}}, http.StatusUnprocessableEntity)
		tag, inner = closeForm(body)
		if tag != `<details class="overview-more" id="close-case" open>` {
			t.Errorf("after a refused close the closing form is %q, want open", tag)
		}
		ovHas(t, "the refused closing form", inner, "Some fields need attention.", `<option value="withdrawn" selected>`,
			`value="job_found" checked`, `value="other" checked`, ">Moved to Vilnius with family</textarea>", "This field is required.")
		move := regexp.MustCompile(`(?s)<details class="overview-more" id="move-case"[^>]*>.*?</details>`).FindString(body)
		if move == "" {
			t.Fatal("the move form is missing")
		}
		ovLacks(t, "the move form after a refused close", move, "Moved to Vilnius", " open>", " selected>")
		if got := a.getCase(c.ID); got.State != cases.Active {
			t.Fatalf("a refused close moved the case to %s", got.State)
		}

		// A refused move to another state opens the move form, not the
		// closing one.
		_, body = w.post(t, w.coord, c, "/transitions", url.Values{"reason": {"kept"}}, http.StatusUnprocessableEntity)
		if tag, _ := closeForm(body); tag != `<details class="overview-more" id="close-case">` {
			t.Errorf("after a refused move the closing form is %q, want folded", tag)
		}
		ovHas(t, "the refused move", body, `<details class="overview-more" id="move-case" open>`, ">kept</textarea>")

		// A closed case has no closing form.
		c = a.makeCase(caseSetup{Program: w.prog, By: w.coord, MentorID: w.other.ID, Psychologist: w.psy.ID, State: cases.Closed})
		if tag, _ := closeForm(w.page(t, w.coord, c, http.StatusOK)); tag != "" {
			t.Errorf("a closed case offers to close it: %q", tag)
		}
	})
}
