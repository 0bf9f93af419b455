package alexa_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
)

func TestPropertyValidate(t *testing.T) {
	t.Parallel()
	raw := func(ns alexa.Namespace, name alexa.PropertyName, v string) alexa.Property {
		return alexa.Property{Namespace: ns, Name: name, Value: json.RawMessage(v)}
	}
	for _, tc := range []struct {
		name string
		p    alexa.Property
		want string // "" for valid
	}{
		{"power on", alexa.PowerStateProperty(alexa.PowerOn), ""},
		{"power escaped", raw(alexa.NamespacePowerController, alexa.PropertyPowerState, `"\u004fFF"`), ""},
		{"power maybe", alexa.PowerStateProperty("MAYBE"), "Alexa.PowerController.powerState must be one of ON, OFF"},
		{"power lowercase", alexa.PowerStateProperty("on"), "must be one of ON, OFF"},
		{"toggle", alexa.ToggleStateProperty("Fan.Oscillate", "SIDEWAYS"), "Alexa.ToggleController[Fan.Oscillate].toggleState must be one of ON, OFF"},
		{"lock", alexa.LockStateProperty("AJAR"), "must be one of LOCKED, UNLOCKED, JAMMED"},
		{"contact", alexa.ContactDetectionStateProperty("OPEN"), "must be one of DETECTED, NOT_DETECTED"},
		{"connectivity", alexa.ConnectivityProperty("SO-SO"), `"value" must be one of OK, UNREACHABLE`},
		{"connectivity ok", alexa.ConnectivityProperty(alexa.ConnectivityOK), ""},
		{"brightness 101", raw(alexa.NamespaceBrightnessController, alexa.PropertyBrightness, `101`), "must be an integer from 0 to 100"},
		{"brightness 50.5", raw(alexa.NamespaceBrightnessController, alexa.PropertyBrightness, `50.5`), "must be an integer from 0 to 100"},
		{"brightness string", raw(alexa.NamespaceBrightnessController, alexa.PropertyBrightness, `"50"`), "must be an integer from 0 to 100"},
		{"muted", raw(alexa.NamespaceSpeaker, alexa.PropertyMuted, `"yes"`), "must be true or false"},
		{"kelvin", raw(alexa.NamespaceColorTemperatureController, alexa.PropertyColorTemperatureInKelvin, `20000`), "must be an integer from 1000 to 10000"},
		{"temperature scale", raw(alexa.NamespaceTemperatureSensor, alexa.PropertyTemperature, `{"value":21,"scale":"RANKINE"}`), "must have a scale of CELSIUS, FAHRENHEIT or KELVIN"},
		{"setpoint", raw(alexa.NamespaceThermostatController, alexa.PropertyTargetSetpoint, `{"value":21,"scale":"CELSIUS"}`), ""},
		{"unknown property", raw("Acme.Custom", "anything", `"MAYBE"`), ""},
	} {
		err := tc.p.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && err == nil:
			t.Errorf("%s: valid, want %q", tc.name, tc.want)
		case tc.want != "" && (!strings.Contains(err.Error(), tc.want) || !errors.Is(err, alexa.ErrInvalidValue)):
			t.Errorf("%s: %v, want an ErrInvalidValue with %q", tc.name, err, tc.want)
		case err != nil && strings.Contains(err.Error(), "MAYBE"):
			t.Errorf("%s: %v quotes the value", tc.name, err)
		}
	}
}

// TestRouterChecksRegisteredInstances wants a reply with a mode or range
// value the registered instance does not declare refused with the declared
// values.
func TestRouterChecksRegisteredInstances(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter(alexa.WithLogger(slog.New(slog.DiscardHandler)))
	var reply []alexa.Property
	r.HandleModeController(ctlWashCycle, &ctlModeDevice{modes: []string{"Cycle.Delicates", "Cycle.Normal", "Cycle.Heavy"}, calls: &ctlCounter{}})
	r.HandleRangeController(ctlFanSpeed, &ctlRangeDevice{rng: ctlFanSpeed.SupportedRange, calls: &ctlCounter{}})
	r.HandleReportState(alexa.StateReporterFunc(func(context.Context, *alexa.Directive) ([]alexa.Property, error) {
		return reply, nil
	}))
	for _, tc := range []struct {
		name  string
		props []alexa.Property
		want  string
	}{
		{"declared", []alexa.Property{alexa.ModeProperty("Washer.Cycle", "Cycle.Heavy"), rangeValue(t, 3)}, ""},
		{"undeclared mode", []alexa.Property{alexa.ModeProperty("Washer.Cycle", "Cycle.Turbo")},
			"context property Alexa.ModeController[Washer.Cycle].mode must be one of Cycle.Delicates, Cycle.Normal, Cycle.Heavy"},
		{"out of range", []alexa.Property{rangeValue(t, 11)},
			"context property Alexa.RangeController[Fan.Speed].rangeValue must be from 1 to 10 in steps of 1"},
		{"off precision", []alexa.Property{rangeValue(t, 2.5)},
			"context property Alexa.RangeController[Fan.Speed].rangeValue must be from 1 to 10 in steps of 1"},
		{"unregistered instance", []alexa.Property{alexa.ModeProperty("Dryer.Cycle", "Anything")}, ""},
	} {
		reply = tc.props
		out, err := r.Invoke(t.Context(), alexatest.ReportState("washer-1", "token"))
		if err != nil {
			t.Fatal(err)
		}
		m, err := alexa.ParseEvent(out)
		if err != nil {
			t.Fatal(err)
		}
		reason, _ := alexa.DefectReason(m)
		if reason != tc.want {
			t.Errorf("%s: reason %q, want %q", tc.name, reason, tc.want)
		}
	}
}

func rangeValue(t *testing.T, v float64) alexa.Property {
	t.Helper()
	p, err := alexa.RangeValueProperty("Fan.Speed", v)
	return ctlMust(t, p, err)
}
