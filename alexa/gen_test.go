package alexa_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/go-alexa/smarthome/alexa/internal/capgen"
)

// The generated files are those the table gives: run go generate in
// package alexa after changing it.
func TestGeneratedFilesUpToDate(t *testing.T) {
	t.Parallel()
	files, err := capgen.Generate()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%v (run go generate)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not what the table gives: run go generate ./alexa", name)
		}
	}
}
