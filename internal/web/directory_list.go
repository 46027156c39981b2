package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"homeward/internal/errs"
	"homeward/internal/iso"
	"homeward/internal/partners"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/store"
)

// directoryPage is the directory of services: search and filters by need,
// country, city and language, each service with its organisation and its
// past referral results. Opened from a case (?case=), each service offers
// a referral from that case, and the list opens filtered by the case's
// open needs and the mentee's country until the user chooses the filter
// (?chosen=1, which the filter form and "show all" send).
type directoryPage struct {
	Filter      store.ServiceFilter
	Domains     []string
	Need        string // the need chosen in the list of all needs
	Services    []partners.Service
	CaseID      int64
	CaseNeeds   []directoryNeed // the case's open needs, to tick
	Prefiltered bool            // filtered for the case, not by the user
	CanEdit     bool
	CanImport   bool
	Next, First string
	// Place is the country and the language as typed (by name or code);
	// PlaceErrors name the one not understood, and nothing is listed.
	Place       map[string]string
	PlaceErrors map[string]string
}

// maxFilterNeeds bounds the needs one filter asks for.
const maxFilterNeeds = 50

// directoryNeed is an open need of the case the directory is opened from,
// ticked when the list is filtered by it.
type directoryNeed struct {
	Domain  string
	Checked bool
}

// directoryList shows the directory's services.
func (h *Web) directoryList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.ServiceFilter{Query: strings.TrimSpace(q.Get("q")), Country: q.Get("country"),
		City: strings.TrimSpace(q.Get("city")), Language: q.Get("language")}
	for _, d := range q["need"] {
		if d = strings.TrimSpace(d); d != "" && !slices.Contains(f.Domains, d) && len(f.Domains) < maxFilterNeeds {
			f.Domains = append(f.Domains, d)
		}
	}
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
	page := directoryPage{CanEdit: policy.Can(u, policy.DirectoryEdit, 0), CanImport: policy.Can(u, policy.DirectoryImport, 0),
		Place: place, PlaceErrors: placeErrors}
	if id, err := strconv.ParseInt(q.Get("case"), 10, 64); err == nil && id > 0 {
		needs, country, ok, err := h.directoryCase(r, id)
		if err != nil {
			return err
		}
		if ok {
			page.CaseID = id
			if q.Get("chosen") == "" && (len(needs) > 0 || country != "") {
				f.Domains, f.Country, page.Prefiltered = needs, country, true
				page.Place["country"] = showCountries([]string{country}, h.printer(r).Lang())
			}
			for _, d := range needs {
				page.CaseNeeds = append(page.CaseNeeds, directoryNeed{Domain: d, Checked: slices.Contains(f.Domains, d)})
			}
			for _, d := range f.Domains {
				if !slices.Contains(needs, d) {
					page.Need = d // the list of all needs shows one chosen beyond the case's
					break
				}
			}
		}
	}
	if page.Need == "" && page.CaseNeeds == nil && len(f.Domains) > 0 {
		page.Need = f.Domains[0]
	}
	page.Filter = f
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

// directoryCase reads what the directory filters by when opened from a
// case: its open needs and the mentee's country. A case the user may not
// work on is not known here (ok false): the directory shows without it.
func (h *Web) directoryCase(r *http.Request, id int64) (needs []string, country string, ok bool, err error) {
	ctx := r.Context()
	c, err := h.store.GetCase(ctx, id)
	if errs.Is(err, errs.KindNotFound) {
		return nil, "", false, nil
	}
	if err != nil {
		return nil, "", false, err
	}
	if policy.CheckCase(ctx, policy.CaseWork, policy.RefOf(c)) != nil {
		return nil, "", false, nil
	}
	current, err := h.store.CurrentNeeds(ctx, c.ID)
	if err != nil {
		return nil, "", false, err
	}
	for _, n := range current {
		if n.Open() && !slices.Contains(needs, n.Domain) {
			needs = append(needs, n.Domain)
		}
	}
	if country, err = h.store.MenteeCountry(ctx, c.MenteeID); err != nil {
		return nil, "", false, err
	}
	return needs, country, true, nil
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
