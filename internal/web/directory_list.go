package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"homeward/internal/iso"
	"homeward/internal/partners"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/store"
)

// directoryPage is the directory of services: search and filters by need,
// country, city and language, each service with its organisation and its
// past referral results. Opened from a case (?case=), each service offers
// a referral from that case.
type directoryPage struct {
	Filter      store.ServiceFilter
	Domains     []string
	Services    []partners.Service
	CaseID      int64
	CanEdit     bool
	CanImport   bool
	Next, First string
	// Place is the country and the language as typed (by name or code);
	// PlaceErrors name the one not understood, and nothing is listed.
	Place       map[string]string
	PlaceErrors map[string]string
}

// directoryList shows the directory's services.
func (h *Web) directoryList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.ServiceFilter{Query: strings.TrimSpace(q.Get("q")), Domain: q.Get("need"), Country: q.Get("country"),
		City: strings.TrimSpace(q.Get("city")), Language: q.Get("language")}
	place, placeErrors := map[string]string{"country": f.Country, "language": f.Language}, map[string]string{}
	if f.Country, _ = readCountry(f.Country); f.Country == "" && strings.TrimSpace(place["country"]) != "" {
		placeErrors["country"] = "validation.unknown_country"
	}
	if l, ok := iso.ReadLanguage(f.Language); ok || strings.TrimSpace(f.Language) == "" {
		f.Language = l
	} else {
		placeErrors["language"] = "validation.unknown_language"
	}
	u := policy.Actor(r.Context())
	page := directoryPage{Filter: f, CanEdit: policy.Can(u, policy.DirectoryEdit, 0), CanImport: policy.Can(u, policy.DirectoryImport, 0),
		Place: place, PlaceErrors: placeErrors}
	if id, err := strconv.ParseInt(q.Get("case"), 10, 64); err == nil && id > 0 {
		page.CaseID = id
	}
	var err error
	if page.Domains, err = h.directoryDomains(r, nil); err != nil {
		return err
	}
	if len(placeErrors) > 0 {
		return h.render(w, r, http.StatusOK, "directory", "partners", page)
	}
	cursor := q.Get("cursor")
	list, next, err := h.store.Services(r.Context(), f, store.Page{Limit: store.DefaultLimit, Cursor: cursor})
	if err != nil {
		return err
	}
	page.Services = list
	page.Next, page.First = pageLinks(r, "/directory", cursor, next)
	return h.render(w, r, http.StatusOK, "directory", "partners", page)
}

// directoryDomains are the need domains to choose from: the defaults, the
// user's programs' own, and those already given (a service's).
func (h *Web) directoryDomains(r *http.Request, have []string) ([]string, error) {
	out := slices.Clone(program.DefaultNeedDomains)
	add := func(ds []string) {
		for _, d := range ds {
			if !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	progs, _, err := h.store.ListPrograms(r.Context(), policy.ProgramScope(r.Context(), ""), store.Page{Limit: store.MaxLimit})
	if err != nil {
		return nil, err
	}
	for _, p := range progs {
		add(p.NeedDomains)
	}
	add(have)
	return out, nil
}
