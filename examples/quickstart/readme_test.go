package main

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEQuickStart keeps the README's quick start and this program the
// same, so the quick start is known to compile.
func TestREADMEQuickStart(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "```go\n")
	if !ok {
		t.Fatal("README has no Go code block")
	}
	block, _, _ = strings.Cut(block, "```")
	prog, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	if block != string(prog) {
		t.Errorf("README quick start and examples/quickstart/main.go differ:\n--- README\n%s\n--- main.go\n%s", block, prog)
	}
	if n := strings.Count(block, "\n"); n > 20 {
		t.Errorf("quick start is %d lines, at most 20", n)
	}
}
