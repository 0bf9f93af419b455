package schemas

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// flatValidator returns a Validator that compiles index.json's dispatch as
// published: an allOf of if/then pairs.
func flatValidator(strict bool) *Validator {
	v := newValidatorOf(strict)
	v.flat = true
	return v
}

// TestDispatchTreeEquivalent checks that the decision tree dispatchTree
// makes of index.json's dispatch applies the same rules as the published
// allOf: every fixture and every upstream sample, and messages built to
// reach each branch (each known property and interface, unknown ones,
// values of the wrong type, members missing), get the same violations,
// path and message, from both, strict and lenient.
func TestDispatchTreeEquivalent(t *testing.T) {
	t.Parallel()
	var msgs []namedMessage
	for _, dir := range []string{"valid", "invalid"} {
		for _, fx := range loadFixtures(t, dir) {
			msgs = append(msgs, namedMessage{fx.name, fx.data})
		}
	}
	for _, s := range upstreamSamples(t, upstreamDir(t)) {
		msgs = append(msgs, namedMessage{s.name, s.data})
	}
	msgs = append(msgs, dispatchProbes(t)...)

	for _, strict := range []bool{true, false} {
		tree, flat := newValidatorOf(strict), flatValidator(strict)
		if strict {
			tree = New()
		}
		compared := 0
		for _, m := range msgs {
			want := flat.Validate(m.data)
			got := tree.Validate(m.data)
			if (want == nil) != (got == nil) {
				t.Errorf("strict=%v %s: flat %v, tree %v", strict, m.name, want, got)
				continue
			}
			if want == nil {
				compared++
				continue
			}
			if diff := cmp.Diff(violationText(want), violationText(got)); diff != "" {
				t.Errorf("strict=%v %s: violations differ (-flat +tree):\n%s", strict, m.name, diff)
			}
			compared++
		}
		if compared < 100 {
			t.Errorf("strict=%v: compared %d messages, want at least 100", strict, compared)
		}
	}
}

type namedMessage struct {
	name string
	data []byte
}

// violationText is err's violations, or its text when it has none.
func violationText(err error) []string {
	var out []string
	if e, ok := err.(*Error); ok {
		for _, v := range e.Violations {
			out = append(out, v.Path+": "+v.Message)
		}
		return out
	}
	return []string{err.Error()}
}

// dispatchProbes returns ChangeReports and Discover.Responses that reach
// every branch of the dispatch: each known namespace/name pair and each
// known interface with a value of the wrong type, plus namespaces,
// interfaces and names that are unknown, empty, missing or not strings.
func dispatchProbes(t *testing.T) []namedMessage {
	t.Helper()
	var idx struct {
		Defs map[string]struct {
			AllOf []struct {
				If struct {
					Properties map[string]struct {
						Const string `json:"const"`
					} `json:"properties"`
				} `json:"if"`
			} `json:"allOf"`
		} `json:"$defs"`
	}
	data, err := embedded.ReadFile("json/index.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &idx); err != nil {
		t.Fatal(err)
	}
	const report = `{"event":{"header":{"namespace":"Alexa","name":"ChangeReport","messageId":"0b8ae2a4-2f0b-4cfc-9c7b-a2c6e1e2e3f4","payloadVersion":"3"},` +
		`"endpoint":{"scope":{"type":"BearerToken","token":"Atza|t"},"endpointId":"e-1"},` +
		`"payload":{"change":{"cause":{"type":"PHYSICAL_INTERACTION"},"properties":[%s]}}},"context":{"properties":[]}}`
	const discovery = `{"event":{"header":{"namespace":"Alexa.Discovery","name":"Discover.Response","messageId":"0b8ae2a4-2f0b-4cfc-9c7b-a2c6e1e2e3f4","payloadVersion":"3"},` +
		`"payload":{"endpoints":[{"endpointId":"e-1","manufacturerName":"Acme","description":"d","friendlyName":"f","displayCategories":["OTHER"],"capabilities":[%s]}]}}}`
	property := func(ns, name, value string) string {
		return `{"namespace":` + ns + `,"name":` + name + `,"value":` + value + `,"timeOfSample":"2026-01-01T00:00:00Z","uncertaintyInMilliseconds":0}`
	}
	capability := func(iface, extra string) string {
		return `{"type":"AlexaInterface","interface":` + iface + `,"version":"3"` + extra + `}`
	}
	var out []namedMessage
	add := func(name, tmpl string, items ...string) {
		out = append(out, namedMessage{name, fmt.Appendf(nil, tmpl, strings.Join(items, ","))})
	}
	var props, caps []string
	for _, e := range idx.Defs["property"].AllOf {
		ns, name := e.If.Properties["namespace"].Const, e.If.Properties["name"].Const
		for _, v := range []string{`"ON"`, `17`, `{"value":1}`, `null`, `[]`} {
			p := property(`"`+ns+`"`, `"`+name+`"`, v)
			props = append(props, p)
			add("property "+ns+"."+name+" "+v, report, p)
		}
		add("property "+ns+".unknown", report, property(`"`+ns+`"`, `"unknown"`, `1`))
	}
	for _, e := range idx.Defs["capability"].AllOf {
		iface := e.If.Properties["interface"].Const
		for _, extra := range []string{``, `,"properties":{"supported":[{"name":1}],"proactivelyReported":"yes"}`, `,"configuration":7,"instance":""`} {
			c := capability(`"`+iface+`"`, extra)
			caps = append(caps, c)
			add("capability "+iface+extra, discovery, c)
		}
	}
	if len(props) < 50 || len(caps) < 50 {
		t.Fatalf("%d property and %d capability probes: index.json's dispatch not found", len(props), len(caps))
	}
	for _, ns := range []string{`"Alexa.Unknown"`, `""`, `7`, `null`, `{"a":1}`} {
		add("property namespace "+ns, report, property(ns, `"powerState"`, `"ON"`))
		add("capability interface "+ns, discovery, capability(ns, ``))
	}
	add("property without namespace", report, `{"name":"powerState","value":"ON","timeOfSample":"2026-01-01T00:00:00Z","uncertaintyInMilliseconds":0}`)
	add("capability without interface", discovery, `{"type":"AlexaInterface","version":"3"}`)
	add("every property", report, props...)
	add("every capability", discovery, caps...)
	return out
}

// TestDispatchTreeApplied checks that index.json's dispatch still has the
// shape dispatchTree rewrites: should an entry of another shape be added,
// the tree (and its speed) would be silently lost.
func TestDispatchTreeApplied(t *testing.T) {
	t.Parallel()
	doc, err := (&embedLoader{}).Load(BaseURL + "index.json")
	if err != nil {
		t.Fatal(err)
	}
	defs := doc.(map[string]any)["$defs"].(map[string]any)
	for _, d := range dispatchDefs {
		allOf, _ := defs[d.def].(map[string]any)["allOf"].([]any)
		if len(allOf) != 1 || allOf[0].(map[string]any)["else"] == nil {
			t.Errorf("$defs/%s: not rewritten into a decision tree (an allOf entry of another shape, or unevaluated* in index.json?)", d.def)
		}
	}

	// The guard: a document with unevaluatedProperties is left alone.
	raw, err := embedded.ReadFile("json/index.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err = decodeJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	doc.(map[string]any)["$defs"].(map[string]any)["property"].(map[string]any)["unevaluatedProperties"] = false
	if n := dispatchTree(doc); n != 0 {
		t.Errorf("dispatchTree rewrote %d $defs of a document with unevaluatedProperties", n)
	}
}

// TestDispatchTreeNonObjects checks the rewrite against the flat form on
// instances that are not objects, which pass every if of the flat allOf,
// and on a definition made to tell the two apart: every then fails.
func TestDispatchTreeNonObjects(t *testing.T) {
	t.Parallel()
	// Each then fails a different kind of value, so that applying some
	// of them and not others shows.
	entry := func(ns string, then map[string]any) any {
		return map[string]any{
			"if":   map[string]any{"properties": map[string]any{"namespace": map[string]any{"const": ns}}, "required": []any{"namespace"}},
			"then": then,
		}
	}
	build := func(tree bool) *jsonschema.Schema {
		doc := map[string]any{"$defs": map[string]any{"property": map[string]any{
			"allOf": []any{
				entry("A", map[string]any{"maximum": 0}),
				entry("B", map[string]any{"maxLength": 0}),
				entry("C", map[string]any{"maxItems": 0}),
				entry("D", map[string]any{"const": "D"}),
				entry("E", map[string]any{"required": []any{"then-E"}}),
			},
		}}}
		if tree && dispatchTree(doc) != 1 {
			t.Fatal("not rewritten")
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource("mem://t.json", doc); err != nil {
			t.Fatal(err)
		}
		sch, err := c.Compile("mem://t.json#/$defs/property")
		if err != nil {
			t.Fatal(err)
		}
		return sch
	}
	flat, tree := build(false), build(true)
	for _, inst := range []any{"s", 1.5, nil, true, []any{1}, map[string]any{}, map[string]any{"namespace": "E"},
		map[string]any{"namespace": "E", "then-E": 1}, map[string]any{"namespace": "D"}, map[string]any{"namespace": 7}, map[string]any{"namespace": "Z"}} {
		want, got := flat.Validate(inst), tree.Validate(inst)
		if (want == nil) != (got == nil) {
			t.Errorf("%#v: flat %v, tree %v", inst, want, got)
			continue
		}
		if want != nil && !slices.Equal(violationText(&Error{Violations: summarize(want, nil)}), violationText(&Error{Violations: summarize(got, nil)})) {
			t.Errorf("%#v: violations differ:\nflat %v\ntree %v", inst, summarize(want, nil), summarize(got, nil))
		}
	}
}

// benchDiscovery is a Discover.Response of n endpoints, each a dimmable
// light with its health.
func benchDiscovery(n int) []byte {
	var eps []string
	for i := range n {
		eps = append(eps, fmt.Sprintf(`{"endpointId":"light-%d","manufacturerName":"Acme","description":"Acme dimmable light","friendlyName":"Light %d","displayCategories":["LIGHT"],"capabilities":[`+
			`{"type":"AlexaInterface","interface":"Alexa","version":"3"},`+
			`{"type":"AlexaInterface","interface":"Alexa.PowerController","version":"3","properties":{"supported":[{"name":"powerState"}],"proactivelyReported":true,"retrievable":true}},`+
			`{"type":"AlexaInterface","interface":"Alexa.BrightnessController","version":"3","properties":{"supported":[{"name":"brightness"}],"proactivelyReported":true,"retrievable":true}},`+
			`{"type":"AlexaInterface","interface":"Alexa.EndpointHealth","version":"3","properties":{"supported":[{"name":"connectivity"}],"proactivelyReported":true,"retrievable":true}}]}`, i, i))
	}
	return []byte(`{"event":{"header":{"namespace":"Alexa.Discovery","name":"Discover.Response","messageId":"0b8ae2a4-2f0b-4cfc-9c7b-a2c6e1e2e3f4","payloadVersion":"3"},"payload":{"endpoints":[` +
		strings.Join(eps, ",") + `]}}}`)
}

func benchValidate(b *testing.B, v *Validator, data []byte) {
	if err := v.Validate(data); err != nil { // compile outside the loop
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Validate(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateDispatch validates a ChangeReport and a 300-endpoint
// Discover.Response with the decision tree; BenchmarkValidateDispatchFlat,
// its baseline, with index.json's dispatch as published.
func BenchmarkValidateDispatch(b *testing.B) {
	_, report := benchChangeReport(b)
	b.Run("ChangeReport", func(b *testing.B) { benchValidate(b, New(), report) })
	b.Run("Discover300", func(b *testing.B) { benchValidate(b, New(), benchDiscovery(300)) })
}

func BenchmarkValidateDispatchFlat(b *testing.B) {
	_, report := benchChangeReport(b)
	b.Run("ChangeReport", func(b *testing.B) { benchValidate(b, flatValidator(true), report) })
	b.Run("Discover300", func(b *testing.B) { benchValidate(b, flatValidator(true), benchDiscovery(300)) })
}
