package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/i18n"
	"homeward/internal/identity"
	"homeward/internal/iso"
	"homeward/internal/route"
	"homeward/internal/secure"
)

//go:embed templates
var templateFS embed.FS

// views holds the page templates. Every template file is parsed once per
// process (pageMasters): the layout and the partials once, each page in a
// clone of them. The language and the time zone are bound to a page by
// cloning its master with the language's translation functions and the
// zone's time formats, once per language, zone and page, on the first
// request that needs it: an idle server holds no copies, and a server used
// in one language and one zone holds one copy of each page it showed. The
// zones are the few its programs and users chose (at most the few hundred
// of the zone database, as only a valid zone is ever stored).
type views struct {
	assets *assets
	bundle *i18n.Bundle
	mu     sync.RWMutex
	bound  map[string]*template.Template // language + "/" + zone + "/" + page → set
}

func loadViews(a *assets, bundle *i18n.Bundle) (*views, error) {
	if _, err := pageMasters(); err != nil {
		return nil, err
	}
	return &views{assets: a, bundle: bundle, bound: map[string]*template.Template{}}, nil
}

// pageMasters parses the templates, once per process: the layout and the
// partials, then each page in a clone of them. The masters are never
// executed (an executed html/template cannot be cloned); their functions are
// placeholders that only give the names and types the parser checks.
var pageMasters = sync.OnceValues(func() (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(pageFuncs(nil, nil, time.UTC)).
		ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout and partials: %w", err)
	}
	pages, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	masters := make(map[string]*template.Template, len(pages))
	for _, page := range pages {
		t, err := base.Clone()
		if err == nil {
			t, err = t.ParseFS(templateFS, page)
		}
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", page, err)
		}
		masters[strings.TrimSuffix(path.Base(page), ".html")] = t
	}
	return masters, nil
})

// page returns the page's template set bound to the language and the zone.
func (v *views) page(lang string, loc *time.Location, name string) (*template.Template, error) {
	key := lang + "/" + loc.String() + "/" + name
	v.mu.RLock()
	t, ok := v.bound[key]
	v.mu.RUnlock()
	if ok {
		return t, nil
	}
	masters, err := pageMasters()
	if err != nil {
		return nil, err
	}
	master, ok := masters[name]
	if !ok {
		return nil, fmt.Errorf("no page template %q", name)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if t, ok := v.bound[key]; ok {
		return t, nil
	}
	t, err = master.Clone()
	if err != nil {
		return nil, fmt.Errorf("bind %s to %s: %w", name, lang, err)
	}
	t.Funcs(pageFuncs(v.assets, v.bundle.Printer(lang), loc))
	v.bound[key] = t
	return t, nil
}

// pageFuncs are the functions templates call, with p's language and the
// time zone loc bound. With a nil printer and assets they are the parser's
// placeholders.
func pageFuncs(a *assets, p *i18n.Printer, loc *time.Location) template.FuncMap {
	asset := func(string) (string, error) { return "", nil }
	if a != nil {
		asset = a.url
	}
	t := func(key string, args ...any) string { return key }
	n := func(key string, count int, args ...any) string { return key }
	lang, num := "en", strconv.Itoa
	if p != nil {
		t, n, lang, num = p.T, p.N, p.Lang(), p.Number
	}
	return template.FuncMap{
		"asset":          asset,
		"join":           strings.Join,
		"fieldOf":        fieldOf,
		"boxes":          boxesOf,
		"moduleFields":   moduleFields,
		"facilityFields": facilityFields,
		"zoneName":       loc.String, // the IANA name of the user's zone
		// when shows a time to the minute in the user's zone, named by its
		// abbreviation ("2026-01-15 18:00 CET").
		"when": func(t any) string {
			if v, ok := instant(t); ok {
				return v.In(loc).Format(whenLayout)
			}
			return ""
		},
		// day shows the day a time fell on in the user's zone. Days that
		// are days (due dates, dates of birth) are shown as they are, never
		// through day.
		"day": func(t any) string {
			if v, ok := instant(t); ok {
				return v.In(loc).Format(time.DateOnly)
			}
			return ""
		},
		"t":  t,
		"tn": n,
		// language, languages and country show stored ISO codes as names in
		// the page's language; the lists are the names a form offers.
		"language":     func(code string) string { return iso.LanguageName(code, lang) },
		"languages":    func(codes []string) string { return showLanguages(codes, lang) },
		"country":      func(code string) string { return iso.CountryName(code, lang) },
		"countries":    func(codes []string) string { return showCountries(codes, lang) },
		"languageList": func() []iso.Named { return iso.Languages(lang) },
		"countryList":  func() []iso.Named { return iso.Countries(lang) },
		// num writes a number as the page's language does ("1,341").
		"num": num,
		// domain names a need domain: the catalogue's label for a default
		// domain, the key itself for a program's own.
		"domain": func(d string) string {
			if label := t("domain." + d); label != "domain."+d {
				return label
			}
			return d
		},
	}
}

// whenLayout is how a time is shown: to the minute, with its zone's
// abbreviation.
const whenLayout = "2006-01-02 15:04 MST"

// instant is t when it is a time (or a non-nil pointer to one).
func instant(t any) (time.Time, bool) {
	switch v := t.(type) {
	case time.Time:
		return v, true
	case *time.Time:
		if v != nil {
			return *v, true
		}
	}
	return time.Time{}, false
}

// view is what every page template receives.
type view struct {
	Lang      string
	Languages []i18n.Language
	Nonce     string
	Path      string // the current path, for the language switcher to return to
	Section   string // the navigation entry to mark as current
	RequestID string
	Version   string
	User      *auth.User // the signed-in user, nil on public pages
	Unread    int        // the signed-in user's unread notifications (the bell)
	Data      any
}

// printer returns the language printer for the request: the user's choice
// (the lang cookie), then Accept-Language.
func (h *Web) printer(r *http.Request) *i18n.Printer {
	choice := ""
	if c, err := r.Cookie(langCookie); err == nil {
		choice = c.Value
	}
	return h.bundle.Printer(h.bundle.Negotiate(choice, r.Header.Get("Accept-Language")))
}

// handle adapts a page handler to the route table. The error the handler
// returns is answered by fail, with the page that fits it; an error after
// the handler began its answer can only be logged (logFail).
func (h *Web) handle(fn route.Func) http.Handler { return route.Handle(fn, h.fail, h.logFail) }

// render writes a page. It renders into a buffer first, so that a template
// error writes nothing: it is returned, and the 500 page is shown instead
// of half a page.
func (h *Web) render(w http.ResponseWriter, r *http.Request, status int, page, section string, data any) error {
	p := h.printer(r)
	t, err := h.views.page(p.Lang(), zoneOf(r), page)
	if err != nil {
		return err
	}
	v := view{
		Lang:      p.Lang(),
		Languages: h.bundle.Languages(),
		Nonce:     secure.Nonce(r.Context()),
		Path:      returnPath(r),
		Section:   section,
		RequestID: route.InfoFrom(r.Context()).RequestID,
		Version:   h.version,
		Data:      data,
	}
	if c, ok := identity.From(r.Context()); ok {
		v.User = &c.User
		v.Unread = h.unreadCount(r)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", p.Lang())
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// returnPath is where the language switcher brings the person back: the
// same page with its query for a GET, the page's address after a form post.
func returnPath(r *http.Request) string {
	if r.Method == http.MethodGet {
		return r.URL.RequestURI()
	}
	return r.URL.Path
}

// errorPage is the data of the error page.
type errorPage struct {
	Status    int
	TitleKey  string
	BodyKey   string
	RequestID string
}

// showError shows the error page; should that page itself fail, plain text.
func (h *Web) showError(w http.ResponseWriter, r *http.Request, page errorPage) {
	if err := h.render(w, r, page.Status, "error", "", page); err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
	}
}

// notFound answers the addresses of no page.
func (h *Web) notFound(http.ResponseWriter, *http.Request) error { return errs.NotFound("page") }

// serverError logs the cause with the request id and shows the 500 page,
// which names only the request id.
func (h *Web) serverError(w http.ResponseWriter, r *http.Request, err error) {
	id := route.InfoFrom(r.Context()).RequestID
	h.log.Error("page failed", "request_id", id, "err", err)
	h.showError(w, r, errorPage{Status: 500, TitleKey: "error.server.title", BodyKey: "error.server.body", RequestID: id})
}

// fail shows the page that fits a domain error: the one mapping from the
// kinds of errs to error pages. Only server errors are logged as errors; a
// client that went away gets nothing.
func (h *Web) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch status := errs.Status(err); status {
	case http.StatusNotFound:
		h.showError(w, r, errorPage{Status: status, TitleKey: "error.not_found.title", BodyKey: "error.not_found.body"})
	case errs.StatusClientClosed:
		w.WriteHeader(status)
	case http.StatusForbidden:
		if errs.As(err).Code == identity.FreshProofCode {
			h.askFreshProof(w, r)
			return
		}
		body := "error.forbidden.body" // the role does not allow it
		if errs.As(err).Code == crossSite {
			body = "error.cross_site.body"
		}
		h.showError(w, r, errorPage{Status: status, TitleKey: "error.forbidden.title", BodyKey: body})
	case http.StatusRequestEntityTooLarge:
		h.showError(w, r, errorPage{Status: status, TitleKey: "error.too_large.title", BodyKey: "error.too_large.body"})
	case http.StatusServiceUnavailable:
		h.log.Warn("page unavailable", "request_id", route.InfoFrom(r.Context()).RequestID, "err", err)
		w.Header().Set("Retry-After", "5")
		h.showError(w, r, errorPage{Status: status, TitleKey: "error.unavailable.title", BodyKey: "error.unavailable.body"})
	case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusConflict:
		h.showError(w, r, errorPage{Status: status, TitleKey: "error.bad_request.title", BodyKey: "error.bad_request.body"})
	default:
		h.serverError(w, r, err)
	}
}

// logFail logs an error that came after the handler began its answer
// (route.Handle): the answer is under way, so nothing more is written.
func (h *Web) logFail(_ http.ResponseWriter, r *http.Request, err error) {
	if errs.Status(err) == errs.StatusClientClosed {
		return
	}
	h.log.Error("page failed after its answer began", "request_id", route.InfoFrom(r.Context()).RequestID, "err", err)
}

// Fail shows the page that fits a domain error, for the middleware.
func (h *Web) Fail(w http.ResponseWriter, r *http.Request, err error) { h.fail(w, r, err) }

// Forbidden shows the page for a refused request (e.g. a cross-site form post).
func (h *Web) Forbidden(w http.ResponseWriter, r *http.Request) {
	h.fail(w, r, &errs.Error{Kind: errs.KindForbidden, Code: crossSite, Message: "refused"})
}

// crossSite is the code of a request refused as sent from another site.
const crossSite = "cross_site"

// RenderPanic shows the 500 page after a recovered panic.
func (h *Web) RenderPanic(w http.ResponseWriter, r *http.Request, err error) {
	h.serverError(w, r, err)
}
