package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"homeward/internal/errs"
	"homeward/internal/i18n"
	"homeward/internal/route"
	"homeward/internal/secure"
)

//go:embed templates
var templateFS embed.FS

// views holds one template set per page: the layout, the partials and the page.
type views struct {
	pages map[string]*template.Template
}

// placeholderFuncs declare at parse time the functions bound per request in render.
var placeholderFuncs = template.FuncMap{
	"t":  func(key string, args ...any) string { return key },
	"tn": func(key string, n int, args ...any) string { return key },
	// domain names a need domain: the catalogue's label for a default
	// domain, the key itself for a program's own.
	"domain": func(key string) string { return key },
}

func loadViews(a *assets) (*views, error) {
	funcs := template.FuncMap{
		"asset":   a.url,
		"join":    strings.Join,
		"fieldOf": fieldOf,
	}
	for k, f := range placeholderFuncs {
		funcs[k] = f
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	pages, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, p := range pages {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, p)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", p, err)
		}
		v.pages[strings.TrimSuffix(path.Base(p), ".html")] = t
	}
	return v, nil
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

// render writes a page. It renders into a buffer first, so that a template
// error becomes a clean 500 page instead of half a page.
func (h *Web) render(w http.ResponseWriter, r *http.Request, status int, page, section string, data any) {
	t, ok := h.views.pages[page]
	if !ok {
		h.serverError(w, r, fmt.Errorf("no page template %q", page))
		return
	}
	p := h.printer(r)
	t, err := t.Clone()
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	t.Funcs(template.FuncMap{"t": p.T, "tn": p.N, "domain": func(d string) string {
		if label := p.T("domain." + d); label != "domain."+d {
			return label
		}
		return d
	}})
	v := view{
		Lang:      p.Lang(),
		Languages: h.bundle.Languages(),
		Nonce:     secure.Nonce(r.Context()),
		Path:      r.URL.Path,
		Section:   section,
		RequestID: route.InfoFrom(r.Context()).RequestID,
		Version:   h.version,
		Data:      data,
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		if page == "error" {
			// The error page itself failed: fall back to plain text.
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		h.serverError(w, r, fmt.Errorf("render %s: %w", page, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", p.Lang())
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorPage is the data of the error page.
type errorPage struct {
	Status    int
	TitleKey  string
	BodyKey   string
	RequestID string
}

func (h *Web) notFound(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusNotFound, "error", "", errorPage{Status: 404, TitleKey: "error.not_found.title", BodyKey: "error.not_found.body"})
}

// serverError logs the cause with the request id and shows the 500 page,
// which names only the request id.
func (h *Web) serverError(w http.ResponseWriter, r *http.Request, err error) {
	id := route.InfoFrom(r.Context()).RequestID
	h.log.Error("page failed", "request_id", id, "err", err)
	h.render(w, r, http.StatusInternalServerError, "error", "", errorPage{Status: 500, TitleKey: "error.server.title", BodyKey: "error.server.body", RequestID: id})
}

// fail shows the page that fits a domain error: not found, or the 500 page.
func (h *Web) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch errs.Status(err) {
	case http.StatusNotFound:
		h.notFound(w, r)
	default:
		h.serverError(w, r, err)
	}
}

// RenderPanic shows the 500 page after a recovered panic.
func (h *Web) RenderPanic(w http.ResponseWriter, r *http.Request, err error) {
	h.serverError(w, r, err)
}
