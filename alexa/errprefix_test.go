package alexa_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// TestErrorChainsDoNotRepeatThePrefix builds errors whose chains wrap
// other alexa errors and wants "alexa: " once, at the start.
func TestErrorChainsDoNotRepeatThePrefix(t *testing.T) {
	t.Parallel()
	bad := alexa.Property{Namespace: alexa.NamespacePowerController, Name: alexa.PropertyPowerState, Value: json.RawMessage(`{"x":`)}
	_, crErr := alexa.NewChangeReport("lamp-1", alexa.CausePhysicalInteraction, []alexa.Property{bad})
	var v struct{ X int }
	decErr := alexa.PowerStateProperty(alexa.PowerOn).Decode(&v)
	_, aoErr := alexa.Builder{}.AddOrUpdateReports([]alexa.DiscoveryEndpoint{{EndpointID: "bad id!"}})
	_, invErr := alexa.InventoryLevelSensorCapability(alexa.InventorySensor{
		Instance: "Battery", FriendlyNames: []alexa.FriendlyName{alexa.TextName("Battery", "en-US")},
		Measurement: alexa.Measurement{Type: "Volume"},
	}, alexa.Reported())
	_, nameErr := alexa.InventoryLevelSensorCapability(alexa.InventorySensor{
		Instance: "Battery", FriendlyNames: []alexa.FriendlyName{alexa.TextName("", "en-US")},
	}, alexa.Reported())
	for name, err := range map[string]error{
		"ChangeReport": crErr, "Decode": decErr, "AddOrUpdateReports": aoErr,
		"inventory measurement": invErr, "inventory friendly name": nameErr,
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		msg := err.Error()
		t.Logf("%s: %s", name, msg)
		for line := range strings.Lines(msg) {
			if !strings.HasPrefix(line, "alexa: ") || strings.Count(line, "alexa: ") != 1 {
				t.Errorf("%s: %q does not have \"alexa: \" once, at the start", name, line)
			}
		}
	}
}
