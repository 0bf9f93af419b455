package alexa_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// TestWithConfirmation declares that a plug's TurnOn and TurnOff need the
// customer's confirmation, and discovers it through a Router validating
// its reply against our schemas: the discovery encoder writes the member
// as json.Marshal does, and it reads back.
func TestWithConfirmation(t *testing.T) {
	t.Parallel()
	base := alexa.PowerControllerCapability(alexa.Reported())
	c := base.WithConfirmation(alexa.NameTurnOn).WithConfirmation(alexa.NameTurnOff)
	if len(base.VerificationsRequired) != 0 {
		t.Fatal("WithConfirmation changed its receiver")
	}
	want := `{"type":"AlexaInterface","interface":"Alexa.PowerController","version":"3",
		"properties":{"supported":[{"name":"powerState"}],"proactivelyReported":true,"retrievable":true},
		"verificationsRequired":[{"directive":"TurnOn","methods":[{"@type":"Confirmation"}]},{"directive":"TurnOff","methods":[{"@type":"Confirmation"}]}]}`
	if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, c)); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	ep := alexa.DiscoveryEndpoint{EndpointID: "plug-1", ManufacturerName: "Acme", Description: "Acme plug", FriendlyName: "Heater plug",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplaySmartPlug}, Capabilities: []alexa.Capability{c, alexa.EndpointHealthCapability(alexa.Reported())}}
	out, m := discoverValidated(t, ep)
	if m.Event.Header.Name != alexa.NameDiscoverResponse {
		t.Fatalf("reply %s", out)
	}
	var p alexa.DiscoverResponsePayload
	if err := json.Unmarshal(m.Event.Payload, &p); err != nil {
		t.Fatal(err)
	}
	got := p.Endpoints[0].Capabilities
	var found bool
	for _, gc := range got {
		if gc.Interface == alexa.NamespacePowerController {
			found = true
			if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, gc)); d != "" {
				t.Errorf("discovered capability (-want +got):\n%s", d)
			}
		}
	}
	if !found {
		t.Fatalf("no PowerController in %s", out)
	}
	// The schema refuses a verification without a method.
	bad := ep
	bad.Capabilities = []alexa.Capability{base, alexa.EndpointHealthCapability(alexa.Reported())}
	bad.Capabilities[0].VerificationsRequired = []alexa.VerificationRequired{{Directive: alexa.NameTurnOn}}
	if out, m := discoverValidated(t, bad); errorTypeOf(t, m) != alexa.ErrorInternalError || !strings.Contains(string(out), "verificationsRequired") {
		t.Errorf("a verification without a method: %s", out)
	}
}
