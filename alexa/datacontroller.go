package alexa

// NamespaceDataController is the Alexa.DataController interface (version
// "1.0"), with which customers view and delete the data an endpoint keeps
// (an Alexa.SmartVision.ObjectDetectionSensor's detections, typically).
// This package types its ErrorResponse ([DataControllerError]), of
// payloadVersion "1.0" (the newer "Interface 1" pages show "1.0", an older
// page "1"; this package sends "1.0"), and, from a public integration
// because Amazon's text could not be read, its capability configuration
// ([DataControllerCapability]). Its directives and events (ReportData
// answered with a DataReport, whose nextToken asks for more) are not
// typed: register the directives with [Router.HandleFunc] and decode
// [Directive.Payload] yourself.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-datacontroller.html.
const NamespaceDataController Namespace = "Alexa.DataController"

// Error types of the Alexa.DataController ErrorResponse; build the errors
// with [DataControllerError]. Amazon also lets this interface answer with
// the generic types, which go in Alexa's own ErrorResponse.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-datacontroller-errorresponse.html.
const (
	// ErrorDataDeletionNotSupported is the Alexa.DataController error for
	// an endpoint that cannot delete the data asked for.
	// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-datacontroller-errorresponse.html.
	ErrorDataDeletionNotSupported ErrorType = "DATA_DELETION_NOT_SUPPORTED"
	// ErrorDataRetrievalNotSupported is the Alexa.DataController error for
	// an endpoint that cannot report the data asked for.
	// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-datacontroller-errorresponse.html.
	ErrorDataRetrievalNotSupported ErrorType = "DATA_RETRIEVAL_NOT_SUPPORTED"
)

// DataControllerError returns an [*Error] of the Alexa.DataController
// namespace, for the error types declared above, e.g.
// DataControllerError(ErrorDataDeletionNotSupported, "clips are kept by
// the recorder"). It answers only Alexa.DataController directives, in an
// ErrorResponse of payloadVersion "1.0". A generic type given here is sent
// in Alexa's ErrorResponse; any other type makes the Router answer
// INTERNAL_ERROR.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-datacontroller-errorresponse.html.
func DataControllerError(t ErrorType, message string) *Error {
	return &Error{Namespace: NamespaceDataController, Type: t, Message: message}
}
