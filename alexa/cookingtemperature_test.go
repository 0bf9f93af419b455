package alexa_test

import (
	"context"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
)

// TestCookingTemperatureInterfaces discovers an oven with a probe,
// declaring the cooking family's temperature sensors and controllers, and
// answers a ReportState with their properties, every reply valid by our
// schemas. Amazon's schema has none of these interfaces.
func TestCookingTemperatureInterfaces(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		c    alexa.Capability
		want string
	}{
		{alexa.CookingTemperatureSensorCapability(alexa.Reporting{Retrievable: true}), `{"type":"AlexaInterface","interface":"Alexa.Cooking.TemperatureSensor","version":"3",
			"properties":{"supported":[{"name":"cookingTemperature"}],"proactivelyReported":false,"retrievable":true}}`},
		{alexa.CookingFoodTemperatureSensorCapability(alexa.Reported()), `{"type":"AlexaInterface","interface":"Alexa.Cooking.FoodTemperatureSensor","version":"3",
			"properties":{"supported":[{"name":"foodTemperature"}],"proactivelyReported":true,"retrievable":true}}`},
		{alexa.CookingTemperatureControllerCapability(alexa.Reported(), alexa.PropertyTargetCookingTemperature, alexa.PropertyPreheatTimeInterval),
			`{"type":"AlexaInterface","interface":"Alexa.Cooking.TemperatureController","version":"3",
			"properties":{"supported":[{"name":"targetCookingTemperature"},{"name":"preheatTimeInterval"}],"proactivelyReported":true,"retrievable":true}}`},
		{alexa.CookingFoodTemperatureControllerCapability(alexa.Reported()), `{"type":"AlexaInterface","interface":"Alexa.Cooking.FoodTemperatureController","version":"3",
			"properties":{"supported":[{"name":"targetFoodTemperature"}],"proactivelyReported":true,"retrievable":true}}`},
	} {
		if d := ctlJSONDiff(t, []byte(c.want), ctlCapabilityJSON(t, c.c)); d != "" {
			t.Errorf("capability (-want +got):\n%s", d)
		}
	}

	oven := alexa.DiscoveryEndpoint{EndpointID: "oven-1", ManufacturerName: "Acme", Description: "Acme oven with probe", FriendlyName: "Oven",
		DisplayCategories:    []alexa.DisplayCategory{alexa.DisplayOven},
		AdditionalAttributes: &alexa.AdditionalAttributes{Manufacturer: "Acme", Model: "O-1"},
		Capabilities: []alexa.Capability{
			alexa.CookingCapability(alexa.Reporting{Retrievable: true}, alexa.PropertyCookingMode),
			alexa.CookingTemperatureSensorCapability(alexa.Reporting{Retrievable: true}),
			alexa.CookingFoodTemperatureSensorCapability(alexa.Reporting{Retrievable: true}),
			alexa.CookingTemperatureControllerCapability(alexa.Reporting{Retrievable: true}, alexa.PropertyTargetCookingTemperature),
			alexa.CookingFoodTemperatureControllerCapability(alexa.Reporting{Retrievable: true}),
			alexa.EndpointHealthCapability(alexa.Reported()),
		}}
	if fs := alexa.Lint([]alexa.DiscoveryEndpoint{oven}); len(fs) != 0 {
		t.Errorf("Lint: %v", fs)
	}
	noCooking := oven
	noCooking.Capabilities = oven.Capabilities[1:]
	var companions []string
	for _, f := range alexa.Lint([]alexa.DiscoveryEndpoint{noCooking}) {
		if f.Rule == alexa.LintCompanion {
			companions = append(companions, f.Message)
		}
	}
	if len(companions) != 1 || !strings.Contains(companions[0], "Alexa.Cooking.TemperatureSensor without Alexa.Cooking") {
		t.Errorf("Lint without Alexa.Cooking: %q", companions)
	}

	r := alexa.NewRouter(alexa.WithValidator(schemas.New()))
	r.HandleDiscovery(alexa.DiscovererFunc(func(context.Context, *alexa.Directive, alexa.DiscoverPayload) ([]alexa.DiscoveryEndpoint, error) {
		return []alexa.DiscoveryEndpoint{oven}, nil
	}))
	r.HandleReportState(alexa.StateReporterFunc(func(context.Context, *alexa.Directive) ([]alexa.Property, error) {
		cooking, err := alexa.NewProperty(alexa.NamespaceCookingTemperatureSensor, "", alexa.PropertyCookingTemperature, map[string]any{"value": 180, "scale": "CELSIUS"})
		if err != nil {
			return nil, err
		}
		food, err := alexa.NewProperty(alexa.NamespaceCookingFoodTemperatureSensor, "", alexa.PropertyFoodTemperature, map[string]any{"value": 63, "scale": "CELSIUS"})
		if err != nil {
			return nil, err
		}
		target, err := alexa.NewProperty(alexa.NamespaceCookingTemperatureController, "", alexa.PropertyTargetCookingTemperature, map[string]any{"value": 200, "scale": "CELSIUS"})
		if err != nil {
			return nil, err
		}
		return []alexa.Property{cooking, food, target, alexa.ConnectivityProperty(alexa.ConnectivityOK)}, nil
	}))
	for _, d := range [][]byte{alexatest.Discover("token"), ctlDirective(alexa.NamespaceAlexa, alexa.NameReportState, "", `{}`)} {
		out, err := r.Invoke(t.Context(), d)
		if err != nil {
			t.Fatal(err)
		}
		m, err := alexa.ParseEvent(out)
		if err != nil || m.Event.Header.Name == alexa.NameErrorResponse {
			t.Fatalf("reply %s %v", out, err)
		}
		if m.Event.Header.Name == alexa.NameStateReport {
			ps := m.Properties()
			if len(ps) != 4 || ps[0].Key() != (alexa.PropertyKey{Namespace: alexa.NamespaceCookingTemperatureSensor, Name: alexa.PropertyCookingTemperature}) ||
				ps[1].Key() != (alexa.PropertyKey{Namespace: alexa.NamespaceCookingFoodTemperatureSensor, Name: alexa.PropertyFoodTemperature}) {
				t.Errorf("properties %v", ps)
			}
		}
	}

	// The name a public implementation uses is not Amazon's: our schema
	// refuses a capability declaring it.
	wrong := oven
	wrong.Capabilities = append([]alexa.Capability{alexa.NewCapability(alexa.NamespaceCookingTemperatureSensor, "3", alexa.Reporting{Retrievable: true}, "currentCookingTemperature")}, oven.Capabilities[2:]...)
	w := alexa.NewRouter(alexa.WithValidator(schemas.New()))
	w.HandleDiscovery(alexa.DiscovererFunc(func(context.Context, *alexa.Directive, alexa.DiscoverPayload) ([]alexa.DiscoveryEndpoint, error) {
		return []alexa.DiscoveryEndpoint{wrong}, nil
	}))
	if out, err := w.Invoke(t.Context(), alexatest.Discover("token")); err != nil || !strings.Contains(string(out), `"INTERNAL_ERROR"`) || !strings.Contains(string(out), "value must be 'cookingTemperature'") {
		t.Errorf("discovery with currentCookingTemperature: %s", out)
	}
}
