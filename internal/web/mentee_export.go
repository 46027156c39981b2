package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"homeward/internal/cases"
	"homeward/internal/identity"
	"homeward/internal/policy"
	"homeward/internal/route"
	"homeward/internal/store"
	"homeward/internal/zone"
)

// menteeExportPage is everything Homeward holds about a person (GDPR art.
// 15), as a page to read and print: the profile, the sealed history, the
// consents, and every case of theirs the coordinator manages with all
// recorded on it, staff notes included.
type menteeExportPage struct {
	Head  store.MenteeExport
	Cases []store.CaseExport
}

// exportCasesOf reads the person the path's {id} names and the cases of
// theirs the user may export (policy.MenteeExport): a coordinator's of
// their programs.
func (h *Web) exportCasesOf(r *http.Request) (int64, []cases.Case, error) {
	id, err := route.PathID(r, "id", "mentee")
	if err != nil {
		return 0, nil, err
	}
	all, err := h.store.MenteeCases(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	u := policy.Actor(r.Context())
	if _, _, err := policy.MenteeThrough(u, policy.MenteeExport, all); err != nil {
		return 0, nil, err
	}
	// Everything about a person at once: a fresh proof first.
	c, _ := identity.From(r.Context())
	if err := h.identity.RequireFreshProof(c); err != nil {
		return 0, nil, err
	}
	var mine []cases.Case
	for _, c := range all {
		if policy.CanCase(u, policy.MenteeExport, policy.RefOf(c)) {
			mine = append(mine, c)
		}
	}
	return id, mine, nil
}

// menteeExportShow shows the person's whole record as a printable page.
func (h *Web) menteeExportShow(w http.ResponseWriter, r *http.Request) error {
	id, list, err := h.exportCasesOf(r)
	if err != nil {
		return err
	}
	page := menteeExportPage{}
	if page.Head, err = h.store.ExportMentee(r.Context(), id); err != nil {
		return err
	}
	for _, c := range list {
		one, err := h.store.ExportCase(r.Context(), c)
		if err != nil {
			return err
		}
		page.Cases = append(page.Cases, one)
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.render(w, r, http.StatusOK, "mentee_export", "cases", page)
}

// menteeExportJSON sends the person's whole record as one JSON file,
// written as it is read, case by case: the head (profile, history,
// consents, portal account, erasure requests), then "cases".
func (h *Web) menteeExportJSON(w http.ResponseWriter, r *http.Request) error {
	id, list, err := h.exportCasesOf(r)
	if err != nil {
		return err
	}
	head, err := h.store.ExportMentee(r.Context(), id)
	if err != nil {
		return err
	}
	name := "homeward-person-" + head.Profile.CaseCode + "-" + zone.Today(h.store.Now(), zoneOf(r)).Format(time.DateOnly) + ".json"
	return streamMenteeExport(w, r, name, head, list, h.store.ExportCase, func(err error) { h.abortExport(r, err) })
}

// streamMenteeExport writes a person's export: the head, its closing brace
// replaced by the list of cases, each read and written in turn. Once the
// answer has begun, a failure calls abort (which cuts the connection).
func streamMenteeExport(w http.ResponseWriter, r *http.Request, name string, head store.MenteeExport, list []cases.Case,
	read func(context.Context, cases.Case) (store.CaseExport, error), abort func(error)) error {
	b, err := json.Marshal(head)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	write := func(b []byte) {
		if _, err := w.Write(b); err != nil {
			abort(err)
		}
	}
	write(b[:len(b)-1])
	write([]byte(`,"cases":[`))
	enc := json.NewEncoder(w)
	for i, c := range list {
		one, err := read(r.Context(), c)
		if err != nil {
			abort(err)
			return nil
		}
		if i > 0 {
			write([]byte(","))
		}
		if err := enc.Encode(one); err != nil {
			abort(err)
		}
	}
	write([]byte("]}\n"))
	return nil
}
