package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// A module's hours on the training page: typed as people type them (2,5 as
// well as 2.5), blank for unknown, shown in the list and the edit form;
// bad hours are refused with the form as typed and nothing saved.
func TestTrainingModuleHoursOnThePage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	w := newMentorWorld(t, a)
	page := fmt.Sprintf("/programs/%d/training", w.p.ID)
	module := func(title, hours string) url.Values {
		return url.Values{"title": {title}, "description": {"Kept as typed"}, "position": {"1"}, "required": {"on"}, "hours": {hours}}
	}

	ovHas(t, "the empty page", w.get(page), "Length in hours", `inputmode="decimal"`, "in quarter hours, such as 2.5")
	for _, c := range []struct{ hours, msg string }{
		{"two", "Enter a number, such as 1 or 0.5."},
		{"2.3", "Enter hours from 0 to 200, in quarters, or leave it empty."},
		{"-1", "Enter hours from 0 to 200, in quarters, or leave it empty."},
		{"200.25", "Enter hours from 0 to 200, in quarters, or leave it empty."},
	} {
		_, body := w.post(page, module("Safety", c.hours), http.StatusUnprocessableEntity)
		ovHas(t, "new module with hours "+c.hours, body, c.msg, fmt.Sprintf(`value="%s"`, c.hours), `value="Safety"`, "Kept as typed", `id="new-hours" name="hours"`)
	}
	if mods, _ := a.store.Modules(t.Context(), w.p.ID); len(mods) != 0 {
		t.Fatalf("refused modules were stored: %+v", mods)
	}

	w.post(page, module("Safety", "2,5"), http.StatusSeeOther)
	w.post(page, module("Reading", " "), http.StatusSeeOther)
	mods, err := a.store.Modules(t.Context(), w.p.ID)
	if err != nil || len(mods) != 2 || mods[0].Hours != 2.5 || mods[1].Hours != 0 {
		t.Fatalf("modules %+v %v", mods, err)
	}
	safety := mods[0]
	body := w.get(page + "?done=saved")
	ovHas(t, "the list", body, "Safety</strong>", "· 2.5 h", fmt.Sprintf(`id="m%d-hours" name="hours" type="text" inputmode="decimal" value="2.5"`, safety.ID),
		fmt.Sprintf(`id="m%d-hours" name="hours" type="text" inputmode="decimal" value=""`, mods[1].ID))
	ovLacks(t, "the list", body, "· 0 h")

	edit := fmt.Sprintf("/training-modules/%d", safety.ID)
	v := module("Safety and confidentiality", "300")
	v.Set("version", fmt.Sprint(safety.Version))
	_, body = w.post(edit, v, http.StatusUnprocessableEntity)
	ovHas(t, "an edit with 300 hours", body, "Enter hours from 0 to 200, in quarters, or leave it empty.", `value="300"`, `value="Safety and confidentiality"`)
	if got, _ := a.store.GetModule(t.Context(), safety.ID); got.Hours != 2.5 || got.Title != "Safety" || got.Version != safety.Version {
		t.Fatalf("the refused edit saved %+v", got)
	}
	v.Set("hours", "7.75")
	w.post(edit, v, http.StatusSeeOther)
	if got, _ := a.store.GetModule(t.Context(), safety.ID); got.Hours != 7.75 {
		t.Errorf("edited to %g hours, want 7.75", got.Hours)
	}
	ovHas(t, "the list after the edit", w.get(page), "· 7.75 h")
}
