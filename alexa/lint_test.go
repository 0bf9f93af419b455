package alexa_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

func TestLint(t *testing.T) {
	t.Parallel()
	attrs := &alexa.AdditionalAttributes{Manufacturer: "Acme", Model: "TH-1"}
	ep := func(id string, a *alexa.AdditionalAttributes, caps ...alexa.Capability) alexa.DiscoveryEndpoint {
		return alexa.DiscoveryEndpoint{EndpointID: id, ManufacturerName: "Acme", Description: "d", FriendlyName: "f",
			DisplayCategories: []alexa.DisplayCategory{alexa.DisplayOther}, AdditionalAttributes: a,
			Capabilities: append([]alexa.Capability{alexa.AlexaCapability()}, caps...)}
	}
	health := alexa.EndpointHealthCapability(alexa.Reported())
	for _, tc := range []struct {
		name string
		ep   alexa.DiscoveryEndpoint
		want []alexa.LintRule
	}{
		{"certifiable sensor", ep("s1", attrs, alexa.TemperatureSensorCapability(alexa.Reported()), alexa.HumiditySensorCapability(alexa.Reported()), health), nil},
		{"sensor without health", ep("s2", attrs, alexa.HumiditySensorCapability(alexa.Reported())), []alexa.LintRule{alexa.LintSensorHealth}},
		{"sensor not reported", ep("s3", attrs, alexa.ContactSensorCapability(alexa.Reporting{Retrievable: true}), health), []alexa.LintRule{alexa.LintSensorReporting}},
		{"light without health or model", ep("l1", nil, alexa.PowerControllerCapability(alexa.Reported())), []alexa.LintRule{alexa.LintEndpointHealth, alexa.LintModel}},
		{"catalog assets", ep("f1", attrs, health, mustCap(alexa.RangeControllerCapability(ctlFanSpeed, alexa.Reported())), mustCap(alexa.ModeControllerCapability(ctlWashCycle, alexa.Reported()))), nil},
		{"asset typos", ep("f2", attrs, health,
			mustCap(alexa.RangeControllerCapability(withRange(func(r *alexa.RangeInstance) {
				r.FriendlyNames = []alexa.FriendlyName{alexa.AssetName("Alexa.Setting.Fanspeed")}
				r.Presets = []alexa.Preset{alexa.RangePreset(10, alexa.AssetName("Alexa.Value.Max"))}
			}), alexa.Reported())),
			mustCap(alexa.ModeControllerCapability(alexa.ModeInstance{Instance: "Washer.Cycle", FriendlyNames: []alexa.FriendlyName{alexa.AssetName(alexa.AssetSettingWashCycle)},
				SupportedModes: []alexa.SupportedMode{alexa.ModeValue("Cycle.Quick", alexa.AssetName("Alexa.Value.Quickwash"))}}, alexa.Reported()))),
			[]alexa.LintRule{alexa.LintAsset, alexa.LintAsset, alexa.LintAsset}},
		{"namespace in another case", ep("f4", attrs, health, mustCap(alexa.ToggleControllerCapability(alexa.ToggleInstance{Instance: "Fan.Oscillate",
			FriendlyNames: []alexa.FriendlyName{alexa.AssetName("alexa.Setting.Oscillate"), alexa.AssetName("ALEXA.Setting.Quiet")}}, alexa.Reported()))),
			[]alexa.LintRule{alexa.LintAsset, alexa.LintAsset}},
		{"own catalog and units", ep("f3", attrs, health, mustCap(alexa.ToggleControllerCapability(alexa.ToggleInstance{Instance: "Fan.Oscillate",
			FriendlyNames: []alexa.FriendlyName{alexa.AssetName("Acme.Setting.Breeze"), alexa.AssetName(alexa.UnitPercent.Asset()), alexa.AssetName(alexa.AssetSettingOscillate)}}, alexa.Reported()))), nil},
		{"wake-on-LAN TV", ep("tv1", attrs, health, alexa.PowerControllerCapability(alexa.Reported()), mustCap(alexa.WakeOnLANControllerCapability("00-14-22-01-23-45"))), nil},
		{"wake-on-LAN without power", ep("tv2", attrs, health, mustCap(alexa.WakeOnLANControllerCapability("00-14-22-01-23-45"))), []alexa.LintRule{alexa.LintWakeOnLANPower}},
		{"health not proactive", ep("l2", attrs, alexa.PowerControllerCapability(alexa.Reported()), alexa.EndpointHealthCapability(alexa.Reporting{Retrievable: true})), []alexa.LintRule{alexa.LintConnectivityReporting}},
	} {
		var got []alexa.LintRule
		for _, f := range alexa.Lint([]alexa.DiscoveryEndpoint{tc.ep}) {
			if f.EndpointID != tc.ep.EndpointID || f.Message == "" {
				t.Errorf("%s: finding %v", tc.name, f)
			}
			got = append(got, f.Rule)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: rules %v, want %v", tc.name, got, tc.want)
		}
	}
}

func mustCap(c alexa.Capability, err error) alexa.Capability {
	if err != nil {
		panic(err)
	}
	return c
}

func withRange(edit func(*alexa.RangeInstance)) alexa.RangeInstance {
	r := ctlFanSpeed
	edit(&r)
	return r
}

// TestAssetIDs pins the global catalog the package knows: every constant
// is Global and Known, and an id outside the Alexa namespace is neither.
func TestAssetIDs(t *testing.T) {
	t.Parallel()
	for _, id := range []alexa.AssetID{alexa.AssetDeviceNameFan, alexa.AssetSettingQuiet, alexa.AssetShowerRainHead, alexa.AssetValueQuickWash, alexa.UnitTemperatureCelsius.Asset()} {
		if !id.Global() || !id.Known() {
			t.Errorf("%s: Global %v, Known %v", id, id.Global(), id.Known())
		}
	}
	for _, id := range []alexa.AssetID{"Acme.Setting.Breeze", "alexa.Setting.Quiet", ""} {
		if id.Global() || id.Known() {
			t.Errorf("%q: Global %v, Known %v", id, id.Global(), id.Known())
		}
	}
	if id := alexa.AssetID("Alexa.Setting.Fanspeed"); !id.Global() || id.Known() {
		t.Errorf("%s: a typo in the Alexa namespace must be Global and not Known", id)
	}
}

// A skill's test runs Lint over what its discovery returns.
func ExampleLint() {
	hygrometer := alexa.DiscoveryEndpoint{
		EndpointID: "cellar-1", ManufacturerName: "Acme", Description: "Acme hygrometer", FriendlyName: "Cellar",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayOther},
		Capabilities:      []alexa.Capability{alexa.AlexaCapability(), alexa.HumiditySensorCapability(alexa.Reported())},
	}
	for _, f := range alexa.Lint([]alexa.DiscoveryEndpoint{hygrometer}) {
		fmt.Println(f)
	}
	// Output:
	// cellar-1: sensor-endpoint-health: Alexa.HumiditySensor is a sensor, which must implement Alexa.EndpointHealth
	// cellar-1: manufacturer-and-model: additionalAttributes needs the manufacturer and the model
}
