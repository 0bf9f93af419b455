package alexa_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
)

func smartVisionData() alexa.DataControllerConfiguration {
	return alexa.DataControllerConfiguration{
		TargetCapability:    alexa.DataControllerTarget{Name: alexa.NamespaceObjectDetectionSensor, Version: "1.0"},
		DataRetrievalSchema: alexa.DataRetrievalSchema{Type: "JSON", Schema: "SmartVisionData"},
		SupportedAccess:     []alexa.DataAccess{alexa.AccessByIdentifier, alexa.AccessByTimestampRange},
	}
}

// TestObjectDetectionSensorDiscoveryAndState discovers a camera with both
// capabilities and reports its classes, valid by our schemas.
func TestObjectDetectionSensorDiscoveryAndState(t *testing.T) {
	t.Parallel()
	od, err := alexa.ObjectDetectionSensorCapability(alexa.Reported(), "person", "package")
	if err != nil {
		t.Fatal(err)
	}
	dc, err := alexa.DataControllerCapability("Camera.SmartVisionData", smartVisionData())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"AlexaInterface","interface":"Alexa.SmartVision.ObjectDetectionSensor","version":"1.0",
		"properties":{"supported":[{"name":"objectDetectionClasses"}],"proactivelyReported":true,"retrievable":true},
		"configuration":{"objectDetectionConfiguration":[{"imageNetClass":"person"},{"imageNetClass":"package"}]}}`
	if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, od)); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	want = `{"type":"AlexaInterface","interface":"Alexa.DataController","version":"1.0","instance":"Camera.SmartVisionData",
		"configuration":{"targetCapability":{"name":"Alexa.SmartVision.ObjectDetectionSensor","version":"1.0"},
		"dataRetrievalSchema":{"type":"JSON","schema":"SmartVisionData"},"supportedAccess":["BY_IDENTIFIER","BY_TIMESTAMP_RANGE"]}}`
	if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, dc)); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	ep := alexa.DiscoveryEndpoint{EndpointID: "camera-1", ManufacturerName: "Acme", Description: "Acme camera", FriendlyName: "Porch",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayCamera},
		Capabilities:      []alexa.Capability{od, dc, alexa.EndpointHealthCapability(alexa.Reported())}}
	r := alexa.NewRouter(alexa.WithValidator(schemas.New()))
	r.HandleDiscovery(alexa.DiscovererFunc(func(context.Context, *alexa.Directive, alexa.DiscoverPayload) ([]alexa.DiscoveryEndpoint, error) {
		return []alexa.DiscoveryEndpoint{ep}, nil
	}))
	r.HandleReportState(alexa.StateReporterFunc(func(context.Context, *alexa.Directive) ([]alexa.Property, error) {
		p, err := alexa.ObjectDetectionClassesProperty("person")
		if err != nil {
			return nil, err
		}
		return []alexa.Property{p, alexa.ConnectivityProperty(alexa.ConnectivityOK)}, nil
	}))
	for _, d := range [][]byte{alexatest.Discover("token"), ctlDirective(alexa.NamespaceAlexa, alexa.NameReportState, "", `{}`)} {
		out, err := r.Invoke(t.Context(), d)
		if err != nil {
			t.Fatal(err)
		}
		m, err := alexa.ParseEvent(out)
		if err != nil || m.Event.Header.Name == alexa.NameErrorResponse {
			t.Fatalf("reply %s %v", out, err)
		}
	}
}

func TestObjectDetectionValues(t *testing.T) {
	t.Parallel()
	for _, classes := range [][]string{nil, {""}, {"person", "person"}} {
		if _, err := alexa.ObjectDetectionSensorCapability(alexa.Reported(), classes...); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("capability %q: err = %v", classes, err)
		}
	}
	if p, err := alexa.ObjectDetectionClassesProperty(); err != nil || string(p.Value) != "[]" {
		t.Errorf("no classes: %s %v", p.Value, err)
	}
	if _, err := alexa.ObjectDetectionClassesProperty("person", ""); !errors.Is(err, alexa.ErrInvalidValue) {
		t.Errorf("empty class: %v", err)
	}
	for v, ok := range map[string]bool{`[]`: true, `[{"imageNetClass":"person"}]`: true, `["person"]`: false, `[{"imageNetClass":""}]`: false, `null`: false} {
		p := alexa.Property{Namespace: alexa.NamespaceObjectDetectionSensor, Name: alexa.PropertyObjectDetectionClasses, Value: []byte(v)}
		if err := p.Validate(); (err == nil) != ok {
			t.Errorf("Validate(%s) = %v, want ok %v", v, err, ok)
		}
	}
	for _, c := range []alexa.DataControllerConfiguration{{}, func() alexa.DataControllerConfiguration {
		c := smartVisionData()
		c.SupportedAccess = nil
		return c
	}()} {
		if _, err := alexa.DataControllerCapability("x", c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
	if _, err := alexa.DataControllerCapability("", smartVisionData()); err == nil || !strings.Contains(err.Error(), "instance is required") {
		t.Errorf("no instance: %v", err)
	}
	at := alexa.NewTime(time.Date(2026, 3, 14, 18, 22, 5, 0, time.UTC))
	m, err := alexa.Builder{}.ObjectDetection("camera-1", alexa.ObjectDetectionEvent{EventIdentifier: "e", ImageNetClass: "person", TimeOfSample: at})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetScope(*alexa.BearerScope("token")); err != nil {
		t.Fatal(err)
	}
	b, err := m.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := schemas.Validate(b); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	for _, bad := range [][]alexa.ObjectDetectionEvent{nil, {{EventIdentifier: "e", ImageNetClass: "person"}}, {{EventIdentifier: "e", ImageNetClass: "person", TimeOfSample: at, UncertaintyInMilliseconds: -1}}} {
		if _, err := (alexa.Builder{}).ObjectDetection("camera-1", bad...); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("%v: err = %v", bad, err)
		}
	}
}

// A camera that detects people and parcels, whose detections customers
// review through a data controller.
func ExampleObjectDetectionSensorCapability() {
	od, err := alexa.ObjectDetectionSensorCapability(alexa.Reported(), "person", "package")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(od.Interface, string(od.Configuration))
	// Output:
	// Alexa.SmartVision.ObjectDetectionSensor {"objectDetectionConfiguration":[{"imageNetClass":"person"},{"imageNetClass":"package"}]}
}
