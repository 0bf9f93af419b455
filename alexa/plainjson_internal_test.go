package alexa

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestPlainPathWritesTheSameBytes encodes endpoints of every shape both
// ways and wants the same bytes, unknown members included.
func TestPlainPathWritesTheSameBytes(t *testing.T) {
	power := PowerControllerCapability(Reported())
	eps := []DiscoveryEndpoint{
		{EndpointID: "a", ManufacturerName: "m", Description: "d", FriendlyName: "f", DisplayCategories: []DisplayCategory{DisplayLight},
			Capabilities: []Capability{AlexaCapability(), power}},
		{EndpointID: "b", ManufacturerName: "m", Description: "d", FriendlyName: "f", DisplayCategories: []DisplayCategory{DisplayOther},
			AdditionalAttributes: &AdditionalAttributes{Manufacturer: "m", Model: "x"}, Cookie: map[string]string{"k": "v"},
			Connections: []Connection{{Type: "TCP_IP", MacAddress: "00:11:22:33:44:55"}}, Relationships: json.RawMessage(`{"isPartOf":{"endpointId":"a"}}`),
			Capabilities: []Capability{AlexaCapability()}},
		{EndpointID: "c", ManufacturerName: "m", Description: "d", FriendlyName: "f"},
	}
	fast, err := marshalEndpoints(eps)
	if err != nil {
		t.Fatal(err)
	}
	slow, err := json.Marshal(DiscoverResponsePayload{Endpoints: eps})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fast, slow) {
		t.Errorf("fast path:\n%s\nlossless path:\n%s", fast, slow)
	}
	withUnknown := append([]DiscoveryEndpoint(nil), eps...)
	withUnknown[0].Capabilities = []Capability{{Type: CapabilityTypeAlexaInterface, Interface: NamespaceAlexa, Version: "3", Unknown: Unknown{"future": json.RawMessage(`1`)}}}
	if _, ok := appendEndpoints(nil, withUnknown); !ok {
		t.Error("the fast path declined a plain unknown member")
	}
	b, err := marshalEndpoints(withUnknown)
	if err != nil || !bytes.Contains(b, []byte(`"future":1`)) {
		t.Errorf("the fast path lost a member: %s %v", b, err)
	}
	// An unknown member that is not plain: the lossless path.
	withUnknown[0].Capabilities[0].Unknown["future"] = json.RawMessage(`{"a": "<"}`)
	if _, ok := appendEndpoints(nil, withUnknown); ok {
		t.Error("the fast path took an unknown member json.Marshal compacts")
	}
	b, err = marshalEndpoints(withUnknown)
	if err != nil || !bytes.Contains(b, []byte(`"future":{"a":"\u003c"}`)) {
		t.Errorf("the lossless path lost a member: %s %v", b, err)
	}
}

// TestSpliceWritesTheSameBytes wants the Router's spliced encoding of a
// large Discover.Response to be json.Marshal's, and no splice once the
// payload is not the one the SDK encoded.
func TestSpliceWritesTheSameBytes(t *testing.T) {
	eps := make([]DiscoveryEndpoint, 60)
	for i := range eps {
		eps[i] = DiscoveryEndpoint{EndpointID: "lamp-" + string(rune('a'+i%26)) + string(rune('a'+i/26)), ManufacturerName: "m", Description: "d",
			FriendlyName: "f", DisplayCategories: []DisplayCategory{DisplayLight},
			Cookie: map[string]string{"payload": "0"}, Capabilities: []Capability{PowerControllerCapability(Reported())}}
	}
	d := &Directive{Header: Header{Namespace: NamespaceDiscovery, Name: NameDiscover, MessageID: "m", PayloadVersion: "3"}}
	m, err := d.DiscoverResponse(eps)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRouter()
	r.builder.Finalize(m, true)
	want, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	// Copied around the payload, then written in place around it.
	for _, enc := range []encodedPayload{{payload: d.encoded}, {payload: d.encoded, full: d.encodedFull}} {
		spliced, ok := r.splice(m, enc)
		if !ok {
			t.Fatal("no splice for a large Discover.Response")
		}
		if !bytes.Equal(spliced, want) {
			t.Errorf("spliced (in place %v):\n%.300s\nwant:\n%.300s", enc.full != nil, spliced, want)
		}
		if enc.full != nil && &spliced[len(spliced)-2-len(m.Event.Payload)] != &enc.full[payloadRoom] {
			t.Error("the in-place splice copied the payload")
		}
	}
	if again, _ := json.Marshal(m); !bytes.Equal(again, want) {
		t.Error("splicing in place changed the message's payload")
	}
	m.Event.Payload = append(json.RawMessage(nil), m.Event.Payload...)
	if _, ok := r.splice(m, encodedPayload{payload: d.encoded, full: d.encodedFull}); ok {
		t.Error("spliced a payload the SDK did not encode")
	}
}

// FuzzPlainRaw: plainRaw's shortcut for scalars agrees with json.Valid on
// every input.
func FuzzPlainRaw(f *testing.F) {
	for _, s := range []string{`"ON"`, `""`, `"`, `"a"b"`, `"a\"b"`, `"\u0041"`, `0`, `-0`, `01`, `-`, `1.`, `1.5`,
		`1e`, `1e+`, `1E-7`, `-12.5e+3`, `.5`, `+1`, `true`, `false`, `null`, `tru`, `nulll`, `{}`, `{"value":"OK"}`,
		`[1,2]`, `{"a":}`, `1 `, `NaN`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, r []byte) {
		want := len(r) > 0 && json.Valid(r)
		for _, c := range r {
			want = want && plainRawChar[c]
		}
		if got := plainRaw(r); got != want {
			t.Errorf("plainRaw(%q) = %v, want %v", r, got, want)
		}
	})
}
