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
	"text/template/parse"
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
// process, into one set (pageMaster): the layout, the partials and every
// page, each page's "title" and "content" under the page's own name, with
// a copy of the small layout as the page's root calling them. The language
// and the time zone are bound by cloning that set with the language's
// translation functions and the zone's time formats, once per language and
// zone, on the first request that needs it: an idle server holds the one
// master, and a server used in one language and one zone one copy of it.
// The zones are the few its programs and users chose (at most the few
// hundred of the zone database, as only a valid zone is ever stored).
type views struct {
	assets *assets
	bundle *i18n.Bundle
	mu     sync.RWMutex
	bound  map[string]*template.Template // language + "/" + zone → set
}

func loadViews(a *assets, bundle *i18n.Bundle) (*views, error) {
	if _, err := pageMaster(); err != nil {
		return nil, err
	}
	return &views{assets: a, bundle: bundle, bound: map[string]*template.Template{}}, nil
}

// pageRoot is the name of a page's root template in the set: the layout
// calling the page's title and content.
func pageRoot(page string) string { return "page:" + page }

// pageMaster parses the templates, once per process: the layout and the
// partials, then each page. A page file defines "title" and "content" (as
// the layout's blocks name them) and may define templates of its own, whose
// names must be new to the set. Its title and content are kept as
// "page:NAME/title" and "page:NAME/content", and a copy of the layout
// calling them as "page:NAME": the same templates a set of the layout, the
// partials and that page alone would execute for "layout". The master is
// never executed (an executed html/template cannot be cloned); its functions
// are placeholders that only give the names and types the parser checks.
var pageMaster = sync.OnceValues(func() (*template.Template, error) {
	master, err := template.New("layout.html").Funcs(pageFuncs(nil, nil, time.UTC)).
		ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout and partials: %w", err)
	}
	layout := master.Lookup("layout")
	blocks := map[string]*parse.Tree{}
	for _, name := range []string{"title", "content"} {
		t := master.Lookup(name)
		if layout == nil || t == nil {
			return nil, fmt.Errorf("parse layout: no %q template", name)
		}
		blocks[name] = t.Tree
	}
	pages, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, file := range pages {
		name := strings.TrimSuffix(path.Base(file), ".html")
		if err := addPage(master, layout.Tree, blocks, name, file); err != nil {
			return nil, fmt.Errorf("parse %s: %w", file, err)
		}
	}
	return master, nil
})

// addPage adds the page of the file to the master: its own templates, its
// title and content (the layout's when the page leaves them empty, as a
// template set keeps a block's body then), and its root.
func addPage(master *template.Template, layout *parse.Tree, blocks map[string]*parse.Tree, name, file string) error {
	src, err := fs.ReadFile(templateFS, file)
	if err != nil {
		return err
	}
	page, err := template.New(path.Base(file)).Funcs(pageFuncs(nil, nil, time.UTC)).Parse(string(src))
	if err != nil {
		return err
	}
	rename := map[string]string{}
	for block := range blocks {
		rename[block] = pageRoot(name) + "/" + block
	}
	for _, t := range page.Templates() {
		if t.Tree == nil || t.Name() == path.Base(file) {
			continue // the file's own text, outside its defines
		}
		if _, ok := blocks[t.Name()]; ok {
			continue
		}
		if master.Lookup(t.Name()) != nil {
			return fmt.Errorf("template %q is defined twice", t.Name())
		}
		if _, err := master.AddParseTree(t.Name(), renamed(t.Tree, t.Name(), rename)); err != nil {
			return err
		}
	}
	for block, def := range blocks {
		tree := def
		if t := page.Lookup(block); t != nil && t.Tree != nil && !parse.IsEmptyTree(t.Tree.Root) {
			tree = t.Tree
		}
		if _, err := master.AddParseTree(rename[block], renamed(tree, rename[block], rename)); err != nil {
			return err
		}
	}
	_, err = master.AddParseTree(pageRoot(name), renamed(layout, pageRoot(name), rename))
	return err
}

// renamed is a copy of the tree named name, its calls of the templates in
// calls going to their new names.
func renamed(t *parse.Tree, name string, calls map[string]string) *parse.Tree {
	c := t.Copy()
	c.Name = name
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, m := range n.Nodes {
					walk(m)
				}
			}
		case *parse.TemplateNode:
			if to, ok := calls[n.Name]; ok {
				n.Name = to
			}
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		}
	}
	walk(c.Root)
	return c
}

// page returns the set bound to the language and the zone, and the name of
// the page's root in it.
func (v *views) page(lang string, loc *time.Location, name string) (*template.Template, string, error) {
	master, err := pageMaster()
	if err != nil {
		return nil, "", err
	}
	root := pageRoot(name)
	if master.Lookup(root) == nil {
		return nil, "", fmt.Errorf("no page template %q", name)
	}
	key := lang + "/" + loc.String()
	v.mu.RLock()
	t, ok := v.bound[key]
	v.mu.RUnlock()
	if ok {
		return t, root, nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if t, ok := v.bound[key]; ok {
		return t, root, nil
	}
	t, err = master.Clone()
	if err != nil {
		return nil, "", fmt.Errorf("bind the pages to %s: %w", lang, err)
	}
	t.Funcs(pageFuncs(v.assets, v.bundle.Printer(lang), loc))
	v.bound[key] = t
	return t, root, nil
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
	t, root, err := h.views.page(p.Lang(), zoneOf(r), page)
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
	if err := t.ExecuteTemplate(&buf, root, v); err != nil {
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
