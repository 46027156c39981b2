package api

import (
	"net/http"
	"strconv"
	"strings"

	"homeward/internal/errs"
	"homeward/internal/partners"
	"homeward/internal/policy"
	"homeward/internal/route"
	"homeward/internal/store"
)

// Services are what partners offer, in the directory (see partners.go):
// policy.DirectoryView to read, policy.DirectoryEdit to change.

// serviceInput is a service as a client sends it. Fields left out keep
// their value on a PATCH (and take their defaults on a POST: active).
type serviceInput struct {
	HSDSID             *string                 `json:"hsds_id"`
	PartnerID          *int64                  `json:"partner_id"`
	Name               *string                 `json:"name"`
	Description        *string                 `json:"description"`
	Status             *partners.ServiceStatus `json:"status"`
	Email              *string                 `json:"email"`
	URL                *string                 `json:"url"`
	Eligibility        *string                 `json:"eligibility"`
	ApplicationProcess *string                 `json:"application_process"`
	Fees               *string                 `json:"fees"`
	Schedule           *string                 `json:"schedule"`
	Languages          *[]string               `json:"languages"`
	Areas              *[]partners.Area        `json:"areas"`
	RequiredDocuments  *[]string               `json:"required_documents"`
	NeedDomains        *[]string               `json:"need_domains"`
	Version            *int64                  `json:"version"`
}

// apply sets the fields the input names on v (not the HSDS identifier).
func (in serviceInput) apply(v *partners.Service) {
	patch(&v.PartnerID, in.PartnerID)
	patch(&v.Name, in.Name)
	patch(&v.Description, in.Description)
	patch(&v.Status, in.Status)
	patch(&v.Email, in.Email)
	patch(&v.URL, in.URL)
	patch(&v.Eligibility, in.Eligibility)
	patch(&v.ApplicationProcess, in.ApplicationProcess)
	patch(&v.Fees, in.Fees)
	patch(&v.Schedule, in.Schedule)
	patch(&v.Languages, in.Languages)
	patch(&v.Areas, in.Areas)
	patch(&v.RequiredDocuments, in.RequiredDocuments)
	patch(&v.NeedDomains, in.NeedDomains)
}

// serviceList lists services by name with their results: ?q= (the
// service's or the organisation's name), ?need= (a need domain),
// ?country= and ?city= (where it helps; a service without areas helps
// anywhere), ?language=, ?partner_id=, ?status=any to list services
// that are not active too; paged.
func (a *API) serviceList(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.DirectoryView, 0); err != nil {
		return err
	}
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	bad := map[string]string{}
	f := store.ServiceFilter{
		Query:     strings.TrimSpace(q.Get("q")),
		Domain:    strings.TrimSpace(q.Get("need")),
		Country:   strings.TrimSpace(q.Get("country")),
		City:      strings.TrimSpace(q.Get("city")),
		Language:  strings.TrimSpace(q.Get("language")),
		PartnerID: queryID(r, "partner_id", bad),
	}
	if q.Has("organization_id") {
		// The filter's old name: refused rather than ignored, so that an
		// old client does not take every service for one partner's.
		bad["organization_id"] = "validation.unknown_field"
	}
	switch q.Get("status") {
	case "", string(partners.Active):
	case "any":
		f.AnyStatus = true
	default:
		bad["status"] = "validation.choice"
	}
	if err := invalidIf(bad); err != nil {
		return err
	}
	items, next, err := a.store.Services(r.Context(), f, page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

// serviceCreate adds a service to the organisation the body names.
func (a *API) serviceCreate(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.DirectoryEdit, 0); err != nil {
		return err
	}
	var in serviceInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.PartnerID == nil || *in.PartnerID <= 0 {
		return errs.Invalid(map[string]string{"partner_id": "validation.required"})
	}
	var v partners.Service
	patch(&v.HSDSID, in.HSDSID)
	in.apply(&v)
	v, err := a.store.CreateService(r.Context(), v)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/services/"+strconv.FormatInt(v.ID, 10))
	return writeJSON(w, http.StatusCreated, v)
}

func (a *API) serviceGet(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "service")
	if err == nil {
		err = policy.CheckRequest(r.Context(), policy.DirectoryView, 0)
	}
	if err != nil {
		return err
	}
	v, err := a.store.GetService(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// serviceUpdate changes the fields the body names (partner_id moves
// the service to another organisation); the body carries the version last
// read (409 when the service changed since).
func (a *API) serviceUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "service")
	if err == nil {
		err = policy.CheckRequest(r.Context(), policy.DirectoryEdit, 0)
	}
	if err != nil {
		return err
	}
	var in serviceInput
	_, version, err := versionedBody(w, r, &in)
	if err != nil {
		return err
	}
	v, err := a.store.GetService(r.Context(), id)
	if err != nil {
		return err
	}
	if err := hsdsReadOnly(in.HSDSID, v.HSDSID); err != nil {
		return err
	}
	in.apply(&v)
	v.Version = version
	if v, err = a.store.UpdateService(r.Context(), v); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}
