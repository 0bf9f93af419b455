package alexa_test

// Shared helpers of the controller and sensor interface tests
// (brightness_test.go, thermostat_test.go, ...). Their names start with
// "ctl" so they do not collide with the other test files of the package.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ctlNow is the clock of ctlRouter, and so the timeOfSample of every
// property a handler leaves untimed.
var ctlNow = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

const (
	ctlMessageID = "6d8f1ccc-2f7a-4b3e-9a6b-3f0c1e2d4a5b"
	ctlToken     = "dFMb0z+PgpgdDmluhJ1LddFvSqZ/jCc8ptlAKulUj90jSqg=="
	// ctlEndpoint is the endpoint of every ctlDirective, which replies echo.
	ctlEndpoint = `{"scope":{"type":"BearerToken","token":"access-token-from-skill"},"endpointId":"endpoint-001","cookie":{}}`
)

// ctlRouter returns a Router with a fixed clock and messageId.
func ctlRouter() *alexa.Router {
	return alexa.NewRouter(alexa.WithBuilder(alexa.Builder{
		Now:          func() time.Time { return ctlNow },
		NewMessageID: func() string { return ctlMessageID },
	}))
}

// ctlDirective returns a directive message to endpoint-001 with the given
// header fields and JSON payload.
func ctlDirective(ns alexa.Namespace, name alexa.Name, instance, payload string) []byte {
	h := map[string]string{
		"namespace":        string(ns),
		"name":             string(name),
		"messageId":        "1bd5d003-31b9-476f-ad03-71d471922820",
		"correlationToken": ctlToken,
		"payloadVersion":   "3",
	}
	if instance != "" {
		h["instance"] = instance
	}
	hb, _ := json.Marshal(h)
	return []byte(`{"directive":{"header":` + string(hb) + `,"endpoint":` + ctlEndpoint + `,"payload":` + payload + `}}`)
}

// ctlResponse returns the JSON of the Alexa.Response a ctlRouter sends to
// a ctlDirective, with the given context properties (JSON objects).
func ctlResponse(props ...string) string {
	return ctlEvent("Alexa", "Response", `{}`, props...)
}

// ctlEvent returns the JSON of a reply event to a ctlDirective.
func ctlEvent(ns, name, payload string, props ...string) string {
	s := `{"event":{"header":{"namespace":"` + ns + `","name":"` + name + `","messageId":"` + ctlMessageID +
		`","correlationToken":"` + ctlToken + `","payloadVersion":"3"},"endpoint":` + ctlEndpoint + `,"payload":` + payload + `}`
	if len(props) > 0 {
		s += `,"context":{"properties":[` + strings.Join(props, ",") + `]}`
	}
	return s + "}"
}

// ctlProp returns the JSON of a context property sampled at ctlNow.
func ctlProp(ns alexa.Namespace, instance string, name alexa.PropertyName, value string) string {
	inst := ""
	if instance != "" {
		inst = `"instance":"` + instance + `",`
	}
	return `{"namespace":"` + string(ns) + `",` + inst + `"name":"` + string(name) + `","value":` + value +
		`,"timeOfSample":"2024-05-01T10:00:00Z","uncertaintyInMilliseconds":0}`
}

// ctlInvoke sends in through r.Invoke and returns the reply.
func ctlInvoke(t testing.TB, r *alexa.Router, in []byte) []byte {
	t.Helper()
	out, err := r.Invoke(context.Background(), in)
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	return out
}

// ctlJSONDiff compares two JSON documents by meaning (member order,
// whitespace and 85 vs 85.0 do not matter).
func ctlJSONDiff(t testing.TB, want, got []byte) string {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want is not JSON: %v\n%s", err, want)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got is not JSON: %v\n%s", err, got)
	}
	return cmp.Diff(w, g)
}

// ctlSameJSON reports whether a and b are the same JSON value.
func ctlSameJSON(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	return cmp.Equal(x, y)
}

// ctlErrorOpts compare the parts of an error Alexa reads.
var ctlErrorOpts = cmpopts.IgnoreFields(alexa.Error{}, "Message", "Err")

// ctlCase is one directive sent to a Router and the reply expected: the
// exact JSON of want, or an ErrorResponse carrying wantErr (its message is
// not compared). calls is how many times the handler must run.
type ctlCase struct {
	name    string
	in      []byte
	want    string
	wantErr *alexa.Error
	calls   int
}

// ctlRun runs the cases in parallel, each against the Router and call
// counter setup returns.
func ctlRun(t *testing.T, setup func() (*alexa.Router, *ctlCounter), cases []ctlCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, n := setup()
			out := ctlInvoke(t, r, tc.in)
			switch {
			case tc.wantErr != nil:
				m, err := alexa.ParseEvent(out)
				if err != nil {
					t.Fatalf("reply is not an event: %v\n%s", err, out)
				}
				got, ok := alexa.ErrorFromEvent(m)
				if !ok {
					t.Fatalf("reply is not an ErrorResponse:\n%s", out)
				}
				if d := cmp.Diff(tc.wantErr, got, ctlErrorOpts); d != "" {
					t.Errorf("error (-want +got):\n%s\nreply: %s", d, out)
				}
				if m.Event.Header.CorrelationToken != ctlToken {
					t.Errorf("correlationToken = %q, want %q", m.Event.Header.CorrelationToken, ctlToken)
				}
			default:
				if d := ctlJSONDiff(t, []byte(tc.want), out); d != "" {
					t.Errorf("reply (-want +got):\n%s\ngot: %s", d, out)
				}
			}
			if got := n.get(); got != tc.calls {
				t.Errorf("handler called %d times, want %d", got, tc.calls)
			}
		})
	}
}

// ctlCounter counts handler calls.
type ctlCounter struct {
	mu sync.Mutex
	n  int
}

func (c *ctlCounter) inc() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

func (c *ctlCounter) get() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// ctlOutOfRange is the VALUE_OUT_OF_RANGE error with range [min, max].
func ctlOutOfRange(min, max float64) *alexa.Error {
	return &alexa.Error{Type: alexa.ErrorValueOutOfRange, ValidRange: &alexa.ValidRange{MinimumValue: min, MaximumValue: max}}
}

var (
	ctlInvalidDirective = &alexa.Error{Type: alexa.ErrorInvalidDirective}
	ctlInvalidValue     = &alexa.Error{Type: alexa.ErrorInvalidValue}
)

// ctlMust returns p, failing the test on err.
func ctlMust(t testing.TB, p alexa.Property, err error) alexa.Property {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// ctlCapabilityJSON encodes c, failing the test on error.
func ctlCapabilityJSON(t testing.TB, c alexa.Capability) []byte {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ctlPropertyCase is a typed property constructor call and its expected
// result: the value's JSON, or an error wrapping alexa.ErrInvalidValue.
type ctlPropertyCase struct {
	name    string
	prop    func() (alexa.Property, error)
	want    alexa.PropertyKey
	value   string
	invalid bool
}

func ctlRunProperties(t *testing.T, cases []ctlPropertyCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := tc.prop()
			if tc.invalid {
				if !errors.Is(err, alexa.ErrInvalidValue) {
					t.Fatalf("error = %v, want one wrapping ErrInvalidValue", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, p.Key()); d != "" {
				t.Errorf("key (-want +got):\n%s", d)
			}
			if !ctlSameJSON(json.RawMessage(tc.value), p.Value) {
				t.Errorf("value = %s, want %s", p.Value, tc.value)
			}
		})
	}
}

// ctlUpstream returns the folder of Amazon's published samples named by
// ALEXA_SMARTHOME_UPSTREAM (a relative path is taken from the module
// root), or skips the test.
func ctlUpstream(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("ALEXA_SMARTHOME_UPSTREAM")
	if dir == "" {
		t.Skip("ALEXA_SMARTHOME_UPSTREAM is not set: skipping the comparison with Amazon's sample messages")
	}
	if !filepath.IsAbs(dir) {
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		root := wd
		for {
			if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(root)
			if parent == root {
				t.Fatal("no go.mod above the test directory")
			}
			root = parent
		}
		dir = filepath.Join(root, dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "sample_messages")); err != nil {
		t.Fatalf("ALEXA_SMARTHOME_UPSTREAM=%s: %v", dir, err)
	}
	return filepath.Join(dir, "sample_messages")
}
