package light_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
)

const replenishmentID = "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84"

func jsonEq(t *testing.T, got any, want string) {
	t.Helper()
	gb, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(gb, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want: %v", err)
	}
	gn, _ := json.Marshal(g)
	wn, _ := json.Marshal(w)
	if string(gn) != string(wn) {
		t.Errorf("got  %s\nwant %s", gn, wn)
	}
}

func TestEndpointDashOff(t *testing.T) {
	t.Parallel()
	m, warns, err := light.NewModel(false, "")
	if err != nil || len(warns) != 0 || m.Dash() {
		t.Fatalf("NewModel(false) = %v, %v, %v", m, warns, err)
	}
	e, err := m.Endpoint(device.Thing{Name: "desk-lamp", SerialNumber: "myDevice001"}, "Desk lamp")
	if err != nil {
		t.Fatal(err)
	}
	jsonEq(t, e, `{
		"endpointId": "myDevice001", "manufacturerName": "Smart Home Demo",
		"description": "Smart Light (battery powered)", "friendlyName": "Desk lamp",
		"displayCategories": ["LIGHT"], "cookie": {"thing": "desk-lamp"},
		"capabilities": [
			{"type": "AlexaInterface", "interface": "Alexa", "version": "3"},
			{"type": "AlexaInterface", "interface": "Alexa.PowerController", "version": "3",
			 "properties": {"supported": [{"name": "powerState"}], "proactivelyReported": true, "retrievable": true}},
			{"type": "AlexaInterface", "interface": "Alexa.EndpointHealth", "version": "3",
			 "properties": {"supported": [{"name": "connectivity"}], "proactivelyReported": true, "retrievable": true}}
		]}`)
}

func TestEndpointDashOn(t *testing.T) {
	t.Parallel()
	m, warns, err := light.NewModel(true, replenishmentID)
	if err != nil || len(warns) != 0 || !m.Dash() {
		t.Fatalf("NewModel(true) = %v, %v, %v", m, warns, err)
	}
	e, err := m.Endpoint(device.Thing{Name: "desk-lamp", SerialNumber: "myDevice001"}, "")
	if err != nil {
		t.Fatal(err)
	}
	jsonEq(t, e, `{
		"endpointId": "myDevice001", "manufacturerName": "Smart Home Demo",
		"description": "Smart Light (battery powered)", "friendlyName": "Smart Light",
		"displayCategories": ["LIGHT"], "cookie": {"thing": "desk-lamp"},
		"capabilities": [
			{"type": "AlexaInterface", "interface": "Alexa", "version": "3"},
			{"type": "AlexaInterface", "interface": "Alexa.PowerController", "version": "3",
			 "properties": {"supported": [{"name": "powerState"}], "proactivelyReported": true, "retrievable": true}},
			{"type": "AlexaInterface", "interface": "Alexa.InventoryLevelSensor", "version": "3", "instance": "InventoryLevelSensor-1",
			 "properties": {"supported": [{"name": "level"}], "proactivelyReported": true, "retrievable": true},
			 "capabilityResources": {"friendlyNames": [{"@type": "text", "value": {"text": "Battery", "locale": "en-US"}}]},
			 "configuration": {"measurement": {"@type": "Percentage"},
			   "replenishment": {"@type": "DashReplenishmentId", "value": "`+replenishmentID+`"}}},
			{"type": "AlexaInterface", "interface": "Alexa.EndpointHealth", "version": "3",
			 "properties": {"supported": [{"name": "connectivity"}], "proactivelyReported": true, "retrievable": true}}
		]}`)
	if _, err := m.Endpoint(device.Thing{Name: "desk-lamp", SerialNumber: "bad id"}, "x"); err == nil {
		t.Error("Endpoint accepted an invalid endpointId")
	}
}

func TestNewModelRefuses(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", "amzn1.dash.v2.o.abc", replenishmentID + "\n"} {
		if _, _, err := light.NewModel(true, drsID(id)); !errors.Is(err, light.ErrNoReplenishmentID) {
			t.Errorf("NewModel(true, %q) = %v, want ErrNoReplenishmentID", id, err)
		}
	}
	_, warns, err := light.NewModel(true, "Default")
	if err != nil || len(warns) != 1 {
		t.Errorf("NewModel(true, Default) = %v, %v; want one warning", warns, err)
	}
}

func TestProperties(t *testing.T) {
	t.Parallel()
	m, _, err := light.NewModel(true, replenishmentID)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	rep := device.LightState{
		Status:    device.Reading[device.PowerStatus]{Value: device.StatusOn, At: now.Add(-90 * time.Second), OK: true},
		Battery:   device.Reading[int]{Value: 0, At: now.Add(-10 * time.Second), OK: true},
		Connected: device.Reading[bool]{Value: true, At: now.Add(-time.Hour), OK: true},
	}
	jsonEq(t, m.Properties(rep, now), `[
		{"namespace": "Alexa.PowerController", "name": "powerState", "value": "ON", "timeOfSample": "2024-05-01T09:58:30Z", "uncertaintyInMilliseconds": 90000},
		{"namespace": "Alexa.InventoryLevelSensor", "instance": "InventoryLevelSensor-1", "name": "level", "value": {"@type": "Percentage", "value": 0}, "timeOfSample": "2024-05-01T09:59:50Z", "uncertaintyInMilliseconds": 10000},
		{"namespace": "Alexa.EndpointHealth", "name": "connectivity", "value": {"value": "OK"}, "timeOfSample": "2024-05-01T09:00:00Z", "uncertaintyInMilliseconds": 3600000}
	]`)
	// Never reported: only connectivity, UNREACHABLE, stamped now.
	jsonEq(t, m.Properties(device.LightState{}, now), `[
		{"namespace": "Alexa.EndpointHealth", "name": "connectivity", "value": {"value": "UNREACHABLE"}, "timeOfSample": "2024-05-01T10:00:00Z", "uncertaintyInMilliseconds": 0}]`)

	off, _, _ := light.NewModel(false, "")
	if _, ok := off.Level(rep, now); ok {
		t.Error("a level without Dash Replenishment")
	}
	if got := len(off.Properties(rep, now)); got != 2 {
		t.Errorf("%d properties without Dash, want 2", got)
	}
}

func TestName(t *testing.T) {
	t.Parallel()
	named := func(s string) device.LightState {
		return device.LightState{FriendlyName: device.Reading[string]{Value: s, OK: true}}
	}
	for _, tc := range []struct {
		desired, reported device.LightState
		want              string
	}{
		{named("New"), named("Old"), "New"},
		{named(""), named("Old"), "Old"},
		{device.LightState{}, device.LightState{}, light.DefaultName},
		{named(""), named(""), light.DefaultName},
	} {
		if got := light.Name(tc.desired, tc.reported); got != tc.want {
			t.Errorf("Name = %q, want %q", got, tc.want)
		}
	}
}
