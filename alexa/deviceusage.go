package alexa

import (
	"encoding/json"
	"fmt"
	"slices"
)

// NamespaceDeviceUsageEstimation is the Alexa.DeviceUsage.Estimation
// interface (version "1.0"), for devices that do not measure the energy
// they use, such as bulbs: the skill describes the device's typical power
// consumption, its power profile, in discovery, and Alexa estimates its
// energy use from its power and brightness states. It has no properties,
// directives or events.
//
// The profile types and the interfaces each requires are Amazon's
// documentation; the shape of the configuration ("configurations":
// {"powerProfile": {"type", "standbyWattage", "onWattage" or
// "maximumWattage"}}, each wattage {"value", "units": "WATTS"}) is that of
// a public implementation, as the part of the page that defines it could
// not be read. Devices that measure their use implement
// Alexa.DeviceUsage.Meter ([NamespaceDeviceUsageMeter]) instead.
// See https://developer.amazon.com/docs/device-apis/alexa-deviceusage-estimation.html.
const NamespaceDeviceUsageEstimation Namespace = "Alexa.DeviceUsage.Estimation"

// PowerProfileType is the kind of a [PowerProfile].
type PowerProfileType string

// Power profile types and the interfaces the endpoint must implement with
// each ([Lint] checks them).
// See https://developer.amazon.com/docs/device-apis/alexa-deviceusage-estimation.html.
const (
	// ProfilePower is a device with two power states, on and off:
	// Alexa.PowerController.
	ProfilePower PowerProfileType = "POWER"
	// ProfileBrightness is a dimmable device, such as a dimmable bulb:
	// Alexa.PowerController and Alexa.BrightnessController.
	ProfileBrightness PowerProfileType = "BRIGHTNESS"
	// ProfileBrightnessColor is a dimmable device of changing colour:
	// Alexa.PowerController, Alexa.BrightnessController and
	// Alexa.ColorController.
	ProfileBrightnessColor PowerProfileType = "BRIGHTNESS_COLOR"
)

// powerProfileInterfaces are the interfaces each profile requires.
var powerProfileInterfaces = map[PowerProfileType][]Namespace{
	ProfilePower:           {NamespacePowerController},
	ProfileBrightness:      {NamespacePowerController, NamespaceBrightnessController},
	ProfileBrightnessColor: {NamespacePowerController, NamespaceBrightnessController, NamespaceColorController},
}

// PowerProfile is a device's typical power consumption, in watts.
type PowerProfile struct {
	Type PowerProfileType
	// StandbyWattage is the power the device draws when off.
	StandbyWattage float64
	// OnWattage is the power a [ProfilePower] device draws when on.
	OnWattage float64
	// MaximumWattage is the power a [ProfileBrightness] or
	// [ProfileBrightnessColor] device draws at full brightness.
	MaximumWattage float64
}

// wattage is a power as the configuration writes it.
type wattage struct {
	Value float64 `json:"value"`
	Units string  `json:"units"`
}

// DeviceUsageEstimationCapability returns the Alexa.DeviceUsage.Estimation
// capability (version "1.0") with power profile p. It fails, wrapping
// [ErrInvalidValue], for an unknown profile type, a wattage that is
// negative or not finite, or an on or maximum wattage not above the
// standby one.
func DeviceUsageEstimationCapability(p PowerProfile) (Capability, error) {
	fail := func(format string, args ...any) (Capability, error) {
		return Capability{}, fmt.Errorf("%w: Alexa.DeviceUsage.Estimation power profile: %s", ErrInvalidValue, fmt.Sprintf(format, args...))
	}
	if _, ok := powerProfileInterfaces[p.Type]; !ok {
		return fail("type %q is not POWER, BRIGHTNESS or BRIGHTNESS_COLOR", p.Type)
	}
	top, name := p.MaximumWattage, "maximumWattage"
	if p.Type == ProfilePower {
		top, name = p.OnWattage, "onWattage"
	}
	if !finite(p.StandbyWattage) || p.StandbyWattage < 0 || !finite(top) || top <= p.StandbyWattage {
		return fail("standbyWattage must be at least 0 and %s above it", name)
	}
	profile := map[string]any{"type": p.Type, "standbyWattage": wattage{p.StandbyWattage, "WATTS"}, name: wattage{top, "WATTS"}}
	cfg, err := json.Marshal(map[string]any{"powerProfile": profile})
	if err != nil {
		return fail("%v", err)
	}
	c := Capability{Type: CapabilityTypeAlexaInterface, Interface: NamespaceDeviceUsageEstimation, Version: "1.0"}
	c.Unknown = Unknown{"configurations": cfg}
	return c, nil
}

// estimationProfile returns the power profile type an
// Alexa.DeviceUsage.Estimation capability declares, or "".
func estimationProfile(c Capability) PowerProfileType {
	var cfg struct {
		PowerProfile struct {
			Type PowerProfileType `json:"type"`
		} `json:"powerProfile"`
	}
	if json.Unmarshal(c.Unknown["configurations"], &cfg) != nil {
		return ""
	}
	return cfg.PowerProfile.Type
}

// missingProfileInterfaces returns the interfaces the profile of an
// Alexa.DeviceUsage.Estimation capability requires that has is false for.
func missingProfileInterfaces(c Capability, has func(Namespace) bool) []Namespace {
	var missing []Namespace
	for _, ns := range powerProfileInterfaces[estimationProfile(c)] {
		if !has(ns) && !slices.Contains(missing, ns) {
			missing = append(missing, ns)
		}
	}
	return missing
}
