package alexa_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
)

// scheduleDirective is a directive of Alexa.ThermostatController.Schedule.
// Its name stands for any of the interface's directives, which this
// package does not type (their names were not confirmed).
var scheduleDirective = directiveOf(alexa.NamespaceThermostatSchedule, "AnyScheduleDirective", `{}`)

// TestThermostatScheduleError: the interface's INSUFFICIENT_SPACE answers
// its own directives in its own ErrorResponse (valid against our
// schemas), never another interface's; a generic type named for it goes
// in Alexa's.
func TestThermostatScheduleError(t *testing.T) {
	t.Parallel()
	setpoint := directiveOf(alexa.NamespaceThermostatController, alexa.NameSetTargetTemperature, `{"targetSetpoint":{"value":21,"scale":"CELSIUS"}}`)
	for _, tc := range []struct {
		name      string
		directive []byte
		err       *alexa.Error
		wantNS    alexa.Namespace
		wantType  alexa.ErrorType
	}{
		{"own error", scheduleDirective, alexa.ThermostatScheduleError(alexa.ErrorInsufficientSpace, "at most 4 periods a day"), alexa.NamespaceThermostatSchedule, alexa.ErrorInsufficientSpace},
		{"namespace implied", scheduleDirective, &alexa.Error{Type: alexa.ErrorInsufficientSpace}, alexa.NamespaceThermostatSchedule, alexa.ErrorInsufficientSpace},
		{"generic type named for it", scheduleDirective, alexa.ThermostatScheduleError(alexa.ErrorEndpointUnreachable, "offline"), alexa.NamespaceAlexa, alexa.ErrorEndpointUnreachable},
		{"answering the thermostat", setpoint, alexa.ThermostatScheduleError(alexa.ErrorInsufficientSpace, "full"), alexa.NamespaceAlexa, alexa.ErrorInternalError},
		{"the thermostat's type in its namespace", scheduleDirective, alexa.ThermostatScheduleError(alexa.ErrorUnwillingToSetSchedule, "no"), alexa.NamespaceAlexa, alexa.ErrorInternalError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := alexa.NewRouter()
			for _, d := range [][]byte{scheduleDirective, setpoint} {
				p, _ := alexa.ParseDirective(d)
				r.HandleFunc(p.Header.Namespace, p.Header.Name, func(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
					return nil, tc.err
				})
			}
			out, err := r.Invoke(t.Context(), tc.directive)
			if err != nil {
				t.Fatal(err)
			}
			m, err := alexa.ParseEvent(out)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := alexa.ErrorFromEvent(m)
			if !ok {
				t.Fatalf("not an ErrorResponse: %s", out)
			}
			if m.Event.Header.Namespace != tc.wantNS || got.Type != tc.wantType || m.Event.Header.PayloadVersion != "3" {
				t.Errorf("answered %s %s (%q), payloadVersion %s; want %s %s", m.Event.Header.Namespace, got.Type, got.Message, m.Event.Header.PayloadVersion, tc.wantNS, tc.wantType)
			}
			if tc.wantType == alexa.ErrorInternalError && !strings.Contains(got.Message, "cannot") && !strings.Contains(got.Message, "not an error type") {
				t.Errorf("INTERNAL_ERROR message %q does not say why", got.Message)
			}
			if tc.wantNS == alexa.NamespaceThermostatSchedule && !errors.Is(got, alexa.ThermostatScheduleError(alexa.ErrorInsufficientSpace, "")) {
				t.Error("errors.Is does not match the decoded error")
			}
			conform(t, out)
		})
	}
}

// TestThermostatScheduleProperties: the capability declares the
// properties asked for, at version 3.2; the properties are booleans,
// checked in replies; all valid against our schemas.
func TestThermostatScheduleProperties(t *testing.T) {
	t.Parallel()
	rep := alexa.Reporting{ProactivelyReported: true, Retrievable: true}
	got := ctlCapabilityJSON(t, alexa.ThermostatScheduleCapability(alexa.ThermostatScheduleFeatures{ScheduleEnabled: true, AdaptiveRecoveryEnabled: true}, rep))
	want := `{"type":"AlexaInterface","interface":"Alexa.ThermostatController.Schedule","version":"3.2",
		"properties":{"supported":[{"name":"scheduleEnabled"},{"name":"adaptiveRecoveryEnabled"}],"proactivelyReported":true,"retrievable":true}}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	c := alexa.ThermostatScheduleCapability(alexa.ThermostatScheduleFeatures{AdaptiveRecoveryEnabled: true}, rep)
	if len(c.Properties.Supported) != 1 || c.Properties.Supported[0].Name != alexa.PropertyAdaptiveRecoveryEnabled {
		t.Errorf("properties %+v, want adaptiveRecoveryEnabled only", c.Properties.Supported)
	}
	ep := validEndpoint("thermostat-hall")
	ep.DisplayCategories = []alexa.DisplayCategory{alexa.DisplayThermostat}
	ep.Capabilities = []alexa.Capability{alexa.AlexaCapability(), c}
	disc, err := alexa.ParseDirective(golden(t, "directive.Discovery.Discover"))
	if err != nil {
		t.Fatal(err)
	}
	dm, err := disc.DiscoverResponse([]alexa.DiscoveryEndpoint{ep})
	if err != nil {
		t.Fatal(err)
	}
	conformMessage(t, dm)

	on, off := alexa.ScheduleEnabledProperty(true), alexa.AdaptiveRecoveryEnabledProperty(false)
	if string(on.Value) != "true" || on.Name != alexa.PropertyScheduleEnabled || string(off.Value) != "false" || off.Name != alexa.PropertyAdaptiveRecoveryEnabled || on.Namespace != alexa.NamespaceThermostatSchedule {
		t.Errorf("properties %+v %+v", on, off)
	}
	r := alexa.NewRouter()
	r.HandleFunc(alexa.NamespaceAlexa, alexa.NameReportState, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		return d.StateReport(on, off), nil
	})
	m := alexatest.Invoke(t, r, alexatest.To("thermostat-hall", "access-token").ReportState())
	conformMessage(t, m)

	bad := alexa.NewRouter()
	bad.HandleFunc(alexa.NamespaceAlexa, alexa.NameReportState, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		return d.StateReport(alexa.Property{Namespace: alexa.NamespaceThermostatSchedule, Name: alexa.PropertyScheduleEnabled, Value: json.RawMessage(`"true"`)}), nil
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
		t.Errorf(`a StateReport with scheduleEnabled "true" was sent: %s`, out)
	}
}

// TestThermostatScheduleUpstreamAbsent: Amazon's published schema lacks
// Alexa.ThermostatController.Schedule, which is why conform does not check
// messages carrying it against that schema; it fails once the upstream
// schema accepts them.
func TestThermostatScheduleUpstreamAbsent(t *testing.T) {
	t.Parallel()
	u, err := schemas.LoadUpstream(alexatest.UpstreamDir(t))
	if err != nil {
		t.Fatal(err)
	}
	d, err := alexa.ParseDirective(alexatest.To("thermostat-hall", "access-token").ReportState())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []alexa.Property{alexa.ScheduleEnabledProperty(true), alexa.AdaptiveRecoveryEnabledProperty(true)} {
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
