package alexa

import (
	"context"
)

// NamespaceRecordController is the Alexa.RecordController interface, for
// devices that record what they are playing at once (DVRs, set-top boxes):
// "Alexa, record this", "Alexa, stop recording". Its directives are
// [NameStartRecording] and [NameStopRecording], without payload; its
// property is recordingState.
// See https://developer.amazon.com/docs/device-apis/alexa-recordcontroller.html.
const NamespaceRecordController Namespace = "Alexa.RecordController"

// Alexa.RecordController directives and property. The property is spelled
// recordingState, as the interface's documentation spells it; Amazon's
// older published JSON schema and its Fire TV video skill pages spell it
// RecordingState.
// See https://developer.amazon.com/docs/device-apis/alexa-recordcontroller.html.
const (
	NameStartRecording     Name         = "StartRecording"
	NameStopRecording      Name         = "StopRecording"
	PropertyRecordingState PropertyName = "recordingState"
)

// RecordingState is the value of the recordingState property.
// See https://developer.amazon.com/docs/device-apis/alexa-recordcontroller.html.
type RecordingState string

// Recording states.
// See https://developer.amazon.com/docs/device-apis/alexa-recordcontroller.html.
const (
	Recording    RecordingState = "RECORDING"
	NotRecording RecordingState = "NOT_RECORDING"
)

// Validate returns an INVALID_VALUE [*Error] unless s is [Recording] or
// [NotRecording].
func (s RecordingState) Validate() error {
	switch s {
	case Recording, NotRecording:
		return nil
	}
	return invalidValue("recordingState must be RECORDING or NOT_RECORDING")
}

// RecordControllerCapability returns the Alexa.RecordController capability
// (version "3") reporting recordingState as r says. Amazon asks for
// proactivelyReported false for this interface (Alexa does not take its
// ChangeReports) and retrievable true when the skill answers ReportState
// with it: Reporting{Retrievable: true}.
// See https://developer.amazon.com/docs/device-apis/alexa-recordcontroller.html.
func RecordControllerCapability(r Reporting) Capability {
	return NewCapability(NamespaceRecordController, "3", r, PropertyRecordingState)
}

// RecordingStateProperty returns the recordingState property with value s.
// A value other than [Recording] and [NotRecording] is encoded as given;
// the Router answers a reply carrying one with INTERNAL_ERROR
// ([Property.Validate]).
// See https://developer.amazon.com/docs/device-apis/alexa-recordcontroller.html.
func RecordingStateProperty(s RecordingState) Property {
	return Property{Namespace: NamespaceRecordController, Name: PropertyRecordingState, Value: stringValue(string(s))}
}

// RecordController is implemented by skills for Alexa.RecordController.
// The directives carry no payload. Each method starts or stops recording
// the content playing and answers with [Directive.Response] holding the
// endpoint's properties, recordingState included, or returns an error (an
// [*Error] for the customer to hear; NOT_SUPPORTED_IN_CURRENT_MODE, say,
// when nothing is playing).
// See https://developer.amazon.com/docs/device-apis/alexa-recordcontroller.html.
type RecordController interface {
	StartRecording(ctx context.Context, d *Directive) (*EventMessage, error)
	StopRecording(ctx context.Context, d *Directive) (*EventMessage, error)
}

// HandleRecordController routes Alexa.RecordController StartRecording and
// StopRecording to c. It panics if c is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-recordcontroller.html.
func (r *Router) HandleRecordController(c RecordController) {
	if isNilHandler(c) {
		panic("alexa: nil RecordController")
	}
	r.HandleFunc(NamespaceRecordController, NameStartRecording, c.StartRecording)
	r.HandleFunc(NamespaceRecordController, NameStopRecording, c.StopRecording)
}
