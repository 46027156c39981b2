package web

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
