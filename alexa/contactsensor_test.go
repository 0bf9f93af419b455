package alexa_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
)

func TestDetectionStateProperties(t *testing.T) {
	t.Parallel()
	contact := alexa.PropertyKey{Namespace: alexa.NamespaceContactSensor, Name: alexa.PropertyDetectionState}
	motion := alexa.PropertyKey{Namespace: alexa.NamespaceMotionSensor, Name: alexa.PropertyDetectionState}
	ok := func(p alexa.Property) func() (alexa.Property, error) {
		return func() (alexa.Property, error) { return p, nil }
	}
	ctlRunProperties(t, []ctlPropertyCase{
		{name: "contact detected", prop: ok(alexa.ContactDetectionStateProperty(alexa.Detected)), want: contact, value: `"DETECTED"`},
		{name: "contact not detected", prop: ok(alexa.ContactDetectionStateProperty(alexa.NotDetected)), want: contact, value: `"NOT_DETECTED"`},
		{name: "motion detected", prop: ok(alexa.MotionDetectionStateProperty(alexa.Detected)), want: motion, value: `"DETECTED"`},
		{name: "unknown state", prop: ok(alexa.ContactDetectionStateProperty("TAMPERED")), want: contact, value: `"TAMPERED"`},
		{name: "motion not detected", prop: ok(alexa.MotionDetectionStateProperty(alexa.NotDetected)), want: motion, value: `"NOT_DETECTED"`},
	})
}

func TestSensorCapabilities(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		c    alexa.Capability
		want string
	}{
		{
			name: "contact",
			c:    alexa.ContactSensorCapability(alexa.Reported()),
			want: `{"type":"AlexaInterface","interface":"Alexa.ContactSensor","version":"3",
				"properties":{"supported":[{"name":"detectionState"}],"proactivelyReported":true,"retrievable":true}}`,
		},
		{
			name: "motion",
			c:    alexa.MotionSensorCapability(alexa.Reported()),
			want: `{"type":"AlexaInterface","interface":"Alexa.MotionSensor","version":"3",
				"properties":{"supported":[{"name":"detectionState"}],"proactivelyReported":true,"retrievable":true}}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if d := ctlJSONDiff(t, []byte(tc.want), ctlCapabilityJSON(t, tc.c)); d != "" {
				t.Errorf("capability (-want +got):\n%s", d)
			}
		})
	}
}

// A sensor's detectionState changes reach Alexa in a ChangeReport.
func TestMotionSensorChangeReport(t *testing.T) {
	t.Parallel()
	b := alexa.Builder{Now: func() time.Time { return ctlNow }, NewMessageID: func() string { return ctlMessageID }}
	m, err := b.ChangeReport("sensor-1", alexa.CausePhysicalInteraction,
		[]alexa.Property{alexa.MotionDetectionStateProperty(alexa.Detected)},
		alexa.ConnectivityProperty(alexa.ConnectivityOK))
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"event":{"header":{"namespace":"Alexa","name":"ChangeReport","messageId":"` + ctlMessageID + `","payloadVersion":"3"},
		"endpoint":{"endpointId":"sensor-1"},
		"payload":{"change":{"cause":{"type":"PHYSICAL_INTERACTION"},"properties":[` +
		ctlProp(alexa.NamespaceMotionSensor, "", alexa.PropertyDetectionState, `"DETECTED"`) + `]}}},
		"context":{"properties":[` + ctlProp(alexa.NamespaceEndpointHealth, "", alexa.PropertyConnectivity, `{"value":"OK"}`) + `]}}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("ChangeReport (-want +got):\n%s", d)
	}
}
