package alexa

// NamespaceMotionSensor is the Alexa.MotionSensor interface, for sensors
// that detect movement. It has no directives: Alexa reads detectionState
// with ReportState, and the skill sends ChangeReports. Amazon requires
// Alexa.EndpointHealth on sensors.
// See https://developer.amazon.com/docs/device-apis/alexa-motionsensor.html.
const NamespaceMotionSensor Namespace = "Alexa.MotionSensor"

// MotionSensorCapability returns the Alexa.MotionSensor capability
// (version "3") reporting detectionState as r says (Amazon asks for
// proactively reported and retrievable). See
// https://developer.amazon.com/docs/device-apis/alexa-motionsensor.html.
func MotionSensorCapability(r Reporting) Capability {
	return NewCapability(NamespaceMotionSensor, "3", r, PropertyDetectionState)
}

// MotionDetectionStateProperty returns the Alexa.MotionSensor
// detectionState property with value s: [Detected] while the sensor
// detects motion. See
// https://developer.amazon.com/docs/device-apis/alexa-motionsensor.html.
func MotionDetectionStateProperty(s DetectionState) Property {
	return Property{Namespace: NamespaceMotionSensor, Name: PropertyDetectionState, Value: detectionStateValue(s)}
}
