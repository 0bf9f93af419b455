package events_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/events"
)

// remoteInstance is the instance of the remote's one button.
const remoteInstance = "9b2e7f4c-3d1a-4c8e-b5f6-2a7d9e0c1b34"

func remote(t *testing.T, id string) alexa.DiscoveryEndpoint {
	t.Helper()
	c, err := alexa.SimpleEventSourceCapability(remoteInstance, []alexa.FriendlyName{alexa.TextName("Big button", "en-US")},
		alexa.SimpleEvent{ID: "Button.SinglePress", FriendlyNames: []alexa.FriendlyName{alexa.TextName("Pressed once", "en-US")}},
		alexa.SimpleEvent{ID: "Button.DoublePress", FriendlyNames: []alexa.FriendlyName{alexa.TextName("Pressed twice", "en-US")}})
	if err != nil {
		t.Fatal(err)
	}
	return alexa.DiscoveryEndpoint{
		EndpointID:        id,
		ManufacturerName:  "Acme",
		Description:       "Acme remote",
		FriendlyName:      "Hall remote",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayRemote},
		Capabilities:      []alexa.Capability{alexa.AlexaCapability(), c, alexa.EndpointHealthCapability(alexa.Reported())},
	}
}

func TestSimpleEvent(t *testing.T) {
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
	if err := e.client.AddOrUpdate(t.Context(), "alice", remote(t, "remote-1")); err != nil {
		t.Fatalf("%v; %v", err, e.srv.Rejected())
	}
	at := time.Date(2026, 3, 14, 18, 22, 5, 520_000_000, time.UTC)
	if err := e.client.SimpleEvent(t.Context(), "alice", "remote-1", remoteInstance, "Button.DoublePress", at); err != nil {
		t.Fatalf("%v; %v", err, e.srv.Rejected())
	}
	var sent []*alexa.EventMessage
	for _, r := range e.srv.Events("alice") {
		if r.Message != nil && r.Message.Event.Header.Namespace == alexa.NamespaceSimpleEventSource {
			sent = append(sent, r.Message)
		}
	}
	if len(sent) != 1 {
		t.Fatalf("%d simple events accepted, want 1", len(sent))
	}
	h := sent[0].Event.Header
	var p alexa.SimpleEventPayload
	if err := sent[0].DecodePayload(&p); err != nil {
		t.Fatal(err)
	}
	if h.Name != alexa.NameSimpleEvent || h.Instance != remoteInstance || h.PayloadVersion != "1.0" || h.CorrelationToken != "" ||
		p.ID != "Button.DoublePress" || !p.Timestamp.Time.Equal(at) {
		t.Errorf("sent header %+v payload %+v", h, p)
	}

	for _, c := range []struct{ endpoint, instance, event, says string }{
		{"remote-1", remoteInstance, "Button.LongPress", `does not declare the event "Button.LongPress"`},
		{"remote-1", "another-instance", "Button.SinglePress", `does not declare Alexa.SimpleEventSource instance "another-instance"`},
		{"lamp-1", remoteInstance, "Button.SinglePress", "does not declare Alexa.SimpleEventSource"},
	} {
		err := e.client.SimpleEvent(t.Context(), "alice", c.endpoint, c.instance, c.event, at)
		if !errors.Is(err, events.ErrInvalidRequest) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s %s %s: %v, want a 400 saying %q", c.endpoint, c.instance, c.event, err, c.says)
		}
	}
	// What the builder refuses is never sent.
	n := len(e.srv.Received())
	for _, c := range [][3]string{{"remote 1", remoteInstance, "x"}, {"remote-1", "", "x"}, {"remote-1", remoteInstance, ""}} {
		if err := e.client.SimpleEvent(t.Context(), "alice", c[0], c[1], c[2], at); !errors.Is(err, events.ErrInvalidEvent) {
			t.Errorf("%q: %v, want ErrInvalidEvent", c, err)
		}
	}
	// A proactive event never carries a correlationToken.
	for _, build := range []func() (*alexa.EventMessage, error){
		func() (*alexa.EventMessage, error) {
			return alexa.Builder{}.SimpleEvent("remote-1", remoteInstance, "Button.SinglePress", at)
		},
		func() (*alexa.EventMessage, error) { return alexa.Builder{}.DoorbellPress("remote-1", at) },
	} {
		m, err := build()
		if err != nil {
			t.Fatal(err)
		}
		m.Event.Header.CorrelationToken = "corr-1"
		if err := e.client.Send(t.Context(), "alice", m); !errors.Is(err, events.ErrInvalidEvent) {
			t.Errorf("%s with a correlationToken: %v, want ErrInvalidEvent", m.Event.Header.Name, err)
		}
	}
	if len(e.srv.Received()) != n {
		t.Error("an invalid simple event reached the gateway")
	}
}
