package api

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"homeward/internal/program"
)

// TestOpenAPIMatchesRoutes fails when a route exists that the document lacks,
// or the document describes an operation no route serves.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Servers []struct{ URL string }                `json:"servers"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatalf("the OpenAPI document is not valid JSON: %v", err)
	}
	if doc.OpenAPI != "3.1.0" || len(doc.Servers) != 1 || doc.Servers[0].URL != Prefix {
		t.Fatalf("document header: openapi %q, servers %v", doc.OpenAPI, doc.Servers)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			switch method {
			case "get", "post", "put", "patch", "delete":
				documented[strings.ToUpper(method)+" "+path] = true
			case "parameters", "summary", "description":
			default:
				t.Errorf("path %s has an unknown key %q", path, method)
			}
		}
	}
	served := map[string]bool{}
	for _, r := range New(Deps{}).Routes() {
		if r.Method == "" {
			continue // the JSON 404 catch-all
		}
		served[r.Method+" "+strings.TrimPrefix(r.Path, Prefix)] = true
	}
	for op := range served {
		if !documented[op] {
			t.Errorf("route %s is not in the OpenAPI document", op)
		}
	}
	for op := range documented {
		if !served[op] {
			t.Errorf("the OpenAPI document describes %s, which no route serves", op)
		}
	}
	if len(served) == 0 {
		t.Fatal("no API routes")
	}
}

// Every $ref in the document points at a component that exists.
func TestOpenAPIReferencesResolve(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	var refs []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "$ref" {
					refs = append(refs, s)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	sort.Strings(refs)
	for _, ref := range refs {
		var node any = doc
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, ok := node.(map[string]any)
			if !ok || m[part] == nil {
				t.Errorf("$ref %s does not resolve", ref)
				break
			}
			node = m[part]
		}
	}
}

// The limits the document states are the ones validation enforces.
func TestOpenAPILimitsMatchValidation(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					MaxLength int `json:"maxLength"`
					MaxItems  int `json:"maxItems"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	in := doc.Components.Schemas["ProgramInput"].Properties
	checks := []struct {
		what      string
		doc, code int
	}{
		{"name maxLength", in["name"].MaxLength, program.MaxName},
		{"description maxLength", in["description"].MaxLength, program.MaxDescription},
		{"languages maxItems", in["languages"].MaxItems, program.MaxListItems},
		{"countries maxItems", in["countries"].MaxItems, program.MaxListItems},
		{"need_domains maxItems", in["need_domains"].MaxItems, program.MaxListItems},
	}
	for _, c := range checks {
		if c.doc != c.code {
			t.Errorf("%s: the document says %d, validation enforces %d", c.what, c.doc, c.code)
		}
	}
	var defaults struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Default []string `json:"default"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	_ = json.Unmarshal(OpenAPIDocument(), &defaults)
	if got := defaults.Components.Schemas["ProgramInput"].Properties["need_domains"].Default; strings.Join(got, ",") != strings.Join(program.DefaultNeedDomains, ",") {
		t.Errorf("need_domains default %v, want %v", got, program.DefaultNeedDomains)
	}
}
