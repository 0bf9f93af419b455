package alexa_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/google/go-cmp/cmp"
)

// upstreamDir returns the folder of Amazon's published schema and samples
// named by ALEXA_SMARTHOME_UPSTREAM, or skips the test.
func upstreamDir(t testing.TB) string { return alexatest.UpstreamDir(t) }

// upstreamSamples returns the paths of Amazon's sample messages.
func upstreamSamples(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(upstreamDir(t), "sample_messages", "*", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no upstream samples: %v", err)
	}
	return files
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// isDirective reports whether the JSON message is a directive.
func isDirective(b []byte) bool {
	var top map[string]json.RawMessage
	_ = json.Unmarshal(b, &top)
	_, ok := top["directive"]
	return ok
}

// jsonDiff compares two JSON documents by meaning: member order and
// whitespace do not matter.
func jsonDiff(t testing.TB, want, got []byte) string {
	t.Helper()
	var w, g any
	dec := json.NewDecoder(bytes.NewReader(want))
	dec.UseNumber()
	if err := dec.Decode(&w); err != nil {
		t.Fatalf("want is not JSON: %v\n%s", err, want)
	}
	dec = json.NewDecoder(bytes.NewReader(got))
	dec.UseNumber()
	if err := dec.Decode(&g); err != nil {
		t.Fatalf("got is not JSON: %v\n%s", err, got)
	}
	return cmp.Diff(w, g, cmp.Comparer(func(a, b json.Number) bool {
		// 85 and 85.0 are the same number on the wire.
		fa, ea := a.Float64()
		fb, eb := b.Float64()
		if ea != nil || eb != nil {
			return a == b
		}
		return fa == fb
	}))
}

// fixedBuilder returns a deterministic Builder: the clock reads t0 and
// message ids count up from 1.
func fixedBuilder() alexa.Builder {
	n := 0
	return alexa.Builder{
		Now: func() time.Time { return t0 },
		NewMessageID: func() string {
			n++
			return "00000000-0000-4000-8000-" + strings.Repeat("0", 12-len(itoa(n))) + itoa(n)
		},
	}
}

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
