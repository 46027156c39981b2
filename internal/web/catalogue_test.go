package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"homeward/internal/i18n"
	"homeward/internal/program"
)

// Every message key the templates and the Go code use exists in the English
// catalogue (the i18n tests then make sure every other language has it), so
// no page ever shows a raw key.
func TestEveryUsedKeyIsInTheCatalogue(t *testing.T) {
	t.Parallel()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	en := bundle.Printer("en")
	keys := map[string]string{} // key → where it is used
	tmplKey := regexp.MustCompile(`\b(?:t|tn) "([a-z_]+(?:\.[a-z_]+)+)"|fieldOf \$f "[^"]*" "([a-z_.]+)" "([a-z_.]*)"`)
	err = fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFS.ReadFile(p)
		for _, m := range tmplKey.FindAllStringSubmatch(string(b), -1) {
			for _, k := range m[1:] {
				if k != "" {
					keys[k] = p
				}
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	goKey := regexp.MustCompile(`"((?:validation|form)\.[a-z_]+)"`)
	root := filepath.Join("..")
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = p
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range program.DefaultNeedDomains {
		keys["domain."+d] = "program.DefaultNeedDomains"
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d keys; is the scan broken?", len(keys))
	}
	for k, where := range keys {
		if en.T(k) == k {
			t.Errorf("%s uses %q, which the English catalogue lacks", where, k)
		}
	}
}
