package schemas

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The ChangeReport benchmarks compare validating a message (bytes in, verdict
// out) with producing it (json.Marshal of plain structs): the message is
// testdata/valid/Alexa.ChangeReport.json, an Alexa.InventoryLevelSensor level
// in the change and an Alexa.PowerController powerState in the context.

type benchMessage struct {
	Context benchContext `json:"context"`
	Event   benchEvent   `json:"event"`
}

type benchContext struct {
	Properties []benchProperty `json:"properties"`
}

type benchEvent struct {
	Header   benchHeader   `json:"header"`
	Endpoint benchEndpoint `json:"endpoint"`
	Payload  benchPayload  `json:"payload"`
}

type benchHeader struct {
	Namespace      string `json:"namespace"`
	Name           string `json:"name"`
	MessageID      string `json:"messageId"`
	PayloadVersion string `json:"payloadVersion"`
}

type benchEndpoint struct {
	Scope      benchScope `json:"scope"`
	EndpointID string     `json:"endpointId"`
}

type benchScope struct {
	Type  string `json:"type"`
	Token string `json:"token"`
}

type benchPayload struct {
	Change benchChange `json:"change"`
}

type benchChange struct {
	Cause      benchCause      `json:"cause"`
	Properties []benchProperty `json:"properties"`
}

type benchCause struct {
	Type string `json:"type"`
}

type benchProperty struct {
	Namespace                 string `json:"namespace"`
	Instance                  string `json:"instance,omitempty"`
	Name                      string `json:"name"`
	Value                     any    `json:"value"`
	TimeOfSample              string `json:"timeOfSample"`
	UncertaintyInMilliseconds int    `json:"uncertaintyInMilliseconds"`
}

type benchLevel struct {
	Type  string  `json:"@type"`
	Value float64 `json:"value"`
}

func benchChangeReport(t testing.TB) (*benchMessage, []byte) {
	t.Helper()
	data := mustRead(t, "testdata/valid/Alexa.ChangeReport.json")
	var fixture struct {
		Event struct {
			Header benchHeader `json:"header"`
		} `json:"event"`
	}
	if err := json.Unmarshal(data, &fixture); err != nil {
		t.Fatal(err)
	}
	m := &benchMessage{
		Context: benchContext{Properties: []benchProperty{{
			Namespace: "Alexa.PowerController", Name: "powerState", Value: "ON",
			TimeOfSample: "2025-03-14T08:59:58.120Z", UncertaintyInMilliseconds: 500,
		}}},
		Event: benchEvent{
			Header: fixture.Event.Header,
			Endpoint: benchEndpoint{
				Scope:      benchScope{Type: "BearerToken", Token: "Atza|IwEBIB1xQz8mA4RfYhTsVb3JkLpNq7WcEd2Gu9Ho5Kx6Zy0iMnOaPbSvTrUw"},
				EndpointID: "printer-office-02",
			},
			Payload: benchPayload{Change: benchChange{
				Cause: benchCause{Type: "PERIODIC_POLL"},
				Properties: []benchProperty{{
					Namespace: "Alexa.InventoryLevelSensor", Instance: "InkSensor.Cyan", Name: "level",
					Value:        benchLevel{Type: "Percentage", Value: 42},
					TimeOfSample: "2025-03-14T09:00:00.000Z", UncertaintyInMilliseconds: 0,
				}},
			}},
		},
	}
	return m, data
}

// TestBenchmarkMessages checks that both benchmarks handle the same message.
func TestBenchmarkMessages(t *testing.T) {
	t.Parallel()
	m, data := benchChangeReport(t)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("marshalled struct differs from the fixture (-fixture +struct):\n%s", diff)
	}
	if err := New().Validate(out); err != nil {
		t.Error(err)
	}
}

func BenchmarkMarshalChangeReport(b *testing.B) {
	m, _ := benchChangeReport(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateChangeReport(b *testing.B) {
	_, data := benchChangeReport(b)
	v := New()
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

// BenchmarkValidateFirstChangeReport measures the first message of a kind: a
// new Validator compiles the ChangeReport schema and everything it uses.
func BenchmarkValidateFirstChangeReport(b *testing.B) {
	_, data := benchChangeReport(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := New().Validate(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUpstreamValidateChangeReport(b *testing.B) {
	u, _ := loadUpstream(b)
	_, data := benchChangeReport(b)
	if err := u.Validate(data); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := u.Validate(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeChangeReport measures the decoding part of validation.
func BenchmarkDecodeChangeReport(b *testing.B) {
	_, data := benchChangeReport(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateDecodedChangeReport measures the schema part of validation,
// without decoding.
func BenchmarkValidateDecodedChangeReport(b *testing.B) {
	_, data := benchChangeReport(b)
	v := New()
	inst, err := decodeJSON(data)
	if err != nil {
		b.Fatal(err)
	}
	if err := v.validateValue(inst); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := v.validateValue(inst); err != nil {
			b.Fatal(err)
		}
	}
}
