package alexa_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
)

// turnOnDirective is the TurnOn directive the Invoke benchmarks answer.
var turnOnDirective = []byte(`{"directive":{"header":{"namespace":"Alexa.PowerController","name":"TurnOn","messageId":"1bd5d003-31b9-476f-ad03-71d471922820","correlationToken":"dFMb0z+PgpgdDmluhJ1LddFvSqZ/jCc8ptlAKulUj90jSqg==","payloadVersion":"3"},"endpoint":{"scope":{"type":"BearerToken","token":"access-token-from-skill"},"endpointId":"endpoint-001","cookie":{}},"payload":{}}}`)

type benchLight struct{}

func (benchLight) TurnOn(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return d.Response(alexa.PowerStateProperty(alexa.PowerOn)), nil
}

func (benchLight) TurnOff(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return d.Response(alexa.PowerStateProperty(alexa.PowerOff)), nil
}

// BenchmarkInvokeTurnOn measures Router.Invoke on a TurnOn directive: decode,
// route, handler, reply with a messageId and timestamp, encode.
func BenchmarkInvokeTurnOn(b *testing.B) {
	r := alexa.NewRouter()
	r.HandlePowerController(benchLight{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		out, err := r.Invoke(ctx, turnOnDirective)
		if err != nil || len(out) == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkInvokeTurnOnBaseline is the bare encoding/json work for the same
// bytes: unmarshal the directive into a minimal struct and marshal an
// equivalent response (fixed messageId, formatted timestamp).
func BenchmarkInvokeTurnOnBaseline(b *testing.B) {
	type scope struct {
		Type  string `json:"type"`
		Token string `json:"token"`
	}
	type endpoint struct {
		Scope      *scope            `json:"scope,omitempty"`
		EndpointID string            `json:"endpointId"`
		Cookie     map[string]string `json:"cookie,omitempty"`
	}
	type header struct {
		Namespace        string `json:"namespace"`
		Name             string `json:"name"`
		MessageID        string `json:"messageId"`
		CorrelationToken string `json:"correlationToken,omitempty"`
		PayloadVersion   string `json:"payloadVersion"`
	}
	type in struct {
		Directive struct {
			Header   header          `json:"header"`
			Endpoint *endpoint       `json:"endpoint"`
			Payload  json.RawMessage `json:"payload"`
		} `json:"directive"`
	}
	type property struct {
		Namespace    string `json:"namespace"`
		Name         string `json:"name"`
		Value        string `json:"value"`
		TimeOfSample string `json:"timeOfSample"`
		Uncertainty  int64  `json:"uncertaintyInMilliseconds"`
	}
	type out struct {
		Event struct {
			Header   header    `json:"header"`
			Endpoint *endpoint `json:"endpoint"`
			Payload  struct{}  `json:"payload"`
		} `json:"event"`
		Context struct {
			Properties []property `json:"properties"`
		} `json:"context"`
	}
	b.ReportAllocs()
	for b.Loop() {
		var d in
		if err := json.Unmarshal(turnOnDirective, &d); err != nil {
			b.Fatal(err)
		}
		var o out
		o.Event.Header = header{Namespace: "Alexa", Name: "Response", MessageID: "5f8a426e-01e4-4cc9-8b79-65f8bd0fd8a4", CorrelationToken: d.Directive.Header.CorrelationToken, PayloadVersion: "3"}
		o.Event.Endpoint = d.Directive.Endpoint
		o.Context.Properties = []property{{Namespace: "Alexa.PowerController", Name: "powerState", Value: "ON", TimeOfSample: time.Now().UTC().Format("2006-01-02T15:04:05.999Z")}}
		if _, err := json.Marshal(&o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiscoverResponse300Baseline is the baseline of
// BenchmarkDiscoverResponse300: json.Marshal of the same reply built from
// plain structs (no limit checks, no lossless encoders, a fixed messageId).
func BenchmarkDiscoverResponse300Baseline(b *testing.B) {
	type plainCapability struct {
		Type                string                      `json:"type"`
		Interface           string                      `json:"interface"`
		Instance            string                      `json:"instance,omitempty"`
		Version             string                      `json:"version"`
		Properties          *alexa.CapabilityProperties `json:"properties,omitempty"`
		CapabilityResources *alexa.CapabilityResources  `json:"capabilityResources,omitempty"`
		Configuration       json.RawMessage             `json:"configuration,omitempty"`
	}
	type plainEndpoint struct {
		EndpointID           string                      `json:"endpointId"`
		ManufacturerName     string                      `json:"manufacturerName"`
		Description          string                      `json:"description"`
		FriendlyName         string                      `json:"friendlyName"`
		DisplayCategories    []alexa.DisplayCategory     `json:"displayCategories"`
		AdditionalAttributes *alexa.AdditionalAttributes `json:"additionalAttributes,omitempty"`
		Capabilities         []plainCapability           `json:"capabilities"`
	}
	type reply struct {
		Event struct {
			Header struct {
				Namespace      string `json:"namespace"`
				Name           string `json:"name"`
				MessageID      string `json:"messageId"`
				PayloadVersion string `json:"payloadVersion"`
			} `json:"header"`
			Payload struct {
				Endpoints []plainEndpoint `json:"endpoints"`
			} `json:"payload"`
		} `json:"event"`
	}
	var r reply
	r.Event.Header.Namespace, r.Event.Header.Name = "Alexa.Discovery", "Discover.Response"
	r.Event.Header.MessageID, r.Event.Header.PayloadVersion = "7d6c9a3b-2e1f-4a5b-8c9d-0e1f2a3b4c5d", "3"
	for _, e := range discoveryEndpoints(b, alexa.MaxEndpoints) {
		p := plainEndpoint{EndpointID: e.EndpointID, ManufacturerName: e.ManufacturerName, Description: e.Description,
			FriendlyName: e.FriendlyName, DisplayCategories: e.DisplayCategories, AdditionalAttributes: e.AdditionalAttributes}
		for _, c := range e.Capabilities {
			p.Capabilities = append(p.Capabilities, plainCapability{Type: string(c.Type), Interface: string(c.Interface), Instance: c.Instance,
				Version: c.Version, Properties: c.Properties, CapabilityResources: c.CapabilityResources, Configuration: c.Configuration})
		}
		r.Event.Payload.Endpoints = append(r.Event.Payload.Endpoints, p)
	}
	var size int
	b.ReportAllocs()
	for b.Loop() {
		out, err := json.Marshal(&r)
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	b.ReportMetric(float64(size), "bytes/reply")
}

// discoveryEndpoints returns n endpoints like the reference backend's
// smart light: Alexa, PowerController, EndpointHealth and a Dash battery
// slot each.
func discoveryEndpoints(b *testing.B, n int) []alexa.DiscoveryEndpoint {
	b.Helper()
	battery, err := alexa.InventoryLevelSensorCapability(alexa.InventorySensor{
		Instance:        "InventoryLevelSensor-1",
		FriendlyNames:   []alexa.FriendlyName{alexa.TextName("Battery", "en-US")},
		Measurement:     alexa.Measurement{Type: alexa.MeasurementPercentage},
		ReplenishmentID: "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84",
	}, alexa.Reported())
	if err != nil {
		b.Fatal(err)
	}
	eps := make([]alexa.DiscoveryEndpoint, n)
	for i := range eps {
		eps[i] = alexa.DiscoveryEndpoint{
			EndpointID:        "light-" + strconv.Itoa(i),
			ManufacturerName:  "Smart Home Demo",
			Description:       "Smart Light (battery powered)",
			FriendlyName:      "Light " + strconv.Itoa(i),
			DisplayCategories: []alexa.DisplayCategory{alexa.DisplayLight},
			AdditionalAttributes: &alexa.AdditionalAttributes{
				Manufacturer: "Smart Home Demo", Model: "SL-1", SerialNumber: "light-" + strconv.Itoa(i),
			},
			Capabilities: []alexa.Capability{
				alexa.AlexaCapability(),
				alexa.PowerControllerCapability(alexa.Reported()),
				alexa.EndpointHealthCapability(alexa.Reported()),
				battery,
			},
		}
	}
	return eps
}

// BenchmarkDiscoverResponse300 measures Router.Invoke answering a Discover
// directive with 300 endpoints (the documented maximum): decode, handler,
// limits validation, encode. It reports the reply's size as bytes/reply.
func BenchmarkDiscoverResponse300(b *testing.B) {
	eps := discoveryEndpoints(b, alexa.MaxEndpoints)
	r := alexa.NewRouter()
	r.HandleFunc(alexa.NamespaceDiscovery, alexa.NameDiscover, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		return d.DiscoverResponse(eps)
	})
	in := []byte(`{"directive":{"header":{"namespace":"Alexa.Discovery","name":"Discover","messageId":"7d6c9a3b-2e1f-4a5b-8c9d-0e1f2a3b4c5d","payloadVersion":"3"},"payload":{"scope":{"type":"BearerToken","token":"access-token-from-skill"}}}}`)
	ctx := context.Background()
	var size int
	b.ReportAllocs()
	for b.Loop() {
		out, err := r.Invoke(ctx, in)
		if err != nil || !bytes.Contains(out, []byte(`"Discover.Response"`)) {
			b.Fatalf("%v %.200s", err, out)
		}
		size = len(out)
	}
	b.ReportMetric(float64(size), "bytes/reply")
}
