//go:build ignore

// testreport reads `go test -json` on standard input and prints what plain
// `go test` prints — each package's ok/FAIL line and the output of failing
// tests — then the slowest tests and packages, so that a test that became
// slow shows in CI. It exits 1 when a test or package failed.
//
//	go test -json ./... | go run .ci/testreport.go
package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

type timing struct {
	name    string
	elapsed float64
}

func main() {
	out := map[string][]string{} // package + test → its output, kept until it passes or fails
	var tests, packages []timing
	passed, failed, skipped := 0, 0, 0
	bad := false
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 16<<20)
	for in.Scan() {
		var e event
		if err := json.Unmarshal(in.Bytes(), &e); err != nil {
			fmt.Println(in.Text()) // a build error is printed as text
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "build-output":
			fmt.Print(e.Output)
		case "build-fail":
			bad = true
		case "output":
			if e.Test == "" {
				// Package lines: ok/FAIL, coverage, panics outside tests.
				if !strings.HasPrefix(e.Output, "=== ") && !strings.HasPrefix(e.Output, "PASS") {
					fmt.Print(e.Output)
				}
				continue
			}
			out[key] = append(out[key], e.Output)
		case "pass", "skip":
			if e.Test != "" {
				if e.Action == "pass" {
					passed++
				} else {
					skipped++
				}
				tests = append(tests, timing{e.Package + " " + e.Test, e.Elapsed})
			} else if e.Action == "pass" {
				packages = append(packages, timing{e.Package, e.Elapsed})
			}
			delete(out, key)
		case "fail":
			bad = true
			if e.Test != "" {
				failed++
				fmt.Print(strings.Join(out[key], ""))
			}
			delete(out, key)
		}
	}
	byTime := func(a, b timing) int { return cmp.Compare(b.elapsed, a.elapsed) }
	slices.SortFunc(tests, byTime)
	slices.SortFunc(packages, byTime)
	fmt.Println("\nslowest tests:")
	for _, t := range tests[:min(15, len(tests))] {
		fmt.Printf("  %7.1fs  %s\n", t.elapsed, t.name)
	}
	fmt.Println("slowest packages:")
	for _, p := range packages[:min(8, len(packages))] {
		fmt.Printf("  %7.1fs  %s\n", p.elapsed, p.name)
	}
	fmt.Printf("tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if bad {
		os.Exit(1)
	}
}
