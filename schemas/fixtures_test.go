package schemas

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fixture is one message file of testdata/valid, or one case of
// testdata/invalid.
type fixture struct {
	name string // path relative to testdata, e.g. valid/Alexa.Response.json
	data []byte // the message
	// For invalid fixtures:
	description string
	violations  []string // expected violation paths, sorted
}

// invalidCase is the format of testdata/invalid/*.json: a message with the
// paths of the violations it must produce.
type invalidCase struct {
	Description string          `json:"description"`
	Violations  []string        `json:"violations"`
	Message     json.RawMessage `json:"message"`
}

func loadFixtures(t testing.TB, dir string) []fixture {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no fixtures in testdata/%s", dir)
	}
	var out []fixture
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fx := fixture{name: dir + "/" + filepath.Base(f), data: data}
		if dir == "invalid" {
			var c invalidCase
			if err := json.Unmarshal(data, &c); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if c.Description == "" || len(c.Violations) == 0 || len(c.Message) == 0 {
				t.Fatalf("%s: description, violations and message are required", f)
			}
			fx.data, fx.description, fx.violations = c.Message, c.Description, c.Violations
			slices.Sort(fx.violations)
		}
		out = append(out, fx)
	}
	return out
}

// violationsOf returns the violations of err, which must be nil or an *Error.
func violationsOf(t testing.TB, err error) []Violation {
	t.Helper()
	if err == nil {
		return nil
	}
	var verr *Error
	if !errors.As(err, &verr) {
		t.Fatalf("error is not an *Error: %v", err)
	}
	return verr.Violations
}

func paths(vs []Violation) []string {
	var out []string
	for _, v := range vs {
		if len(out) == 0 || out[len(out)-1] != v.Path {
			out = append(out, v.Path)
		}
	}
	return out
}

// testValidator is shared by the tests: it is safe for concurrent use, and
// sharing it exercises that.
var testValidator = New()

func TestValidFixtures(t *testing.T) {
	t.Parallel()
	fixtures := loadFixtures(t, "valid")
	covered := map[Kind]bool{}
	for _, fx := range fixtures {
		k, err := KindOf(fx.data)
		if err != nil {
			t.Fatalf("%s: KindOf: %v", fx.name, err)
		}
		covered[k] = true
		unknown := strings.HasPrefix(filepath.Base(fx.name), "unknown.")
		if got := testValidator.Known(k); got == unknown {
			t.Errorf("%s: Known(%v) = %v; fixtures of unknown kinds are named unknown.*", fx.name, k, got)
		}
		t.Run(fx.name, func(t *testing.T) {
			t.Parallel()
			if err := testValidator.Validate(fx.data); err != nil {
				t.Error(err)
			}
		})
	}
	for _, k := range testValidator.Kinds() {
		if !covered[k] {
			t.Errorf("no valid fixture for %v", k)
		}
	}
}

func TestInvalidFixtures(t *testing.T) {
	t.Parallel()
	for _, fx := range loadFixtures(t, "invalid") {
		t.Run(fx.name, func(t *testing.T) {
			t.Parallel()
			got := violationsOf(t, testValidator.Validate(fx.data))
			if len(got) == 0 {
				t.Fatalf("accepted; want violations at %v (%s)", fx.violations, fx.description)
			}
			if diff := cmp.Diff(fx.violations, paths(got)); diff != "" {
				t.Errorf("violation paths (-want +got):\n%s\nviolations: %v", diff, got)
			}
		})
	}
}
