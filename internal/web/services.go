package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"homeward/internal/iso"
	"homeward/internal/partners"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// serviceForm is the form of a service of an organisation.
type serviceForm struct {
	*form
	ID          int64
	PartnerID   int64
	PartnerName string
}

var serviceFields = []string{"name", "description", "status", "email", "url", "eligibility", "application_process",
	"fees", "schedule", "languages", "areas", "required_documents", "version"}

// newServiceForm fills the form with a service as stored, its languages by
// their names in lang.
func newServiceForm(v partners.Service, domains []string, lang string) *serviceForm {
	f := &serviceForm{form: newForm(nil), ID: v.ID, PartnerID: v.PartnerID, PartnerName: v.PartnerName}
	f.Values = map[string]string{"name": v.Name, "description": v.Description, "status": string(v.Status), "email": v.Email,
		"url": v.URL, "eligibility": v.Eligibility, "application_process": v.ApplicationProcess, "fees": v.Fees,
		"schedule": v.Schedule, "languages": showLanguages(v.Languages, lang), "areas": partners.FormatAreas(v.Areas),
		"required_documents": strings.Join(v.RequiredDocuments, "\n")}
	if f.Values["status"] == "" {
		f.Values["status"] = string(partners.Active)
	}
	if v.ID != 0 {
		f.Values["version"] = strconv.Itoa(v.Version)
	}
	f.Multi["need_domains"] = slices.Clone(v.NeedDomains)
	f.options(domains)
	return f
}

func (f *serviceForm) options(domains []string) {
	f.Options["status"] = optionsOf(partners.ServiceStatuses)
	f.Options["need_domains"] = domains
}

// Action is where the form is sent.
func (f *serviceForm) Action() string {
	if f.ID != 0 {
		return "/services/" + strconv.FormatInt(f.ID, 10)
	}
	return "/partners/" + strconv.FormatInt(f.PartnerID, 10) + "/services"
}

// readServiceForm reads a posted service form as typed and the service it describes.
func (h *Web) readServiceForm(w http.ResponseWriter, r *http.Request, v partners.Service) (*serviceForm, partners.Service, error) {
	wf, err := readForm(w, r, serviceFields, "need_domains")
	if err != nil {
		return nil, v, err
	}
	f := &serviceForm{form: wf, ID: v.ID, PartnerID: v.PartnerID, PartnerName: v.PartnerName}
	domains, err := h.directoryDomains(r, wf.Multi["need_domains"])
	if err != nil {
		return nil, v, err
	}
	f.options(domains)
	v.Name, v.Description, v.Status = wf.Values["name"], wf.Values["description"], partners.ServiceStatus(wf.Values["status"])
	v.Email, v.URL, v.Eligibility = wf.Values["email"], wf.Values["url"], wf.Values["eligibility"]
	v.ApplicationProcess, v.Fees, v.Schedule = wf.Values["application_process"], wf.Values["fees"], wf.Values["schedule"]
	// By name or code; a code of another part of ISO 639 (an imported
	// service's) stays as it is, for the directory's rules to check.
	v.Languages, _ = readCodes(wf.Values["languages"], func(s string) (string, bool) {
		if c, ok := iso.ReadLanguage(s); ok {
			return c, true
		}
		return strings.ToLower(s), !strings.Contains(s, " ") // words apart: "cs uk"
	})
	v.Areas = partners.ParseAreas(wf.Values["areas"])
	v.RequiredDocuments = strings.Split(wf.Values["required_documents"], "\n")
	v.NeedDomains = wf.Multi["need_domains"]
	if n, err := strconv.Atoi(wf.Values["version"]); err == nil {
		v.Version = n
	}
	return f, v, nil
}

// serviceNew shows the empty form of a new service of the organisation.
func (h *Web) serviceNew(w http.ResponseWriter, r *http.Request) error {
	o, err := h.partnerFromPath(r)
	if err != nil {
		return err
	}
	domains, err := h.directoryDomains(r, nil)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "service_form", "partners", newServiceForm(partners.Service{PartnerID: o.ID, PartnerName: o.Name}, domains, h.printer(r).Lang()))
}

// serviceCreate stores a new service.
func (h *Web) serviceCreate(w http.ResponseWriter, r *http.Request) error {
	o, err := h.partnerFromPath(r)
	if err != nil {
		return err
	}
	f, v, err := h.readServiceForm(w, r, partners.Service{PartnerID: o.ID, PartnerName: o.Name})
	if err != nil {
		return err
	}
	created, err := h.store.CreateService(r.Context(), v)
	return h.saved(w, r, err, f.form, "service.conflict", "service_form", "partners", f,
		"/services/"+strconv.FormatInt(created.ID, 10)+"?done=saved")
}

// serviceEdit shows the form of a stored service.
func (h *Web) serviceEdit(w http.ResponseWriter, r *http.Request) error {
	v, err := h.serviceFromPath(r)
	if err != nil {
		return err
	}
	domains, err := h.directoryDomains(r, v.NeedDomains)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "service_form", "partners", newServiceForm(v, domains, h.printer(r).Lang()))
}

// serviceUpdate saves an edited service.
func (h *Web) serviceUpdate(w http.ResponseWriter, r *http.Request) error {
	cur, err := h.serviceFromPath(r)
	if err != nil {
		return err
	}
	f, v, err := h.readServiceForm(w, r, partners.Service{ID: cur.ID, PartnerID: cur.PartnerID, PartnerName: cur.PartnerName})
	if err != nil {
		return err
	}
	_, err = h.store.UpdateService(r.Context(), v)
	return h.saved(w, r, err, f.form, "service.conflict", "service_form", "partners", f,
		"/services/"+strconv.FormatInt(cur.ID, 10)+"?done=saved")
}

// servicePage is one service with everything the directory knows of it.
type servicePage struct {
	Service partners.Service
	CanEdit bool
	Done    string
}

// serviceShow shows a service.
func (h *Web) serviceShow(w http.ResponseWriter, r *http.Request) error {
	v, err := h.serviceFromPath(r)
	if err != nil {
		return err
	}
	page := servicePage{Service: v, CanEdit: policy.Can(policy.Actor(r.Context()), policy.DirectoryEdit, 0)}
	if r.URL.Query().Get("done") == "saved" {
		page.Done = "service.saved"
	}
	return h.render(w, r, http.StatusOK, "service", "partners", page)
}

// partnerFromPath reads the partner of the path's {id}.
func (h *Web) partnerFromPath(r *http.Request) (partners.Partner, error) {
	id, err := route.PathID(r, "id", "partner")
	if err != nil {
		return partners.Partner{}, err
	}
	return h.store.GetPartner(r.Context(), id)
}

// serviceFromPath reads the service of the path's {id}.
func (h *Web) serviceFromPath(r *http.Request) (partners.Service, error) {
	id, err := route.PathID(r, "id", "service")
	if err != nil {
		return partners.Service{}, err
	}
	return h.store.GetService(r.Context(), id)
}
