package web

import (
	"net/http"

	"homeward/internal/errs"
)

// form is what the field partial needs of any form.
type form interface {
	Value(name string) string
	Err(name string) string
}

// field is the data of the "text" partial: one labelled input.
type field struct {
	Name, Label, Hint, Kind, Value, Err string
}

// fieldOf builds a field for a template: {{template "text" (fieldOf $f "name" "program.name" "" "text")}}.
func fieldOf(f form, name, label, hint, kind string) field {
	return field{Name: name, Label: label, Hint: hint, Kind: kind, Value: f.Value(name), Err: f.Err(name)}
}

// parseForm reads a posted form of at most limit bytes; a larger one is
// errs.TooLarge.
func parseForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		return errs.TooLarge()
	}
	return nil
}

// applySaveError puts the messages of a refused save onto a form: field
// messages next to their fields (a message found while parsing stays), a
// missing or bad version as a form-wide message (its field is hidden), and
// conflictKey when someone else saved meanwhile. It tells whether the error
// was one the person can fix.
func applySaveError(err error, fields map[string]string, message *string, conflictKey string) bool {
	e := errs.As(err)
	switch e.Kind {
	case errs.KindInvalid:
		for k, v := range e.Fields {
			if k == "version" {
				*message = v
				continue
			}
			if _, taken := fields[k]; !taken {
				fields[k] = v
			}
		}
		return true
	case errs.KindConflict:
		for k, v := range e.Fields {
			fields[k] = v
		}
		if len(e.Fields) == 0 {
			*message = conflictKey
		}
		return true
	}
	return false
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

// checker is a form with groups of boxes.
type checker interface {
	form
	Checked(field, value string) bool
}

// boxesOf builds a group of boxes for a template.
func boxesOf(f checker, field, legend string, choices []string, prefix string) boxGroup {
	g := boxGroup{Field: field, Legend: legend, Prefix: prefix, Err: f.Err(field)}
	for _, c := range choices {
		g.Choices = append(g.Choices, boxChoice{Value: c, Checked: f.Checked(field, c)})
	}
	return g
}
