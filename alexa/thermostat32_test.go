package alexa_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
)

// heatPump is a single-setpoint thermostat with emergency heating that
// reports its adaptive recovery. It keeps no state (the fuzz target shares
// it): SetThermostatMode answers with the mode asked for.
type heatPump struct {
	mode     alexa.ThermostatMode
	recovery alexa.AdaptiveRecoveryStatus
}

func (h heatPump) reply(d *alexa.Directive) (*alexa.EventMessage, error) {
	target, err := alexa.TargetSetpointProperty(alexa.Temperature{Value: 21, Scale: alexa.Celsius})
	if err != nil {
		return nil, err
	}
	recovery, err := alexa.AdaptiveRecoveryStatusProperty(h.recovery)
	if err != nil {
		return nil, err
	}
	return d.Response(target, alexa.ThermostatModeProperty(h.mode), recovery), nil
}

func (h heatPump) SetTargetTemperature(_ context.Context, d *alexa.Directive, _ alexa.SetTargetTemperaturePayload) (*alexa.EventMessage, error) {
	return h.reply(d)
}

func (h heatPump) AdjustTargetTemperature(_ context.Context, d *alexa.Directive, _ alexa.AdjustTargetTemperaturePayload) (*alexa.EventMessage, error) {
	return h.reply(d)
}

func (h heatPump) SetThermostatMode(_ context.Context, d *alexa.Directive, p alexa.SetThermostatModePayload) (*alexa.EventMessage, error) {
	h.mode = p.ThermostatMode.Value
	return h.reply(d)
}

// TestThermostat32RoundTrip: a SetThermostatMode to EM_HEAT reaches the
// handler validated, and its reply, with the mode and adaptiveRecoveryStatus,
// is valid against our schemas (Amazon's predates 3.2).
func TestThermostat32RoundTrip(t *testing.T) {
	t.Parallel()
	h := heatPump{mode: alexa.ThermostatHeat, recovery: alexa.AdaptiveRecoveryPreheating}
	r := alexa.NewRouter()
	r.HandleThermostatController(h)
	directive := alexatest.To("thermostat-hall", "access-token").SetThermostatMode(alexa.ThermostatEmergencyHeat, "")
	alexatest.AssertValid(t, directive)
	m := alexatest.Invoke(t, r, directive)
	if m.Event.Header.Name != alexa.NameResponse {
		t.Fatalf("answered %s, want a Response", m.Event.Header.Name)
	}
	var got []string
	for _, p := range m.Context.Properties {
		got = append(got, string(p.Name)+"="+string(p.Value))
	}
	want := []string{`targetSetpoint={"value":21,"scale":"CELSIUS"}`, `thermostatMode="EM_HEAT"`, `adaptiveRecoveryStatus="PREHEATING"`}
	if !slices.Equal(got, want) {
		t.Errorf("properties %v, want %v", got, want)
	}
	conformMessage(t, m)
}

// TestAdaptiveRecoveryStatus: the property constructor takes the three
// states only, and the Router refuses a reply carrying another value.
func TestAdaptiveRecoveryStatus(t *testing.T) {
	t.Parallel()
	for _, s := range []alexa.AdaptiveRecoveryStatus{alexa.AdaptiveRecoveryPreheating, alexa.AdaptiveRecoveryPrecooling, alexa.AdaptiveRecoveryInactive} {
		p, err := alexa.AdaptiveRecoveryStatusProperty(s)
		if err != nil || p.Namespace != alexa.NamespaceThermostatController || p.Name != alexa.PropertyAdaptiveRecoveryStatus || string(p.Value) != `"`+string(s)+`"` {
			t.Errorf("AdaptiveRecoveryStatusProperty(%s) = %+v, %v", s, p, err)
		}
	}
	for _, s := range []alexa.AdaptiveRecoveryStatus{"", "HEATING", "preheating"} {
		if _, err := alexa.AdaptiveRecoveryStatusProperty(s); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("AdaptiveRecoveryStatusProperty(%q) = %v, want ErrInvalidValue", s, err)
		}
	}
	r := alexa.NewRouter()
	r.HandleFunc(alexa.NamespaceAlexa, alexa.NameReportState, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		return d.StateReport(alexa.Property{Namespace: alexa.NamespaceThermostatController, Name: alexa.PropertyAdaptiveRecoveryStatus, Value: json.RawMessage(`"HEATING"`)}), nil
	})
	out, err := r.Invoke(t.Context(), alexatest.To("thermostat-hall", "access-token").ReportState())
	if err != nil {
		t.Fatal(err)
	}
	m, err := alexa.ParseEvent(out)
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := alexa.ErrorFromEvent(m); !ok || e.Type != alexa.ErrorInternalError {
		t.Errorf("a StateReport with adaptiveRecoveryStatus HEATING was sent: %s", out)
	}
}

// TestThermostatCapability32: the capability declares version 3.2 when it
// uses a 3.2 feature (EM_HEAT among its modes, adaptive recovery), and 3
// otherwise; each is valid against our schemas.
func TestThermostatCapability32(t *testing.T) {
	t.Parallel()
	rep := alexa.Reporting{ProactivelyReported: true, Retrievable: true}
	for _, tc := range []struct {
		name             string
		modes            []alexa.ThermostatMode
		adaptiveRecovery bool
		wantVersion      string
		wantProps        []alexa.PropertyName
	}{
		{"3", []alexa.ThermostatMode{alexa.ThermostatHeat, alexa.ThermostatOff}, false, "3", []alexa.PropertyName{alexa.PropertyTargetSetpoint, alexa.PropertyThermostatMode}},
		{"emergency heat", []alexa.ThermostatMode{alexa.ThermostatHeat, alexa.ThermostatEmergencyHeat}, false, "3.2", []alexa.PropertyName{alexa.PropertyTargetSetpoint, alexa.PropertyThermostatMode}},
		{"adaptive recovery", []alexa.ThermostatMode{alexa.ThermostatHeat}, true, "3.2", []alexa.PropertyName{alexa.PropertyTargetSetpoint, alexa.PropertyThermostatMode, alexa.PropertyAdaptiveRecoveryStatus}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := alexa.ThermostatConfiguration{SupportedModes: tc.modes, SupportsScheduling: true, AdaptiveRecovery: tc.adaptiveRecovery}
			c, err := alexa.ThermostatControllerCapability(alexa.SingleSetpoint, cfg, rep)
			if err != nil {
				t.Fatal(err)
			}
			if cfgJSON := string(c.Configuration); strings.Contains(cfgJSON, "daptive") {
				t.Errorf("configuration %s declares adaptive recovery: it is a supported property", cfgJSON)
			}
			if c.Version != tc.wantVersion {
				t.Errorf("version %q, want %q", c.Version, tc.wantVersion)
			}
			var names []alexa.PropertyName
			for _, p := range c.Properties.Supported {
				names = append(names, p.Name)
			}
			if !slices.Equal(names, tc.wantProps) {
				t.Errorf("properties %v, want %v", names, tc.wantProps)
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
	if _, err := alexa.ThermostatControllerCapability(alexa.ThermostatSetpoints(4), alexa.ThermostatConfiguration{AdaptiveRecovery: true}, rep); err == nil {
		t.Error("setpoints 4 accepted")
	}
}

// TestThermostat32UpstreamAbsent: Amazon's published schema predates
// Alexa.ThermostatController 3.2 (EM_HEAT, adaptiveRecoveryStatus), which
// is why conform does not check such messages against it; it fails once
// the upstream schema accepts them.
func TestThermostat32UpstreamAbsent(t *testing.T) {
	t.Parallel()
	u, err := schemas.LoadUpstream(alexatest.UpstreamDir(t))
	if err != nil {
		t.Fatal(err)
	}
	d, err := alexa.ParseDirective(alexatest.To("thermostat-hall", "access-token").ReportState())
	if err != nil {
		t.Fatal(err)
	}
	recovery, _ := alexa.AdaptiveRecoveryStatusProperty(alexa.AdaptiveRecoveryInactive)
	for _, tc := range []struct {
		name     string
		props    []alexa.Property
		accepted bool
	}{
		{"HEAT", []alexa.Property{alexa.ThermostatModeProperty(alexa.ThermostatHeat)}, true},
		{"EM_HEAT", []alexa.Property{alexa.ThermostatModeProperty(alexa.ThermostatEmergencyHeat)}, false},
		{"adaptiveRecoveryStatus", []alexa.Property{recovery}, false},
	} {
		m := d.StateReport(tc.props...)
		fixedBuilder().Finalize(m, false)
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := u.Validate(b); (err == nil) != tc.accepted {
			t.Errorf("%s: upstream accepted = %v, want %v (update UPSTREAM.md and conform's exceptions): %v", tc.name, err == nil, tc.accepted, err)
		}
	}
}
