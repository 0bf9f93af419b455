package alexa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// NamespaceThermostatController is the Alexa.ThermostatController
// interface, for thermostats with one, two or three setpoints and modes.
// Pair it with Alexa.TemperatureSensor for the measured temperature.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
const NamespaceThermostatController Namespace = "Alexa.ThermostatController"

// Alexa.ThermostatController directives.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
const (
	NameSetTargetTemperature    Name = "SetTargetTemperature"
	NameAdjustTargetTemperature Name = "AdjustTargetTemperature"
	NameSetThermostatMode       Name = "SetThermostatMode"
	// NameResumeSchedule asks a thermostat that supports scheduling to
	// return to its schedule; it carries no payload.
	NameResumeSchedule Name = "ResumeSchedule"
)

// Alexa.ThermostatController properties. The setpoints are [Temperature]
// values, the mode a [ThermostatMode].
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
const (
	// PropertyTargetSetpoint is the temperature a single-setpoint
	// thermostat (or the middle setpoint of a triple one) aims for.
	PropertyTargetSetpoint PropertyName = "targetSetpoint"
	// PropertyLowerSetpoint is the heating setpoint of a dual- or
	// triple-setpoint thermostat.
	PropertyLowerSetpoint PropertyName = "lowerSetpoint"
	// PropertyUpperSetpoint is the cooling setpoint of a dual- or
	// triple-setpoint thermostat.
	PropertyUpperSetpoint PropertyName = "upperSetpoint"
	// PropertyThermostatMode is the thermostat's mode.
	PropertyThermostatMode PropertyName = "thermostatMode"
	// PropertyAdaptiveRecoveryStatus (interface version 3.2) says whether
	// the thermostat is preheating or precooling to reach the next
	// scheduled setpoint on time; an [AdaptiveRecoveryStatus]. Declare it
	// with [ThermostatConfiguration.AdaptiveRecovery].
	PropertyAdaptiveRecoveryStatus PropertyName = "adaptiveRecoveryStatus"
)

// AdaptiveRecoveryStatus is the value of the adaptiveRecoveryStatus
// property (Alexa.ThermostatController 3.2). The property name is
// confirmed by public Alexa integrations that report it; the three values
// below by one public implementation that quotes Amazon's, not by the
// captured text of the interface documentation.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
type AdaptiveRecoveryStatus string

// Adaptive recovery states.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
const (
	// AdaptiveRecoveryPreheating: the thermostat heats ahead of a
	// scheduled setpoint so as to reach it on time.
	AdaptiveRecoveryPreheating AdaptiveRecoveryStatus = "PREHEATING"
	// AdaptiveRecoveryPrecooling: the thermostat cools ahead of a
	// scheduled setpoint so as to reach it on time.
	AdaptiveRecoveryPrecooling AdaptiveRecoveryStatus = "PRECOOLING"
	// AdaptiveRecoveryInactive: the thermostat is not recovering.
	AdaptiveRecoveryInactive AdaptiveRecoveryStatus = "INACTIVE"
)

// Validate returns an error wrapping [ErrInvalidValue] unless s is one of
// the adaptive recovery states.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func (s AdaptiveRecoveryStatus) Validate() error {
	switch s {
	case AdaptiveRecoveryPreheating, AdaptiveRecoveryPrecooling, AdaptiveRecoveryInactive:
		return nil
	}
	return fmt.Errorf("%w: adaptiveRecoveryStatus %q, want PREHEATING, PRECOOLING or INACTIVE", ErrInvalidValue, string(s))
}

// ThermostatMode is a thermostat mode: the value of the thermostatMode
// property and of SetThermostatMode.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
type ThermostatMode string

// Thermostat modes.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
const (
	ThermostatAuto ThermostatMode = "AUTO"
	ThermostatCool ThermostatMode = "COOL"
	ThermostatHeat ThermostatMode = "HEAT"
	ThermostatEco  ThermostatMode = "ECO"
	ThermostatOff  ThermostatMode = "OFF"
	// ThermostatCustom is a manufacturer mode named by
	// [ThermostatModeValue.CustomName] in SetThermostatMode.
	ThermostatCustom ThermostatMode = "CUSTOM"
	// ThermostatEmergencyHeat is emergency heating (interface version
	// 3.2): a heat pump's auxiliary heat alone. A capability that lists it
	// in its supported modes declares version "3.2". The wire value is
	// the one public Alexa integrations exchange with Alexa; the captured
	// text of the interface documentation names the mode but not its
	// value.
	ThermostatEmergencyHeat ThermostatMode = "EM_HEAT"
)

// ThermostatSetpoints says which setpoints a thermostat has, and so which
// properties its capability declares.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
type ThermostatSetpoints int

// Setpoint arrangements.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
const (
	// SingleSetpoint: targetSetpoint.
	SingleSetpoint ThermostatSetpoints = 1
	// DualSetpoints: lowerSetpoint and upperSetpoint.
	DualSetpoints ThermostatSetpoints = 2
	// TripleSetpoints: targetSetpoint, lowerSetpoint and upperSetpoint.
	TripleSetpoints ThermostatSetpoints = 3
)

// ThermostatConfiguration is the configuration object of an
// Alexa.ThermostatController capability.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
type ThermostatConfiguration struct {
	// SupportedModes lists the modes the thermostat accepts.
	SupportedModes []ThermostatMode `json:"supportedModes,omitempty"`
	// SupportsScheduling says the thermostat runs a schedule (and accepts
	// ResumeSchedule).
	SupportsScheduling bool `json:"supportsScheduling"`
	// AdaptiveRecovery (interface version 3.2) says the thermostat
	// preheats or precools to reach a scheduled setpoint on time and
	// reports adaptiveRecoveryStatus ([AdaptiveRecoveryStatusProperty]).
	// It is declared as that supported property, not as a member of the
	// configuration object.
	AdaptiveRecovery bool `json:"-"`
}

// Validate checks that the modes are non-empty and unique.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func (c ThermostatConfiguration) Validate() error {
	var errs []error
	seen := make(map[ThermostatMode]bool, len(c.SupportedModes))
	for i, m := range c.SupportedModes {
		switch {
		case m == "":
			errs = append(errs, fmt.Errorf("supportedModes[%d]: empty mode", i))
		case seen[m]:
			errs = append(errs, fmt.Errorf("supportedModes[%d]: %s listed twice", i, m))
		}
		seen[m] = true
	}
	if err := errors.Join(errs...); err != nil {
		return capabilityError(NamespaceThermostatController, "", err)
	}
	return nil
}

// ThermostatControllerCapability returns the Alexa.ThermostatController
// capability of a thermostat with setpoints s, reporting its setpoints and
// thermostatMode (and adaptiveRecoveryStatus, when cfg.AdaptiveRecovery)
// as r says, with configuration cfg. It declares version "3.2" when cfg
// uses a 3.2 feature ([ThermostatEmergencyHeat] among the modes, or
// AdaptiveRecovery), "3" otherwise. It fails if s is not one of the
// arrangements or cfg is not valid. See
// https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func ThermostatControllerCapability(s ThermostatSetpoints, cfg ThermostatConfiguration, r Reporting) (Capability, error) {
	var props []PropertyName
	switch s {
	case SingleSetpoint:
		props = []PropertyName{PropertyTargetSetpoint}
	case DualSetpoints:
		props = []PropertyName{PropertyLowerSetpoint, PropertyUpperSetpoint}
	case TripleSetpoints:
		props = []PropertyName{PropertyTargetSetpoint, PropertyLowerSetpoint, PropertyUpperSetpoint}
	default:
		return Capability{}, capabilityError(NamespaceThermostatController, "", fmt.Errorf("setpoints %d, want SingleSetpoint, DualSetpoints or TripleSetpoints", s))
	}
	if err := cfg.Validate(); err != nil {
		return Capability{}, err
	}
	props = append(props, PropertyThermostatMode)
	version := "3"
	if slices.Contains(cfg.SupportedModes, ThermostatEmergencyHeat) {
		version = "3.2"
	}
	if cfg.AdaptiveRecovery {
		props = append(props, PropertyAdaptiveRecoveryStatus)
		version = "3.2"
	}
	c := NewCapability(NamespaceThermostatController, version, r, props...)
	c.Configuration = mustJSON(cfg)
	return c, nil
}

// TargetSetpointProperty returns the targetSetpoint property. It fails,
// with an error wrapping [ErrInvalidValue], if t is not valid
// ([Temperature.Validate]). See
// https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func TargetSetpointProperty(t Temperature) (Property, error) {
	return temperatureProperty(NamespaceThermostatController, PropertyTargetSetpoint, t)
}

// LowerSetpointProperty returns the lowerSetpoint property. It fails, with
// an error wrapping [ErrInvalidValue], if t is not valid. See
// https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func LowerSetpointProperty(t Temperature) (Property, error) {
	return temperatureProperty(NamespaceThermostatController, PropertyLowerSetpoint, t)
}

// UpperSetpointProperty returns the upperSetpoint property. It fails, with
// an error wrapping [ErrInvalidValue], if t is not valid. See
// https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func UpperSetpointProperty(t Temperature) (Property, error) {
	return temperatureProperty(NamespaceThermostatController, PropertyUpperSetpoint, t)
}

// ThermostatModeProperty returns the thermostatMode property.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func ThermostatModeProperty(m ThermostatMode) Property {
	return Property{Namespace: NamespaceThermostatController, Name: PropertyThermostatMode, Value: stringValue(string(m))}
}

// AdaptiveRecoveryStatusProperty returns the adaptiveRecoveryStatus
// property (interface version 3.2). It fails, with an error wrapping
// [ErrInvalidValue], if s is not one of the adaptive recovery states.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func AdaptiveRecoveryStatusProperty(s AdaptiveRecoveryStatus) (Property, error) {
	if err := s.Validate(); err != nil {
		return Property{}, err
	}
	return Property{Namespace: NamespaceThermostatController, Name: PropertyAdaptiveRecoveryStatus, Value: stringValue(string(s))}, nil
}

// ConvertTemperature returns the temperature t expressed in scale to.
// It fails, with an error wrapping [ErrInvalidValue], if t is not valid or
// to is not a known scale. See
// https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func ConvertTemperature(t Temperature, to TemperatureScale) (Temperature, error) {
	if err := t.Validate(); err != nil {
		return Temperature{}, err
	}
	if err := (Temperature{Scale: to}).Validate(); err != nil {
		return Temperature{}, err
	}
	k := t.Value // kelvin
	switch t.Scale {
	case Celsius:
		k = t.Value + 273.15
	case Fahrenheit:
		k = (t.Value-32)*5/9 + 273.15
	}
	v := k
	switch to {
	case Celsius:
		v = k - 273.15
	case Fahrenheit:
		v = (k-273.15)*9/5 + 32
	}
	if t.Scale == to {
		v = t.Value
	}
	if !finite(v) {
		return Temperature{}, fmt.Errorf("%w: %v %s is out of range in %s", ErrInvalidValue, t.Value, t.Scale, to)
	}
	return Temperature{Value: v, Scale: to}, nil
}

// ConvertTemperatureDelta returns the temperature difference d (such as an
// AdjustTargetTemperature delta) expressed in scale to: a difference of
// 1 °C or 1 K is 1.8 °F. It fails, with an error wrapping
// [ErrInvalidValue], if d is not valid or to is not a known scale. See
// https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func ConvertTemperatureDelta(d Temperature, to TemperatureScale) (Temperature, error) {
	if err := d.Validate(); err != nil {
		return Temperature{}, err
	}
	if err := (Temperature{Scale: to}).Validate(); err != nil {
		return Temperature{}, err
	}
	v := d.Value
	fromF, toF := d.Scale == Fahrenheit, to == Fahrenheit
	switch {
	case fromF && !toF:
		v = d.Value * 5 / 9
	case !fromF && toF:
		v = d.Value * 9 / 5
	}
	if !finite(v) {
		return Temperature{}, fmt.Errorf("%w: %v %s is out of range in %s", ErrInvalidValue, d.Value, d.Scale, to)
	}
	return Temperature{Value: v, Scale: to}, nil
}

// SetTargetTemperaturePayload is the payload of a SetTargetTemperature
// directive: the setpoints to set, at least one. A single-setpoint request
// sets TargetSetpoint; a dual one LowerSetpoint and UpperSetpoint; a triple
// one all three.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
type SetTargetTemperaturePayload struct {
	TargetSetpoint *Temperature `json:"targetSetpoint,omitempty"`
	LowerSetpoint  *Temperature `json:"lowerSetpoint,omitempty"`
	UpperSetpoint  *Temperature `json:"upperSetpoint,omitempty"`
}

// setpoints returns the setpoints present, with their member names.
func (p SetTargetTemperaturePayload) setpoints() ([]string, []Temperature) {
	var names []string
	var ts []Temperature
	for _, s := range []struct {
		name string
		t    *Temperature
	}{{"targetSetpoint", p.TargetSetpoint}, {"lowerSetpoint", p.LowerSetpoint}, {"upperSetpoint", p.UpperSetpoint}} {
		if s.t != nil {
			names = append(names, s.name)
			ts = append(ts, *s.t)
		}
	}
	return names, ts
}

// Validate returns an INVALID_DIRECTIVE [*Error] if no setpoint is set, and
// an INVALID_VALUE one if a setpoint is not a valid temperature or
// LowerSetpoint is above UpperSetpoint.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func (p SetTargetTemperaturePayload) Validate() error {
	names, ts := p.setpoints()
	if len(ts) == 0 {
		return invalidDirective("SetTargetTemperature without a setpoint")
	}
	for i, t := range ts {
		if err := checkTemperature(names[i], t); err != nil {
			return err
		}
	}
	if p.LowerSetpoint != nil && p.UpperSetpoint != nil {
		up, err := ConvertTemperature(*p.UpperSetpoint, p.LowerSetpoint.Scale)
		if err == nil && p.LowerSetpoint.Value > up.Value {
			return invalidValue("lowerSetpoint %s %s is above upperSetpoint %s %s",
				formatNumber(p.LowerSetpoint.Value), p.LowerSetpoint.Scale, formatNumber(p.UpperSetpoint.Value), p.UpperSetpoint.Scale)
		}
	}
	return nil
}

// CheckRange returns a TEMPERATURE_VALUE_OUT_OF_RANGE [*Error] carrying
// min and max if a setpoint, converted to min's scale, is outside
// [min, max]; nil otherwise. Call it from SetTargetTemperature with the
// thermostat's limits. It returns an INVALID_VALUE [*Error] for a setpoint
// that is not a valid temperature, and the conversion error if max is not
// valid. See
// https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func (p SetTargetTemperaturePayload) CheckRange(min, max Temperature) error {
	m, err := ConvertTemperature(max, min.Scale)
	if err != nil {
		return err
	}
	names, ts := p.setpoints()
	for i, t := range ts {
		if err := checkTemperature(names[i], t); err != nil {
			return err
		}
		c, err := ConvertTemperature(t, min.Scale)
		if err != nil || c.Value < min.Value || c.Value > m.Value {
			return TemperatureOutOfRange(min, max, fmt.Sprintf("%s %s %s is outside [%s, %s] %s",
				names[i], formatNumber(t.Value), t.Scale, formatNumber(min.Value), formatNumber(m.Value), min.Scale))
		}
	}
	return nil
}

// AdjustTargetTemperaturePayload is the payload of an
// AdjustTargetTemperature directive.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
type AdjustTargetTemperaturePayload struct {
	// TargetSetpointDelta is the change: positive is warmer. A dual-setpoint
	// thermostat moves both setpoints. Convert it with
	// [ConvertTemperatureDelta], not [ConvertTemperature].
	TargetSetpointDelta Temperature `json:"targetSetpointDelta"`
}

// UnmarshalJSON decodes the payload, requiring targetSetpointDelta.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func (p *AdjustTargetTemperaturePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "AdjustTargetTemperature payload", "targetSetpointDelta"); err != nil {
		return err
	}
	type plain AdjustTargetTemperaturePayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] if TargetSetpointDelta is not
// a valid temperature.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func (p AdjustTargetTemperaturePayload) Validate() error {
	return checkTemperature("targetSetpointDelta", p.TargetSetpointDelta)
}

// ThermostatModeValue is the requested mode of SetThermostatMode.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
type ThermostatModeValue struct {
	Value ThermostatMode `json:"value"`
	// CustomName names the manufacturer mode when Value is
	// [ThermostatCustom].
	CustomName string `json:"customName,omitempty"`
}

// UnmarshalJSON decodes the mode object, requiring value. A bare mode
// string ("COOL") is accepted too.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func (v *ThermostatModeValue) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*v = ThermostatModeValue{Value: ThermostatMode(s)}
		return nil
	}
	if err := requireMembers(b, "thermostatMode", "value"); err != nil {
		return err
	}
	type plain ThermostatModeValue
	return json.Unmarshal(b, (*plain)(v))
}

// SetThermostatModePayload is the payload of a SetThermostatMode directive.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
type SetThermostatModePayload struct {
	ThermostatMode ThermostatModeValue `json:"thermostatMode"`
}

// UnmarshalJSON decodes the payload, requiring thermostatMode.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func (p *SetThermostatModePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "SetThermostatMode payload", "thermostatMode"); err != nil {
		return err
	}
	type plain SetThermostatModePayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] if the mode is empty, or
// CUSTOM without a custom name, and the Alexa.ThermostatController
// UNSUPPORTED_THERMOSTAT_MODE error for a mode that is not AUTO, COOL,
// HEAT, ECO, OFF, CUSTOM or EM_HEAT.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func (p SetThermostatModePayload) Validate() error {
	switch {
	case p.ThermostatMode.Value == "":
		return invalidValue("SetThermostatMode with an empty mode")
	case p.ThermostatMode.Value == ThermostatCustom && p.ThermostatMode.CustomName == "":
		return invalidValue("SetThermostatMode CUSTOM without a customName")
	}
	switch p.ThermostatMode.Value {
	case ThermostatAuto, ThermostatCool, ThermostatHeat, ThermostatEco, ThermostatOff, ThermostatCustom, ThermostatEmergencyHeat:
		return nil
	}
	return ThermostatError(ErrorUnsupportedThermostatMode, "unknown thermostat mode "+strconv.Quote(string(p.ThermostatMode.Value)))
}

// Error types of the Alexa.ThermostatController ErrorResponse; build the
// errors with [ThermostatError]. The seventh, [ErrorRequestedSetpointsTooClose],
// carries minimumTemperatureDelta: build it with [RequestedSetpointsTooClose].
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
const (
	// ErrorThermostatIsOff: the thermostat is off and cannot be turned on
	// by this directive, e.g. for safety.
	ErrorThermostatIsOff ErrorType = "THERMOSTAT_IS_OFF"
	// ErrorUnsupportedThermostatMode: the requested mode is not supported.
	ErrorUnsupportedThermostatMode ErrorType = "UNSUPPORTED_THERMOSTAT_MODE"
	// ErrorDualSetpointsUnsupported: the thermostat does not support dual
	// setpoints in its current mode.
	ErrorDualSetpointsUnsupported ErrorType = "DUAL_SETPOINTS_UNSUPPORTED"
	// ErrorTripleSetpointsUnsupported: the thermostat does not support
	// triple setpoints in its current mode.
	ErrorTripleSetpointsUnsupported ErrorType = "TRIPLE_SETPOINTS_UNSUPPORTED"
	// ErrorUnwillingToSetSchedule: the thermostat will not set the
	// requested schedule.
	ErrorUnwillingToSetSchedule ErrorType = "UNWILLING_TO_SET_SCHEDULE"
	// ErrorUnwillingToSetValue: the thermostat will not set the value,
	// e.g. because it would damage the device.
	ErrorUnwillingToSetValue ErrorType = "UNWILLING_TO_SET_VALUE"
)

// ThermostatError returns an [*Error] of the Alexa.ThermostatController
// namespace, for the error types declared above, e.g.
// ThermostatError(ErrorThermostatIsOff, "the thermostat is off"). See
// https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func ThermostatError(t ErrorType, message string) *Error {
	return &Error{Namespace: NamespaceThermostatController, Type: t, Message: message}
}

// RequestedSetpointsTooClose returns the Alexa.ThermostatController
// REQUESTED_SETPOINTS_TOO_CLOSE error: the requested setpoints are closer
// than minimumDelta, the smallest gap the thermostat keeps between them.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func RequestedSetpointsTooClose(minimumDelta Temperature, message string) *Error {
	return &Error{Namespace: NamespaceThermostatController, Type: ErrorRequestedSetpointsTooClose, Message: message, MinimumTemperatureDelta: &minimumDelta}
}

// ThermostatController is implemented by skills whose endpoints are
// thermostats. Each method gets the decoded, validated payload and answers
// with [Directive.Response] holding the endpoint's properties (setpoints
// and thermostatMode included), or returns an error: an [*Error] such as
// [ThermostatError] (UNSUPPORTED_THERMOSTAT_MODE, THERMOSTAT_IS_OFF, ...),
// [RequestedSetpointsTooClose], or the TEMPERATURE_VALUE_OUT_OF_RANGE of
// [SetTargetTemperaturePayload.CheckRange]. A thermostat that supports
// scheduling also implements [ThermostatScheduleResumer]. See
// https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
type ThermostatController interface {
	SetTargetTemperature(ctx context.Context, d *Directive, p SetTargetTemperaturePayload) (*EventMessage, error)
	AdjustTargetTemperature(ctx context.Context, d *Directive, p AdjustTargetTemperaturePayload) (*EventMessage, error)
	SetThermostatMode(ctx context.Context, d *Directive, p SetThermostatModePayload) (*EventMessage, error)
}

// ThermostatScheduleResumer is implemented by a [ThermostatController]
// whose thermostat runs a schedule (configuration supportsScheduling):
// ResumeSchedule returns it to the schedule.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
type ThermostatScheduleResumer interface {
	ResumeSchedule(ctx context.Context, d *Directive) (*EventMessage, error)
}

// HandleThermostatController routes Alexa.ThermostatController
// SetTargetTemperature, AdjustTargetTemperature and SetThermostatMode to c,
// and ResumeSchedule too if c implements [ThermostatScheduleResumer]. A
// payload that does not decode, or a SetTargetTemperature without a
// setpoint, is answered with INVALID_DIRECTIVE; an invalid temperature or
// mode with INVALID_VALUE. See
// https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller.html.
func (r *Router) HandleThermostatController(c ThermostatController) {
	if isNilHandler(c) {
		panic("alexa: nil ThermostatController")
	}
	r.Handle(NamespaceThermostatController, NameSetTargetTemperature, HandlePayload(c.SetTargetTemperature))
	r.Handle(NamespaceThermostatController, NameAdjustTargetTemperature, HandlePayload(c.AdjustTargetTemperature))
	r.Handle(NamespaceThermostatController, NameSetThermostatMode, HandlePayload(c.SetThermostatMode))
	if s, ok := c.(ThermostatScheduleResumer); ok {
		r.HandleFunc(NamespaceThermostatController, NameResumeSchedule, s.ResumeSchedule)
	}
}
