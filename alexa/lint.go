package alexa

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// LintRule names a rule of [Lint].
type LintRule string

// The rules [Lint] checks: what Amazon requires of sensors and asks of
// devices certified Works with Alexa, beyond what discovery accepts.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-endpointhealth.html
// and https://developer.amazon.com/docs/smarthome/understand-wwa.html.
const (
	// LintSensorHealth: a sensor (temperature, humidity, contact,
	// motion) must implement Alexa.EndpointHealth.
	LintSensorHealth LintRule = "sensor-endpoint-health"
	// LintEndpointHealth: Works with Alexa certification asks every
	// device for Alexa.EndpointHealth.
	LintEndpointHealth LintRule = "endpoint-health"
	// LintConnectivityReporting: connectivity must be both retrievable
	// and proactively reported.
	LintConnectivityReporting LintRule = "connectivity-reporting"
	// LintSensorReporting: a sensor's properties are proactively
	// reported and retrievable (Alexa reads and routines trigger on them).
	LintSensorReporting LintRule = "sensor-reporting"
	// LintModel: Works with Alexa asks for the manufacturer and model in
	// additionalAttributes.
	LintModel LintRule = "manufacturer-and-model"
	// LintAsset: a friendly name's asset id in the Alexa namespace (also
	// one that spells it in another case, "alexa.Setting.Quiet") must
	// be an entry of the global Alexa catalog ([AssetID.Known]): Alexa
	// refuses a capability that names another, so a typo costs the
	// customer the device at discovery.
	LintAsset LintRule = "global-catalog-asset"
	// LintWakeOnLANPower: Alexa.WakeOnLANController is implemented with
	// Alexa.PowerController, whose TurnOn starts the wake-up; an endpoint
	// declaring the first must declare the second.
	// See https://developer.amazon.com/docs/device-apis/alexa-wakeonlancontroller.html.
	LintWakeOnLANPower LintRule = "wake-on-lan-power"
	// LintNotificationCondition: an Alexa.ProactiveNotificationSource
	// condition watches a property the endpoint declares proactively
	// reported (its ChangeReport raises the announcement), and a
	// StateEquals condition a state the watched capability's semantics
	// map a value to: otherwise the announcement can never come.
	LintNotificationCondition LintRule = "notification-condition"
	// LintCompanion: an interface Amazon documents as used only beside
	// another is declared with it: Alexa.AutomationManagement with
	// Alexa.ThermostatController, and every interface of the Alexa.Cooking
	// family with Alexa.Cooking; an Alexa.DeviceUsage.Estimation power
	// profile with the interfaces it requires; and an
	// Alexa.DataController's targetCapability is one the endpoint
	// declares.
	// See https://developer.amazon.com/docs/device-apis/alexa-automationmanagement.html
	// and https://developer.amazon.com/docs/device-apis/alexa-cooking-timecontroller.html.
	LintCompanion LintRule = "companion-interface"
	// LintSimpleEventInstance: an Alexa.SimpleEventSource instance is
	// unique across the instances of every endpoint, as Amazon requires
	// (it suggests a version 4 UUID).
	// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-simpleeventsource.html.
	LintSimpleEventInstance LintRule = "simple-event-instance"
)

// LintFinding is one way an endpoint falls short of a [LintRule].
type LintFinding struct {
	EndpointID string
	Rule       LintRule
	Message    string
}

// String returns "endpointId: rule: message".
func (f LintFinding) String() string {
	return f.EndpointID + ": " + string(f.Rule) + ": " + f.Message
}

// sensors are the interfaces of sensor devices.
var sensors = []Namespace{NamespaceTemperatureSensor, NamespaceHumiditySensor, NamespaceContactSensor, NamespaceMotionSensor}

// Lint checks endpoints against what Amazon requires of sensors and asks
// of devices for Works with Alexa certification, which discovery itself
// does not enforce ([ValidateEndpoints] checks the protocol's limits).
// Run it in a skill's tests: a finding is a reason certification (or a
// customer's routine) would fail. It returns the findings of each
// endpoint in endpoint order, then those across endpoints (an
// Alexa.SimpleEventSource instance used twice), nil when there are none.
func Lint(endpoints []DiscoveryEndpoint) []LintFinding {
	var out []LintFinding
	for _, e := range endpoints {
		add := func(rule LintRule, format string, args ...any) {
			out = append(out, LintFinding{EndpointID: e.EndpointID, Rule: rule, Message: fmt.Sprintf(format, args...)})
		}
		var health *Capability
		var sensing []Capability
		for i := range e.Capabilities {
			c := &e.Capabilities[i]
			switch {
			case c.Interface == NamespaceEndpointHealth:
				health = c
			case slices.Contains(sensors, c.Interface):
				sensing = append(sensing, *c)
			}
		}
		switch {
		case health == nil && len(sensing) > 0:
			add(LintSensorHealth, "%s is a sensor, which must implement Alexa.EndpointHealth", sensing[0].Interface)
		case health == nil:
			add(LintEndpointHealth, "no Alexa.EndpointHealth: Works with Alexa asks every device to report its connectivity")
		case health.Properties == nil || !health.Properties.ProactivelyReported || !health.Properties.Retrievable:
			add(LintConnectivityReporting, "Alexa.EndpointHealth connectivity must be proactively reported and retrievable")
		}
		for _, c := range sensing {
			if c.Properties == nil || !c.Properties.ProactivelyReported || !c.Properties.Retrievable {
				add(LintSensorReporting, "%s properties must be proactively reported and retrievable", c.Interface)
			}
		}
		if a := e.AdditionalAttributes; a == nil || a.Manufacturer == "" || a.Model == "" {
			add(LintModel, "additionalAttributes needs the manufacturer and the model")
		}
		hasInterface := func(ns Namespace) bool {
			return slices.ContainsFunc(e.Capabilities, func(c Capability) bool { return c.Interface == ns })
		}
		if hasInterface(NamespaceWakeOnLANController) && !hasInterface(NamespacePowerController) {
			add(LintWakeOnLANPower, "Alexa.WakeOnLANController without Alexa.PowerController: Alexa wakes the device on a PowerController TurnOn")
		}
		if hasInterface(NamespaceAutomationManagement) && !hasInterface(NamespaceThermostatController) {
			add(LintCompanion, "Alexa.AutomationManagement without Alexa.ThermostatController: Amazon allows it on thermostats only")
		}
		for _, c := range e.Capabilities {
			if c.Interface == NamespaceDeviceUsageEstimation {
				if m := missingProfileInterfaces(c, hasInterface); len(m) > 0 {
					add(LintCompanion, "Alexa.DeviceUsage.Estimation's %s power profile requires %v", estimationProfile(c), m)
				}
			}
		}
		for _, c := range e.Capabilities {
			if strings.HasPrefix(string(c.Interface), string(NamespaceCooking)+".") && !hasInterface(NamespaceCooking) {
				add(LintCompanion, "%s without Alexa.Cooking, which every cooking appliance implements", c.Interface)
				break
			}
		}
		for i := range e.Capabilities {
			c := &e.Capabilities[i]
			if c.Interface != NamespaceDataController {
				continue
			}
			var conf DataControllerConfiguration
			if err := json.Unmarshal(c.Configuration, &conf); err != nil || !hasInterface(conf.TargetCapability.Name) {
				add(LintCompanion, "%s controls the data of %q, which the endpoint does not declare", capabilityLabel(c), string(conf.TargetCapability.Name))
			}
		}
		for i := range e.Capabilities {
			if c := &e.Capabilities[i]; c.Interface == NamespaceProactiveNotificationSource {
				for _, why := range notificationConditionFindings(e.Capabilities, c) {
					add(LintNotificationCondition, "%s", why)
				}
			}
		}
		for i := range e.Capabilities {
			c := &e.Capabilities[i]
			for _, n := range friendlyNamesOf(c) {
				id := n.Value.AssetID
				switch {
				case n.Type != FriendlyNameAsset:
				case id.Global() && !id.Known():
					add(LintAsset, "%s names the asset %q, which is not in the global Alexa catalog (a typo, or an entry newer than this SDK)", capabilityLabel(c), string(id))
				case !id.Global() && len(id) > len("Alexa.") && strings.EqualFold(string(id[:len("Alexa.")]), "Alexa."):
					add(LintAsset, "%s names the asset %q: the global Alexa catalog's namespace is spelled \"Alexa\"", capabilityLabel(c), string(id))
				}
			}
		}
	}
	seen := map[string]string{} // SimpleEventSource instance -> endpoint
	for _, e := range endpoints {
		for _, c := range e.Capabilities {
			if c.Interface != NamespaceSimpleEventSource || c.Instance == "" {
				continue
			}
			if first, dup := seen[c.Instance]; dup {
				out = append(out, LintFinding{EndpointID: e.EndpointID, Rule: LintSimpleEventInstance,
					Message: fmt.Sprintf("Alexa.SimpleEventSource instance %q is also %s's: an instance must be unique across endpoints", c.Instance, first)})
				continue
			}
			seen[c.Instance] = e.EndpointID
		}
	}
	return out
}

// capabilityLabel names c in a finding: its interface, and its instance if
// it has one.
func capabilityLabel(c *Capability) string {
	if c.Instance != "" {
		return string(c.Interface) + " " + c.Instance
	}
	return string(c.Interface)
}

// notificationConditionFindings returns what is wrong with the conditions
// of pns, an Alexa.ProactiveNotificationSource capability among caps.
func notificationConditionFindings(caps []Capability, pns *Capability) []string {
	var conf ProactiveNotificationSourceConfiguration
	if err := json.Unmarshal(pns.Configuration, &conf); err != nil {
		return []string{"Alexa.ProactiveNotificationSource configuration is unreadable: " + err.Error()}
	}
	var out []string
	for i, cond := range conf.NotificationConditions {
		p := cond.Property
		label := fmt.Sprintf("Alexa.ProactiveNotificationSource notificationConditions[%d] watches %s", i, p.Interface)
		if p.Instance != "" {
			label += " " + p.Instance
		}
		label += " " + string(p.Name)
		k := slices.IndexFunc(caps, func(c Capability) bool { return c.Interface == p.Interface && c.Instance == p.Instance })
		if k < 0 {
			out = append(out, label+", which the endpoint does not declare")
			continue
		}
		c := &caps[k]
		if c.Properties == nil || !slices.ContainsFunc(c.Properties.Supported, func(s SupportedProperty) bool { return s.Name == p.Name }) {
			out = append(out, label+", which that capability does not declare")
			continue
		}
		if !c.Properties.ProactivelyReported {
			out = append(out, label+", which is not proactively reported: no ChangeReport can raise the announcement")
		}
		if cond.ValueChangeCondition.Comparator != ComparatorStateEquals {
			continue
		}
		var sem Semantics
		state := SemanticState(cond.ValueChangeCondition.Value)
		mapped := len(c.Semantics) > 0 && json.Unmarshal(c.Semantics, &sem) == nil &&
			slices.ContainsFunc(sem.StateMappings, func(m StateMapping) bool { return slices.Contains(m.States, state) })
		if !mapped {
			out = append(out, fmt.Sprintf("%s for %s, which its semantics map no value to", label, state))
		}
	}
	return out
}
