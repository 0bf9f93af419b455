package alexa_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
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

	if out, m := discoverValidated(t, oven); m.Event.Header.Name != alexa.NameDiscoverResponse {
		t.Fatalf("discovery: %s", out)
	}
	r := validatingRouter()
	r.HandleReportState(alexa.StateReporterFunc(func(context.Context, *alexa.Directive) ([]alexa.Property, error) {
		return []alexa.Property{
			mustProp(alexa.CookingTemperatureProperty(tempOf(180, alexa.Celsius))),
			mustProp(alexa.FoodTemperatureProperty(tempOf(63, alexa.Celsius))),
			mustProp(alexa.TargetCookingTemperatureProperty(tempOf(200, alexa.Celsius))),
			alexa.ConnectivityProperty(alexa.ConnectivityOK),
		}, nil
	}))
	out, m := invokeValid(t, r, alexa.NamespaceAlexa, alexa.NameReportState, `{}`)
	if ps := m.Properties(); m.Event.Header.Name != alexa.NameStateReport || len(ps) != 4 ||
		ps[0].Key() != (alexa.PropertyKey{Namespace: alexa.NamespaceCookingTemperatureSensor, Name: alexa.PropertyCookingTemperature}) ||
		ps[1].Key() != (alexa.PropertyKey{Namespace: alexa.NamespaceCookingFoodTemperatureSensor, Name: alexa.PropertyFoodTemperature}) {
		t.Errorf("state report %s", out)
	}

	// The name a public implementation uses is not Amazon's: our schema
	// refuses a capability declaring it.
	wrong := oven
	wrong.Capabilities = append([]alexa.Capability{alexa.NewCapability(alexa.NamespaceCookingTemperatureSensor, "3", alexa.Reporting{Retrievable: true}, "currentCookingTemperature")}, oven.Capabilities[2:]...)
	if out, m := discoverValidated(t, wrong); errorTypeOf(t, m) != alexa.ErrorInternalError || !strings.Contains(string(out), "value must be 'cookingTemperature'") {
		t.Errorf("discovery with currentCookingTemperature: %s", out)
	}
}

// ctlOven is an oven with a probe: it cooks at 80 to 260 °C, to a food
// temperature of 40 to 95 °C, and refuses to start with its door open.
type ctlOven struct {
	mu       sync.Mutex
	target   alexa.Temperature
	food     alexa.Temperature
	mode     alexa.CookingMode
	doorOpen bool
	calls    *ctlCounter
}

func (o *ctlOven) cook(d *alexa.Directive, set func() error) (*alexa.EventMessage, error) {
	o.calls.inc()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.doorOpen {
		return nil, alexa.CookingError(alexa.ErrorDoorOpen, "the oven door is open")
	}
	if err := set(); err != nil {
		return nil, err
	}
	return d.Response(mustProp(alexa.TargetCookingTemperatureProperty(o.target)), mustProp(alexa.CookingModeProperty(alexa.CookingModeValue{Value: o.mode}))), nil
}

func inCelsius(t alexa.Temperature, min, max float64) (alexa.Temperature, error) {
	c, err := alexa.ConvertTemperature(t, alexa.Celsius)
	if err != nil {
		return alexa.Temperature{}, err
	}
	if c.Value < min || c.Value > max {
		return alexa.Temperature{}, alexa.TemperatureOutOfRange(tempOf(min, alexa.Celsius), tempOf(max, alexa.Celsius), "out of the oven's range")
	}
	return c, nil
}

func (o *ctlOven) CookByTemperature(_ context.Context, d *alexa.Directive, p alexa.CookByTemperaturePayload) (*alexa.EventMessage, error) {
	return o.cook(d, func() error {
		c, err := inCelsius(p.TargetCookingTemperature, 80, 260)
		if err != nil {
			return err
		}
		o.target, o.mode = c, alexa.CookingMode("BAKE")
		if p.CookingMode != nil {
			o.mode = p.CookingMode.Value
		}
		return nil
	})
}

func (o *ctlOven) AdjustCookingTemperature(_ context.Context, d *alexa.Directive, p alexa.AdjustCookingTemperaturePayload) (*alexa.EventMessage, error) {
	return o.cook(d, func() error {
		delta, err := alexa.ConvertTemperatureDelta(p.TargetCookingTemperatureDelta, alexa.Celsius)
		if err != nil {
			return err
		}
		c, err := inCelsius(tempOf(o.target.Value+delta.Value, alexa.Celsius), 80, 260)
		if err != nil {
			return err
		}
		o.target = c
		return nil
	})
}

func (o *ctlOven) CookByFoodTemperature(_ context.Context, d *alexa.Directive, p alexa.CookByFoodTemperaturePayload) (*alexa.EventMessage, error) {
	o.calls.inc()
	o.mu.Lock()
	defer o.mu.Unlock()
	c, err := inCelsius(p.TargetFoodTemperature, 40, 95)
	if err != nil {
		return nil, err
	}
	o.food = c
	return d.Response(mustProp(alexa.TargetFoodTemperatureProperty(o.food))), nil
}

// TestCookingTemperatureDirectives sends each directive of the two
// controllers, valid and not, through a Router validating both ways
// against our schemas, and checks the payloads the oven got and the
// replies.
func TestCookingTemperatureDirectives(t *testing.T) {
	t.Parallel()
	type want struct {
		name      alexa.Name // reply
		errType   alexa.ErrorType
		errNS     alexa.Namespace
		value     string // the reply's first property value
		handlerOK bool   // the handler was called
	}
	for _, tc := range []struct {
		desc     string
		ns       alexa.Namespace
		name     alexa.Name
		payload  string
		doorOpen bool
		want     want
	}{
		{"cook at 350 °F in convection", alexa.NamespaceCookingTemperatureController, alexa.NameCookByTemperature,
			`{"targetCookingTemperature":{"value":356,"scale":"FAHRENHEIT"},"cookingMode":{"value":"CONVECTION_BAKE"},"foodItem":{"foodName":"chicken"}}`, false,
			want{name: alexa.NameResponse, value: `{"value":180,"scale":"CELSIUS"}`, handlerOK: true}},
		{"cook at 200 °C, no mode", alexa.NamespaceCookingTemperatureController, alexa.NameCookByTemperature,
			`{"targetCookingTemperature":{"value":200,"scale":"CELSIUS"}}`, false,
			want{name: alexa.NameResponse, value: `{"value":200,"scale":"CELSIUS"}`, handlerOK: true}},
		{"too hot", alexa.NamespaceCookingTemperatureController, alexa.NameCookByTemperature,
			`{"targetCookingTemperature":{"value":900,"scale":"FAHRENHEIT"}}`, false,
			want{name: alexa.NameErrorResponse, errNS: alexa.NamespaceAlexa, errType: alexa.ErrorTemperatureValueOutOfRange, handlerOK: true}},
		{"door open", alexa.NamespaceCookingTemperatureController, alexa.NameCookByTemperature,
			`{"targetCookingTemperature":{"value":200,"scale":"CELSIUS"}}`, true,
			want{name: alexa.NameErrorResponse, errNS: alexa.NamespaceCooking, errType: alexa.ErrorDoorOpen, handlerOK: true}},
		{"no temperature", alexa.NamespaceCookingTemperatureController, alexa.NameCookByTemperature,
			`{"cookingMode":{"value":"BAKE"}}`, false,
			want{name: alexa.NameErrorResponse, errNS: alexa.NamespaceAlexa, errType: alexa.ErrorInvalidDirective}},
		{"unknown scale", alexa.NamespaceCookingTemperatureController, alexa.NameCookByTemperature,
			`{"targetCookingTemperature":{"value":200,"scale":"RANKINE"}}`, false,
			want{name: alexa.NameErrorResponse, errNS: alexa.NamespaceAlexa, errType: alexa.ErrorInvalidDirective}},
		{"adjust by -25 °F", alexa.NamespaceCookingTemperatureController, alexa.NameAdjustCookingTemperature,
			`{"targetCookingTemperatureDelta":{"value":-18,"scale":"FAHRENHEIT"}}`, false,
			want{name: alexa.NameResponse, value: `{"value":170,"scale":"CELSIUS"}`, handlerOK: true}},
		{"adjust without delta", alexa.NamespaceCookingTemperatureController, alexa.NameAdjustCookingTemperature,
			`{}`, false,
			want{name: alexa.NameErrorResponse, errNS: alexa.NamespaceAlexa, errType: alexa.ErrorInvalidDirective}},
		{"roast to 60 °C", alexa.NamespaceCookingFoodTemperatureController, alexa.NameCookByFoodTemperature,
			`{"targetFoodTemperature":{"value":60,"scale":"CELSIUS"},"foodItem":{"foodName":"roast"}}`, false,
			want{name: alexa.NameResponse, value: `{"value":60,"scale":"CELSIUS"}`, handlerOK: true}},
		{"food item by category alone", alexa.NamespaceCookingFoodTemperatureController, alexa.NameCookByFoodTemperature,
			`{"targetFoodTemperature":{"value":60,"scale":"CELSIUS"},"foodItem":{"foodCategory":"BEEF"}}`, false,
			want{name: alexa.NameResponse, value: `{"value":60,"scale":"CELSIUS"}`, handlerOK: true}},
		{"unknown cooking mode", alexa.NamespaceCookingFoodTemperatureController, alexa.NameCookByFoodTemperature,
			`{"targetFoodTemperature":{"value":60,"scale":"CELSIUS"},"cookingMode":{"value":"TOAST_LIGHTLY"}}`, false,
			want{name: alexa.NameErrorResponse, errNS: alexa.NamespaceAlexa, errType: alexa.ErrorInvalidDirective}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			oven := &ctlOven{target: tempOf(180, alexa.Celsius), mode: "BAKE", doorOpen: tc.doorOpen, calls: &ctlCounter{}}
			r := validatingRouter()
			r.HandleCookingTemperatureController(oven)
			r.HandleCookingFoodTemperatureController(oven)
			out, m := invokeValid(t, r, tc.ns, tc.name, tc.payload)
			h := m.Event.Header
			if h.Name != tc.want.name || (oven.calls.get() == 1) != tc.want.handlerOK {
				t.Fatalf("reply %s, handler called %d times; want %s, called %v\n%s", h.Name, oven.calls.get(), tc.want.name, tc.want.handlerOK, out)
			}
			if tc.want.name == alexa.NameErrorResponse {
				if h.Namespace != tc.want.errNS || errorTypeOf(t, m) != tc.want.errType {
					t.Errorf("error %s %s, want %s %s", h.Namespace, errorTypeOf(t, m), tc.want.errNS, tc.want.errType)
				}
				return
			}
			if ps := m.Properties(); len(ps) == 0 || string(ps[0].Value) != tc.want.value {
				t.Errorf("properties %v, want first value %s", ps, tc.want.value)
			}
		})
	}
}

// TestCookingTemperatureValues checks the property constructors and
// checks of the cooking temperature interfaces.
func TestCookingTemperatureValues(t *testing.T) {
	t.Parallel()
	for _, f := range []func(alexa.Temperature) (alexa.Property, error){
		alexa.CookingTemperatureProperty, alexa.FoodTemperatureProperty, alexa.TargetCookingTemperatureProperty, alexa.TargetFoodTemperatureProperty,
	} {
		p, err := f(tempOf(98.5, alexa.Fahrenheit))
		if err != nil || string(p.Value) != `{"value":98.5,"scale":"FAHRENHEIT"}` || p.Validate() != nil {
			t.Errorf("%s: %s %v", p.Key(), p.Value, err)
		}
		for _, bad := range []alexa.Temperature{{Value: math.Inf(1), Scale: alexa.Celsius}, {Value: 20}, {Value: 20, Scale: "RANKINE"}} {
			if _, err := f(bad); !errors.Is(err, alexa.ErrInvalidValue) {
				t.Errorf("%s %+v: err = %v", p.Key(), bad, err)
			}
		}
		for _, v := range []string{`20`, `{"value":20}`, `{"value":"20","scale":"CELSIUS"}`, `{"value":20,"scale":"CELSIUS","x":1}`} {
			q := p
			q.Value = json.RawMessage(v)
			if q.Validate() == nil {
				t.Errorf("%s: Validate accepted %s", p.Key(), v)
			}
		}
	}
	start := time.Date(2026, 3, 14, 18, 0, 0, 0, time.UTC)
	p, err := alexa.PreheatTimeIntervalProperty(start, 12*time.Minute)
	if err != nil || string(p.Value) != `{"start":"2026-03-14T18:00:00Z","end":"2026-03-14T18:12:00Z","duration":"PT12M"}` || p.Validate() != nil {
		t.Errorf("preheatTimeInterval %s %v", p.Value, err)
	}
	if _, err := alexa.PreheatTimeIntervalProperty(start, -time.Minute); !errors.Is(err, alexa.ErrInvalidValue) {
		t.Errorf("negative preheat: %v", err)
	}
}

// mustProp returns p; a fake device's handler builds only valid
// properties, so err is a bug of the test.
func mustProp(p alexa.Property, err error) alexa.Property {
	if err != nil {
		panic(err)
	}
	return p
}

func tempOf(v float64, s alexa.TemperatureScale) alexa.Temperature {
	return alexa.Temperature{Value: v, Scale: s}
}
