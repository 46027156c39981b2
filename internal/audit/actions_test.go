package audit_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/mentors"
	"homeward/internal/store"
)

// wildcards are the action codes built from a value the source does not
// spell out (a form's choice, a row read back), each with every value it
// can take. A new such code fails the test until it is named here.
var wildcards = map[string][]string{
	"user.*":         {auth.StatusActive, auth.StatusDisabled},
	"link.create_*":  {store.LinkSetup, store.LinkInvite, store.LinkReset},
	"link.use_*":     {store.LinkSetup, store.LinkInvite, store.LinkReset},
	"mentor.stage_*": stageNames(),
	// How a second factor was proved (identity: checkCode's answers, passkeys)
	// at sign-in, and again on the "confirm it is you" page (also the
	// password alone, for a person without a second factor).
	"login.second_factor_*": {"totp", "recovery_code", "passkey"},
	"session.proved_*":      {"password", "totp", "recovery_code", "passkey"},
	"mentee.portal_*":       {auth.StatusActive, auth.StatusDisabled},
}

func stageNames() []string {
	var out []string
	for _, s := range mentors.Stages {
		out = append(out, string(s))
	}
	return out
}

// source is the parsed Go code of the application (tests left out).
type source struct {
	fset   *token.FileSet
	files  []*ast.File
	funcs  map[string][]*ast.FuncDecl // by name, across packages
	consts map[string]string          // "package.Name" → its string value
	pkgOf  map[*ast.FuncDecl]string
}

func parseSource(t *testing.T) *source {
	t.Helper()
	s := &source{fset: token.NewFileSet(), funcs: map[string][]*ast.FuncDecl{}, consts: map[string]string{}, pkgOf: map[*ast.FuncDecl]string{}}
	for _, root := range []string{filepath.Join("..", "..", "internal"), filepath.Join("..", "..", "cmd")} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(s.fset, p, nil, 0)
			if err != nil {
				return err
			}
			s.files = append(s.files, f)
			pkg := f.Name.Name
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					s.funcs[d.Name.Name] = append(s.funcs[d.Name.Name], d)
					s.pkgOf[d] = pkg
				case *ast.GenDecl:
					if d.Tok != token.CONST {
						continue
					}
					for _, sp := range d.Specs {
						vs := sp.(*ast.ValueSpec)
						for i, n := range vs.Names {
							if i < len(vs.Values) {
								if l, ok := vs.Values[i].(*ast.BasicLit); ok && l.Kind == token.STRING {
									v, _ := strconv.Unquote(l.Value)
									s.consts[pkg+"."+n.Name] = v
								}
							}
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// resolve returns the strings e can hold, "*" standing for a part that the
// source does not spell out.
func (s *source) resolve(e ast.Expr, fn *ast.FuncDecl, depth int) []string {
	if depth > 6 {
		return []string{"*"}
	}
	pkg := s.pkgOf[fn]
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			v, _ := strconv.Unquote(e.Value)
			return []string{v}
		}
	case *ast.ParenExpr:
		return s.resolve(e.X, fn, depth)
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			var out []string
			for _, a := range s.resolve(e.X, fn, depth) {
				for _, b := range s.resolve(e.Y, fn, depth) {
					out = append(out, a+b)
				}
			}
			return out
		}
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			if v, ok := s.consts[x.Name+"."+e.Sel.Name]; ok {
				return []string{v}
			}
		}
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok {
			if id.Name == "string" && len(e.Args) == 1 {
				return s.resolve(e.Args[0], fn, depth)
			}
			// A function of the same package: what it returns.
			var out []string
			for _, f := range s.funcs[id.Name] {
				if s.pkgOf[f] != pkg || f.Body == nil {
					continue
				}
				ast.Inspect(f.Body, func(n ast.Node) bool {
					if r, ok := n.(*ast.ReturnStmt); ok && len(r.Results) == 1 {
						out = append(out, s.resolve(r.Results[0], f, depth+1)...)
					}
					return true
				})
			}
			if len(out) > 0 {
				return out
			}
		}
	case *ast.Ident:
		if v, ok := s.consts[pkg+"."+e.Name]; ok {
			return []string{v}
		}
		if fn == nil {
			break
		}
		var out []string
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if a, ok := n.(*ast.AssignStmt); ok && len(a.Lhs) == len(a.Rhs) {
				for i, l := range a.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name == e.Name {
						out = append(out, s.resolve(a.Rhs[i], fn, depth+1)...)
					}
				}
			}
			return true
		})
		if i := paramIndex(fn, e.Name); i >= 0 {
			out = append(out, s.fromCallers(fn.Name.Name, i, depth+1)...)
		}
		if len(out) > 0 {
			return out
		}
	}
	return []string{"*"}
}

// paramIndex is the position of fn's parameter named name, or -1.
func paramIndex(fn *ast.FuncDecl, name string) int {
	i := 0
	for _, f := range fn.Type.Params.List {
		for _, n := range f.Names {
			if n.Name == name {
				return i
			}
			i++
		}
	}
	return -1
}

// fromCallers resolves argument i of every call to a function named name.
func (s *source) fromCallers(name string, i, depth int) []string {
	var out []string
	s.calls(func(c *ast.CallExpr, in *ast.FuncDecl) {
		if callName(c) == name && i < len(c.Args) {
			out = append(out, s.resolve(c.Args[i], in, depth)...)
		}
	})
	return out
}

func callName(c *ast.CallExpr) string {
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// calls visits every call in a function body, with the function.
func (s *source) calls(visit func(*ast.CallExpr, *ast.FuncDecl)) {
	for _, f := range s.files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					visit(c, fn)
				}
				return true
			})
		}
	}
}

// Every action code and record kind the code base writes is in audit.Actions
// and audit.Kinds, and every listed one is written somewhere: reading each
// call of the store's appendAudit, appendAudits and Audit back to the
// strings it passes.
func TestEveryWrittenActionIsListed(t *testing.T) {
	t.Parallel()
	s := parseSource(t)
	written, kinds := map[string]bool{}, map[string]bool{}
	sites := 0
	s.calls(func(c *ast.CallExpr, in *ast.FuncDecl) {
		at := -1
		switch callName(c) {
		case "appendAudit", "appendAudits":
			at = 2
		case "Audit":
			at = 1
		}
		if at < 0 || len(c.Args) != at+4 {
			return
		}
		if id, ok := c.Args[at].(*ast.Ident); ok && paramIndex(in, id.Name) >= 0 && (in.Name.Name == "Audit" || in.Name.Name == "appendAudit" || in.Name.Name == "appendAudits") {
			return // Audit handing its own arguments on
		}
		sites++
		where := s.fset.Position(c.Pos()).String()
		codes := s.resolve(c.Args[at], in, 0)
		slices.Sort(codes)
		for _, code := range slices.Compact(codes) {
			if !strings.Contains(code, "*") {
				written[code] = true
				if !audit.KnownAction(code) {
					t.Errorf("%s writes the action %q, which audit.Actions does not list (and so has no words)", where, code)
				}
				continue
			}
			values, ok := wildcards[code]
			if !ok {
				t.Errorf("%s writes an action built at run time, %q: name every value it takes in wildcards", where, code)
				continue
			}
			for _, v := range values {
				full := strings.Replace(code, "*", v, 1)
				written[full] = true
				if !audit.KnownAction(full) {
					t.Errorf("%s can write the action %q, which audit.Actions does not list", where, full)
				}
			}
		}
		types := s.resolve(c.Args[at+1], in, 0)
		slices.Sort(types)
		for _, kind := range slices.Compact(types) {
			kinds[kind] = true
			if !audit.KnownKind(kind) {
				t.Errorf("%s names a record of kind %q, which audit.Kinds does not list", where, kind)
			}
		}
	})
	if sites < 80 {
		t.Fatalf("found only %d places that write an audit entry: the scan is broken", sites)
	}
	for _, a := range audit.Actions {
		if !written[a] {
			t.Errorf("audit.Actions lists %q, which nothing writes", a)
		}
	}
	for _, k := range audit.Kinds {
		if !kinds[k] && k != "organization" {
			t.Errorf("audit.Kinds lists %q, which nothing writes", k)
		}
	}
}

// Every action and record kind has words in each of the five languages.
func TestEveryActionHasWords(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "i18n", "catalogues")
	for _, lang := range []string{"en", "cs", "ru", "uk", "be"} {
		b, err := os.ReadFile(filepath.Join(dir, lang+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var cat map[string]json.RawMessage
		if err := json.Unmarshal(b, &cat); err != nil {
			t.Fatal(err)
		}
		for _, a := range audit.Actions {
			if !hasWords(cat, "audit.action."+a) {
				t.Errorf("%s: the action %q has no words (audit.action.%s)", lang, a, a)
			}
		}
		for _, k := range audit.Kinds {
			if !hasWords(cat, "audit.kind."+k) {
				t.Errorf("%s: the record kind %q has no words (audit.kind.%s)", lang, k, k)
			}
		}
	}
	if !slices.IsSorted(audit.Kinds) {
		t.Error("audit.Kinds is not in order")
	}
}

func hasWords(cat map[string]json.RawMessage, key string) bool {
	var s string
	return json.Unmarshal(cat[key], &s) == nil && strings.TrimSpace(s) != ""
}
