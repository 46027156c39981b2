package api

import (
	"net/http"
	"strconv"
	"strings"

	"homeward/internal/partners"
	"homeward/internal/policy"
	"homeward/internal/route"
	"homeward/internal/store"
)

// The directory of partner organisations and their services (services.go).
// It holds no mentee's data: every member of staff who refers people reads
// it (policy.DirectoryView); coordinators and the admin edit it
// (policy.DirectoryEdit).

// partnerInput is a partner organisation as a client sends it. Fields left
// out keep their value on a PATCH (and are empty on a POST).
type partnerInput struct {
	HSDSID      *string                   `json:"hsds_id"`
	Name        *string                   `json:"name"`
	Description *string                   `json:"description"`
	Website     *string                   `json:"website"`
	Email       *string                   `json:"email"`
	Phone       *string                   `json:"phone"`
	Contacts    *[]partners.ContactPerson `json:"contacts"`
	Version     *int64                    `json:"version"`
}

// apply sets the fields the input names on o; the HSDS identifier only on
// a new organisation (an edit keeps it: the store decides).
func (in partnerInput) apply(o *partners.Partner) {
	patch(&o.Name, in.Name)
	patch(&o.Description, in.Description)
	patch(&o.Website, in.Website)
	patch(&o.Email, in.Email)
	patch(&o.Phone, in.Phone)
	patch(&o.Contacts, in.Contacts)
}

// partnerDetail is a partner organisation with its services, always listed.
type partnerDetail struct {
	partners.Partner
	Services []partners.Service `json:"services"`
}

func partnerDetailOf(o partners.Partner) partnerDetail {
	d := partnerDetail{Partner: o, Services: o.Services}
	if d.Services == nil {
		d.Services = []partners.Service{}
	}
	return d
}

// partnerList lists organisations by name, without their services: ?q=
// (part of the name), paged.
func (a *API) partnerList(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.DirectoryView, 0); err != nil {
		return err
	}
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	items, next, err := a.store.Partners(r.Context(), store.PartnerFilter{Query: strings.TrimSpace(r.URL.Query().Get("q"))}, page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

// partnerCreate adds an organisation (a new HSDS identifier unless given).
func (a *API) partnerCreate(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.DirectoryEdit, 0); err != nil {
		return err
	}
	var in partnerInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var o partners.Partner
	patch(&o.HSDSID, in.HSDSID)
	in.apply(&o)
	o, err := a.store.CreatePartner(r.Context(), o)
	if err == nil {
		o, err = a.store.GetPartner(r.Context(), o.ID)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/partners/"+strconv.FormatInt(o.ID, 10))
	return writeJSON(w, http.StatusCreated, partnerDetailOf(o))
}

func (a *API) partnerGet(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "partner")
	if err == nil {
		err = policy.CheckRequest(r.Context(), policy.DirectoryView, 0)
	}
	if err != nil {
		return err
	}
	o, err := a.store.GetPartner(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, partnerDetailOf(o))
}

// partnerUpdate changes the fields the body names; the body carries the
// version last read (409 when the organisation changed since).
func (a *API) partnerUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "partner")
	if err == nil {
		err = policy.CheckRequest(r.Context(), policy.DirectoryEdit, 0)
	}
	if err != nil {
		return err
	}
	var in partnerInput
	_, version, err := versionedBody(w, r, &in)
	if err != nil {
		return err
	}
	o, err := a.store.GetPartner(r.Context(), id)
	if err != nil {
		return err
	}
	if err := hsdsReadOnly(in.HSDSID, o.HSDSID); err != nil {
		return err
	}
	in.apply(&o)
	o.Version = version
	if o, err = a.store.UpdatePartner(r.Context(), o); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, partnerDetailOf(o))
}
