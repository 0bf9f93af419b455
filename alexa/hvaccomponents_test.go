package alexa_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
)

// heatPumpComponents is a heat pump with a two-stage compressor, an
// auxiliary heater, a one-stage cooler and a three-stage fan.
var heatPumpComponents = alexa.HVACComponents{PrimaryHeaterStages: 2, AuxiliaryHeater: true, CoolerStages: 1, FanStages: 3}

// hvacProperties returns the four component properties of a heat pump
// running its second heating stage with the auxiliary heater.
func hvacProperties(t testing.TB) []alexa.Property {
	t.Helper()
	var props []alexa.Property
	add := func(p alexa.Property, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		props = append(props, p)
	}
	add(alexa.PrimaryHeaterOperationProperty(alexa.HVACStage2))
	add(alexa.AuxiliaryHeaterOperationProperty(alexa.AuxiliaryHeaterOn))
	add(alexa.CoolerOperationProperty(alexa.HVACStageOff))
	add(alexa.FanOperationProperty(alexa.HVACStage1))
	return props
}

// TestHVACComponentsCapability: the capability declares version 1.0, the
// property of each component present and the stage counts; a system
// without components, or with more than three stages, is refused.
func TestHVACComponentsCapability(t *testing.T) {
	t.Parallel()
	rep := alexa.Reporting{ProactivelyReported: true, Retrievable: true}
	for _, tc := range []struct {
		name      string
		c         alexa.HVACComponents
		wantProps []alexa.PropertyName
		wantCfg   string
	}{
		{"all", heatPumpComponents, []alexa.PropertyName{alexa.PropertyPrimaryHeaterOperation, alexa.PropertyAuxiliaryHeaterOperation, alexa.PropertyCoolerOperation, alexa.PropertyFanOperation},
			`{"numberOfPrimaryHeaterOperations":2,"numberOfCoolerOperations":1,"numberOfFanOperations":3}`},
		{"auxiliary heater only", alexa.HVACComponents{AuxiliaryHeater: true}, []alexa.PropertyName{alexa.PropertyAuxiliaryHeaterOperation}, ""},
		{"furnace and fan", alexa.HVACComponents{PrimaryHeaterStages: 1, FanStages: 1}, []alexa.PropertyName{alexa.PropertyPrimaryHeaterOperation, alexa.PropertyFanOperation},
			`{"numberOfPrimaryHeaterOperations":1,"numberOfFanOperations":1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := alexa.HVACComponentsCapability(tc.c, rep)
			if err != nil {
				t.Fatal(err)
			}
			if c.Interface != alexa.NamespaceHVACComponents || c.Version != "1.0" {
				t.Errorf("capability %s %s, want %s 1.0", c.Interface, c.Version, alexa.NamespaceHVACComponents)
			}
			var names []alexa.PropertyName
			for _, p := range c.Properties.Supported {
				names = append(names, p.Name)
			}
			if !slices.Equal(names, tc.wantProps) {
				t.Errorf("properties %v, want %v", names, tc.wantProps)
			}
			if string(c.Configuration) != tc.wantCfg {
				t.Errorf("configuration %s, want %s", c.Configuration, tc.wantCfg)
			}
			ep := validEndpoint("thermostat-hall")
			ep.DisplayCategories = []alexa.DisplayCategory{alexa.DisplayThermostat}
			ep.Capabilities = []alexa.Capability{alexa.AlexaCapability(), c}
			disc, err := alexa.ParseDirective(golden(t, "directive.Discovery.Discover"))
			if err != nil {
				t.Fatal(err)
			}
			m, err := disc.DiscoverResponse([]alexa.DiscoveryEndpoint{ep})
			if err != nil {
				t.Fatal(err)
			}
			conformMessage(t, m)
		})
	}
	for _, c := range []alexa.HVACComponents{{}, {FanStages: 4}, {CoolerStages: -1, AuxiliaryHeater: true}, {PrimaryHeaterStages: 9}} {
		if _, err := alexa.HVACComponentsCapability(c, rep); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

// TestHVACComponentProperties: the constructors take the documented
// values only.
func TestHVACComponentProperties(t *testing.T) {
	t.Parallel()
	props := hvacProperties(t)
	var got []string
	for _, p := range props {
		if p.Namespace != alexa.NamespaceHVACComponents {
			t.Errorf("%s in %s", p.Name, p.Namespace)
		}
		got = append(got, string(p.Name)+"="+string(p.Value))
	}
	want := []string{`primaryHeaterOperation="STAGE_2"`, `auxiliaryHeaterOperation="ON"`, `coolerOperation="OFF"`, `fanOperation="STAGE_1"`}
	if !slices.Equal(got, want) {
		t.Errorf("properties %v, want %v", got, want)
	}
	for _, f := range []func(alexa.HVACStage) (alexa.Property, error){alexa.PrimaryHeaterOperationProperty, alexa.CoolerOperationProperty, alexa.FanOperationProperty} {
		for _, s := range []alexa.HVACStage{"", "STAGE_4", "ON", "stage_1"} {
			if _, err := f(s); !errors.Is(err, alexa.ErrInvalidValue) {
				t.Errorf("stage %q: %v, want ErrInvalidValue", s, err)
			}
		}
	}
	for _, s := range []alexa.AuxiliaryHeaterOperation{"", "STAGE_1", "on"} {
		if _, err := alexa.AuxiliaryHeaterOperationProperty(s); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("auxiliary %q: %v, want ErrInvalidValue", s, err)
		}
	}
}

// TestHVACComponentsReports: a ReportState is answered with the component
// properties, and a ChangeReport carries them, both valid against our
// schemas; a StateReport with a stage that is not one is refused by the
// Router.
func TestHVACComponentsReports(t *testing.T) {
	t.Parallel()
	props := hvacProperties(t)
	r := alexa.NewRouter()
	r.HandleFunc(alexa.NamespaceAlexa, alexa.NameReportState, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		return d.StateReport(props...), nil
	})
	m := alexatest.Invoke(t, r, alexatest.To("thermostat-hall", "access-token").ReportState())
	if m.Event.Header.Name != alexa.NameStateReport || len(m.Context.Properties) != 4 {
		t.Fatalf("answered %s with %d properties", m.Event.Header.Name, len(m.Context.Properties))
	}
	conformMessage(t, m)

	cr, err := fixedBuilder().ChangeReport("thermostat-hall", alexa.CausePeriodicPoll, props[:2], props[2:]...)
	if err != nil {
		t.Fatal(err)
	}
	conformMessage(t, cr)

	bad := alexa.NewRouter()
	bad.HandleFunc(alexa.NamespaceAlexa, alexa.NameReportState, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		return d.StateReport(alexa.Property{Namespace: alexa.NamespaceHVACComponents, Name: alexa.PropertyFanOperation, Value: json.RawMessage(`"STAGE_4"`)}), nil
	})
	out, err := bad.Invoke(t.Context(), alexatest.To("thermostat-hall", "access-token").ReportState())
	if err != nil {
		t.Fatal(err)
	}
	em, err := alexa.ParseEvent(out)
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := alexa.ErrorFromEvent(em); !ok || e.Type != alexa.ErrorInternalError {
		t.Errorf("a StateReport with fanOperation STAGE_4 was sent: %s", out)
	}
}

// TestHVACComponentsUpstreamAbsent: Amazon's published schema lacks
// Alexa.ThermostatController.HVAC.Components, which is why conform does
// not check messages carrying it against that schema; it fails once the
// upstream schema accepts them.
func TestHVACComponentsUpstreamAbsent(t *testing.T) {
	t.Parallel()
	u, err := schemas.LoadUpstream(alexatest.UpstreamDir(t))
	if err != nil {
		t.Fatal(err)
	}
	d, err := alexa.ParseDirective(alexatest.To("thermostat-hall", "access-token").ReportState())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range hvacProperties(t) {
		m := d.StateReport(p)
		fixedBuilder().Finalize(m, false)
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := u.Validate(b); err == nil {
			t.Errorf("upstream accepts %s: update UPSTREAM.md and conform's exceptions", p.Name)
		}
	}
}
