package alexa_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

func TestLintCompanionInterfaces(t *testing.T) {
	t.Parallel()
	base := func(id string, caps ...alexa.Capability) alexa.DiscoveryEndpoint {
		return alexa.DiscoveryEndpoint{EndpointID: id, FriendlyName: id, Description: "d", ManufacturerName: "Acme",
			AdditionalAttributes: &alexa.AdditionalAttributes{Manufacturer: "Acme", Model: "M1"},
			DisplayCategories:    []alexa.DisplayCategory{alexa.DisplayOther},
			Capabilities:         append(caps, alexa.EndpointHealthCapability(alexa.Reported()))}
	}
	dc := func(target alexa.Namespace) alexa.Capability {
		c, err := alexa.DataControllerCapability("Data", alexa.DataControllerConfiguration{
			TargetCapability:    alexa.DataControllerTarget{Name: target, Version: "1.0"},
			DataRetrievalSchema: alexa.DataRetrievalSchema{Type: "JSON", Schema: "S"},
			SupportedAccess:     []alexa.DataAccess{alexa.AccessByIdentifier}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	od, err := alexa.ObjectDetectionSensorCapability(alexa.Reported(), "person")
	if err != nil {
		t.Fatal(err)
	}
	ses := func(instance string) alexa.Capability {
		c, err := alexa.SimpleEventSourceCapability(instance, []alexa.FriendlyName{alexa.TextName("Button", "en-US")},
			alexa.SimpleEvent{ID: "Press", FriendlyNames: []alexa.FriendlyName{alexa.TextName("Pressed", "en-US")}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, c := range []struct {
		name  string
		eps   []alexa.DiscoveryEndpoint
		rule  alexa.LintRule
		says  string
		clean bool
	}{
		{name: "automation without thermostat", eps: []alexa.DiscoveryEndpoint{base("t1", alexa.AutomationManagementCapability(alexa.Reported()))},
			rule: alexa.LintCompanion, says: "without Alexa.ThermostatController"},
		{name: "cooking timer alone", eps: []alexa.DiscoveryEndpoint{base("m1", alexa.CookingTimeControllerCapability(alexa.Reported(), alexa.PropertyRequestedCookTime))},
			rule: alexa.LintCompanion, says: "Alexa.Cooking.TimeController without Alexa.Cooking"},
		{name: "cooking family", clean: true, eps: []alexa.DiscoveryEndpoint{base("m2", alexa.CookingCapability(alexa.Reported(), alexa.PropertyCookingMode),
			alexa.CookingTimeControllerCapability(alexa.Reported(), alexa.PropertyRequestedCookTime))}},
		{name: "data of nothing", eps: []alexa.DiscoveryEndpoint{base("c1", dc(alexa.NamespaceObjectDetectionSensor))},
			rule: alexa.LintCompanion, says: `controls the data of "Alexa.SmartVision.ObjectDetectionSensor"`},
		{name: "data of detections", clean: true, eps: []alexa.DiscoveryEndpoint{base("c2", od, dc(alexa.NamespaceObjectDetectionSensor))}},
		{name: "shared button instance", eps: []alexa.DiscoveryEndpoint{base("r1", ses("b-1")), base("r2", ses("b-1"))},
			rule: alexa.LintSimpleEventInstance, says: `"b-1" is also r1's`},
		{name: "distinct button instances", clean: true, eps: []alexa.DiscoveryEndpoint{base("r3", ses("b-3")), base("r4", ses("b-4"))}},
	} {
		f := alexa.Lint(c.eps)
		if c.clean {
			if f != nil {
				t.Errorf("%s: findings %v", c.name, f)
			}
			continue
		}
		if !slices.ContainsFunc(f, func(f alexa.LintFinding) bool { return f.Rule == c.rule && strings.Contains(f.Message, c.says) }) {
			t.Errorf("%s: findings %v, want %s saying %q", c.name, f, c.rule, c.says)
		}
	}
}
