package alexa

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// ErrorType is the type of an ErrorResponse.
type ErrorType string

// Error types of the generic Alexa.ErrorResponse.
// See https://developer.amazon.com/docs/device-apis/alexa-errorresponse.html.
const (
	ErrorAlreadyInOperation             ErrorType = "ALREADY_IN_OPERATION"
	ErrorBridgeUnreachable              ErrorType = "BRIDGE_UNREACHABLE"
	ErrorCloudControlDisabled           ErrorType = "CLOUD_CONTROL_DISABLED"
	ErrorEndpointBusy                   ErrorType = "ENDPOINT_BUSY"
	ErrorEndpointLowPower               ErrorType = "ENDPOINT_LOW_POWER"
	ErrorEndpointUnreachable            ErrorType = "ENDPOINT_UNREACHABLE"
	ErrorExpiredAuthorizationCredential ErrorType = "EXPIRED_AUTHORIZATION_CREDENTIAL"
	ErrorFirmwareOutOfDate              ErrorType = "FIRMWARE_OUT_OF_DATE"
	ErrorHardwareMalfunction            ErrorType = "HARDWARE_MALFUNCTION"
	ErrorInsufficientPermissions        ErrorType = "INSUFFICIENT_PERMISSIONS"
	ErrorInternalError                  ErrorType = "INTERNAL_ERROR"
	ErrorInvalidAuthorizationCredential ErrorType = "INVALID_AUTHORIZATION_CREDENTIAL"
	ErrorInvalidDirective               ErrorType = "INVALID_DIRECTIVE"
	ErrorInvalidValue                   ErrorType = "INVALID_VALUE"
	ErrorNoSuchEndpoint                 ErrorType = "NO_SUCH_ENDPOINT"
	ErrorNotCalibrated                  ErrorType = "NOT_CALIBRATED"
	ErrorNotSupportedInCurrentMode      ErrorType = "NOT_SUPPORTED_IN_CURRENT_MODE"
	ErrorNotInOperation                 ErrorType = "NOT_IN_OPERATION"
	ErrorPowerLevelNotSupported         ErrorType = "POWER_LEVEL_NOT_SUPPORTED"
	ErrorRateLimitExceeded              ErrorType = "RATE_LIMIT_EXCEEDED"
	ErrorTemperatureValueOutOfRange     ErrorType = "TEMPERATURE_VALUE_OUT_OF_RANGE"
	ErrorTooManyFailedAttempts          ErrorType = "TOO_MANY_FAILED_ATTEMPTS"
	ErrorValueOutOfRange                ErrorType = "VALUE_OUT_OF_RANGE"
	ErrorPartnerOutage                  ErrorType = "PARTNER_OUTAGE"
	ErrorHDMICECNotPresent              ErrorType = "HDMI_CEC_NOT_PRESENT"
	ErrorHDMICECDisabledOnDevice        ErrorType = "HDMI_CEC_DISABLED_ON_DEVICE"
)

// ErrorRequestedSetpointsTooClose is the Alexa.ThermostatController error
// for setpoints closer than the thermostat allows; it requires
// MinimumTemperatureDelta.
const ErrorRequestedSetpointsTooClose ErrorType = "REQUESTED_SETPOINTS_TOO_CLOSE"

// ErrorAcceptGrantFailed is the only error type of the Alexa.Authorization
// ErrorResponse.
const ErrorAcceptGrantFailed ErrorType = "ACCEPT_GRANT_FAILED"

// DeviceMode is the currentDeviceMode of a NOT_SUPPORTED_IN_CURRENT_MODE error.
type DeviceMode string

// Device modes.
const (
	DeviceModeColor          DeviceMode = "COLOR"
	DeviceModeAsleep         DeviceMode = "ASLEEP"
	DeviceModeNotProvisioned DeviceMode = "NOT_PROVISIONED"
	DeviceModeOther          DeviceMode = "OTHER"
)

// ValidRange is the validRange of a VALUE_OUT_OF_RANGE error.
type ValidRange struct {
	MinimumValue float64 `json:"minimumValue"`
	MaximumValue float64 `json:"maximumValue"`
}

// TemperatureValidRange is the validRange of a TEMPERATURE_VALUE_OUT_OF_RANGE error.
type TemperatureValidRange struct {
	MinimumValue Temperature `json:"minimumValue"`
	MaximumValue Temperature `json:"maximumValue"`
}

// Error is an Alexa error a handler returns, directly or wrapped, to answer
// a directive with an ErrorResponse of that type. Construct it with a
// composite literal or one of the helpers ([NewError], [ValueOutOfRange],
// ...). Err, when set, is the underlying cause: it is logged and available to
// errors.Is and errors.As, but never sent to Alexa.
//
// errors.Is(err, target) with a target *Error matches on Namespace and Type,
// so errors.Is(err, &alexa.Error{Type: alexa.ErrorNoSuchEndpoint}) works.
type Error struct {
	// Namespace is the ErrorResponse's namespace; empty means "Alexa",
	// except for types that exist only in one interface's ErrorResponse
	// (ACCEPT_GRANT_FAILED, the ThermostatController,
	// ThermostatController.Schedule, ThermostatController.Configuration,
	// SecurityPanelController, Safety, Video, Commissionable, Cooking
	// and DataController types, and SnapshotProvider's DISABLED_BY_USER),
	// whose namespace is implied. A type of two interfaces
	// (SUBSCRIPTION_REQUIRED) or also generic (INVALID_VALUE) implies
	// nothing: name the interface.
	// Interface-specific errors use their interface, e.g.
	// "Alexa.ThermostatController", and AcceptGrant failures
	// "Alexa.Authorization".
	Namespace Namespace
	Type      ErrorType
	// Message is for logs and the developer console; Alexa does not read it
	// to the customer. It must not contain secrets.
	Message string

	// ValidRange is required for VALUE_OUT_OF_RANGE.
	ValidRange *ValidRange
	// TemperatureValidRange is required for TEMPERATURE_VALUE_OUT_OF_RANGE.
	TemperatureValidRange *TemperatureValidRange
	// PercentageState is the battery level of ENDPOINT_LOW_POWER.
	PercentageState *float64
	// CurrentDeviceMode is required for NOT_SUPPORTED_IN_CURRENT_MODE.
	CurrentDeviceMode DeviceMode
	// MinimumTemperatureDelta is required for the Alexa.ThermostatController
	// error REQUESTED_SETPOINTS_TOO_CLOSE.
	MinimumTemperatureDelta *Temperature
	// EndpointsNeedingBypass are the open zones of the
	// Alexa.SecurityPanelController error BYPASS_NEEDED ([BypassNeeded]),
	// each with a friendly name; sent only with that type. (An
	// endpointsNeedingBypass member in Extra, as set before this field
	// existed, is taken when this field is nil, and checked the same.)
	EndpointsNeedingBypass []SecurityPanelEndpoint
	// MaxCookTime is the longest cook time the appliance accepts, required
	// (positive) for the Alexa.Cooking error COOK_DURATION_TOO_LONG
	// ([CookDurationTooLong]) and sent only with it, as an ISO 8601
	// duration (maxCookTime, e.g. "PT2H30M").
	MaxCookTime time.Duration
	// Extra holds further payload members of interface-specific error types
	// this package does not model, sent as they are.
	Extra Unknown

	// Err is the cause, never sent to Alexa.
	Err error
}

// NewError returns an [*Error] of the generic Alexa namespace.
func NewError(t ErrorType, message string) *Error {
	return &Error{Type: t, Message: message}
}

// ValueOutOfRange returns a VALUE_OUT_OF_RANGE error.
func ValueOutOfRange(min, max float64, message string) *Error {
	return &Error{Type: ErrorValueOutOfRange, Message: message, ValidRange: &ValidRange{MinimumValue: min, MaximumValue: max}}
}

// TemperatureOutOfRange returns a TEMPERATURE_VALUE_OUT_OF_RANGE error.
func TemperatureOutOfRange(min, max Temperature, message string) *Error {
	return &Error{Type: ErrorTemperatureValueOutOfRange, Message: message, TemperatureValidRange: &TemperatureValidRange{MinimumValue: min, MaximumValue: max}}
}

// NotSupportedInCurrentMode returns a NOT_SUPPORTED_IN_CURRENT_MODE error.
func NotSupportedInCurrentMode(mode DeviceMode, message string) *Error {
	return &Error{Type: ErrorNotSupportedInCurrentMode, Message: message, CurrentDeviceMode: mode}
}

// EndpointLowPower returns an ENDPOINT_LOW_POWER error with the battery level.
func EndpointLowPower(percentage float64, message string) *Error {
	return &Error{Type: ErrorEndpointLowPower, Message: message, PercentageState: &percentage}
}

// AcceptGrantFailed returns the Alexa.Authorization ACCEPT_GRANT_FAILED error.
func AcceptGrantFailed(message string, cause error) *Error {
	return &Error{Namespace: NamespaceAuthorization, Type: ErrorAcceptGrantFailed, Message: message, Err: cause}
}

// Error returns "alexa: TYPE: message" (and the cause, if any).
func (e *Error) Error() string {
	s := "alexa: " + string(e.Type)
	if e.Namespace != "" && e.Namespace != NamespaceAlexa {
		s = "alexa: " + string(e.Namespace) + " " + string(e.Type)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error of the same namespace and type.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return e.namespace() == t.namespace() && e.Type == t.Type
}

func (e *Error) namespace() Namespace {
	if e.Namespace != "" {
		return e.Namespace
	}
	// A type that exists only in one interface's own ErrorResponse.
	if ns, ok := impliedNamespaces()[e.Type]; ok {
		return ns
	}
	return NamespaceAlexa
}

// errorPayload is the wire payload of an ErrorResponse.
type errorPayload struct {
	Type              ErrorType  `json:"type"`
	Message           string     `json:"message"`
	ValidRange        any        `json:"validRange,omitempty"`
	PercentageState   *float64   `json:"percentageState,omitempty"`
	CurrentDeviceMode DeviceMode `json:"currentDeviceMode,omitempty"`
	// MinimumTemperatureDelta is for REQUESTED_SETPOINTS_TOO_CLOSE.
	MinimumTemperatureDelta *Temperature `json:"minimumTemperatureDelta,omitempty"`
	// EndpointsNeedingBypass is for the security panel's BYPASS_NEEDED.
	EndpointsNeedingBypass []SecurityPanelEndpoint `json:"endpointsNeedingBypass,omitempty"`
	// MaxCookTime is for Alexa.Cooking's COOK_DURATION_TOO_LONG: an ISO
	// 8601 duration, or the value ErrorFromEvent could not read, as it came.
	MaxCookTime json.RawMessage `json:"maxCookTime,omitempty"`
}

// payload returns the ErrorResponse payload, checking the extra fields each
// type requires.
func (e *Error) payload() (json.RawMessage, error) {
	p := errorPayload{Type: e.Type, Message: e.Message}
	if p.Message == "" {
		p.Message = string(e.Type)
	}
	switch e.Type {
	case "":
		return nil, errors.New("alexa: error without a type")
	case ErrorValueOutOfRange:
		if e.ValidRange == nil {
			return nil, errors.New("alexa: VALUE_OUT_OF_RANGE requires ValidRange")
		}
		if !finite(e.ValidRange.MinimumValue) || !finite(e.ValidRange.MaximumValue) {
			return nil, errors.New("alexa: VALUE_OUT_OF_RANGE range must be finite")
		}
		p.ValidRange = e.ValidRange
	case ErrorTemperatureValueOutOfRange:
		if e.TemperatureValidRange == nil {
			return nil, errors.New("alexa: TEMPERATURE_VALUE_OUT_OF_RANGE requires TemperatureValidRange")
		}
		p.ValidRange = e.TemperatureValidRange
	case ErrorEndpointLowPower:
		if e.PercentageState != nil && !finite(*e.PercentageState) {
			return nil, errors.New("alexa: ENDPOINT_LOW_POWER percentageState must be finite")
		}
		p.PercentageState = e.PercentageState
	case ErrorNotSupportedInCurrentMode:
		if e.CurrentDeviceMode == "" {
			return nil, errors.New("alexa: NOT_SUPPORTED_IN_CURRENT_MODE requires CurrentDeviceMode")
		}
		p.CurrentDeviceMode = e.CurrentDeviceMode
	case ErrorRequestedSetpointsTooClose:
		if e.MinimumTemperatureDelta == nil {
			return nil, errors.New("alexa: REQUESTED_SETPOINTS_TOO_CLOSE requires MinimumTemperatureDelta")
		}
		if !finite(e.MinimumTemperatureDelta.Value) {
			return nil, errors.New("alexa: REQUESTED_SETPOINTS_TOO_CLOSE delta must be finite")
		}
		p.MinimumTemperatureDelta = e.MinimumTemperatureDelta
	case ErrorBypassNeeded:
		if e.namespace() != NamespaceSecurityPanelController {
			break
		}
		eps := e.EndpointsNeedingBypass
		if raw, ok := e.Extra["endpointsNeedingBypass"]; ok && eps == nil {
			// Set by hand before the field existed: typed, so checked.
			if err := json.Unmarshal(raw, &eps); err != nil {
				return nil, errors.New("alexa: BYPASS_NEEDED endpointsNeedingBypass in Extra is not a list of endpoints")
			}
		}
		for i, ep := range eps {
			if err := ep.validate("endpointsNeedingBypass[" + strconv.Itoa(i) + "]"); err != nil {
				return nil, errors.New("alexa: BYPASS_NEEDED " + strings.TrimPrefix(strings.TrimPrefix(err.Error(), ErrInvalidValue.Error()), ": "))
			}
		}
		p.EndpointsNeedingBypass = eps
	case ErrorCookDurationTooLong:
		if e.namespace() != NamespaceCooking {
			break
		}
		raw, kept := e.Extra["maxCookTime"]
		switch {
		case kept && (len(raw) == 0 || string(raw) == "null"):
			return nil, errors.New("alexa: COOK_DURATION_TOO_LONG requires a maxCookTime")
		case kept && e.MaxCookTime == 0:
			// Decoded by ErrorFromEvent from a maxCookTime this package
			// cannot read ("P1W"): sent again as it came.
			p.MaxCookTime = raw
		case kept:
			return nil, errors.New("alexa: COOK_DURATION_TOO_LONG takes maxCookTime from MaxCookTime, not Extra")
		case e.MaxCookTime <= 0:
			return nil, errors.New("alexa: COOK_DURATION_TOO_LONG requires a positive MaxCookTime")
		default:
			p.MaxCookTime = stringValue(isoDuration(e.MaxCookTime))
		}
	}
	b, err := marshalLossless(p, e.Extra)
	if err != nil {
		return nil, errfmt.Errorf("alexa: encoding error payload: %w", err)
	}
	return b, nil
}

// ErrorFromEvent decodes an ErrorResponse event into an [*Error], e.g. in
// tests that assert the error a Router answered. It returns false if m is
// not an ErrorResponse.
func ErrorFromEvent(m *EventMessage) (*Error, bool) {
	if m == nil || !IsErrorResponse(m.Event.Header) {
		return nil, false
	}
	var p struct {
		Type                    ErrorType               `json:"type"`
		Message                 string                  `json:"message"`
		ValidRange              json.RawMessage         `json:"validRange"`
		PercentageState         *float64                `json:"percentageState"`
		CurrentDeviceMode       DeviceMode              `json:"currentDeviceMode"`
		MinimumTemperatureDelta *Temperature            `json:"minimumTemperatureDelta"`
		EndpointsNeedingBypass  []SecurityPanelEndpoint `json:"endpointsNeedingBypass"`
		MaxCookTime             json.RawMessage         `json:"maxCookTime"`
	}
	extra, err := unmarshalLossless(m.Event.Payload, &p)
	if err != nil {
		return nil, false
	}
	e := &Error{Type: p.Type, Message: p.Message, PercentageState: p.PercentageState, CurrentDeviceMode: p.CurrentDeviceMode, MinimumTemperatureDelta: p.MinimumTemperatureDelta, EndpointsNeedingBypass: p.EndpointsNeedingBypass, Extra: extra}
	if m.Event.Header.Namespace != NamespaceAlexa {
		e.Namespace = m.Event.Header.Namespace
	}
	if len(p.MaxCookTime) > 0 {
		// A duration this package cannot read, or of another error, is
		// kept as it came.
		var s string
		d, ok := time.Duration(0), e.namespace() == NamespaceCooking && e.Type == ErrorCookDurationTooLong && json.Unmarshal(p.MaxCookTime, &s) == nil
		if ok {
			d, ok = parseISODuration(s)
		}
		if ok {
			e.MaxCookTime = d
		} else {
			if e.Extra == nil {
				e.Extra = Unknown{}
			}
			e.Extra["maxCookTime"] = p.MaxCookTime
		}
	}
	if len(p.ValidRange) > 0 {
		switch p.Type {
		case ErrorTemperatureValueOutOfRange:
			var r TemperatureValidRange
			if json.Unmarshal(p.ValidRange, &r) == nil {
				e.TemperatureValidRange = &r
			}
		default:
			var r ValidRange
			if json.Unmarshal(p.ValidRange, &r) == nil {
				e.ValidRange = &r
			}
		}
	}
	return e, true
}
