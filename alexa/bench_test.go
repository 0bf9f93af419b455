package alexa_test

import (
	"context"
	"encoding/json"
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
