package alexa_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// roundTrip decodes a message into the SDK's types and encodes it again,
// decoding typed payloads where the SDK has them, so that every modelled
// field is exercised.
func roundTrip(t *testing.T, in []byte) []byte {
	t.Helper()
	if isDirective(in) {
		var m alexa.DirectiveMessage
		if err := json.Unmarshal(in, &m); err != nil {
			t.Fatalf("decode directive: %v", err)
		}
		switch {
		case m.Directive.Header.Namespace == alexa.NamespaceAuthorization && m.Directive.Header.Name == alexa.NameAcceptGrant:
			var p alexa.AcceptGrantPayload
			m.Directive.Payload = reencode(t, m.Directive.Payload, &p)
		case m.Directive.Header.Namespace == alexa.NamespaceDiscovery && m.Directive.Header.Name == alexa.NameDiscover:
			var p alexa.DiscoverPayload
			m.Directive.Payload = reencode(t, m.Directive.Payload, &p)
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("encode directive: %v", err)
		}
		return out
	}
	var m alexa.EventMessage
	if err := json.Unmarshal(in, &m); err != nil {
		t.Fatalf("decode event: %v", err)
	}
	h := m.Event.Header
	switch {
	case h.Namespace == alexa.NamespaceDiscovery && h.Name == alexa.NameDiscoverResponse:
		var p alexa.DiscoverResponsePayload
		m.Event.Payload = reencode(t, m.Event.Payload, &p)
	case h.Namespace == alexa.NamespaceDiscovery && h.Name == alexa.NameAddOrUpdateReport:
		var p alexa.DiscoveryReportPayload
		m.Event.Payload = reencode(t, m.Event.Payload, &p)
	case h.Namespace == alexa.NamespaceDiscovery && h.Name == alexa.NameDeleteReport:
		var p alexa.DeleteReportPayload
		m.Event.Payload = reencode(t, m.Event.Payload, &p)
	case h.Namespace == alexa.NamespaceAlexa && h.Name == alexa.NameChangeReport:
		var p alexa.ChangeReportPayload
		m.Event.Payload = reencode(t, m.Event.Payload, &p)
	case h.Name == alexa.NameInventoryConsumed:
		var p alexa.InventoryConsumedPayload
		m.Event.Payload = reencode(t, m.Event.Payload, &p)
	case h.Name == alexa.NameErrorResponse:
		e, ok := alexa.ErrorFromEvent(&m)
		if !ok {
			t.Fatal("ErrorFromEvent failed on an ErrorResponse")
		}
		d := &alexa.Directive{Header: alexa.Header{CorrelationToken: h.CorrelationToken}, Endpoint: m.Event.Endpoint}
		r, err := d.ErrorResponse(e)
		if err != nil {
			t.Fatalf("rebuilding the ErrorResponse: %v", err)
		}
		m.Event.Payload = r.Event.Payload
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatalf("encode event: %v", err)
	}
	return out
}

func reencode(t *testing.T, raw json.RawMessage, v any) json.RawMessage {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode payload into %T: %v", v, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode payload %T: %v", v, err)
	}
	return out
}

// TestGoldenRoundTrip decodes and re-encodes every fixture under
// testdata/golden: the output means exactly what the input meant.
func TestGoldenRoundTrip(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/golden/*.json")
	if err != nil || len(files) < 15 {
		t.Fatalf("golden fixtures missing: %v (%d)", err, len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			t.Parallel()
			in := readFile(t, f)
			if d := jsonDiff(t, in, roundTrip(t, in)); d != "" {
				t.Errorf("round trip changed the message (-in +out):\n%s", d)
			}
		})
	}
}

// TestUpstreamSamplesRoundTrip does the same with every sample message
// Amazon publishes.
func TestUpstreamSamplesRoundTrip(t *testing.T) {
	t.Parallel()
	for _, f := range upstreamSamples(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			in := readFile(t, f)
			if d := jsonDiff(t, in, roundTrip(t, in)); d != "" {
				t.Errorf("round trip changed the message (-in +out):\n%s", d)
			}
		})
	}
}
