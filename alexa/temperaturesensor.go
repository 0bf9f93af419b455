package alexa

// NamespaceTemperatureSensor is the Alexa.TemperatureSensor interface, for
// devices that report the temperature they measure. It has no directives:
// Alexa reads the temperature with ReportState, and the skill sends
// ChangeReports. Amazon requires Alexa.EndpointHealth on sensors.
// See https://developer.amazon.com/docs/device-apis/alexa-temperaturesensor.html.
const NamespaceTemperatureSensor Namespace = "Alexa.TemperatureSensor"

// PropertyTemperature is the Alexa.TemperatureSensor property, a
// [Temperature].
// See https://developer.amazon.com/docs/device-apis/alexa-temperaturesensor.html.
const PropertyTemperature PropertyName = "temperature"

// TemperatureSensorCapability returns the Alexa.TemperatureSensor
// capability (version "3") reporting temperature as r says (Amazon asks for
// proactively reported and retrievable). See
// https://developer.amazon.com/docs/device-apis/alexa-temperaturesensor.html.
func TemperatureSensorCapability(r Reporting) Capability {
	return NewCapability(NamespaceTemperatureSensor, "3", r, PropertyTemperature)
}

// TemperatureProperty returns the temperature property. It fails, with an
// error wrapping [ErrInvalidValue], if t is not valid
// ([Temperature.Validate]: a finite value and a known scale). See
// https://developer.amazon.com/docs/device-apis/alexa-temperaturesensor.html.
func TemperatureProperty(t Temperature) (Property, error) {
	return temperatureProperty(NamespaceTemperatureSensor, PropertyTemperature, t)
}
