package alexa_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// TestDeviceUsageEstimation declares the power profile of a dimmable bulb,
// discovers it through a Router validating against our schemas, and
// lints the profile's required interfaces.
func TestDeviceUsageEstimation(t *testing.T) {
	t.Parallel()
	c, err := alexa.DeviceUsageEstimationCapability(alexa.PowerProfile{Type: alexa.ProfileBrightness, StandbyWattage: 0.4, MaximumWattage: 9})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"AlexaInterface","interface":"Alexa.DeviceUsage.Estimation","version":"1.0",
		"configurations":{"powerProfile":{"type":"BRIGHTNESS","standbyWattage":{"value":0.4,"units":"WATTS"},"maximumWattage":{"value":9,"units":"WATTS"}}}}`
	if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, c)); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	p, err := alexa.DeviceUsageEstimationCapability(alexa.PowerProfile{Type: alexa.ProfilePower, StandbyWattage: 0, OnWattage: 1500})
	if err != nil || !strings.Contains(string(ctlCapabilityJSON(t, p)), `"onWattage":{"value":1500,"units":"WATTS"}`) {
		t.Errorf("POWER profile: %s %v", ctlCapabilityJSON(t, p), err)
	}
	for _, bad := range []alexa.PowerProfile{
		{Type: "SOLAR", MaximumWattage: 9},
		{Type: alexa.ProfilePower, StandbyWattage: 1, MaximumWattage: 9}, // POWER takes onWattage
		{Type: alexa.ProfileBrightness, StandbyWattage: -1, MaximumWattage: 9},
		{Type: alexa.ProfileBrightnessColor, StandbyWattage: 1, MaximumWattage: math.NaN()},
	} {
		if _, err := alexa.DeviceUsageEstimationCapability(bad); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("%+v: err = %v", bad, err)
		}
	}

	bulb := alexa.DiscoveryEndpoint{EndpointID: "bulb-1", ManufacturerName: "Acme", Description: "Acme dimmable bulb", FriendlyName: "Hall light",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayLight}, AdditionalAttributes: &alexa.AdditionalAttributes{Manufacturer: "Acme", Model: "B-9"},
		Capabilities: []alexa.Capability{c, alexa.PowerControllerCapability(alexa.Reported()), alexa.BrightnessControllerCapability(alexa.Reported()),
			alexa.EndpointHealthCapability(alexa.Reported())}}
	if fs := alexa.Lint([]alexa.DiscoveryEndpoint{bulb}); len(fs) != 0 {
		t.Errorf("Lint: %v", fs)
	}
	onOff := bulb
	onOff.Capabilities = []alexa.Capability{c, alexa.PowerControllerCapability(alexa.Reported()), alexa.EndpointHealthCapability(alexa.Reported())}
	if fs := alexa.Lint([]alexa.DiscoveryEndpoint{onOff}); len(fs) != 1 || fs[0].Rule != alexa.LintCompanion ||
		!strings.Contains(fs[0].Message, "BRIGHTNESS power profile requires [Alexa.BrightnessController]") {
		t.Errorf("Lint without BrightnessController: %v", fs)
	}
	// Our schema refuses a profile without its top wattage.
	noTop := c
	noTop.Unknown = alexa.Unknown{"configurations": []byte(`{"powerProfile":{"type":"BRIGHTNESS","standbyWattage":{"value":0.4,"units":"WATTS"}}}`)}
	broken := bulb
	broken.Capabilities = append([]alexa.Capability{noTop}, bulb.Capabilities[1:]...)
	if out, m := discoverValidated(t, broken); errorTypeOf(t, m) != alexa.ErrorInternalError || !strings.Contains(string(out), "maximumWattage") {
		t.Errorf("a profile without maximumWattage: %s", out)
	}
	if out, m := discoverValidated(t, bulb); m.Event.Header.Name != alexa.NameDiscoverResponse || !strings.Contains(string(out), `"maximumWattage":{"value":9,"units":"WATTS"}`) {
		t.Errorf("discovery: %s", out)
	}
}
