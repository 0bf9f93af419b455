package alexa

import "encoding/json"

// NamespaceThermostatSchedule is the Alexa.ThermostatController.Schedule
// interface (version "3.2"), with which Alexa sets and reads a thermostat's
// schedule from the Alexa app; it has no utterances. This package types
// what could be confirmed of it: its two reportable properties
// (scheduleEnabled, adaptiveRecoveryEnabled), its capability and its own
// ErrorResponse. Its directives and the weekly schedule object they carry
// were not confirmed from the documentation and are not typed: register
// them with [Router.HandleFunc] and decode [Directive.Payload] yourself.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-schedule.html.
const NamespaceThermostatSchedule Namespace = "Alexa.ThermostatController.Schedule"

// Alexa.ThermostatController.Schedule properties, both booleans and both
// optional: a capability declares those the thermostat has.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-schedule.html.
const (
	// PropertyScheduleEnabled says whether the thermostat follows its
	// schedule.
	PropertyScheduleEnabled PropertyName = "scheduleEnabled"
	// PropertyAdaptiveRecoveryEnabled says whether the thermostat preheats
	// and precools within the schedule, so as to reach the next scheduled
	// setpoint on time (its progress is Alexa.ThermostatController's
	// adaptiveRecoveryStatus).
	PropertyAdaptiveRecoveryEnabled PropertyName = "adaptiveRecoveryEnabled"
)

// ErrorInsufficientSpace is the Alexa.ThermostatController.Schedule error
// for a schedule with more entries than the thermostat can store; build
// it with [ThermostatScheduleError]. It answers only that interface's
// directives.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-schedule-errorresponse.html.
const ErrorInsufficientSpace ErrorType = "INSUFFICIENT_SPACE"

// ThermostatScheduleError returns an [*Error] of the
// Alexa.ThermostatController.Schedule namespace (whose ErrorResponse is
// payloadVersion "3"), e.g. ThermostatScheduleError(ErrorInsufficientSpace,
// "at most 4 periods a day"). A generic type given here is sent in
// Alexa's ErrorResponse.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-schedule-errorresponse.html.
func ThermostatScheduleError(t ErrorType, message string) *Error {
	return &Error{Namespace: NamespaceThermostatSchedule, Type: t, Message: message}
}

// ThermostatScheduleFeatures are the Alexa.ThermostatController.Schedule
// properties a thermostat reports.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-schedule.html.
type ThermostatScheduleFeatures struct {
	// ScheduleEnabled: the thermostat reports scheduleEnabled.
	ScheduleEnabled bool
	// AdaptiveRecoveryEnabled: the thermostat reports
	// adaptiveRecoveryEnabled.
	AdaptiveRecoveryEnabled bool
}

// ThermostatScheduleCapability returns the
// Alexa.ThermostatController.Schedule capability (version "3.2") declaring
// the properties of f, reported as r says.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-schedule.html.
func ThermostatScheduleCapability(f ThermostatScheduleFeatures, r Reporting) Capability {
	var props []PropertyName
	if f.ScheduleEnabled {
		props = append(props, PropertyScheduleEnabled)
	}
	if f.AdaptiveRecoveryEnabled {
		props = append(props, PropertyAdaptiveRecoveryEnabled)
	}
	return NewCapability(NamespaceThermostatSchedule, "3.2", r, props...)
}

// scheduleBool returns the boolean property name of the schedule.
func scheduleBool(name PropertyName, on bool) Property {
	v := json.RawMessage("false")
	if on {
		v = json.RawMessage("true")
	}
	return Property{Namespace: NamespaceThermostatSchedule, Name: name, Value: v}
}

// ScheduleEnabledProperty returns the scheduleEnabled property.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-schedule.html.
func ScheduleEnabledProperty(enabled bool) Property {
	return scheduleBool(PropertyScheduleEnabled, enabled)
}

// AdaptiveRecoveryEnabledProperty returns the adaptiveRecoveryEnabled
// property.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-schedule.html.
func AdaptiveRecoveryEnabledProperty(enabled bool) Property {
	return scheduleBool(PropertyAdaptiveRecoveryEnabled, enabled)
}
