package smarthome_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocComments holds the module to its rule: every exported identifier
// of every public package has a doc comment, and that of a function,
// method or type starts with its name (constants and variables may share
// their group's comment). Internal packages, commands, tests and the
// examples module are left out.
func TestDocComments(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch name := d.Name(); {
			case path == ".":
			case name == "testdata", name == "internal", name == "examples", name == "cmd", strings.HasPrefix(name, "."), strings.HasPrefix(name, "_"):
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		if f.Name.Name == "main" {
			return nil
		}
		files++
		for _, decl := range f.Decls {
			for _, p := range undocumented(decl) {
				t.Errorf("%s: %s has no doc comment starting with its name", fset.Position(p.pos), p.name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("checked %d files: the walk missed the packages", files)
	}
}

type missing struct {
	pos  token.Pos
	name string
}

// undocumented returns the exported identifiers decl declares without the
// doc comment the rule asks for.
func undocumented(decl ast.Decl) []missing {
	startsWith := func(doc *ast.CommentGroup, name string) bool {
		if doc == nil {
			return false
		}
		text := doc.Text()
		return strings.HasPrefix(text, name+" ") || strings.HasPrefix(text, name+"\n")
	}
	var out []missing
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if !d.Name.IsExported() || !exportedReceiver(d) {
			return nil
		}
		if !startsWith(d.Doc, d.Name.Name) {
			out = append(out, missing{d.Pos(), "func " + d.Name.Name})
		}
	case *ast.GenDecl:
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				doc := s.Doc
				if doc == nil && len(d.Specs) == 1 {
					doc = d.Doc
				}
				if s.Name.IsExported() && !startsWith(doc, s.Name.Name) {
					out = append(out, missing{s.Pos(), "type " + s.Name.Name})
				}
			case *ast.ValueSpec:
				for _, n := range s.Names {
					if n.IsExported() && s.Doc == nil && s.Comment == nil && d.Doc == nil {
						out = append(out, missing{n.Pos(), n.Name})
					}
				}
			}
		}
	}
	return out
}

// exportedReceiver reports whether d is a function, or a method of an
// exported type (methods of unexported types are not part of the API).
func exportedReceiver(d *ast.FuncDecl) bool {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return true
	}
	t := d.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	id, ok := t.(*ast.Ident)
	return !ok || id.IsExported()
}
