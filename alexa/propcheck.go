package alexa

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
)

// This file checks property values against what the interfaces document,
// for the properties whose values are a closed set or a fixed range, and
// against what a Router knows of the instances registered with it.

// valueCheck checks a raw property value, returning what it must be ("must
// be one of ON, OFF") or "".
type valueCheck func(v json.RawMessage) string

// enumCheck accepts the JSON strings of values. It allocates nothing
// but itself: the checks are built on a cold start's first directive.
func enumCheck(values ...string) valueCheck {
	return func(v json.RawMessage) string {
		v = bytes.TrimSpace(v)
		if n := len(v); n >= 2 && v[0] == '"' && v[n-1] == '"' {
			for _, want := range values {
				if string(v[1:n-1]) == want {
					return ""
				}
			}
		}
		var s string
		if bytes.IndexByte(v, '\\') >= 0 && json.Unmarshal(v, &s) == nil {
			for _, want := range values {
				if s == want {
					return ""
				}
			}
		}
		return "must be one of " + strings.Join(values, ", ")
	}
}

// objectEnumCheck accepts an object whose only member, "value", is one of
// values (the security panel's alarms).
func objectEnumCheck(values ...string) valueCheck {
	inner := enumCheck(values...)
	return func(v json.RawMessage) string {
		var o struct {
			Value json.RawMessage `json:"value"`
		}
		if !decodeExact(v, &o, true) || o.Value == nil {
			return `must be an object with a "value" member and no other`
		}
		if why := inner(o.Value); why != "" {
			return `"value" ` + why
		}
		return ""
	}
}

// noNullMembers reports whether the decoded JSON value x has no object
// member whose value is null, at any depth: the schemas give optional
// members a type, which null is not, where Go decodes null as the
// member's absence.
func noNullMembers(x any) bool {
	switch x := x.(type) {
	case map[string]any:
		for _, e := range x {
			if e == nil || !noNullMembers(e) {
				return false
			}
		}
	case []any:
		for _, e := range x {
			if !noNullMembers(e) {
				return false
			}
		}
	}
	return true
}

// decodeNoNulls is decodeExact that also refuses a null member at any
// depth ([noNullMembers]).
func decodeNoNulls(v json.RawMessage, p any, strict bool) bool {
	x, ok := decodeExactValue(v, p, strict)
	return ok && noNullMembers(x)
}

// connectivityCheck accepts Alexa.EndpointHealth's connectivity: an
// object of a "value" (OK or UNREACHABLE) and, optionally, a non-empty
// "reason", and no other member. It runs on most replies, so the values
// ConnectivityProperty builds are accepted without decoding.
func connectivityCheck(v json.RawMessage) string {
	if s := string(v); s == `{"value":"OK"}` || s == `{"value":"UNREACHABLE"}` {
		return ""
	}
	var o struct {
		Value  json.RawMessage `json:"value"`
		Reason *string         `json:"reason"`
	}
	if !decodeNoNulls(v, &o, true) || o.Value == nil || (o.Reason != nil && *o.Reason == "") {
		return `must be an object with a "value" member and an optional non-empty "reason", and no other`
	}
	if why := enumCheck(string(ConnectivityOK), string(ConnectivityUnreachable))(o.Value); why != "" {
		return `"value" ` + why
	}
	return ""
}

// number returns the JSON number v, or false.
func number(v json.RawMessage) (float64, bool) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || v[0] == '"' {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(v), 64)
	return f, err == nil && finite(f)
}

// intRangeCheck accepts integers from min to max.
func intRangeCheck(min, max int) valueCheck {
	return func(v json.RawMessage) string {
		f, ok := number(v)
		if !ok || f != math.Trunc(f) || f < float64(min) || f > float64(max) {
			return fmt.Sprintf("must be an integer from %d to %d", min, max)
		}
		return ""
	}
}

// numberRangeCheck accepts numbers from min to max.
func numberRangeCheck(min, max float64) valueCheck {
	return func(v json.RawMessage) string {
		f, ok := number(v)
		if !ok || f < min || f > max {
			return fmt.Sprintf("must be a number from %v to %v", min, max)
		}
		return ""
	}
}

// channelCheck accepts a channel object naming the channel.
func channelCheck(v json.RawMessage) string {
	var c Channel
	if !decodeNoNulls(v, &c, true) || c.Validate() != nil {
		return "must be an object with a number, callSign, affiliateCallSign or uri"
	}
	return ""
}

// nonEmptyStringCheck accepts a non-empty JSON string.
func nonEmptyStringCheck(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) != nil || s == "" {
		return "must be a non-empty string"
	}
	return ""
}

// temperatureCheck accepts a temperature object with a documented scale
// and no other member, as Amazon's schema does.
func temperatureCheck(v json.RawMessage) string {
	var t struct {
		Value json.RawMessage  `json:"value"`
		Scale TemperatureScale `json:"scale"`
	}
	if !decodeExact(v, &t, true) {
		return "must be an object with value and scale and no other member"
	}
	if _, ok := number(t.Value); !ok {
		return "must have a finite number as its value"
	}
	switch t.Scale {
	case Celsius, Fahrenheit, Kelvin:
		return ""
	}
	return "must have a scale of CELSIUS, FAHRENHEIT or KELVIN"
}

func boolCheck(v json.RawMessage) string {
	switch string(bytes.TrimSpace(v)) {
	case "true", "false":
		return ""
	}
	return "must be true or false"
}

// documentedChecks returns the checks of the properties with a documented
// closed set or range of values, by namespace and name. It is built at its
// first use, not at init: a Lambda pays a package's init on every cold
// start, and building the checks allocates about 200 times.
var documentedChecks = sync.OnceValue(func() map[PropertyKey]valueCheck {
	return map[PropertyKey]valueCheck{
		{Namespace: NamespacePowerController, Name: PropertyPowerState}:                             enumCheck(string(PowerOn), string(PowerOff)),
		{Namespace: NamespaceToggleController, Name: PropertyToggleState}:                           enumCheck(string(ToggleOn), string(ToggleOff)),
		{Namespace: NamespaceLockController, Name: PropertyLockState}:                               enumCheck(string(LockLocked), string(LockUnlocked), string(LockJammed)),
		{Namespace: NamespaceContactSensor, Name: PropertyDetectionState}:                           enumCheck(string(Detected), string(NotDetected)),
		{Namespace: NamespaceMotionSensor, Name: PropertyDetectionState}:                            enumCheck(string(Detected), string(NotDetected)),
		{Namespace: NamespaceEndpointHealth, Name: PropertyConnectivity}:                            connectivityCheck,
		{Namespace: NamespaceCooking, Name: PropertyCookingMode}:                                    cookingModeCheck,
		{Namespace: NamespaceCooking, Name: PropertyFoodItem}:                                       foodItemCheck,
		{Namespace: NamespaceCooking, Name: PropertyCookingTimeInterval}:                            cookingTimeIntervalCheck,
		{Namespace: NamespaceCookingTemperatureController, Name: PropertyPreheatTimeInterval}:       cookingTimeIntervalCheck,
		{Namespace: NamespaceCookingTemperatureController, Name: PropertyTargetCookingTemperature}:  temperatureCheck,
		{Namespace: NamespaceCookingFoodTemperatureController, Name: PropertyTargetFoodTemperature}: temperatureCheck,
		{Namespace: NamespaceCookingTemperatureSensor, Name: PropertyCookingTemperature}:            temperatureCheck,
		{Namespace: NamespaceCookingFoodTemperatureSensor, Name: PropertyFoodTemperature}:           temperatureCheck,
		{Namespace: NamespaceCookingTimeController, Name: PropertyRequestedCookTime}:                isoDurationCheck,
		{Namespace: NamespaceCookingTimeController, Name: PropertyCookingPowerLevel}:                validCheck[CookingPowerLevel](true, "must be {\"@type\": EnumeratedPowerLevel, value LOW, MEDIUM or HIGH} or {\"@type\": IntegralPowerLevel, value a number}"),
		{Namespace: NamespaceCookingPresetController, Name: PropertyPresetName}:                     nonEmptyStringCheck,
		{Namespace: NamespaceCookingPresetController, Name: PropertyRequestedFoodDoneness}:          donenessCheck,
		{Namespace: NamespaceObjectDetectionSensor, Name: PropertyObjectDetectionClasses}:           objectDetectionClassesCheck,
		{Namespace: NamespaceAutomationManagement, Name: PropertyAutomationStatuses}:                automationStatusesCheck,
		{Namespace: NamespaceEndpointHealth, Name: PropertyBattery}:                                 validCheck[Battery](true, "must be a battery object: health {state OK, WARNING or CRITICAL, reasons}, chargingHealth, levelPercentage from 0 to 100"),
		{Namespace: NamespaceEndpointHealth, Name: PropertyRadioDiagnostics}:                        validCheck[RadioDiagnostics](true, "must be a radioDiagnostics object: radioType, signalStrength and signalToNoiseRatio rated GOOD, FAIR or POOR"),
		{Namespace: NamespaceEndpointHealth, Name: PropertyNetworkThroughput}:                       validCheck[NetworkThroughput](true, "must be a networkThroughput object: quality GOOD, FAIR or POOR and bitsPerSecond of at least 0"),
		{Namespace: NamespaceBrightnessController, Name: PropertyBrightness}:                        intRangeCheck(0, 100),
		{Namespace: NamespacePercentageController, Name: PropertyPercentage}:                        intRangeCheck(0, 100),
		{Namespace: NamespacePowerLevelController, Name: PropertyPowerLevel}:                        intRangeCheck(0, 100),
		{Namespace: NamespaceSpeaker, Name: PropertyVolume}:                                         intRangeCheck(0, 100),
		{Namespace: NamespaceSpeaker, Name: PropertyMuted}:                                          boolCheck,
		{Namespace: NamespaceColorTemperatureController, Name: PropertyColorTemperatureInKelvin}:    intRangeCheck(MinColorTemperature, MaxColorTemperature),
		{Namespace: NamespaceTemperatureSensor, Name: PropertyTemperature}:                          temperatureCheck,
		{Namespace: NamespaceInputController, Name: PropertyInput}:                                  nonEmptyStringCheck,
		{Namespace: NamespaceChannelController, Name: PropertyChannel}:                              channelCheck,
		{Namespace: NamespaceRecordController, Name: PropertyRecordingState}:                        enumCheck(string(Recording), string(NotRecording)),
		{Namespace: NamespaceSeekController, Name: PropertyPositionMilliseconds}:                    intRangeCheck(0, MaxSeekMilliseconds),
		{Namespace: NamespaceHumiditySensor, Name: PropertyRelativeHumidity}:                        numberRangeCheck(0, 100),
		{Namespace: NamespaceEqualizerController, Name: PropertyBands}:                              bandsCheck,
		{Namespace: NamespaceEqualizerController, Name: PropertyMode}:                               enumCheck(string(EqualizerMovie), string(EqualizerMusic), string(EqualizerNight), string(EqualizerSport), string(EqualizerTV)),
		{Namespace: NamespaceLauncher, Name: PropertyTarget}:                                        targetCheck,
		{Namespace: NamespaceSecurityPanelController, Name: PropertyArmState}:                       enumCheck(string(ArmedAway), string(ArmedStay), string(ArmedNight), string(Disarmed)),
		{Namespace: NamespaceSecurityPanelController, Name: PropertyBurglaryAlarm}:                  objectEnumCheck(string(AlarmOK), string(AlarmActive)),
		{Namespace: NamespaceSecurityPanelController, Name: PropertyFireAlarm}:                      objectEnumCheck(string(AlarmOK), string(AlarmActive)),
		{Namespace: NamespaceSecurityPanelController, Name: PropertyCarbonMonoxideAlarm}:            objectEnumCheck(string(AlarmOK), string(AlarmActive)),
		{Namespace: NamespaceSecurityPanelController, Name: PropertyWaterAlarm}:                     objectEnumCheck(string(AlarmOK), string(AlarmActive)),
		{Namespace: NamespaceThermostatController, Name: PropertyTargetSetpoint}:                    temperatureCheck,
		{Namespace: NamespaceThermostatController, Name: PropertyLowerSetpoint}:                     temperatureCheck,
		{Namespace: NamespaceThermostatController, Name: PropertyUpperSetpoint}:                     temperatureCheck,
		{Namespace: NamespaceThermostatController, Name: PropertyAdaptiveRecoveryStatus}:            enumCheck(string(AdaptiveRecoveryPreheating), string(AdaptiveRecoveryPrecooling), string(AdaptiveRecoveryInactive)),
		{Namespace: NamespaceHVACComponents, Name: PropertyPrimaryHeaterOperation}:                  enumCheck(string(HVACStageOff), string(HVACStage1), string(HVACStage2), string(HVACStage3)),
		{Namespace: NamespaceHVACComponents, Name: PropertyCoolerOperation}:                         enumCheck(string(HVACStageOff), string(HVACStage1), string(HVACStage2), string(HVACStage3)),
		{Namespace: NamespaceHVACComponents, Name: PropertyFanOperation}:                            enumCheck(string(HVACStageOff), string(HVACStage1), string(HVACStage2), string(HVACStage3)),
		{Namespace: NamespaceHVACComponents, Name: PropertyAuxiliaryHeaterOperation}:                enumCheck(string(AuxiliaryHeaterOn), string(AuxiliaryHeaterOff)),
		{Namespace: NamespaceTimeHoldController, Name: PropertyHoldStartTime}:                       holdTimeCheck,
		{Namespace: NamespaceTimeHoldController, Name: PropertyHoldEndTime}:                         holdTimeCheck,
		{Namespace: NamespaceThermostatSchedule, Name: PropertyScheduleEnabled}:                     boolCheck,
		{Namespace: NamespaceThermostatSchedule, Name: PropertyAdaptiveRecoveryEnabled}:             boolCheck,
	}
})

// Validate checks the value of a property whose interface documents a
// closed set or a range of values (powerState, toggleState, lockState,
// detectionState, connectivity, brightness, percentage, powerLevel,
// volume, muted, colorTemperatureInKelvin, relativeHumidity, input,
// channel, recordingState, positionMilliseconds, armState and the security
// panel's alarms, the equalizer's bands and mode, the launcher's target,
// temperatures and setpoints, the cooking properties and temperatures):
// it returns an error wrapping [ErrInvalidValue] that says what the value
// must be, with the allowed values, and quotes no value of p. Other
// properties pass. The Router checks every reply's context properties so,
// and those of the instances registered with
// [Router.HandleModeController] and [Router.HandleRangeController] against
// their declared modes and range.
func (p Property) Validate() error {
	check := documentedChecks()[PropertyKey{Namespace: p.Namespace, Name: p.Name}]
	if check == nil {
		return nil
	}
	if why := check(p.Value); why != "" {
		return &propertyError{key: p.Key(), why: why}
	}
	return nil
}

// propertyError is a property value that breaks its interface's rules.
type propertyError struct {
	key PropertyKey
	why string
}

func (e *propertyError) Error() string {
	return "alexa: invalid property value: " + e.key.String() + " " + e.why
}

func (e *propertyError) Unwrap() error { return ErrInvalidValue }

// instanceChecks holds the checks of the instance properties a Router's
// registrations declared.
type instanceChecks struct {
	checks map[PropertyKey]valueCheck
}

func (c *instanceChecks) add(k PropertyKey, check valueCheck) {
	if c.checks == nil {
		c.checks = make(map[PropertyKey]valueCheck)
	}
	c.checks[k] = check
}

// modeCheck accepts the modes of m.
func modeCheck(m ModeInstance) valueCheck {
	values := make([]string, len(m.SupportedModes))
	for i, s := range m.SupportedModes {
		values[i] = s.Value
	}
	return enumCheck(values...)
}

// rangeCheck accepts values of the range, on its precision's steps from
// the minimum.
func rangeCheck(s SupportedRange) valueCheck {
	num := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	want := "must be from " + num(s.MinimumValue) + " to " + num(s.MaximumValue) + " in steps of " + num(s.Precision)
	return func(v json.RawMessage) string {
		f, ok := number(v)
		if !ok || f < s.MinimumValue || f > s.MaximumValue {
			return want
		}
		steps := (f - s.MinimumValue) / s.Precision
		if math.Abs(steps-math.Round(steps)) > 1e-9*math.Max(1, math.Abs(steps)) {
			return want
		}
		return ""
	}
}

// checkReply checks the context properties of a handler's reply: the
// documented values, and the instances registered with the Router; and
// the payload of an Alexa.SeekController StateReport, of an
// Alexa.SecurityPanelController Arm.Response, of an
// Alexa.CameraStreamController Response and of the Alexa.RTCSessionController
// events; an Alexa.WakeOnLANController WakeUp is never a reply.
func (r *Router) checkReply(m *EventMessage) error {
	if m.Event.Header.Namespace == NamespaceSeekController && m.Event.Header.Name == NameStateReport {
		if why := seekPayloadCheck(m.Event.Payload); why != "" {
			return &replyPayloadError{what: string(NamespaceSeekController) + " StateReport payload", why: why}
		}
	}
	if m.Event.Header.Namespace == NamespaceWakeOnLANController && m.Event.Header.Name == NameWakeUp {
		return &replyPayloadError{what: string(NamespaceWakeOnLANController) + " WakeUp", why: "goes to the event gateway: answer TurnOn with a DeferredResponse"}
	}
	if m.Event.Header.Namespace == NamespaceRTCSessionController {
		if why := rtcPayloadCheck(m.Event.Header.Name, m.Event.Payload); why != "" {
			return &replyPayloadError{what: string(NamespaceRTCSessionController) + " " + string(m.Event.Header.Name) + " payload", why: why}
		}
	}
	if m.Event.Header.Namespace == NamespaceCameraStreamController && m.Event.Header.Name == NameResponse {
		if why := cameraStreamsPayloadCheck(m.Event.Payload); why != "" {
			return &replyPayloadError{what: string(NamespaceCameraStreamController) + " Response payload", why: why}
		}
	}
	if m.Event.Header.Namespace == NamespaceSecurityPanelController && m.Event.Header.Name == NameArmResponse {
		if why := armResponsePayloadCheck(m.Event.Payload); why != "" {
			return &replyPayloadError{what: string(NamespaceSecurityPanelController) + " Arm.Response payload", why: why}
		}
	}
	if m.Context == nil {
		return nil
	}
	var first *propertyError
	n := 0
	for _, p := range m.Context.Properties {
		err := p.Validate()
		if err == nil && p.Instance != "" {
			r.mu.RLock()
			check := r.instances.checks[p.Key()]
			r.mu.RUnlock()
			if check != nil {
				if why := check(p.Value); why != "" {
					err = &propertyError{key: p.Key(), why: why}
				}
			}
		}
		if err != nil {
			if n == 0 {
				first = err.(*propertyError)
			}
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return &replyPropertiesError{first: first, more: n - 1}
}

// replyPropertiesError lists the invalid context properties of a reply.
type replyPropertiesError struct {
	first *propertyError
	more  int
}

func (e *replyPropertiesError) Error() string { return "alexa: defective reply: " + e.Summary() }

func (e *replyPropertiesError) Unwrap() error { return e.first }

// Summary says which property is invalid and what it must be, quoting no
// value.
func (e *replyPropertiesError) Summary() string {
	s := "context property " + e.first.key.String() + " " + e.first.why
	if e.more > 0 {
		s += " (and " + strconv.Itoa(e.more) + " more)"
	}
	return s
}

// seekPayloadCheck accepts the payload of an Alexa.SeekController
// StateReport: properties, at least one, each positionMilliseconds with an
// integer value from 0 to MaxSeekMilliseconds, and nothing else.
func seekPayloadCheck(v json.RawMessage) string {
	want := "must hold properties, each " + string(PropertyPositionMilliseconds) + " with an integer value from 0 to " + strconv.Itoa(MaxSeekMilliseconds)
	var p struct {
		Properties []struct {
			Name  PropertyName    `json:"name"`
			Value json.RawMessage `json:"value"`
		} `json:"properties"`
	}
	if !decodeExact(v, &p, true) || len(p.Properties) == 0 {
		return want
	}
	check := intRangeCheck(0, MaxSeekMilliseconds)
	for _, sp := range p.Properties {
		if sp.Name != PropertyPositionMilliseconds || check(sp.Value) != "" {
			return want
		}
	}
	return ""
}

// decodeStrict decodes v into p, refusing unknown members, members named
// in another case than their field, and trailing data.
func decodeStrict(v json.RawMessage, p any) bool { return decodeExact(v, p, true) }

// armResponsePayloadCheck accepts the payload of an Arm.Response: an
// object with, at most, exitDelayInSeconds (0 to MaxExitDelaySeconds) and
// bypassedEndpoints (each with a friendly name).
func armResponsePayloadCheck(v json.RawMessage) string {
	want := "must be an object with at most exitDelayInSeconds, an integer from 0 to " + strconv.Itoa(MaxExitDelaySeconds) + ", and bypassedEndpoints, each with a friendlyName"
	var p struct {
		ExitDelayInSeconds json.RawMessage         `json:"exitDelayInSeconds"`
		BypassedEndpoints  []SecurityPanelEndpoint `json:"bypassedEndpoints"`
	}
	if t := bytes.TrimSpace(v); len(t) == 0 || t[0] != '{' {
		return want
	}
	if !decodeExact(v, &p, true) {
		return want
	}
	if p.ExitDelayInSeconds != nil && intRangeCheck(0, MaxExitDelaySeconds)(p.ExitDelayInSeconds) != "" {
		return want
	}
	for _, e := range p.BypassedEndpoints {
		if e.validate("") != nil {
			return want
		}
	}
	return ""
}

// rtcPayloadCheck accepts the payload of an Alexa.RTCSessionController
// event: for AnswerGeneratedForSession an SDP answer with a value, for
// SessionConnected and SessionDisconnected a sessionId; nothing else.
func rtcPayloadCheck(name Name, v json.RawMessage) string {
	switch name {
	case NameAnswerGeneratedForSession:
		var p struct {
			Answer *SessionDescription `json:"answer"`
		}
		if !decodeExact(v, &p, true) || p.Answer == nil || !p.Answer.valid() {
			return "must hold only an answer, of format SDP with a value"
		}
	case NameSessionConnected, NameSessionDisconnected:
		var p struct {
			SessionID *string `json:"sessionId"`
		}
		if !decodeExact(v, &p, true) || p.SessionID == nil || *p.SessionID == "" {
			return "must hold only a non-empty sessionId"
		}
	}
	return ""
}

// cameraStreamsPayloadCheck accepts the payload of an
// Alexa.CameraStreamController Response: a CameraStreamsPayload, without
// other members, that is valid.
func cameraStreamsPayloadCheck(v json.RawMessage) string {
	var p CameraStreamsPayload
	if !decodeExact(v, &p, true) {
		return "must be an object with cameraStreams and imageUri only"
	}
	if err := p.Validate(); err != nil {
		return strings.TrimPrefix(err.Error(), ErrInvalidValue.Error()+": "+string(NamespaceCameraStreamController)+" Response ")
	}
	return ""
}

// replyPayloadError is a reply payload that breaks its interface's rules.
type replyPayloadError struct {
	what, why string
}

func (e *replyPayloadError) Error() string { return "alexa: defective reply: " + e.Summary() }

func (e *replyPayloadError) Unwrap() error { return ErrInvalidValue }

// Summary says what is invalid and what it must be, quoting no value.
func (e *replyPayloadError) Summary() string { return e.what + " " + e.why }

// ValidateProperty checks p against c: that c declares it (interface,
// instance and a supported property name) and that its value is one c
// allows: [Property.Validate], and for Alexa.ModeController and
// Alexa.RangeController a mode of the instance's configuration, or a value
// in its supported range on a step of its precision. Errors wrap
// [ErrInvalidValue] (a value c does not allow) or [ErrInvalid] (a property
// c does not declare) and quote no value of p.
func (c Capability) ValidateProperty(p Property) error {
	declared := c.Interface == p.Namespace && c.Instance == p.Instance && c.Properties != nil
	if declared {
		declared = false
		for _, s := range c.Properties.Supported {
			if s.Name == p.Name {
				declared = true
				break
			}
		}
	}
	if !declared {
		return fmt.Errorf("%w: the capability does not declare %s", ErrInvalid, p.Key())
	}
	if err := p.Validate(); err != nil {
		return err
	}
	var check valueCheck
	switch {
	case p.Namespace == NamespaceModeController && p.Name == PropertyMode:
		var cfg ModeConfiguration
		if err := json.Unmarshal(c.Configuration, &cfg); err != nil {
			return fmt.Errorf("%w: %s configuration does not decode", ErrInvalid, p.Key())
		}
		check = modeCheck(ModeInstance{SupportedModes: cfg.SupportedModes})
	case p.Namespace == NamespaceRangeController && p.Name == PropertyRangeValue:
		var cfg RangeConfiguration
		if err := json.Unmarshal(c.Configuration, &cfg); err != nil {
			return fmt.Errorf("%w: %s configuration does not decode", ErrInvalid, p.Key())
		}
		check = rangeCheck(cfg.SupportedRange)
	default:
		return nil
	}
	if why := check(p.Value); why != "" {
		return &propertyError{key: p.Key(), why: why}
	}
	return nil
}
