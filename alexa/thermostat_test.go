package alexa_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ctlThermostat is a Celsius thermostat with a 10–30 °C range that keeps
// its dual setpoints at least 2 °C apart.
type ctlThermostat struct {
	target, lower, upper float64
	mode                 alexa.ThermostatMode
	calls                *ctlCounter
}

var (
	ctlThermoMin   = alexa.Temperature{Value: 10, Scale: alexa.Celsius}
	ctlThermoMax   = alexa.Temperature{Value: 30, Scale: alexa.Celsius}
	ctlThermoDelta = alexa.Temperature{Value: 2, Scale: alexa.Celsius}
)

func (th *ctlThermostat) reply(d *alexa.Directive, names ...alexa.PropertyName) (*alexa.EventMessage, error) {
	var props []alexa.Property
	for _, n := range names {
		var p alexa.Property
		var err error
		switch n {
		case alexa.PropertyTargetSetpoint:
			p, err = alexa.TargetSetpointProperty(alexa.Temperature{Value: th.target, Scale: alexa.Celsius})
		case alexa.PropertyLowerSetpoint:
			p, err = alexa.LowerSetpointProperty(alexa.Temperature{Value: th.lower, Scale: alexa.Celsius})
		case alexa.PropertyUpperSetpoint:
			p, err = alexa.UpperSetpointProperty(alexa.Temperature{Value: th.upper, Scale: alexa.Celsius})
		case alexa.PropertyThermostatMode:
			p = alexa.ThermostatModeProperty(th.mode)
		}
		if err != nil {
			return nil, err
		}
		props = append(props, p)
	}
	return d.Response(props...), nil
}

func ctlCelsius(t alexa.Temperature) float64 {
	c, err := alexa.ConvertTemperature(t, alexa.Celsius)
	if err != nil {
		panic(err) // the Router validated t
	}
	return math.Round(c.Value*10) / 10
}

func (th *ctlThermostat) SetTargetTemperature(_ context.Context, d *alexa.Directive, p alexa.SetTargetTemperaturePayload) (*alexa.EventMessage, error) {
	th.calls.inc()
	if err := p.CheckRange(ctlThermoMin, ctlThermoMax); err != nil {
		return nil, err
	}
	if p.LowerSetpoint != nil && p.UpperSetpoint != nil && ctlCelsius(*p.UpperSetpoint)-ctlCelsius(*p.LowerSetpoint) < ctlThermoDelta.Value {
		return nil, alexa.RequestedSetpointsTooClose(ctlThermoDelta, "setpoints closer than 2 °C")
	}
	var names []alexa.PropertyName
	if p.TargetSetpoint != nil {
		th.target = ctlCelsius(*p.TargetSetpoint)
		names = append(names, alexa.PropertyTargetSetpoint)
	}
	if p.LowerSetpoint != nil {
		th.lower = ctlCelsius(*p.LowerSetpoint)
		names = append(names, alexa.PropertyLowerSetpoint)
	}
	if p.UpperSetpoint != nil {
		th.upper = ctlCelsius(*p.UpperSetpoint)
		names = append(names, alexa.PropertyUpperSetpoint)
	}
	return th.reply(d, append(names, alexa.PropertyThermostatMode)...)
}

func (th *ctlThermostat) AdjustTargetTemperature(_ context.Context, d *alexa.Directive, p alexa.AdjustTargetTemperaturePayload) (*alexa.EventMessage, error) {
	th.calls.inc()
	delta, err := alexa.ConvertTemperatureDelta(p.TargetSetpointDelta, alexa.Celsius)
	if err != nil {
		return nil, err
	}
	th.target = math.Round(min(ctlThermoMax.Value, max(ctlThermoMin.Value, th.target+delta.Value))*10) / 10
	return th.reply(d, alexa.PropertyTargetSetpoint, alexa.PropertyThermostatMode)
}

func (th *ctlThermostat) SetThermostatMode(_ context.Context, d *alexa.Directive, p alexa.SetThermostatModePayload) (*alexa.EventMessage, error) {
	th.calls.inc()
	switch m := p.ThermostatMode; {
	case m.Value == alexa.ThermostatEco:
		return nil, alexa.ThermostatError(alexa.ErrorUnsupportedThermostatMode, "no ECO mode")
	case m.Value == alexa.ThermostatCustom && m.CustomName != "DEHUMIDIFY":
		return nil, alexa.ThermostatError(alexa.ErrorUnsupportedThermostatMode, "unknown custom mode "+m.CustomName)
	}
	th.mode = p.ThermostatMode.Value
	return th.reply(d, alexa.PropertyThermostatMode)
}

// ctlScheduledThermostat also runs a schedule.
type ctlScheduledThermostat struct{ *ctlThermostat }

func (th ctlScheduledThermostat) ResumeSchedule(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	th.calls.inc()
	th.mode = alexa.ThermostatAuto
	return th.reply(d, alexa.PropertyThermostatMode)
}

func TestHandleThermostatController(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleThermostatController(&ctlThermostat{target: 20, lower: 18, upper: 24, mode: alexa.ThermostatHeat, calls: n})
		return r, n
	}
	dir := func(name alexa.Name, payload string) []byte {
		return ctlDirective(alexa.NamespaceThermostatController, name, "", payload)
	}
	prop := func(name alexa.PropertyName, v string) string {
		return ctlProp(alexa.NamespaceThermostatController, "", name, v)
	}
	c := func(v string) string { return `{"value":` + v + `,"scale":"CELSIUS"}` }
	heat := prop(alexa.PropertyThermostatMode, `"HEAT"`)
	thermoErr := func(typ alexa.ErrorType) *alexa.Error {
		return &alexa.Error{Namespace: alexa.NamespaceThermostatController, Type: typ}
	}
	ctlRun(t, setup, []ctlCase{
		{
			name:  "single setpoint",
			in:    dir(alexa.NameSetTargetTemperature, `{"targetSetpoint":{"value":25.0,"scale":"CELSIUS"}}`),
			want:  ctlResponse(prop(alexa.PropertyTargetSetpoint, c("25")), heat),
			calls: 1,
		},
		{
			name:  "single setpoint in fahrenheit",
			in:    dir(alexa.NameSetTargetTemperature, `{"targetSetpoint":{"value":73.4,"scale":"FAHRENHEIT"}}`),
			want:  ctlResponse(prop(alexa.PropertyTargetSetpoint, c("23")), heat),
			calls: 1,
		},
		{
			name:  "dual setpoints",
			in:    dir(alexa.NameSetTargetTemperature, `{"lowerSetpoint":{"value":68.0,"scale":"FAHRENHEIT"},"upperSetpoint":{"value":77.0,"scale":"FAHRENHEIT"}}`),
			want:  ctlResponse(prop(alexa.PropertyLowerSetpoint, c("20")), prop(alexa.PropertyUpperSetpoint, c("25")), heat),
			calls: 1,
		},
		{
			name: "triple setpoints",
			in:   dir(alexa.NameSetTargetTemperature, `{"targetSetpoint":{"value":22,"scale":"CELSIUS"},"lowerSetpoint":{"value":19,"scale":"CELSIUS"},"upperSetpoint":{"value":295.15,"scale":"KELVIN"}}`),
			want: ctlResponse(prop(alexa.PropertyTargetSetpoint, c("22")), prop(alexa.PropertyLowerSetpoint, c("19")),
				prop(alexa.PropertyUpperSetpoint, c("22")), heat),
			calls: 1,
		},
		{
			name:    "setpoint out of range",
			in:      dir(alexa.NameSetTargetTemperature, `{"targetSetpoint":{"value":90,"scale":"FAHRENHEIT"}}`),
			wantErr: &alexa.Error{Type: alexa.ErrorTemperatureValueOutOfRange, TemperatureValidRange: &alexa.TemperatureValidRange{MinimumValue: ctlThermoMin, MaximumValue: ctlThermoMax}},
			calls:   1,
		},
		{
			name:    "setpoints too close",
			in:      dir(alexa.NameSetTargetTemperature, `{"lowerSetpoint":{"value":20,"scale":"CELSIUS"},"upperSetpoint":{"value":21,"scale":"CELSIUS"}}`),
			wantErr: &alexa.Error{Namespace: alexa.NamespaceThermostatController, Type: alexa.ErrorRequestedSetpointsTooClose, MinimumTemperatureDelta: &ctlThermoDelta},
			calls:   1,
		},
		{
			name:    "setpoint beyond any scale",
			in:      dir(alexa.NameSetTargetTemperature, `{"targetSetpoint":{"value":1e308,"scale":"KELVIN"}}`),
			wantErr: &alexa.Error{Type: alexa.ErrorTemperatureValueOutOfRange, TemperatureValidRange: &alexa.TemperatureValidRange{MinimumValue: ctlThermoMin, MaximumValue: ctlThermoMax}},
			calls:   1,
		},
		{name: "no setpoint", in: dir(alexa.NameSetTargetTemperature, `{}`), wantErr: ctlInvalidDirective},
		{name: "setpoint without scale", in: dir(alexa.NameSetTargetTemperature, `{"targetSetpoint":{"value":21}}`), wantErr: ctlInvalidValue},
		{name: "setpoint in rankine", in: dir(alexa.NameSetTargetTemperature, `{"targetSetpoint":{"value":21,"scale":"RANKINE"}}`), wantErr: ctlInvalidValue},
		{name: "lower above upper", in: dir(alexa.NameSetTargetTemperature, `{"lowerSetpoint":{"value":25,"scale":"CELSIUS"},"upperSetpoint":{"value":70,"scale":"FAHRENHEIT"}}`), wantErr: ctlInvalidValue},
		{name: "setpoint string", in: dir(alexa.NameSetTargetTemperature, `{"targetSetpoint":"warm"}`), wantErr: ctlInvalidDirective},
		{
			name:  "adjust in fahrenheit",
			in:    dir(alexa.NameAdjustTargetTemperature, `{"targetSetpointDelta":{"value":-1.8,"scale":"FAHRENHEIT"}}`),
			want:  ctlResponse(prop(alexa.PropertyTargetSetpoint, c("19")), heat),
			calls: 1,
		},
		{
			name:  "adjust in kelvin",
			in:    dir(alexa.NameAdjustTargetTemperature, `{"targetSetpointDelta":{"value":2,"scale":"KELVIN"}}`),
			want:  ctlResponse(prop(alexa.PropertyTargetSetpoint, c("22")), heat),
			calls: 1,
		},
		{name: "adjust missing", in: dir(alexa.NameAdjustTargetTemperature, `{}`), wantErr: ctlInvalidDirective},
		{name: "adjust without scale", in: dir(alexa.NameAdjustTargetTemperature, `{"targetSetpointDelta":{"value":1}}`), wantErr: ctlInvalidValue},
		{
			name:  "mode",
			in:    dir(alexa.NameSetThermostatMode, `{"thermostatMode":{"value":"COOL"}}`),
			want:  ctlResponse(prop(alexa.PropertyThermostatMode, `"COOL"`)),
			calls: 1,
		},
		{
			name:  "mode as a bare string",
			in:    dir(alexa.NameSetThermostatMode, `{"thermostatMode":"OFF"}`),
			want:  ctlResponse(prop(alexa.PropertyThermostatMode, `"OFF"`)),
			calls: 1,
		},
		{
			name:  "custom mode",
			in:    dir(alexa.NameSetThermostatMode, `{"thermostatMode":{"value":"CUSTOM","customName":"DEHUMIDIFY"}}`),
			want:  ctlResponse(prop(alexa.PropertyThermostatMode, `"CUSTOM"`)),
			calls: 1,
		},
		{name: "unsupported mode", in: dir(alexa.NameSetThermostatMode, `{"thermostatMode":{"value":"ECO"}}`), wantErr: thermoErr(alexa.ErrorUnsupportedThermostatMode), calls: 1},
		{name: "custom mode without name", in: dir(alexa.NameSetThermostatMode, `{"thermostatMode":{"value":"CUSTOM"}}`), wantErr: ctlInvalidValue},
		{name: "empty mode", in: dir(alexa.NameSetThermostatMode, `{"thermostatMode":{"value":""}}`), wantErr: ctlInvalidValue},
		{name: "mode without value", in: dir(alexa.NameSetThermostatMode, `{"thermostatMode":{"customName":"X"}}`), wantErr: ctlInvalidDirective},
		{name: "mode missing", in: dir(alexa.NameSetThermostatMode, `{}`), wantErr: ctlInvalidDirective},
		// ResumeSchedule is routed only to thermostats that implement it.
		{name: "resume schedule", in: dir(alexa.NameResumeSchedule, `{}`), wantErr: ctlInvalidDirective},
	})
}

func TestThermostatResumeSchedule(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleThermostatController(ctlScheduledThermostat{&ctlThermostat{mode: alexa.ThermostatHeat, calls: n}})
		return r, n
	}
	ctlRun(t, setup, []ctlCase{{
		name:  "resume",
		in:    ctlDirective(alexa.NamespaceThermostatController, alexa.NameResumeSchedule, "", `{}`),
		want:  ctlResponse(ctlProp(alexa.NamespaceThermostatController, "", alexa.PropertyThermostatMode, `"AUTO"`)),
		calls: 1,
	}})
}

func TestThermostatErrorResponses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		err  *alexa.Error
		want string
	}{
		{
			name: "off",
			err:  alexa.ThermostatError(alexa.ErrorThermostatIsOff, "The thermostat is off"),
			want: `{"type":"THERMOSTAT_IS_OFF","message":"The thermostat is off"}`,
		},
		{
			name: "too close",
			err:  alexa.RequestedSetpointsTooClose(alexa.Temperature{Value: 2, Scale: alexa.Celsius}, "too close"),
			want: `{"type":"REQUESTED_SETPOINTS_TOO_CLOSE","message":"too close","minimumTemperatureDelta":{"value":2,"scale":"CELSIUS"}}`,
		},
		{
			name: "unwilling",
			err:  alexa.ThermostatError(alexa.ErrorUnwillingToSetValue, "no"),
			want: `{"type":"UNWILLING_TO_SET_VALUE","message":"no"}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := ctlRouter()
			r.HandleFunc(alexa.NamespaceThermostatController, alexa.NameSetThermostatMode, func(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
				return nil, tc.err
			})
			out := ctlInvoke(t, r, ctlDirective(alexa.NamespaceThermostatController, alexa.NameSetThermostatMode, "", `{"thermostatMode":{"value":"HEAT"}}`))
			want := ctlEvent("Alexa.ThermostatController", "ErrorResponse", tc.want)
			if d := ctlJSONDiff(t, []byte(want), out); d != "" {
				t.Errorf("reply (-want +got):\n%s", d)
			}
			if !errors.Is(tc.err, &alexa.Error{Namespace: alexa.NamespaceThermostatController, Type: tc.err.Type}) {
				t.Error("errors.Is does not match the thermostat error")
			}
		})
	}
}

func TestConvertTemperature(t *testing.T) {
	t.Parallel()
	tmp := func(v float64, s alexa.TemperatureScale) alexa.Temperature {
		return alexa.Temperature{Value: v, Scale: s}
	}
	approx := cmpopts.EquateApprox(0, 1e-9)
	for _, tc := range []struct {
		name      string
		in        alexa.Temperature
		to        alexa.TemperatureScale
		abs, diff alexa.Temperature
	}{
		{"C to F", tmp(100, alexa.Celsius), alexa.Fahrenheit, tmp(212, alexa.Fahrenheit), tmp(180, alexa.Fahrenheit)},
		{"F to C", tmp(32, alexa.Fahrenheit), alexa.Celsius, tmp(0, alexa.Celsius), tmp(32*5.0/9, alexa.Celsius)},
		{"C to K", tmp(-273.15, alexa.Celsius), alexa.Kelvin, tmp(0, alexa.Kelvin), tmp(-273.15, alexa.Kelvin)},
		{"K to F", tmp(255.3722222222222, alexa.Kelvin), alexa.Fahrenheit, tmp(0, alexa.Fahrenheit), tmp(459.67, alexa.Fahrenheit)},
		{"same scale", tmp(21.7, alexa.Celsius), alexa.Celsius, tmp(21.7, alexa.Celsius), tmp(21.7, alexa.Celsius)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := alexa.ConvertTemperature(tc.in, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.abs, got, approx); d != "" {
				t.Errorf("ConvertTemperature (-want +got):\n%s", d)
			}
			got, err = alexa.ConvertTemperatureDelta(tc.in, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.diff, got, approx); d != "" {
				t.Errorf("ConvertTemperatureDelta (-want +got):\n%s", d)
			}
		})
	}
	for _, bad := range []struct {
		in alexa.Temperature
		to alexa.TemperatureScale
	}{{tmp(1, ""), alexa.Celsius}, {tmp(1, alexa.Celsius), "RANKINE"}, {tmp(math.NaN(), alexa.Celsius), alexa.Kelvin}, {tmp(1e308, alexa.Celsius), alexa.Fahrenheit}} {
		if _, err := alexa.ConvertTemperature(bad.in, bad.to); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("ConvertTemperature(%v, %q) error = %v, want ErrInvalidValue", bad.in, bad.to, err)
		}
		if _, err := alexa.ConvertTemperatureDelta(bad.in, bad.to); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("ConvertTemperatureDelta(%v, %q) error = %v, want ErrInvalidValue", bad.in, bad.to, err)
		}
	}
}

func TestThermostatControllerCapability(t *testing.T) {
	t.Parallel()
	cfg := alexa.ThermostatConfiguration{SupportedModes: []alexa.ThermostatMode{alexa.ThermostatHeat, alexa.ThermostatCool, alexa.ThermostatAuto}, SupportsScheduling: true}
	for _, tc := range []struct {
		name  string
		s     alexa.ThermostatSetpoints
		props string
	}{
		{"single", alexa.SingleSetpoint, `{"name":"targetSetpoint"},{"name":"thermostatMode"}`},
		{"dual", alexa.DualSetpoints, `{"name":"lowerSetpoint"},{"name":"upperSetpoint"},{"name":"thermostatMode"}`},
		{"triple", alexa.TripleSetpoints, `{"name":"targetSetpoint"},{"name":"lowerSetpoint"},{"name":"upperSetpoint"},{"name":"thermostatMode"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := alexa.ThermostatControllerCapability(tc.s, cfg, alexa.Reported())
			if err != nil {
				t.Fatal(err)
			}
			want := `{"type":"AlexaInterface","interface":"Alexa.ThermostatController","version":"3",
				"properties":{"supported":[` + tc.props + `],"proactivelyReported":true,"retrievable":true},
				"configuration":{"supportedModes":["HEAT","COOL","AUTO"],"supportsScheduling":true}}`
			if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, c)); d != "" {
				t.Errorf("capability (-want +got):\n%s", d)
			}
		})
	}
	for _, tc := range []struct {
		name string
		s    alexa.ThermostatSetpoints
		cfg  alexa.ThermostatConfiguration
		want string
	}{
		{"no setpoints", 0, cfg, "setpoints 0"},
		{"four setpoints", 4, cfg, "setpoints 4"},
		{"duplicate mode", alexa.SingleSetpoint, alexa.ThermostatConfiguration{SupportedModes: []alexa.ThermostatMode{alexa.ThermostatHeat, alexa.ThermostatHeat}}, "HEAT listed twice"},
		{"empty mode", alexa.SingleSetpoint, alexa.ThermostatConfiguration{SupportedModes: []alexa.ThermostatMode{""}}, "empty mode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := alexa.ThermostatControllerCapability(tc.s, tc.cfg, alexa.Reported())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestThermostatProperties(t *testing.T) {
	t.Parallel()
	key := func(n alexa.PropertyName) alexa.PropertyKey {
		return alexa.PropertyKey{Namespace: alexa.NamespaceThermostatController, Name: n}
	}
	c21 := alexa.Temperature{Value: 21, Scale: alexa.Celsius}
	bad := alexa.Temperature{Value: math.Inf(1), Scale: alexa.Celsius}
	ctlRunProperties(t, []ctlPropertyCase{
		{name: "target", prop: func() (alexa.Property, error) { return alexa.TargetSetpointProperty(c21) }, want: key(alexa.PropertyTargetSetpoint), value: `{"value":21,"scale":"CELSIUS"}`},
		{name: "lower", prop: func() (alexa.Property, error) { return alexa.LowerSetpointProperty(c21) }, want: key(alexa.PropertyLowerSetpoint), value: `{"value":21,"scale":"CELSIUS"}`},
		{name: "upper", prop: func() (alexa.Property, error) { return alexa.UpperSetpointProperty(c21) }, want: key(alexa.PropertyUpperSetpoint), value: `{"value":21,"scale":"CELSIUS"}`},
		{name: "mode", prop: func() (alexa.Property, error) { return alexa.ThermostatModeProperty(alexa.ThermostatEco), nil }, want: key(alexa.PropertyThermostatMode), value: `"ECO"`},
		{name: "target Inf", prop: func() (alexa.Property, error) { return alexa.TargetSetpointProperty(bad) }, invalid: true},
		{name: "lower no scale", prop: func() (alexa.Property, error) { return alexa.LowerSetpointProperty(alexa.Temperature{Value: 1}) }, invalid: true},
		{name: "upper NaN", prop: func() (alexa.Property, error) {
			return alexa.UpperSetpointProperty(alexa.Temperature{Value: math.NaN(), Scale: alexa.Fahrenheit})
		}, invalid: true},
	})
}
