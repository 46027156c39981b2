package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// cachedTableWrite matches a statement that writes what the user cache
// (user_cache.go) keeps: a user, their programs, a session, an API token or
// a program (its time zone).
var cachedTableWrite = regexp.MustCompile(`(?is)\b(UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+(users|user_programs|sessions|api_tokens|programs)\b`)

// notCached are the writes to those tables that change nothing the cache
// keeps: marking a session seen and a token used (checked on each hit),
// numbering a program's cases, a user's data key.
var notCached = []string{
	"SET last_seen_at = $1 WHERE id = $2",
	"SET last_used_at = $1 WHERE id = $2",
	"case_code_next",
	"SET data_key_id",
}

// Every store method that writes what the user cache keeps drops the cache
// when it returns (defer s.usersChanged()); a helper that writes inside its
// caller's transaction (a *sql.Tx parameter) leaves it to its callers, which
// are held to the same rule. A write that slips past this is a user who
// keeps access they lost.
func TestEveryWriteOfACachedUserDropsTheCache(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	type fn struct {
		decl   *ast.FuncDecl
		writes bool     // a statement of its own writes a cached table
		calls  []string // the store functions it calls, by name
		drops  bool     // it defers s.usersChanged()
		inTx   bool     // it has a *sql.Tx parameter
	}
	funcs := map[string]*fn{}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			f := &fn{decl: fd}
			for _, p := range fd.Type.Params.List {
				if sel, ok := p.Type.(*ast.StarExpr); ok {
					if x, ok := sel.X.(*ast.SelectorExpr); ok && x.Sel.Name == "Tx" {
						f.inTx = true
					}
				}
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.BasicLit:
					if n.Kind == token.STRING {
						if v, err := strconv.Unquote(n.Value); err == nil && writesCached(v) {
							f.writes = true
						}
					}
				case *ast.DeferStmt:
					if sel, ok := n.Call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "usersChanged" {
						f.drops = true
					}
				case *ast.CallExpr:
					switch fun := n.Fun.(type) {
					case *ast.SelectorExpr:
						f.calls = append(f.calls, fun.Sel.Name)
					case *ast.Ident:
						f.calls = append(f.calls, fun.Name)
					}
					// A row set of a cached table (bulk.go) is a write of it.
					if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "newRowSet" && len(n.Args) > 0 {
						if lit, ok := n.Args[0].(*ast.BasicLit); ok {
							if v, _ := strconv.Unquote(lit.Value); writesCached("INSERT INTO " + v) {
								f.writes = true
							}
						}
					}
				}
				return true
			})
			funcs[fd.Name.Name] = f
		}
	}
	// needs: writes a cached table itself, or through a function that
	// leaves dropping the cache to its caller.
	memo := map[string]bool{}
	var needs func(name string, seen map[string]bool) bool
	needs = func(name string, seen map[string]bool) bool {
		if v, ok := memo[name]; ok {
			return v
		}
		f, ok := funcs[name]
		if !ok || seen[name] {
			return false
		}
		seen[name] = true
		v := f.writes
		for _, c := range f.calls {
			if g, ok := funcs[c]; ok && !g.drops && needs(c, seen) {
				v = true
			}
		}
		memo[name] = v
		return v
	}
	var missing []string
	for name, f := range funcs {
		if needs(name, map[string]bool{}) && !f.drops && !f.inTx {
			missing = append(missing, fset.Position(f.decl.Pos()).String()+" "+name)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("%s writes a user, their programs, a session, a token or a program but does not defer s.usersChanged()", m)
	}
	if funcs["SetUserStatus"] == nil || !needs("SetUserStatus", map[string]bool{}) || !needs("EndUserSessions", map[string]bool{}) {
		t.Error("the scan no longer finds the writes it is to check")
	}
}

func writesCached(q string) bool {
	if !cachedTableWrite.MatchString(q) {
		return false
	}
	for _, n := range notCached {
		if strings.Contains(q, n) {
			return false
		}
	}
	return true
}
