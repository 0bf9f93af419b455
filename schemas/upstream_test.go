package schemas

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// upstreamEnv names the folder with Amazon's schema and samples.
const upstreamEnv = "ALEXA_SMARTHOME_UPSTREAM"

// moduleRoot returns the directory of the go.mod above the working directory.
func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// upstreamDir returns the upstream folder, or skips the test when
// ALEXA_SMARTHOME_UPSTREAM is not set.
func upstreamDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(upstreamEnv)
	if dir == "" {
		t.Skipf("%s is not set: skipping checks against Amazon's published schema and samples "+
			"(set it to a checkout of github.com/alexa-samples/alexa-smarthome, absolute or relative to the module root)", upstreamEnv)
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(moduleRoot(t), dir)
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(UpstreamSchemaPath))); err != nil {
		t.Fatalf("%s=%s: %v", upstreamEnv, os.Getenv(upstreamEnv), err)
	}
	return dir
}

var (
	upstreamOnce   sync.Once
	upstreamSchema *Upstream
	upstreamErr    error
)

// loadUpstream compiles the upstream schema once for all tests.
func loadUpstream(t testing.TB) (*Upstream, string) {
	t.Helper()
	dir := upstreamDir(t)
	upstreamOnce.Do(func() { upstreamSchema, upstreamErr = LoadUpstream(dir) })
	if upstreamErr != nil {
		t.Fatal(upstreamErr)
	}
	return upstreamSchema, dir
}

type sample struct {
	name string // path relative to the upstream folder
	data []byte
}

func upstreamSamples(t testing.TB, dir string) []sample {
	t.Helper()
	var out []sample
	err := filepath.WalkDir(filepath.Join(dir, "sample_messages"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".json" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out = append(out, sample{filepath.ToSlash(rel), data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("no upstream samples")
	}
	return out
}

// exception is one row of the table in UPSTREAM.md.
type exception struct{ Case, Subject string }

// documentedExceptions parses the table between the exceptions markers of
// UPSTREAM.md.
func documentedExceptions(t testing.TB) map[exception]bool {
	t.Helper()
	f, err := os.Open("UPSTREAM.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[exception]bool{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "<!-- exceptions:begin -->":
			in = true
			continue
		case line == "<!-- exceptions:end -->":
			in = false
			continue
		}
		if !in || !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") || strings.HasPrefix(line, "| Case ") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 3 {
			t.Fatalf("UPSTREAM.md: malformed row %q", line)
		}
		e := exception{strings.TrimSpace(cells[0]), strings.Trim(strings.TrimSpace(cells[1]), "`")}
		reason := strings.TrimSpace(cells[2])
		switch e.Case {
		case "not-covered", "rejects-valid", "accepts-invalid", "ours-rejects-sample":
		default:
			t.Fatalf("UPSTREAM.md: unknown case %q", e.Case)
		}
		if e.Subject == "" || reason == "" {
			t.Fatalf("UPSTREAM.md: row %q needs a subject and a reason", line)
		}
		if out[e] {
			t.Fatalf("UPSTREAM.md: duplicate row %q", line)
		}
		out[e] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("UPSTREAM.md: no exceptions table")
	}
	return out
}

func TestUpstreamConformance(t *testing.T) {
	t.Parallel()
	u, dir := loadUpstream(t)
	got := map[exception]bool{}
	for _, fx := range loadFixtures(t, "valid") {
		k, err := KindOf(fx.data)
		if err != nil {
			t.Fatalf("%s: %v", fx.name, err)
		}
		switch {
		case k.Directive:
			got[exception{"not-covered", "directive *"}] = true
		case !u.Covers(k):
			got[exception{"not-covered", k.String()}] = true
		default:
			if err := u.Validate(fx.data); err != nil {
				t.Logf("upstream rejects %s: %v", fx.name, err)
				got[exception{"rejects-valid", fx.name}] = true
			}
		}
	}
	for _, fx := range loadFixtures(t, "invalid") {
		k, err := KindOf(fx.data)
		if err != nil {
			t.Fatalf("%s: %v", fx.name, err)
		}
		if u.Covers(k) {
			if err := u.Validate(fx.data); err == nil {
				got[exception{"accepts-invalid", fx.name}] = true
			}
		}
	}
	for _, s := range upstreamSamples(t, dir) {
		if err := testValidator.Validate(s.data); err != nil {
			t.Logf("ours rejects %s: %v", s.name, err)
			got[exception{"ours-rejects-sample", s.name}] = true
		}
	}
	want := documentedExceptions(t)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("exceptions differ from the table in UPSTREAM.md (-documented +actual):\n%s", diff)
	}
}

func TestUpstreamCovers(t *testing.T) {
	t.Parallel()
	u, _ := loadUpstream(t)
	tests := []struct {
		k    Kind
		want bool
	}{
		{Kind{Namespace: "Alexa", Name: "ChangeReport"}, true},
		{Kind{Namespace: "Alexa", Name: "Response"}, true},
		{Kind{Namespace: "Alexa.Discovery", Name: "Discover.Response"}, true},
		{Kind{Namespace: "Alexa.Discovery", Name: "AddOrUpdateReport"}, true},
		{Kind{Namespace: "Alexa.Authorization", Name: "AcceptGrant.Response"}, true},
		{Kind{Namespace: "Alexa.Discovery", Name: "DeleteReport"}, false},
		{Kind{Namespace: "Alexa.InventoryUsageSensor", Name: "InventoryConsumed"}, false},
		{Kind{Directive: true, Namespace: "Alexa.PowerController", Name: "TurnOn"}, false},
		{Kind{Directive: true, Namespace: "Alexa", Name: "ChangeReport"}, false},
	}
	for _, tt := range tests {
		if got := u.Covers(tt.k); got != tt.want {
			t.Errorf("Covers(%v) = %v, want %v", tt.k, got, tt.want)
		}
	}
	if n := len(u.Kinds()); n != 26 {
		t.Errorf("upstream covers %d kinds, want 26", n)
	}
}

func TestUpstreamValidateErrors(t *testing.T) {
	t.Parallel()
	u, _ := loadUpstream(t)
	if err := u.Validate([]byte(`{"directive":{"header":{"namespace":"Alexa","name":"ReportState"}}}`)); !errors.Is(err, ErrNotCovered) {
		t.Errorf("directive: got %v, want ErrNotCovered", err)
	}
	if err := u.Validate([]byte(`{`)); !errors.Is(err, ErrNotJSON) {
		t.Errorf("bad JSON: got %v, want ErrNotJSON", err)
	}
	if err := u.Validate([]byte(`[]`)); !errors.Is(err, ErrNotMessage) {
		t.Errorf("array: got %v, want ErrNotMessage", err)
	}
	// The summary follows the alternative whose namespace and name matched:
	// powerState's own enum, not the first property in the schema's list.
	msg := strings.Replace(string(mustRead(t, "testdata/valid/Alexa.Response.json")), `"value": "ON"`, `"value": "MAYBE"`, 1)
	err := u.Validate([]byte(msg))
	want := []Violation{{"/context/properties/0/value", "value must be one of 'ON', 'OFF', 'on', 'off'"}}
	if diff := cmp.Diff(want, violationsOf(t, err)); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}
}

func TestLoadUpstreamMissing(t *testing.T) {
	t.Parallel()
	if _, err := LoadUpstream(t.TempDir()); err == nil {
		t.Error("LoadUpstream of an empty folder: no error")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, filepath.FromSlash(UpstreamSchemaPath))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, content := range []string{`{`, `{}`, `{"oneOf":[{"type":"object"}]}`} {
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadUpstream(dir); err == nil {
			t.Errorf("LoadUpstream of %s: no error", content)
		}
	}
}

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
