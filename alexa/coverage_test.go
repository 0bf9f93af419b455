package alexa_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// untypedDirectives are the interfaces this package models in part: their
// directives are not typed (see each namespace's doc comment).
var untypedDirectives = map[string]bool{
	"Alexa.ThermostatController.Schedule": true, "Alexa.ThermostatController.Configuration": true,
	"Alexa.Commissionable": true, "Alexa.DataController": true,
	"Alexa.SmartVision.ObjectDetectionSensor": true, "Alexa.SmartVision.SnapshotProvider": true,
}

// TestREADMECoverageTable derives, from the package's source, the table of
// the interfaces it types: each Namespace constant with the Router method
// that routes its directives and the capability builder of its discovery.
// The README's table must be the same; run with UPDATE_README=1 to rewrite
// it.
func TestREADMECoverageTable(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	namespaces := map[string]string{} // constant name -> value
	funcs := map[string]bool{}        // package funcs and Router methods
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Name.IsExported() && (d.Doc == nil || !strings.Contains(d.Doc.Text(), "Deprecated:")) {
					funcs[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					vs, ok := s.(*ast.ValueSpec)
					if !ok || len(vs.Values) != 1 {
						continue
					}
					deprecated := vs.Doc != nil && strings.Contains(vs.Doc.Text(), "Deprecated:") || d.Doc != nil && strings.Contains(d.Doc.Text(), "Deprecated:")
					id, isIdent := vs.Type.(*ast.Ident)
					lit, isLit := vs.Values[0].(*ast.BasicLit)
					if deprecated || !isIdent || id.Name != "Namespace" || !isLit {
						continue
					}
					v, _ := strconv.Unquote(lit.Value)
					namespaces[vs.Names[0].Name] = v
				}
			}
		}
	}
	var rows []string
	for c, v := range namespaces {
		base := strings.TrimPrefix(c, "Namespace")
		var handlers []string
		for _, h := range []string{"Handle" + base, "Handle" + strings.TrimSuffix(base, "Controller")} {
			if funcs[h] && !slices.Contains(handlers, h) {
				handlers = append(handlers, h)
			}
		}
		if v == "Alexa" {
			handlers = append(handlers, "HandleReportState")
		}
		capability := "—"
		if funcs[base+"Capability"] {
			capability = "`" + base + "Capability`"
		}
		handled := "— (no directives)"
		if untypedDirectives[v] {
			// Directives exist, but their names and payloads were not
			// confirmed: they are registered by name.
			handled = "— (directives not typed: `HandleFunc`)"
		}
		if len(handlers) > 0 {
			handled = "`" + strings.Join(handlers, "`, `") + "`"
		}
		rows = append(rows, fmt.Sprintf("| `%s` | %s | %s |", v, handled, capability))
	}
	slices.Sort(rows)
	table := "| Interface | Router registration | Discovery capability |\n|---|---|---|\n" + strings.Join(rows, "\n") + "\n"

	const start, end = "<!-- interfaces:start -->\n", "<!-- interfaces:end -->"
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	i, j := strings.Index(s, start), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q … %q section", start, end)
	}
	if got := s[i+len(start) : j]; got != table {
		if os.Getenv("UPDATE_README") != "" {
			if err := os.WriteFile("../README.md", []byte(s[:i+len(start)]+table+s[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("the README's interface table is not the package's (UPDATE_README=1 go test -run TestREADMECoverageTable ./alexa rewrites it); want:\n%s", table)
	}
}
