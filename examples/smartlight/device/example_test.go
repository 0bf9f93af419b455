package device_test

import (
	"encoding/json"
	"fmt"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// A command as the backend writes it to the desired state, encoded with
// encoding/json: a name is data, never JSON text.
func ExampleLightPatch() {
	cmd := device.Command{ID: "5f0c", Source: device.SourceApp}
	u := device.Update{State: device.UpdateState{
		Desired: device.LightPatch{Status: device.Ptr(device.StatusOn), FriendlyName: device.Ptr(`Desk "lamp"`), Command: &cmd}.State(),
	}}
	b, _ := json.Marshal(u)
	fmt.Println(string(b))
	// Output:
	// {"state":{"desired":{"command":"app:5f0c","friendlyName":"Desk \"lamp\"","status":"on"}}}
}

// The reported state of an accepted update, with the time of each value.
func ExampleParseLightState() {
	var doc device.Document
	_ = json.Unmarshal([]byte(`{"state": {"reported": {"battery": 0, "status": "dim"}},
		"metadata": {"reported": {"battery": {"timestamp": 1714557600}}}, "version": 3, "timestamp": 1714557600}`), &doc)
	ls, err := device.ParseLightState(doc.State.Reported, doc.Metadata.Reported)
	fmt.Println(ls.Battery.OK, ls.Battery.Value, ls.Battery.At)
	fmt.Println(ls.Status.OK, err)
	// Output:
	// true 0 2024-05-01 10:00:00 +0000 UTC
	// false device: state status: want "on" or "off"
}
