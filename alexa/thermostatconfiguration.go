package alexa

// NamespaceThermostatConfiguration is the
// Alexa.ThermostatController.Configuration interface (version "3"), with
// which Alexa sends a thermostat the configuration of the heating and
// cooling system the customer set up in the Alexa app; it has no
// utterances. This package types only its ErrorResponse
// ([ThermostatConfigurationError]), of payloadVersion "3". Its directives
// and properties were not confirmed from the documentation and are not
// typed: register the directives with [Router.HandleFunc] and decode
// [Directive.Payload] yourself.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-configuration.html.
const NamespaceThermostatConfiguration Namespace = "Alexa.ThermostatController.Configuration"

// Error types of the Alexa.ThermostatController.Configuration
// ErrorResponse; build the errors with [ThermostatConfigurationError]. The
// documentation's table could be read up to INVALID_TERMINAL_CONNECTION;
// rows after it, if any, are missing here, so this list may be incomplete
// (a type not listed makes the Router answer INTERNAL_ERROR).
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-configuration-errorresponse.html.
const (
	// ErrorConfigurationUpdateNotAllowed is the
	// Alexa.ThermostatController.Configuration error for a thermostat that
	// accepts configuration changes only on the device itself.
	// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-configuration-errorresponse.html.
	ErrorConfigurationUpdateNotAllowed ErrorType = "CONFIGURATION_UPDATE_NOT_ALLOWED"
	// ErrorMissingSetupInformation is the
	// Alexa.ThermostatController.Configuration error for a directive that
	// lacks information the setup requires.
	// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-configuration-errorresponse.html.
	ErrorMissingSetupInformation ErrorType = "MISSING_SETUP_INFORMATION"
	// ErrorInvalidTargetState is the
	// Alexa.ThermostatController.Configuration error for a target state the
	// device does not support.
	// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-configuration-errorresponse.html.
	ErrorInvalidTargetState ErrorType = "INVALID_TARGET_STATE"
	// ErrorInvalidTemperatureScale is the
	// Alexa.ThermostatController.Configuration error for a temperature
	// scale the device does not support.
	// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-configuration-errorresponse.html.
	ErrorInvalidTemperatureScale ErrorType = "INVALID_TEMPERATURE_SCALE"
	// ErrorInvalidTerminalConnection is the
	// Alexa.ThermostatController.Configuration error for terminal
	// connections the device does not support (its description was cut
	// off where it was read: "One or more termina…").
	// See https://developer.amazon.com/de-DE/docs/alexa/device-apis/alexa-thermostatcontroller-configuration-errorresponse.html.
	ErrorInvalidTerminalConnection ErrorType = "INVALID_TERMINAL_CONNECTION"
)

// ThermostatConfigurationError returns an [*Error] of the
// Alexa.ThermostatController.Configuration namespace, for the error types
// declared above, e.g.
// ThermostatConfigurationError(ErrorConfigurationUpdateNotAllowed,
// "locked by the installer"). It answers only that interface's
// directives. A generic type given here is sent in Alexa's ErrorResponse;
// any other type makes the Router answer INTERNAL_ERROR.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-configuration-errorresponse.html.
func ThermostatConfigurationError(t ErrorType, message string) *Error {
	return &Error{Namespace: NamespaceThermostatConfiguration, Type: t, Message: message}
}
