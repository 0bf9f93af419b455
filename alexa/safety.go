package alexa

// NamespaceSafety is the Alexa.Safety namespace. It has no directives,
// properties or capability: it exists only as the namespace of an
// ErrorResponse (payloadVersion "3") with which a skill answers a
// directive of another interface that it could not carry out for a safety
// reason, e.g. a garage door's ModeController SetMode or a gate's
// PowerController TurnOff. Build the error with [SafetyError].
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-safety-errorresponse.html.
const NamespaceSafety Namespace = "Alexa.Safety"

// Error types of the Alexa.Safety ErrorResponse; build the errors with
// [SafetyError]. Alexa tells the customer the type; the message is for
// logs only. A skill may also answer with the generic error types, which
// go in Alexa's own ErrorResponse.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-safety-errorresponse.html.
const (
	// ErrorObstacleDetected: the endpoint cannot carry out the directive
	// because an obstacle is in the way, e.g. a person or object blocks a
	// door that is asked to close.
	ErrorObstacleDetected ErrorType = "OBSTACLE_DETECTED"
	// ErrorSafetyBeamBreached: the endpoint cannot carry out the directive
	// because a safety beam was crossed, e.g. a person crosses the beam of
	// a closing door.
	ErrorSafetyBeamBreached ErrorType = "SAFETY_BEAM_BREACHED"
)

// SafetyError returns an [*Error] of the Alexa.Safety namespace, for the
// error types declared above, e.g. SafetyError(ErrorObstacleDetected,
// "an object blocks the garage door"). Unlike the errors of other
// interfaces' own ErrorResponses, it may answer a directive of any
// interface that acts on an endpoint (not ReportState, Discover or
// AcceptGrant). A generic type given here is sent in Alexa's
// ErrorResponse; any other type makes the Router answer INTERNAL_ERROR.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-safety-errorresponse.html.
func SafetyError(t ErrorType, message string) *Error {
	return &Error{Namespace: NamespaceSafety, Type: t, Message: message}
}
