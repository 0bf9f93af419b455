package alexa_test

import (
	"encoding/json"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

func TestRelationships(t *testing.T) {
	t.Parallel()
	var e alexa.DiscoveryEndpoint
	if r, err := e.DecodeRelationships(); err != nil || r.IsConnectedBy != nil {
		t.Errorf("none: %+v %v", r, err)
	}
	if err := e.SetRelationships(alexa.ConnectedBy("hub-1")); err != nil {
		t.Fatal(err)
	}
	if string(e.Relationships) != `{"isConnectedBy":{"endpointId":"hub-1"}}` {
		t.Errorf("encoded %s", e.Relationships)
	}
	if err := e.SetRelationships(alexa.ConnectedBy("hub 1")); err == nil {
		t.Error("an invalid endpoint id was accepted")
	}
	// A member this SDK does not model survives a round trip.
	e.Relationships = json.RawMessage(`{"isPartOf":{"endpointId":"kitchen"},"isConnectedBy":{"endpointId":"hub-2"}}`)
	r, err := e.DecodeRelationships()
	if err != nil || r.IsConnectedBy == nil || r.IsConnectedBy.EndpointID != "hub-2" {
		t.Fatalf("decoded %+v %v", r, err)
	}
	if err := e.SetRelationships(r); err != nil {
		t.Fatal(err)
	}
	if string(e.Relationships) != `{"isConnectedBy":{"endpointId":"hub-2"},"isPartOf":{"endpointId":"kitchen"}}` {
		t.Errorf("round trip %s", e.Relationships)
	}
	e.Relationships = json.RawMessage(`[1]`)
	if _, err := e.DecodeRelationships(); err == nil {
		t.Error("an array was decoded")
	}
}
