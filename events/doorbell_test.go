package events_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/events"
)

func doorbell(id string) alexa.DiscoveryEndpoint {
	return alexa.DiscoveryEndpoint{
		EndpointID:        id,
		ManufacturerName:  "Acme",
		Description:       "Acme doorbell",
		FriendlyName:      "Front door",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayDoorbell},
		Capabilities:      []alexa.Capability{alexa.AlexaCapability(), alexa.DoorbellEventSourceCapability()},
	}
}

func TestDoorbellPress(t *testing.T) {
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
	if err := e.client.AddOrUpdate(t.Context(), "alice", doorbell("doorbell-1")); err != nil {
		t.Fatalf("%v; %v", err, e.srv.Rejected())
	}
	at := time.Date(2026, 3, 14, 18, 22, 5, 520_000_000, time.UTC)
	if err := e.client.DoorbellPress(t.Context(), "alice", "doorbell-1", at); err != nil {
		t.Fatalf("%v; %v", err, e.srv.Rejected())
	}
	if err := e.client.DoorbellPress(t.Context(), "alice", "doorbell-1", time.Time{}); err != nil {
		t.Fatalf("zero time: %v; %v", err, e.srv.Rejected())
	}
	var got []string
	for _, r := range e.srv.Events("alice") {
		if r.Message == nil || r.Message.Event.Header.Name != alexa.NameDoorbellPress {
			continue
		}
		var p alexa.DoorbellPressPayload
		if err := r.Message.DecodePayload(&p); err != nil {
			t.Fatal(err)
		}
		if p.Cause.Type != alexa.CausePhysicalInteraction {
			t.Errorf("cause %q", p.Cause.Type)
		}
		got = append(got, p.Timestamp)
	}
	want := []string{"2026-03-14T18:22:05Z", e.clock.Now().UTC().Format(alexa.DoorbellTimestampLayout)}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("timestamps sent %q, want %q", got, want)
	}

	// lamp-1 is discovered, but is no doorbell: the gateway refuses.
	err := e.client.DoorbellPress(t.Context(), "alice", "lamp-1", at)
	if !errors.Is(err, events.ErrInvalidRequest) || !strings.Contains(err.Error(), "does not declare Alexa.DoorbellEventSource") {
		t.Errorf("DoorbellPress of a lamp: %v, want a 400 saying it declares no doorbell", err)
	}
	// An endpoint id the builder refuses is never sent.
	n := len(e.srv.Received())
	if err := e.client.DoorbellPress(t.Context(), "alice", "front door", at); !errors.Is(err, events.ErrInvalidEvent) {
		t.Errorf("invalid endpoint id: %v, want ErrInvalidEvent", err)
	}
	if len(e.srv.Received()) != n {
		t.Error("an invalid DoorbellPress reached the gateway")
	}
}
