package alexa

import "encoding/json"

// NamespaceContactSensor is the Alexa.ContactSensor interface, for sensors
// that detect whether two surfaces touch, such as door and window
// sensors. It has no directives: Alexa reads detectionState with
// ReportState, and the skill sends ChangeReports. Amazon requires
// Alexa.EndpointHealth on sensors.
// See https://developer.amazon.com/docs/device-apis/alexa-contactsensor.html.
const NamespaceContactSensor Namespace = "Alexa.ContactSensor"

// PropertyDetectionState is the property of Alexa.ContactSensor and
// Alexa.MotionSensor, a [DetectionState].
// See https://developer.amazon.com/docs/device-apis/alexa-contactsensor.html
// and https://developer.amazon.com/docs/device-apis/alexa-motionsensor.html.
const PropertyDetectionState PropertyName = "detectionState"

// DetectionState is the value of the detectionState property: for a
// contact sensor, DETECTED means closed (contact) and NOT_DETECTED open;
// for a motion sensor, whether it detects motion.
// See https://developer.amazon.com/docs/device-apis/alexa-contactsensor.html.
type DetectionState string

// Detection states.
// See https://developer.amazon.com/docs/device-apis/alexa-contactsensor.html.
const (
	Detected    DetectionState = "DETECTED"
	NotDetected DetectionState = "NOT_DETECTED"
)

// ContactSensorCapability returns the Alexa.ContactSensor capability
// (version "3") reporting detectionState as r says (Amazon asks for
// proactively reported and retrievable). See
// https://developer.amazon.com/docs/device-apis/alexa-contactsensor.html.
func ContactSensorCapability(r Reporting) Capability {
	return NewCapability(NamespaceContactSensor, "3", r, PropertyDetectionState)
}

// ContactDetectionStateProperty returns the Alexa.ContactSensor
// detectionState property with value s.
// See https://developer.amazon.com/docs/device-apis/alexa-contactsensor.html.
func ContactDetectionStateProperty(s DetectionState) Property {
	return Property{Namespace: NamespaceContactSensor, Name: PropertyDetectionState, Value: detectionStateValue(s)}
}

func detectionStateValue(s DetectionState) json.RawMessage {
	switch s {
	case Detected:
		return detectedJSON()
	case NotDetected:
		return notDetectedJSON()
	}
	return stringValue(string(s))
}
