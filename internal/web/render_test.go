package web

import (
	"html/template"
	"io/fs"
	"path"
	"runtime"
	"strings"
	"testing"
	"time"

	"homeward/internal/i18n"
)

// Each page's root in the one parsed set executes the same templates as a
// set of the layout, the partials and that page alone would for "layout":
// the same text for every template it may call, the page's title and
// content (or the layout's blocks, where the page leaves them empty) under
// the page's names.
func TestPageRootsMatchAPageAlone(t *testing.T) {
	t.Parallel()
	master, err := pageMaster()
	if err != nil {
		t.Fatal(err)
	}
	pages, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil || len(pages) == 0 {
		t.Fatalf("no pages: %v", err)
	}
	for _, file := range pages {
		name := strings.TrimSuffix(path.Base(file), ".html")
		alone, err := template.New("layout.html").Funcs(pageFuncs(nil, nil, time.UTC)).
			ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
		if err == nil {
			alone, err = alone.ParseFS(templateFS, file)
		}
		if err != nil {
			t.Fatal(err)
		}
		calls := strings.NewReplacer(`{{template "title"`, `{{template "`+pageRoot(name)+`/title"`,
			`{{template "content"`, `{{template "`+pageRoot(name)+`/content"`)
		for _, want := range alone.Templates() {
			if want.Tree == nil || strings.HasSuffix(want.Name(), ".html") {
				continue
			}
			got := master.Lookup(map[string]string{"layout": pageRoot(name), "title": pageRoot(name) + "/title",
				"content": pageRoot(name) + "/content"}[want.Name()])
			if got == nil {
				got = master.Lookup(want.Name())
			}
			if got == nil || got.Tree == nil {
				t.Errorf("%s: no template %q in the set", name, want.Name())
				continue
			}
			if g, w := got.Tree.Root.String(), calls.Replace(want.Tree.Root.String()); g != w {
				t.Errorf("%s: template %q differs:\n got %s\nwant %s", name, want.Name(), g, w)
			}
		}
	}
}

// The parsed templates' memory: the heap the master and the sets of the
// five languages, bound to every page, hold after a collection
// (go test ./internal/web -run '^$' -bench TemplateMemory -benchtime 3x).
func BenchmarkTemplateMemory(b *testing.B) {
	a, err := loadAssets()
	if err != nil {
		b.Fatal(err)
	}
	bundle, err := i18n.Load()
	if err != nil {
		b.Fatal(err)
	}
	pages, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		b.Fatal(err)
	}
	before := heapInUse()
	for b.Loop() {
		v, err := loadViews(a, bundle)
		if err != nil {
			b.Fatal(err)
		}
		for _, l := range bundle.Languages() {
			for _, file := range pages {
				if _, _, err := v.page(l.Code, time.UTC, strings.TrimSuffix(path.Base(file), ".html")); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(heapInUse()-before)/(1<<20), "MB-heap")
		runtime.KeepAlive(v)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
