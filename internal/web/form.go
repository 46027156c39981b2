package web

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"homeward/internal/errs"
)

// maxFormBytes bounds a form post; the largest ordinary form (a program's)
// is a few kilobytes.
const maxFormBytes = 64 << 10

// form is what was typed into one form of a page, as typed, so that a
// refused form comes back exactly as it was sent: the value of each field
// (or its ticked boxes), a message beside each field that needs attention,
// and the messages above the form. Every form of the pages is one; a page's
// data holds it, or embeds it beside the form's own choices.
type form struct {
	// ID prefixes the ids of the form's fields, for pages with several
	// forms of one kind (a form for each request).
	ID      string
	Values  map[string]string   // the value of each field
	Multi   map[string][]string // the ticked boxes of a field, in the order sent
	Options map[string][]string // the choices of a select, radio or box field
	// Labels are the labels of choices shown as typed rather than looked up
	// in the catalogue (a program's own outcome kinds), by value.
	Labels   map[string]string
	Errors   map[string]string // field → message key
	Messages []string          // messages above the form, as catalogue keys
	// fields are the form's own fields: the message of a refusal on one
	// of them shows beside it, any other above the form.
	fields []string
}

// newForm is an empty form; values, when given, are what it shows.
func newForm(values map[string]string) *form {
	if values == nil {
		values = map[string]string{}
	}
	return &form{Values: values, Multi: map[string][]string{}, Options: map[string][]string{}, Errors: map[string]string{}}
}

// parseForm reads a posted form of at most limit bytes; a larger one is
// errs.TooLarge, and one that is not a form (a bad escape, in the body or
// the address) is invalid input.
func parseForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
			return errs.TooLarge()
		}
		return &errs.Error{Kind: errs.KindInvalid, Code: "invalid_form", Message: "The form could not be read.", Err: err}
	}
	return nil
}

// readForm reads a posted form of at most maxFormBytes into a form: see read.
func readForm(w http.ResponseWriter, r *http.Request, fields []string, multi ...string) (*form, error) {
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return nil, err
	}
	f := newForm(nil)
	f.read(r, fields, multi...)
	return f, nil
}

// read takes the named fields of a parsed post exactly as typed, and the
// ticked boxes of the multi fields (each once, in the order sent); they
// become fields of the form.
func (f *form) read(r *http.Request, fields []string, multi ...string) {
	for _, name := range fields {
		f.Values[name] = r.PostForm.Get(name)
	}
	for _, name := range multi {
		f.Multi[name] = nil
		for _, v := range r.PostForm[name] {
			if !slices.Contains(f.Multi[name], v) {
				f.Multi[name] = append(f.Multi[name], v)
			}
		}
	}
	f.fields = append(f.fields, fields...)
	f.fields = append(f.fields, multi...)
}

// addFields makes more names fields of the form, to show messages beside:
// a group of fields (a program's match weights), a row of a table.
func (f *form) addFields(names ...string) { f.fields = append(f.fields, names...) }

// Value returns the typed value of a field.
func (f *form) Value(name string) string { return f.Values[name] }

// Err returns the message key of a field's error, or "".
func (f *form) Err(name string) string { return f.Errors[name] }

// Is tells whether a field holds v (a chosen option).
func (f *form) Is(name string, v any) bool { return f.Values[name] == fmt.Sprint(v) }

// Checked tells whether the box v of a field is ticked.
func (f *form) Checked(name string, v any) bool { return slices.Contains(f.Multi[name], fmt.Sprint(v)) }

// Refused tells whether the form comes back with a problem, so that the
// page opens it.
func (f *form) Refused() bool { return len(f.Errors) > 0 || len(f.Messages) > 0 }

// say adds a message above the form, once ("" adds none).
func (f *form) say(key string) {
	if key != "" && !slices.Contains(f.Messages, key) {
		f.Messages = append(f.Messages, key)
	}
}

// refuse puts the messages of a refused save onto the form and tells
// whether err was one the person can act on (bad input or a conflict); any
// other error is not the form's to show. The message of one of the form's
// fields goes beside it (a message found while reading the form stays);
// any other (the case's state, the hidden version) goes above the form. A
// conflict that names no field (someone else saved meanwhile) says
// conflictKey, bad input that names none says that the form has errors.
func (f *form) refuse(err error, conflictKey string) bool {
	e := errs.As(err)
	if e.Kind != errs.KindInvalid && e.Kind != errs.KindConflict {
		return false
	}
	for _, k := range e.FieldNames() {
		switch _, taken := f.Errors[k]; {
		case !slices.Contains(f.fields, k) || k == "version":
			f.say(e.Fields[k])
		case !taken:
			f.Errors[k] = e.Fields[k]
		}
	}
	if len(e.Fields) == 0 && !f.Refused() {
		if e.Kind == errs.KindConflict {
			f.say(conflictKey)
		} else {
			f.say("form.has_errors")
		}
	}
	return true
}

// version reads the version of the record the person saw, which the form
// sends back; a missing or bad one is refused as the store refuses it.
func (f *form) version() (int, error) {
	v, err := strconv.Atoi(f.Value("version"))
	if err != nil || v <= 0 {
		return 0, errs.Invalid(map[string]string{"version": "validation.version_required"})
	}
	return v, nil
}

// invalid is what a save answers for input the form marked already (a
// date that is no date), with err, the record's own rules, when it says
// more: the form comes back with every problem at once.
func (f *form) invalid(err error) error {
	if err != nil {
		return err
	}
	return errs.Invalid(nil)
}

// renameField moves the message of the field from of a refused save to
// the field to, for a form that names a field otherwise than the store (and
// the API) does.
func renameField(err error, from, to string) error {
	e := errs.As(err)
	v, ok := e.Fields[from]
	if !ok {
		return err
	}
	fields := maps.Clone(e.Fields)
	delete(fields, from)
	if _, taken := fields[to]; !taken {
		fields[to] = v
	}
	return &errs.Error{Kind: e.Kind, Code: e.Code, Message: e.Message, Fields: fields, Err: e.Err}
}

// unshown is what the page says of a form refused where it is not shown
// (e.g. the case left the state that offers it): its message, or that
// something needs attention; "" for no form.
func (f *form) unshown() string {
	switch {
	case f == nil:
		return ""
	case len(f.Messages) > 0:
		return f.Messages[0]
	case len(f.Errors) > 0:
		return "work.refused"
	}
	return ""
}

// conflicted tells whether the form came back because someone else saved
// the record meanwhile.
func (f *form) conflicted(conflictKey string) bool { return slices.Contains(f.Messages, conflictKey) }

// saved answers a form's save: on success the browser goes to next; an
// error the person can fix shows the page again (data holds f) with the
// form's messages; any other error is returned.
func (h *Web) saved(w http.ResponseWriter, r *http.Request, err error, f *form, conflict, page, section string, data any, next string) error {
	if err != nil {
		if !f.refuse(err, conflict) {
			return err
		}
		return h.render(w, r, refusedStatus(err), page, section, data)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// refusedStatus is the status of a page shown again with a refused form:
// 409 when the record's state (or someone else) stood in the way, 422 for
// bad input.
func refusedStatus(err error) int {
	if errs.Is(err, errs.KindConflict) {
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

// formField is the data of the work_* field partials: one labelled input,
// select, group of radio buttons or boxes, or text area of a form.
type formField struct {
	ID, Name, Label, Hint, Value, Err string
	Prefix                            string            // of the choices' message keys; "domain." names need domains
	Choices                           []string          // the values to choose from
	Labels                            map[string]string // the choices shown as typed (form.Labels)
	Form                              *form
}

// Field describes a field of the form for a partial: {{template "work_textarea" ($f.Field "summary" "contact.summary" "")}}.
func (f *form) Field(name, label, hint string) formField {
	return formField{ID: f.ID + name, Name: name, Label: label, Hint: hint, Value: f.Values[name], Err: f.Errors[name], Form: f}
}

// Pick describes a field with choices (the form's Options of the field),
// each labelled by the message prefix+value.
func (f *form) Pick(name, label, prefix string) formField {
	return f.Among(name, label, prefix, name)
}

// Among is Pick with the choices of another field's Options (one list of
// ratings for several fields).
func (f *form) Among(name, label, prefix, options string) formField {
	fl := f.Field(name, label, "")
	fl.Prefix, fl.Choices, fl.Labels = prefix, f.Options[options], f.Labels
	return fl
}

// Area builds a text area of the form for the "overview_textarea" partial.
func (f *form) Area(name, label, hint string) field {
	return fieldOf(f, name, label, hint, "textarea")
}

// Describe is the aria-describedby of a field: its hint and its error.
func (fl formField) Describe() string {
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
func (fl formField) Is(v string) bool { return fl.Value == v }

// Checked tells whether the box v of the field is ticked.
func (fl formField) Checked(v string) bool { return fl.Form.Checked(fl.Name, v) }

// optionsOf turns a list of choices into the strings a form offers.
func optionsOf[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// typed is what the field partials read of a page that shows typed values.
type typed interface {
	Value(name string) string
	Err(name string) string
}

// field is the data of the "text" partial: one labelled input.
type field struct {
	Name, Label, Hint, Kind, Value, Err string
}

// fieldOf builds a field for a template: {{template "text" (fieldOf $f "name" "program.name" "" "text")}}.
func fieldOf(f typed, name, label, hint, kind string) field {
	return field{Name: name, Label: label, Hint: hint, Kind: kind, Value: f.Value(name), Err: f.Err(name)}
}

// boxGroup is the data of the "mentor_boxes" partial: a group of boxes.
type boxGroup struct {
	Field, Legend, Prefix, Err string
	Choices                    []boxChoice
}

type boxChoice struct {
	Value   string
	Checked bool
}

// checker is a page's form with groups of boxes.
type checker interface {
	Err(name string) string
	Checked(name string, v any) bool
}

// boxesOf builds a group of boxes of a form for a template.
func boxesOf(f checker, field, legend string, choices []string, prefix string) boxGroup {
	g := boxGroup{Field: field, Legend: legend, Prefix: prefix, Err: f.Err(field)}
	for _, c := range choices {
		g.Choices = append(g.Choices, boxChoice{Value: c, Checked: f.Checked(field, c)})
	}
	return g
}
