package alexa

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// This file holds Alexa.SmartVision.ObjectDetectionSensor's property,
// capability and event, and Alexa.DataController's capability, which
// reviews and deletes the detections. Amazon's pages confirm the
// interfaces and what they are for; the member names below could not be
// read in Amazon's text and are those of a public camera platform's Alexa
// integration (which sends them to Alexa). The directives
// (SetObjectDetectionClasses, ReportData, ...) stay untyped: their
// payloads could not be read.

// PropertyObjectDetectionClasses is the
// Alexa.SmartVision.ObjectDetectionSensor property: the object classes the
// customer enabled, a list of [ObjectClass].
const PropertyObjectDetectionClasses PropertyName = "objectDetectionClasses"

// NameObjectDetection is the proactive
// Alexa.SmartVision.ObjectDetectionSensor event that reports detections.
const NameObjectDetection Name = "ObjectDetection"

// ObjectClass names an object class, such as "person", "vehicle" or
// "package" (ImageNet class names).
type ObjectClass struct {
	ImageNetClass string `json:"imageNetClass"`
}

// ObjectDetectionSensorConfiguration is the configuration of an
// Alexa.SmartVision.ObjectDetectionSensor capability: the classes the
// camera can detect.
type ObjectDetectionSensorConfiguration struct {
	ObjectDetectionConfiguration []ObjectClass `json:"objectDetectionConfiguration"`
}

func objectClasses(what string, classes []string) ([]ObjectClass, error) {
	if len(classes) == 0 {
		return nil, fmt.Errorf("%w: %s needs at least one object class", ErrInvalidValue, what)
	}
	out := make([]ObjectClass, 0, len(classes))
	for i, c := range classes {
		if c == "" {
			return nil, fmt.Errorf("%w: %s class %d is empty", ErrInvalidValue, what, i)
		}
		if slices.Contains(classes[:i], c) {
			return nil, fmt.Errorf("%w: %s class %q is given twice", ErrInvalidValue, what, c)
		}
		out = append(out, ObjectClass{ImageNetClass: c})
	}
	return out, nil
}

// ObjectDetectionSensorCapability returns the
// Alexa.SmartVision.ObjectDetectionSensor capability (version "1.0") of a
// camera that detects classes, reporting objectDetectionClasses as r says.
// It fails without classes, or with an empty or repeated one. Pair it with
// Alexa.RTCSessionController, and with an Alexa.DataController
// ([DataControllerCapability]) through which customers review the
// detections.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-smartvision-objectdetectionsensor.html.
func ObjectDetectionSensorCapability(r Reporting, classes ...string) (Capability, error) {
	cs, err := objectClasses("objectDetectionConfiguration", classes)
	if err != nil {
		return Capability{}, capabilityError(NamespaceObjectDetectionSensor, "", err)
	}
	c := NewCapability(NamespaceObjectDetectionSensor, "1.0", r, PropertyObjectDetectionClasses)
	c.Configuration = mustJSON(ObjectDetectionSensorConfiguration{ObjectDetectionConfiguration: cs})
	return c, nil
}

// ObjectDetectionClassesProperty returns the objectDetectionClasses
// property: the classes the customer enabled (none is valid). It fails,
// wrapping [ErrInvalidValue], for an empty or repeated class.
func ObjectDetectionClassesProperty(classes ...string) (Property, error) {
	cs := []ObjectClass{}
	if len(classes) > 0 {
		var err error
		if cs, err = objectClasses("objectDetectionClasses", classes); err != nil {
			return Property{}, err
		}
	}
	return Property{Namespace: NamespaceObjectDetectionSensor, Name: PropertyObjectDetectionClasses, Value: mustJSON(cs)}, nil
}

// objectDetectionClassesCheck is the reply check of objectDetectionClasses.
func objectDetectionClassesCheck(v json.RawMessage) string {
	var cs []ObjectClass
	if !decodeExact(v, &cs, false) || cs == nil || slices.ContainsFunc(cs, func(c ObjectClass) bool { return c.ImageNetClass == "" }) {
		return "must be a list of {imageNetClass}"
	}
	return ""
}

// ObjectDetectionEvent is one detection in an ObjectDetection event.
type ObjectDetectionEvent struct {
	// EventIdentifier identifies the detection, to review or delete it
	// later through Alexa.DataController.
	EventIdentifier string `json:"eventIdentifier"`
	// ImageNetClass is the class detected, one the customer enabled.
	ImageNetClass             string `json:"imageNetClass"`
	TimeOfSample              Time   `json:"timeOfSample"`
	UncertaintyInMilliseconds int64  `json:"uncertaintyInMilliseconds"`
	// ObjectIdentifier identifies the object across detections (optional).
	ObjectIdentifier string `json:"objectIdentifier,omitempty"`
	// FrameImageURI and CroppedImageURI locate an image of the frame and
	// of the object (optional). Give URIs that expire: Alexa keeps them.
	FrameImageURI   string `json:"frameImageUri,omitempty"`
	CroppedImageURI string `json:"croppedImageUri,omitempty"`
}

// ObjectDetectionPayload is the payload of an ObjectDetection event.
type ObjectDetectionPayload struct {
	Events []ObjectDetectionEvent `json:"events"`
}

// Validate reports, wrapping [ErrInvalidValue], a payload without
// detections or a detection without its identifier, class or time, or
// with a negative uncertainty.
func (p ObjectDetectionPayload) Validate() error {
	if len(p.Events) == 0 {
		return fmt.Errorf("%w: ObjectDetection needs at least one detection", ErrInvalidValue)
	}
	var errs []error
	for i, e := range p.Events {
		if e.EventIdentifier == "" || e.ImageNetClass == "" || e.TimeOfSample.IsZero() || e.UncertaintyInMilliseconds < 0 {
			errs = append(errs, fmt.Errorf("events[%d] needs an eventIdentifier, an imageNetClass, a timeOfSample and a non-negative uncertainty", i))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: ObjectDetection: %w", ErrInvalidValue, err)
	}
	return nil
}

// ObjectDetection returns endpointID's proactive ObjectDetection event
// reporting detections. It fails if endpointID is not a valid endpoint id
// or the payload is not valid. The events client adds the scope.
func (b Builder) ObjectDetection(endpointID string, detections ...ObjectDetectionEvent) (*EventMessage, error) {
	if err := checkEndpointID("endpointId", endpointID); err != nil {
		return nil, err
	}
	p := ObjectDetectionPayload{Events: detections}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return nil, errfmt.Errorf("alexa: %s: %w", NameObjectDetection, err)
	}
	return &EventMessage{Event: Event{
		Header:   Header{Namespace: NamespaceObjectDetectionSensor, Name: NameObjectDetection, MessageID: b.id(), PayloadVersion: "1.0"},
		Endpoint: &Endpoint{EndpointID: endpointID},
		Payload:  payload,
	}}, nil
}

// DataAccess is a way Alexa.DataController retrieves data.
type DataAccess string

// Data accesses.
const (
	AccessByIdentifier     DataAccess = "BY_IDENTIFIER"
	AccessByTimestampRange DataAccess = "BY_TIMESTAMP_RANGE"
)

// DataControllerTarget names the capability whose data an
// Alexa.DataController controls.
type DataControllerTarget struct {
	Name    Namespace `json:"name"`
	Version string    `json:"version"`
}

// DataRetrievalSchema is the format of the data an Alexa.DataController
// reports, and the name of its schema.
type DataRetrievalSchema struct {
	Type   string `json:"type"`
	Schema string `json:"schema"`
}

// DataControllerConfiguration is the configuration of an
// Alexa.DataController capability.
type DataControllerConfiguration struct {
	TargetCapability    DataControllerTarget `json:"targetCapability"`
	DataRetrievalSchema DataRetrievalSchema  `json:"dataRetrievalSchema"`
	SupportedAccess     []DataAccess         `json:"supportedAccess"`
}

// DataControllerCapability returns the Alexa.DataController capability
// (version "1.0") of instance, controlling the data of c's target
// capability (an Alexa.SmartVision.ObjectDetectionSensor's detections,
// say: target {Alexa.SmartVision.ObjectDetectionSensor, 1.0}, schema
// {JSON, SmartVisionData}). An endpoint may have several; each answers
// with its instance. It fails without an instance, a target, a schema or
// a way of access.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-datacontroller.html.
func DataControllerCapability(instance string, c DataControllerConfiguration) (Capability, error) {
	var errs []error
	if instance == "" {
		errs = append(errs, errors.New("instance is required"))
	}
	if c.TargetCapability.Name == "" || c.TargetCapability.Version == "" {
		errs = append(errs, errors.New("targetCapability needs its name and version"))
	}
	if c.DataRetrievalSchema.Type == "" || c.DataRetrievalSchema.Schema == "" {
		errs = append(errs, errors.New("dataRetrievalSchema needs its type and schema"))
	}
	if len(c.SupportedAccess) == 0 {
		errs = append(errs, errors.New("supportedAccess needs at least one way of access"))
	}
	if err := errors.Join(errs...); err != nil {
		return Capability{}, capabilityError(NamespaceDataController, instance, err)
	}
	return Capability{Type: CapabilityTypeAlexaInterface, Interface: NamespaceDataController, Version: "1.0",
		Instance: instance, Configuration: mustJSON(c)}, nil
}
