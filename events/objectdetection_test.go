package events_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/events"
)

func camera(t *testing.T, id string) alexa.DiscoveryEndpoint {
	t.Helper()
	od, err := alexa.ObjectDetectionSensorCapability(alexa.Reported(), "person", "package")
	if err != nil {
		t.Fatal(err)
	}
	dc, err := alexa.DataControllerCapability("Camera.SmartVisionData", alexa.DataControllerConfiguration{
		TargetCapability:    alexa.DataControllerTarget{Name: alexa.NamespaceObjectDetectionSensor, Version: "1.0"},
		DataRetrievalSchema: alexa.DataRetrievalSchema{Type: "JSON", Schema: "SmartVisionData"},
		SupportedAccess:     []alexa.DataAccess{alexa.AccessByIdentifier, alexa.AccessByTimestampRange},
	})
	if err != nil {
		t.Fatal(err)
	}
	return alexa.DiscoveryEndpoint{
		EndpointID: id, ManufacturerName: "Acme", Description: "Acme camera", FriendlyName: "Porch camera",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayCamera},
		Capabilities:      []alexa.Capability{alexa.AlexaCapability(), od, dc, alexa.EndpointHealthCapability(alexa.Reported())},
	}
}

func TestObjectDetection(t *testing.T) {
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
	if err := e.client.AddOrUpdate(t.Context(), "alice", camera(t, "camera-1")); err != nil {
		t.Fatalf("%v; %v", err, e.srv.Rejected())
	}
	at := alexa.NewTime(time.Date(2026, 3, 14, 18, 22, 5, 0, time.UTC))
	person := alexa.ObjectDetectionEvent{EventIdentifier: "evt-1", ImageNetClass: "person", TimeOfSample: at, UncertaintyInMilliseconds: 500,
		FrameImageURI: "https://camera.example/frames/evt-1.jpg?expires=600"}
	if err := e.client.ObjectDetection(t.Context(), "alice", "camera-1", person); err != nil {
		t.Fatalf("%v; %v", err, e.srv.Rejected())
	}
	var sent []*alexa.EventMessage
	for _, r := range e.srv.Events("alice") {
		if r.Message != nil && r.Message.Event.Header.Name == alexa.NameObjectDetection {
			sent = append(sent, r.Message)
		}
	}
	if len(sent) != 1 || sent[0].Event.Header.PayloadVersion != "1.0" {
		t.Fatalf("sent %v", sent)
	}
	var p alexa.ObjectDetectionPayload
	if err := sent[0].DecodePayload(&p); err != nil || len(p.Events) != 1 || p.Events[0].EventIdentifier != "evt-1" || !p.Events[0].TimeOfSample.Time.Equal(at.Time) {
		t.Errorf("payload %+v %v", p, err)
	}

	vehicle := person
	vehicle.ImageNetClass = "vehicle"
	for _, c := range []struct {
		endpoint string
		det      alexa.ObjectDetectionEvent
		says     string
	}{
		{"camera-1", vehicle, `does not declare the object class "vehicle"`},
		{"lamp-1", person, "does not declare Alexa.SmartVision.ObjectDetectionSensor"},
	} {
		err := e.client.ObjectDetection(t.Context(), "alice", c.endpoint, c.det)
		if !errors.Is(err, events.ErrInvalidRequest) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s %s: %v, want a 400 saying %q", c.endpoint, c.det.ImageNetClass, err, c.says)
		}
	}
	n := len(e.srv.Received())
	for _, bad := range [][]alexa.ObjectDetectionEvent{nil, {{ImageNetClass: "person", TimeOfSample: at}}} {
		if err := e.client.ObjectDetection(t.Context(), "alice", "camera-1", bad...); !errors.Is(err, events.ErrInvalidEvent) {
			t.Errorf("%v: %v, want ErrInvalidEvent", bad, err)
		}
	}
	if len(e.srv.Received()) != n {
		t.Error("an invalid ObjectDetection reached the gateway")
	}
}
