package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
)

// workForm holds what was typed into one of the forms of a case's work
// pages (contacts, requests, notes, the closing), as typed, so that a form
// with an error comes back exactly as it was sent.
type workForm struct {
	// ID prefixes the ids of the form's fields, for pages with several
	// forms of one kind (a form for each request).
	ID      string
	Options map[string][]string // the choices of a select or radio field
	Values  map[string]string
	Multi   map[string][]string // ticked boxes of a field, in the order sent
	Errors  map[string]string   // field → message key
	Message string              // a form-wide message (e.g. a conflicting edit), as a catalogue key
}

func newWorkForm() *workForm {
	return &workForm{Options: map[string][]string{}, Values: map[string]string{}, Multi: map[string][]string{},
		Errors: map[string]string{}}
}

// workField is the data of the work_* field partials: one labelled input,
// select, group of radio buttons or boxes, or text area.
type workField struct {
	ID, Name, Label, Hint, Value, Err string
	Prefix                            string   // of the choices' message keys; "domain." names need domains
	Choices                           []string // the values to choose from
	Form                              *workForm
}

// Field describes a field of the form for a partial: {{template "work_textarea" ($f.Field "summary" "contact.summary" "")}}.
func (f *workForm) Field(name, label, hint string) workField {
	return workField{ID: f.ID + name, Name: name, Label: label, Hint: hint, Value: f.Values[name], Err: f.Errors[name], Form: f}
}

// Pick describes a field with choices (the form's Options of the field),
// each labelled by the message prefix+value.
func (f *workForm) Pick(name, label, prefix string) workField {
	fl := f.Field(name, label, "")
	fl.Prefix, fl.Choices = prefix, f.Options[name]
	return fl
}

// Among is Pick with the choices of another field's Options (one list of
// ratings for several fields).
func (f *workForm) Among(name, label, prefix, options string) workField {
	fl := f.Field(name, label, "")
	fl.Prefix, fl.Choices = prefix, f.Options[options]
	return fl
}

// Describe is the aria-describedby of a field: its hint and its error.
func (fl workField) Describe() string {
	var ids []string
	if fl.Hint != "" {
		ids = append(ids, "h-"+fl.ID)
	}
	if fl.Err != "" {
		ids = append(ids, "e-"+fl.ID)
	}
	return strings.Join(ids, " ")
}

// Is tells whether the field holds v.
func (fl workField) Is(v string) bool { return fl.Value == v }

// Checked tells whether the box v of the field is ticked.
func (fl workField) Checked(v string) bool { return fl.Form.Checked(fl.Name, v) }

// workOptions turns a list of choices into the strings a form offers.
func workOptions[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// Value returns the typed value of a field.
func (f *workForm) Value(name string) string { return f.Values[name] }

// Err returns the message key of a field's error, or "".
func (f *workForm) Err(name string) string { return f.Errors[name] }

// Checked tells whether the box v of a field is ticked.
func (f *workForm) Checked(name, v string) bool { return slices.Contains(f.Multi[name], v) }

// readWorkForm reads a posted form: the named fields exactly as typed, and
// the ticked boxes of the multi fields.
func readWorkForm(w http.ResponseWriter, r *http.Request, fields []string, multi ...string) (*workForm, error) {
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return nil, err
	}
	f := newWorkForm()
	for _, name := range fields {
		f.Values[name] = r.PostForm.Get(name)
	}
	for _, name := range multi {
		for _, v := range r.PostForm[name] {
			if !slices.Contains(f.Multi[name], v) {
				f.Multi[name] = append(f.Multi[name], v)
			}
		}
	}
	return f, nil
}

// apply puts the messages of a refused save onto the form: field messages
// next to their fields (a message found while parsing stays), a refusal of
// the case's state or a missing version as a form-wide message, and
// conflictKey when someone else saved meanwhile. It tells whether the error
// was one the person can act on.
func (f *workForm) apply(err error, conflictKey string) bool {
	e := errs.As(err)
	switch e.Kind {
	case errs.KindInvalid:
		for k, v := range e.Fields {
			if k == "version" {
				f.Message = v
				continue
			}
			if _, taken := f.Errors[k]; !taken {
				f.Errors[k] = v
			}
		}
		return true
	case errs.KindConflict:
		if key := e.Fields["state"]; key != "" {
			f.Message = key
			return true
		}
		for k, v := range e.Fields {
			if k == "version" {
				continue
			}
			f.Errors[k] = v
		}
		if len(f.Errors) == 0 {
			f.Message = conflictKey
		}
		return true
	}
	return false
}

// conflicted tells whether the form came back because someone else saved
// the record meanwhile.
func (f *workForm) conflicted(conflictKey string) bool { return f.Message == conflictKey }

// workStatus is the status of a page shown again after a refused save.
func workStatus(err error) int {
	if errs.Is(err, errs.KindConflict) {
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

// workRefusal returns the message key of an action the store refused because
// of the case's state (e.g. not closing), and whether err was such a refusal.
func workRefusal(err error) (string, bool) {
	e := errs.As(err)
	if e.Kind != errs.KindConflict && e.Kind != errs.KindInvalid {
		return "", false
	}
	if key := e.Fields["state"]; key != "" {
		return key, true
	}
	for _, k := range e.FieldNames() {
		if strings.Contains(e.Fields[k], ".") {
			return e.Fields[k], true
		}
	}
	return "work.refused", true
}

// workTimeLayouts are the ways a browser sends a datetime-local field.
var workTimeLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"}

// workTimeInput is a time as a datetime-local field shows it, in UTC
// (Homeward keeps no time zone of its users yet).
func workTimeInput(t time.Time) string { return t.UTC().Format(workTimeLayouts[0]) }

// parseWorkTime reads a datetime-local field as UTC.
func parseWorkTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range workTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseWorkInt reads an optional whole number; "" is 0.
func parseWorkInt(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// workDone are the notices the work pages show after an action (?done=…).
var workDone = map[string]string{
	"contact":         "work.done.contact",
	"request":         "work.done.request",
	"request_updated": "work.done.request_updated",
	"note":            "work.done.note",
	"agreement":       "work.done.agreement",
	"final_meeting":   "work.done.final_meeting",
	"feedback":        "work.done.feedback",
	"outcome":         "work.done.outcome",
	"follow_up":       "work.done.follow_up",
}

// workDoneOf is the notice a page shows after an action, or "".
func workDoneOf(r *http.Request) string {
	if r.Method != http.MethodGet {
		return ""
	}
	return workDone[r.URL.Query().Get("done")]
}

// workTab is the address of one of a case's pages.
func workTab(c cases.Case, tab string) string {
	return "/cases/" + strconv.FormatInt(c.ID, 10) + "/" + tab
}

// workDomains returns the need domains of the case's program.
func (h *Web) workDomains(ctx context.Context, c cases.Case) ([]string, error) {
	p, err := h.store.GetProgram(ctx, c.ProgramID)
	if err != nil {
		return nil, err
	}
	return p.NeedDomains, nil
}
