package alexa

// NamespaceCommissionable is the Alexa.Commissionable interface (version
// "1.0"), with which Alexa commissions a Matter device onto a local hub:
// after discovering an endpoint with this capability, Alexa sends it
// [NameReportCommissioningInformation] and the skill answers with the
// commissioning information. This package types only its ErrorResponse
// ([CommissionableError]), whose header name is
// [NameReportCommissioningInformationErrorResponse] and payloadVersion
// "1.0". The directive's payload, the report answering it and the
// capability's configuration were not confirmed from the documentation and
// are not typed: register the directive with [Router.HandleFunc] and
// decode [Directive.Payload] yourself.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-commissionable.html.
const NamespaceCommissionable Namespace = "Alexa.Commissionable"

// NameReportCommissioningInformation is the Alexa.Commissionable directive
// asking for an endpoint's commissioning information.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-commissionable.html.
const NameReportCommissioningInformation Name = "ReportCommissioningInformation"

// NameReportCommissioningInformationErrorResponse is the header name of
// the Alexa.Commissionable ErrorResponse (namespace Alexa.Commissionable,
// not "ErrorResponse" as elsewhere), which answers
// ReportCommissioningInformation.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-commissionable-errorresponse.html.
const NameReportCommissioningInformationErrorResponse Name = "ReportCommissioningInformation.ErrorResponse"

// Error types of the Alexa.Commissionable ErrorResponse; build the errors
// with [CommissionableError]. The generic types (ENDPOINT_BUSY,
// ENDPOINT_UNREACHABLE, BRIDGE_UNREACHABLE, ...) go in Alexa's own
// ErrorResponse.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-commissionable-errorresponse.html.
const (
	// ErrorMaxCommissioningLimitReached is the Alexa.Commissionable error
	// for an endpoint already commissioned with as many local hubs as it
	// allows.
	// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-commissionable-errorresponse.html.
	ErrorMaxCommissioningLimitReached ErrorType = "MAX_COMMISSIONING_LIMIT_REACHED"
	// ErrorFailedToBootstrapCommissioningProcess is the
	// Alexa.Commissionable error for an endpoint that is reachable but
	// cannot be connected locally (for Matter, it could not be put in
	// commissioning mode).
	// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-commissionable-errorresponse.html.
	ErrorFailedToBootstrapCommissioningProcess ErrorType = "FAILED_TO_BOOTSTRAP_COMMISSIONING_PROCESS"
)

// CommissionableError returns an [*Error] of the Alexa.Commissionable
// namespace, for the error types declared above, e.g.
// CommissionableError(ErrorMaxCommissioningLimitReached, "paired with 5
// hubs"). It answers only Alexa.Commissionable directives, in a
// ReportCommissioningInformation.ErrorResponse of payloadVersion "1.0"
// (the message, optional there, is always sent: it defaults to the type).
// A generic type given here is sent in Alexa's ErrorResponse; any other
// type makes the Router answer INTERNAL_ERROR.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-commissionable-errorresponse.html.
func CommissionableError(t ErrorType, message string) *Error {
	return &Error{Namespace: NamespaceCommissionable, Type: t, Message: message}
}
