package alexa

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// NamespaceSecurityPanelController is the Alexa.SecurityPanelController
// interface, for security systems: "Alexa, arm my home in away mode",
// "Alexa, disarm my home", "Alexa, is my home armed?". Its directives are
// [NameArm], answered with an Alexa.SecurityPanelController Arm.Response
// ([Directive.ArmResponse]), and [NameDisarm], answered with an
// Alexa.Response; its properties are armState and the four alarms
// (burglaryAlarm, fireAlarm, carbonMonoxideAlarm, waterAlarm). Failures
// specific to the panel are answered in its own ErrorResponse namespace
// ([SecurityPanelError], [BypassNeeded]). Give the endpoint the display
// category SECURITY_PANEL.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
const NamespaceSecurityPanelController Namespace = "Alexa.SecurityPanelController"

// Alexa.SecurityPanelController directives and the name of the reply to
// Arm.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
const (
	NameArm         Name = "Arm"
	NameDisarm      Name = "Disarm"
	NameArmResponse Name = "Arm.Response"
)

// Alexa.SecurityPanelController properties: armState, an [ArmState], and
// the alarms, each an object whose value is an [AlarmState].
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
const (
	PropertyArmState            PropertyName = "armState"
	PropertyBurglaryAlarm       PropertyName = "burglaryAlarm"
	PropertyFireAlarm           PropertyName = "fireAlarm"
	PropertyCarbonMonoxideAlarm PropertyName = "carbonMonoxideAlarm"
	PropertyWaterAlarm          PropertyName = "waterAlarm"
)

// ArmState is the value of the armState property, and the state an Arm
// directive asks for.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
type ArmState string

// Arm states.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
const (
	// ArmedAway: the system is active and the occupants are away.
	ArmedAway ArmState = "ARMED_AWAY"
	// ArmedStay: the system is active and the occupants are present.
	ArmedStay ArmState = "ARMED_STAY"
	// ArmedNight: the system is active and the occupants are sleeping.
	ArmedNight ArmState = "ARMED_NIGHT"
	// Disarmed: the system is not active.
	Disarmed ArmState = "DISARMED"
)

// Validate returns an INVALID_VALUE [*Error] unless s is one of the four
// arm states.
func (s ArmState) Validate() error {
	switch s {
	case ArmedAway, ArmedStay, ArmedNight, Disarmed:
		return nil
	}
	return invalidValue("armState must be ARMED_AWAY, ARMED_STAY, ARMED_NIGHT or DISARMED")
}

// AlarmState is the value of an alarm property (burglaryAlarm, fireAlarm,
// carbonMonoxideAlarm, waterAlarm).
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
type AlarmState string

// Alarm states.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
const (
	// AlarmOK: the alarm is not active.
	AlarmOK AlarmState = "OK"
	// AlarmActive: the alarm is active (its wire value is ALARM).
	AlarmActive AlarmState = "ALARM"
)

// ArmStateProperty returns the armState property with value s. A value
// other than the four arm states is encoded as given; the Router answers a
// reply carrying one with INTERNAL_ERROR ([Property.Validate]).
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
func ArmStateProperty(s ArmState) Property {
	return Property{Namespace: NamespaceSecurityPanelController, Name: PropertyArmState, Value: stringValue(string(s))}
}

// alarmProperty returns the alarm property name with value {"value": s}.
func alarmProperty(name PropertyName, s AlarmState) Property {
	return Property{Namespace: NamespaceSecurityPanelController, Name: name, Value: mustJSON(struct {
		Value AlarmState `json:"value"`
	}{s})}
}

// BurglaryAlarmProperty returns the burglaryAlarm property with value s
// (encoded {"value": s}). A value other than OK and ALARM is encoded as
// given; the Router answers a reply carrying one with INTERNAL_ERROR.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
func BurglaryAlarmProperty(s AlarmState) Property { return alarmProperty(PropertyBurglaryAlarm, s) }

// FireAlarmProperty returns the fireAlarm property with value s (encoded
// {"value": s}).
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
func FireAlarmProperty(s AlarmState) Property { return alarmProperty(PropertyFireAlarm, s) }

// CarbonMonoxideAlarmProperty returns the carbonMonoxideAlarm property
// with value s (encoded {"value": s}).
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
func CarbonMonoxideAlarmProperty(s AlarmState) Property {
	return alarmProperty(PropertyCarbonMonoxideAlarm, s)
}

// WaterAlarmProperty returns the waterAlarm property with value s
// (encoded {"value": s}).
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
func WaterAlarmProperty(s AlarmState) Property { return alarmProperty(PropertyWaterAlarm, s) }

// SecurityAuthorizationType is the type of a security panel authorization:
// of the PIN a Disarm directive carries, and of those a panel declares it
// takes in its capability configuration.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
type SecurityAuthorizationType string

// FourDigitPIN is the one authorization type the documentation and
// Amazon's published schema define: the customer's existing four-digit
// PIN code, which the skill's backend validates.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
const FourDigitPIN SecurityAuthorizationType = "FOUR_DIGIT_PIN"

// SecurityPanelConfiguration is the configuration of an
// Alexa.SecurityPanelController capability.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
type SecurityPanelConfiguration struct {
	// SupportedArmStates are the states the panel can be armed to and
	// disarmed to; Amazon recommends at least DISARMED and one armed
	// state.
	SupportedArmStates []ArmState
	// SupportedAuthorizationTypes are the PIN types the skill validates
	// for Disarm: [FourDigitPIN] to let customers disarm by voice with
	// their existing PIN. Empty means the customer sets up a voice PIN in
	// the Alexa app instead.
	SupportedAuthorizationTypes []SecurityAuthorizationType
	// SupportsArmInstant is in Amazon's published schema
	// (configuration.supportsArmInstant, a boolean) but was not confirmed
	// against the interface's documentation, nor is the directive member
	// it would enable; it is sent only when true.
	SupportsArmInstant bool
}

// securityPanelConfigurationJSON is the wire form of
// SecurityPanelConfiguration: each state and type is an object.
type securityPanelConfigurationJSON struct {
	SupportedArmStates []struct {
		Value ArmState `json:"value"`
	} `json:"supportedArmStates,omitempty"`
	SupportedAuthorizationTypes []struct {
		Type SecurityAuthorizationType `json:"type"`
	} `json:"supportedAuthorizationTypes,omitempty"`
	SupportsArmInstant bool `json:"supportsArmInstant,omitempty"`
}

// MarshalJSON encodes the configuration as the documentation shows it:
// supportedArmStates as [{"value": ...}], supportedAuthorizationTypes as
// [{"type": ...}].
func (c SecurityPanelConfiguration) MarshalJSON() ([]byte, error) {
	var w securityPanelConfigurationJSON
	for _, s := range c.SupportedArmStates {
		w.SupportedArmStates = append(w.SupportedArmStates, struct {
			Value ArmState `json:"value"`
		}{s})
	}
	for _, t := range c.SupportedAuthorizationTypes {
		w.SupportedAuthorizationTypes = append(w.SupportedAuthorizationTypes, struct {
			Type SecurityAuthorizationType `json:"type"`
		}{t})
	}
	w.SupportsArmInstant = c.SupportsArmInstant
	return json.Marshal(w)
}

// UnmarshalJSON decodes the wire form MarshalJSON writes.
func (c *SecurityPanelConfiguration) UnmarshalJSON(b []byte) error {
	var w securityPanelConfigurationJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = SecurityPanelConfiguration{SupportsArmInstant: w.SupportsArmInstant}
	for _, s := range w.SupportedArmStates {
		c.SupportedArmStates = append(c.SupportedArmStates, s.Value)
	}
	for _, t := range w.SupportedAuthorizationTypes {
		c.SupportedAuthorizationTypes = append(c.SupportedAuthorizationTypes, t.Type)
	}
	return nil
}

// Validate checks that there is at least one arm state, that each is one
// of the four and listed once, and that each authorization type is
// [FourDigitPIN] and listed once.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
func (c SecurityPanelConfiguration) Validate() error {
	var errs []string
	if len(c.SupportedArmStates) == 0 {
		errs = append(errs, "supportedArmStates: at least one state is required")
	}
	seen := map[ArmState]bool{}
	for i, s := range c.SupportedArmStates {
		switch {
		case s.Validate() != nil:
			errs = append(errs, fmt.Sprintf("supportedArmStates[%d]: must be ARMED_AWAY, ARMED_STAY, ARMED_NIGHT or DISARMED", i))
		case seen[s]:
			errs = append(errs, fmt.Sprintf("supportedArmStates[%d]: %s listed twice", i, s))
		}
		seen[s] = true
	}
	for i, t := range c.SupportedAuthorizationTypes {
		if t != FourDigitPIN || i > 0 && slices.Index(c.SupportedAuthorizationTypes[:i], t) >= 0 {
			errs = append(errs, fmt.Sprintf("supportedAuthorizationTypes[%d]: must be FOUR_DIGIT_PIN, listed once", i))
		}
	}
	if len(errs) > 0 {
		return capabilityError(NamespaceSecurityPanelController, "", fmt.Errorf("%w: %s", ErrInvalid, strings.Join(errs, "; ")))
	}
	return nil
}

// SecurityPanelControllerCapability returns the Alexa.SecurityPanelController
// capability (version "3") with configuration cfg, declaring armState and
// the alarms of alarms (PropertyBurglaryAlarm, PropertyFireAlarm,
// PropertyCarbonMonoxideAlarm, PropertyWaterAlarm) reported as r says.
// Amazon requires retrievable true for every property of a security panel
// and asks for proactivelyReported true ([Reported]). It fails if r is not
// retrievable, cfg is not valid, or alarms holds another name or one
// twice.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
func SecurityPanelControllerCapability(cfg SecurityPanelConfiguration, r Reporting, alarms ...PropertyName) (Capability, error) {
	if !r.Retrievable {
		return Capability{}, capabilityError(NamespaceSecurityPanelController, "", fmt.Errorf("%w: a security panel's properties must be retrievable", ErrInvalid))
	}
	if err := cfg.Validate(); err != nil {
		return Capability{}, err
	}
	props := []PropertyName{PropertyArmState}
	for _, a := range alarms {
		switch a {
		case PropertyBurglaryAlarm, PropertyFireAlarm, PropertyCarbonMonoxideAlarm, PropertyWaterAlarm:
		default:
			return Capability{}, capabilityError(NamespaceSecurityPanelController, "", fmt.Errorf("%w: %q is not an alarm property", ErrInvalid, a))
		}
		if slices.Index(props, a) >= 0 {
			return Capability{}, capabilityError(NamespaceSecurityPanelController, "", fmt.Errorf("%w: %s listed twice", ErrInvalid, a))
		}
		props = append(props, a)
	}
	c := NewCapability(NamespaceSecurityPanelController, "3", r, props...)
	c.Configuration = mustJSON(cfg)
	return c, nil
}

// ArmPayload is the payload of an Arm directive.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
type ArmPayload struct {
	// ArmState is the state to arm to: ARMED_AWAY, ARMED_STAY or
	// ARMED_NIGHT.
	ArmState ArmState `json:"armState"`
}

// UnmarshalJSON decodes the payload, requiring armState.
func (p *ArmPayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "Arm payload", "armState"); err != nil {
		return err
	}
	type plain ArmPayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] unless ArmState is
// ARMED_AWAY, ARMED_STAY or ARMED_NIGHT (a panel is disarmed with Disarm).
func (p ArmPayload) Validate() error {
	switch p.ArmState {
	case ArmedAway, ArmedStay, ArmedNight:
		return nil
	}
	return invalidValue("Arm armState must be ARMED_AWAY, ARMED_STAY or ARMED_NIGHT")
}

// SecurityAuthorization is the authorization of a Disarm directive: the
// PIN the customer spoke. Value is a secret: it is a [Token], so printing
// or logging it shows "[redacted]".
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
type SecurityAuthorization struct {
	Type  SecurityAuthorizationType `json:"type"`
	Value Token                     `json:"value"`
}

// LogValue implements [slog.LogValuer] with the PIN redacted.
func (a SecurityAuthorization) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", string(a.Type)), slog.String("value", a.Value.String()))
}

// DisarmPayload is the payload of a Disarm directive.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
type DisarmPayload struct {
	// Authorization is the customer's PIN, present when the capability
	// declares supportedAuthorizationTypes; the skill validates it and
	// answers UNAUTHORIZED ([SecurityPanelError]) when it is wrong.
	Authorization *SecurityAuthorization `json:"authorization,omitempty"`
}

// LogValue implements [slog.LogValuer] with the PIN redacted.
func (p DisarmPayload) LogValue() slog.Value {
	if p.Authorization == nil {
		return slog.GroupValue()
	}
	return slog.GroupValue(slog.Any("authorization", *p.Authorization))
}

// Validate returns an INVALID_VALUE [*Error] if an authorization is
// present without a type or a value, or is a FOUR_DIGIT_PIN whose value is not four
// ASCII digits. It quotes no value. Other authorization types reach the
// handler, which answers them.
func (p DisarmPayload) Validate() error {
	a := p.Authorization
	if a == nil {
		return nil
	}
	if a.Type == "" || a.Value == "" {
		return invalidValue("Disarm authorization without a type or a value")
	}
	if a.Type == FourDigitPIN && !fourDigits(string(a.Value)) {
		return invalidValue("Disarm FOUR_DIGIT_PIN authorization must be four digits")
	}
	return nil
}

func fourDigits(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MaxExitDelaySeconds bounds the exitDelayInSeconds of an Arm.Response,
// as Amazon's published schema does (0–255).
const MaxExitDelaySeconds = 255

// SecurityPanelEndpoint names an endpoint of a security system to the
// customer: a zone to bypass (BYPASS_NEEDED's endpointsNeedingBypass) or
// one that was bypassed (Arm.Response's bypassedEndpoints). FriendlyName is
// required, what Alexa says; EndpointID is optional.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller-errorresponse.html.
type SecurityPanelEndpoint struct {
	EndpointID   string `json:"endpointId,omitempty"`
	FriendlyName string `json:"friendlyName"`
}

// validate checks the friendly name (required, at most
// MaxNameLength) and the endpoint id, if any.
func (e SecurityPanelEndpoint) validate(path string) error {
	if e.FriendlyName == "" {
		return fmt.Errorf("%w: %s.friendlyName is required", ErrInvalidValue, path)
	}
	if n := len([]rune(e.FriendlyName)); n > MaxNameLength {
		return fmt.Errorf("%w: %s.friendlyName is %d characters, at most %d allowed", ErrInvalidValue, path, n, MaxNameLength)
	}
	if e.EndpointID != "" && !ValidEndpointID(e.EndpointID) {
		return fmt.Errorf("%w: %s.endpointId is not a valid endpoint id", ErrInvalidValue, path)
	}
	return nil
}

// ArmResponsePayload is the payload of an Arm.Response.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
type ArmResponsePayload struct {
	// ExitDelayInSeconds, when set, is how long the customer has to leave
	// before the system arms, 0 to [MaxExitDelaySeconds].
	ExitDelayInSeconds *int `json:"exitDelayInSeconds,omitempty"`
	// BypassedEndpoints are the endpoints the panel bypassed to arm. The
	// member is in Amazon's published schema; its use was not confirmed
	// against the interface's documentation.
	BypassedEndpoints []SecurityPanelEndpoint `json:"bypassedEndpoints,omitempty"`
}

// Validate returns an error wrapping [ErrInvalidValue] if the exit delay
// is outside 0 to [MaxExitDelaySeconds] or a bypassed endpoint has no
// friendly name, too long a one, or an invalid endpoint id.
func (p ArmResponsePayload) Validate() error {
	if d := p.ExitDelayInSeconds; d != nil && (*d < 0 || *d > MaxExitDelaySeconds) {
		return fmt.Errorf("%w: %s exitDelayInSeconds %d is outside [0, %d]", ErrInvalidValue, NameArmResponse, *d, MaxExitDelaySeconds)
	}
	for i, e := range p.BypassedEndpoints {
		if err := e.validate("bypassedEndpoints[" + strconv.Itoa(i) + "]"); err != nil {
			return err
		}
	}
	return nil
}

// ExitDelay returns a pointer to seconds, for
// ArmResponsePayload.ExitDelayInSeconds.
func ExitDelay(seconds int) *int { return &seconds }

// ArmResponse returns the Alexa.SecurityPanelController Arm.Response
// answering the Arm directive d, echoing its correlationToken and
// endpoint, with payload p and props (armState and the endpoint's other
// properties) in the context. It fails, with an error wrapping
// [ErrInvalidValue], if p is not valid.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
func (d *Directive) ArmResponse(p ArmResponsePayload, props ...Property) (*EventMessage, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, errfmt.Errorf("alexa: %s: %w", NameArmResponse, err)
	}
	return withContext(d.reply(NamespaceSecurityPanelController, NameArmResponse, b), props), nil
}

// Error types of the Alexa.SecurityPanelController ErrorResponse (payload
// version "3"); build the errors with [SecurityPanelError], and
// BYPASS_NEEDED with [BypassNeeded]. Their namespace is implied: a
// handler returns SecurityPanelError(ErrorUnauthorized, "wrong PIN") and
// the Router answers with an Alexa.SecurityPanelController ErrorResponse.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller-errorresponse.html.
const (
	// ErrorAuthorizationRequired: the system is ARMED_AWAY and the
	// customer asked to re-arm it ARMED_STAY or ARMED_NIGHT; it must be
	// disarmed first.
	ErrorAuthorizationRequired ErrorType = "AUTHORIZATION_REQUIRED"
	// ErrorBypassNeeded: the panel has open zones the customer must
	// bypass before it can arm; list them with [BypassNeeded].
	ErrorBypassNeeded ErrorType = "BYPASS_NEEDED"
	// ErrorNotReady: the security system is not ready to arm or disarm.
	ErrorNotReady ErrorType = "NOT_READY"
	// ErrorUnauthorized: the PIN is not valid, or the customer may not
	// perform the action.
	ErrorUnauthorized ErrorType = "UNAUTHORIZED"
	// ErrorUnclearedAlarm: the system cannot arm because an alarm is
	// active and has not been cleared.
	ErrorUnclearedAlarm ErrorType = "UNCLEARED_ALARM"
	// ErrorUnclearedTrouble: the system cannot arm because a trouble
	// condition has not been cleared.
	ErrorUnclearedTrouble ErrorType = "UNCLEARED_TROUBLE"
	// ErrorNoActiveMonitorableDevices is in Amazon's published schema for
	// this ErrorResponse; it was not confirmed against the documentation's
	// table of error types.
	ErrorNoActiveMonitorableDevices ErrorType = "NO_ACTIVE_MONITORABLE_DEVICES"
)

// SecurityPanelError returns an [*Error] of the
// Alexa.SecurityPanelController namespace, for the error types declared
// above, e.g. SecurityPanelError(ErrorUnauthorized, "wrong PIN").
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller-errorresponse.html.
func SecurityPanelError(t ErrorType, message string) *Error {
	return &Error{Namespace: NamespaceSecurityPanelController, Type: t, Message: message}
}

// BypassNeeded returns the Alexa.SecurityPanelController BYPASS_NEEDED
// error: the panel cannot arm until the customer bypasses the open zones
// endpoints (each with the friendly name Alexa says, and optionally its
// endpoint id). An endpoint without a friendly name makes the Router
// answer INTERNAL_ERROR instead.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller-errorresponse.html.
func BypassNeeded(endpoints []SecurityPanelEndpoint, message string) *Error {
	return &Error{Namespace: NamespaceSecurityPanelController, Type: ErrorBypassNeeded, Message: message, EndpointsNeedingBypass: endpoints}
}

// SecurityPanelController is implemented by skills whose endpoints are
// security panels. Arm gets the decoded, validated payload (an armed
// state) and answers with [Directive.ArmResponse] holding armState (and,
// when the system arms after a delay, the exit delay); Disarm gets the
// decoded payload, with the customer's PIN when the capability declares
// supportedAuthorizationTypes, and answers with [Directive.Response]
// holding armState DISARMED (also when the system was already disarmed).
// Failures are [*Error] values: [SecurityPanelError] (UNAUTHORIZED for a
// wrong PIN, AUTHORIZATION_REQUIRED to re-arm an ARMED_AWAY system to
// another armed state, NOT_READY, UNCLEARED_ALARM, ...), [BypassNeeded],
// or the generic ones.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
type SecurityPanelController interface {
	Arm(ctx context.Context, d *Directive, p ArmPayload) (*EventMessage, error)
	Disarm(ctx context.Context, d *Directive, p DisarmPayload) (*EventMessage, error)
}

// HandleSecurityPanelController routes Alexa.SecurityPanelController Arm
// and Disarm to c. A payload that does not decode is answered with
// INVALID_DIRECTIVE; an Arm to a state that is not an armed one, or a
// malformed PIN, with INVALID_VALUE. It panics if c is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-securitypanelcontroller.html.
func (r *Router) HandleSecurityPanelController(c SecurityPanelController) {
	if isNilHandler(c) {
		panic("alexa: nil SecurityPanelController")
	}
	r.Handle(NamespaceSecurityPanelController, NameArm, HandlePayload(c.Arm))
	r.Handle(NamespaceSecurityPanelController, NameDisarm, HandlePayload(c.Disarm))
}
