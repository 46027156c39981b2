package web

import (
	"net/http"
	"slices"
	"strconv"

	"homeward/internal/partners"
	"homeward/internal/route"
)

// partnerForm is the form of a partner organisation: its fields and
// up to partners.MaxContacts contacts (two empty rows to add more).
type partnerForm struct {
	*form
	ID       int64
	Contacts []int // the contact rows' numbers
}

var partnerFields = []string{"name", "description", "website", "email", "phone", "version"}

var contactFields = []string{"name", "title", "email", "phone"}

func contactField(i int, name string) string { return "contacts." + strconv.Itoa(i) + "." + name }

func newPartnerForm(o partners.Partner) *partnerForm {
	f := &partnerForm{form: newForm(nil), ID: o.ID}
	f.Values["name"], f.Values["description"], f.Values["website"] = o.Name, o.Description, o.Website
	f.Values["email"], f.Values["phone"] = o.Email, o.Phone
	if o.ID != 0 {
		f.Values["version"] = strconv.Itoa(o.Version)
	}
	for i, c := range o.Contacts {
		f.Values[contactField(i, "name")], f.Values[contactField(i, "title")] = c.Name, c.Title
		f.Values[contactField(i, "email")], f.Values[contactField(i, "phone")] = c.Email, c.Phone
	}
	f.rows(len(o.Contacts))
	return f
}

// rows shows n filled contact rows and two empty ones, within the limit.
func (f *partnerForm) rows(n int) {
	f.Contacts = nil
	for i := 0; i < n+2 && i < partners.MaxContacts; i++ {
		f.Contacts = append(f.Contacts, i)
	}
}

// ContactField describes one field of contact row i for the form's partials.
func (f *partnerForm) ContactField(i int, name, label string) formField {
	return f.Field(contactField(i, name), label, "")
}

// readPartnerForm reads a posted organisation form as typed, and the
// organisation it describes.
func (h *Web) readPartnerForm(w http.ResponseWriter, r *http.Request) (*partnerForm, partners.Partner, error) {
	fields := slices.Clone(partnerFields)
	for i := 0; i < partners.MaxContacts; i++ {
		for _, n := range contactFields {
			fields = append(fields, contactField(i, n))
		}
	}
	wf, err := readForm(w, r, fields)
	if err != nil {
		return nil, partners.Partner{}, err
	}
	f := &partnerForm{form: wf}
	o := partners.Partner{Name: wf.Values["name"], Description: wf.Values["description"], Website: wf.Values["website"],
		Email: wf.Values["email"], Phone: wf.Values["phone"]}
	// Filled rows are renumbered without the empty ones between them, so
	// that the store's messages ("contacts.1.email") land on the right row.
	for i := 0; i < partners.MaxContacts; i++ {
		c := partners.ContactPerson{Name: wf.Values[contactField(i, "name")], Title: wf.Values[contactField(i, "title")],
			Email: wf.Values[contactField(i, "email")], Phone: wf.Values[contactField(i, "phone")]}
		for _, n := range contactFields {
			delete(wf.Values, contactField(i, n))
		}
		if c != (partners.ContactPerson{}) {
			o.Contacts = append(o.Contacts, c)
		}
	}
	for i, c := range o.Contacts {
		wf.Values[contactField(i, "name")], wf.Values[contactField(i, "title")] = c.Name, c.Title
		wf.Values[contactField(i, "email")], wf.Values[contactField(i, "phone")] = c.Email, c.Phone
	}
	f.rows(len(o.Contacts))
	if v, err := strconv.Atoi(wf.Values["version"]); err == nil {
		o.Version = v
	}
	return f, o, nil
}

// partnerNew shows the empty form.
func (h *Web) partnerNew(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, http.StatusOK, "partner_form", "partners", newPartnerForm(partners.Partner{}))
}

// partnerCreate stores a new organisation.
func (h *Web) partnerCreate(w http.ResponseWriter, r *http.Request) error {
	f, o, err := h.readPartnerForm(w, r)
	if err != nil {
		return err
	}
	created, err := h.store.CreatePartner(r.Context(), o)
	return h.saved(w, r, err, f.form, "partner.conflict", "partner_form", "partners", f,
		"/partners/"+strconv.FormatInt(created.ID, 10)+"?done=saved")
}

// partnerEdit shows the form of a stored organisation.
func (h *Web) partnerEdit(w http.ResponseWriter, r *http.Request) error {
	o, err := h.partnerFromPath(r)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "partner_form", "partners", newPartnerForm(o))
}

// partnerUpdate saves an edited organisation.
func (h *Web) partnerUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "partner")
	if err != nil {
		return err
	}
	f, o, err := h.readPartnerForm(w, r)
	if err != nil {
		return err
	}
	f.ID, o.ID = id, id
	_, err = h.store.UpdatePartner(r.Context(), o)
	return h.saved(w, r, err, f.form, "partner.conflict", "partner_form", "partners", f,
		"/partners/"+strconv.FormatInt(id, 10)+"?done=saved")
}
