package alexa

// NamespaceObjectDetectionSensor is the
// Alexa.SmartVision.ObjectDetectionSensor interface (version "1.0"), with
// which a camera reports the objects it detects, of the classes the
// customer enabled. This package types its ErrorResponse
// ([ObjectDetectionSensorError]), of payloadVersion "1.0", and, from a
// public integration because Amazon's text could not be read, its
// property, capability and ObjectDetection event
// ([ObjectDetectionSensorCapability], [ObjectDetectionClassesProperty],
// [Builder.ObjectDetection]). Its directives are not typed: register them
// with [Router.HandleFunc] and decode [Directive.Payload] yourself.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-smartvision-objectdetectionsensor.html.
const NamespaceObjectDetectionSensor Namespace = "Alexa.SmartVision.ObjectDetectionSensor"

// NamespaceSnapshotProvider is the Alexa.SmartVision.SnapshotProvider
// interface (version "1.1"), with which Alexa asks a camera for a
// snapshot image (the GetSnapshot directive). This package types only its
// ErrorResponse ([SnapshotProviderError]), of payloadVersion "1.1". The
// directive's payload, the reply carrying the image's URI and the
// capability configuration were not confirmed from the documentation and
// are not typed: register the directive with [Router.HandleFunc] and
// decode [Directive.Payload] yourself.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-smartvision-snapshotprovider.html.
const NamespaceSnapshotProvider Namespace = "Alexa.SmartVision.SnapshotProvider"

// Error types of the Alexa.SmartVision ErrorResponses. Being of two
// interfaces, SUBSCRIPTION_REQUIRED implies no namespace: build it with
// [ObjectDetectionSensorError] or [SnapshotProviderError]. The generic
// types go in Alexa's own ErrorResponse, but for INVALID_VALUE
// ([ErrorInvalidValue]), which Alexa.SmartVision.ObjectDetectionSensor
// lists as its own too: named for that interface, it goes in its
// ErrorResponse (and answers only its directives); otherwise in Alexa's.
const (
	// ErrorSubscriptionRequired is the error of
	// Alexa.SmartVision.ObjectDetectionSensor for an object class the
	// customer cannot enable without a subscription, and of
	// Alexa.SmartVision.SnapshotProvider for an endpoint that cannot
	// provide a snapshot without one.
	// See https://developer.amazon.com/docs/alexa/device-apis/alexa-smartvision-objectdetectionsensor-errorresponse.html
	// and https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-smartvision-snapshotprovider-errorresponse.html.
	ErrorSubscriptionRequired ErrorType = "SUBSCRIPTION_REQUIRED"
	// ErrorDisabledByUser is the Alexa.SmartVision.SnapshotProvider error
	// for a camera whose snapshots the customer turned off in the camera's
	// app.
	// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-smartvision-snapshotprovider-errorresponse.html.
	ErrorDisabledByUser ErrorType = "DISABLED_BY_USER"
)

// ObjectDetectionSensorError returns an [*Error] of the
// Alexa.SmartVision.ObjectDetectionSensor namespace, for
// ErrorSubscriptionRequired and ErrorInvalidValue, e.g.
// ObjectDetectionSensorError(ErrorSubscriptionRequired, "package
// detection needs a plan"). It answers only that interface's directives,
// in an ErrorResponse of payloadVersion "1.0" with type and message. The
// documentation names further payload members for an invalid object class;
// they could not be read, so this package neither invents nor accepts them
// (our schema refuses a payload member it does not know). Another generic
// type given here is sent in Alexa's ErrorResponse; any other type makes
// the Router answer INTERNAL_ERROR.
// See https://developer.amazon.com/docs/alexa/device-apis/alexa-smartvision-objectdetectionsensor-errorresponse.html.
func ObjectDetectionSensorError(t ErrorType, message string) *Error {
	return &Error{Namespace: NamespaceObjectDetectionSensor, Type: t, Message: message}
}

// SnapshotProviderError returns an [*Error] of the
// Alexa.SmartVision.SnapshotProvider namespace, for
// ErrorSubscriptionRequired and ErrorDisabledByUser, e.g.
// SnapshotProviderError(ErrorDisabledByUser, "snapshots are off"). It
// answers only that interface's directives, in an ErrorResponse of
// payloadVersion "1.1". A generic type given here is sent in Alexa's
// ErrorResponse; any other type makes the Router answer INTERNAL_ERROR.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-smartvision-snapshotprovider-errorresponse.html.
func SnapshotProviderError(t ErrorType, message string) *Error {
	return &Error{Namespace: NamespaceSnapshotProvider, Type: t, Message: message}
}
