package light_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
)

// The light as discovery describes it, with Dash Replenishment enabled.
func ExampleModel_Endpoint() {
	m, _, err := light.NewModel(true, "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84")
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := m.Endpoint(device.Thing{Name: "desk-lamp", SerialNumber: "myDevice001"}, "Desk lamp")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range e.Capabilities {
		if c.Instance != "" {
			fmt.Println(c.Interface, c.Instance)
			continue
		}
		fmt.Println(c.Interface)
	}
	// Output:
	// Alexa
	// Alexa.PowerController
	// Alexa.InventoryLevelSensor InventoryLevelSensor-1
	// Alexa.EndpointHealth
}

// Properties are timed by the shadow's metadata: the time the device
// reported each value, and how long ago that was.
func ExampleModel_Properties() {
	m, _, _ := light.NewModel(true, "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84")
	var doc device.Document
	_ = json.Unmarshal([]byte(`{"state": {"reported": {"status": "on", "battery": 0, "connected": true}},
		"metadata": {"reported": {"status": {"timestamp": 1714557600}, "battery": {"timestamp": 1714557630}, "connected": {"timestamp": 1714557000}}}}`), &doc)
	rep, _ := device.ParseLightState(doc.State.Reported, doc.Metadata.Reported)
	now := time.Unix(1714557660, 0)
	for _, p := range m.Properties(rep, now) {
		fmt.Println(p.Name, string(p.Value), p.TimeOfSample, p.UncertaintyInMilliseconds)
	}
	// Output:
	// powerState "ON" 2024-05-01T10:00:00Z 60000
	// level {"@type":"Percentage","value":0} 2024-05-01T10:00:30Z 30000
	// connectivity {"value":"OK"} 2024-05-01T09:50:00Z 660000
}
