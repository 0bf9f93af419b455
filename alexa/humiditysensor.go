package alexa

import "fmt"

// NamespaceHumiditySensor is the Alexa.HumiditySensor interface, for
// devices that report the relative humidity they measure, such as
// thermostats (usually beside Alexa.TemperatureSensor). It has no
// directives: Alexa reads the humidity with ReportState, and the skill
// sends ChangeReports. Amazon requires Alexa.EndpointHealth on sensors.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-humiditysensor.html.
const NamespaceHumiditySensor Namespace = "Alexa.HumiditySensor"

// PropertyRelativeHumidity is the Alexa.HumiditySensor property: a number
// from 0 to 100, inclusive.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-humiditysensor.html.
const PropertyRelativeHumidity PropertyName = "relativeHumidity"

// HumiditySensorCapability returns the Alexa.HumiditySensor capability
// (version "3") reporting relativeHumidity as r says (Amazon asks for
// proactively reported and retrievable). See
// https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-humiditysensor.html.
func HumiditySensorCapability(r Reporting) Capability {
	return NewCapability(NamespaceHumiditySensor, "3", r, PropertyRelativeHumidity)
}

// RelativeHumidityProperty returns the relativeHumidity property. It
// fails, with an error wrapping [ErrInvalidValue], unless percent is a
// number from 0 to 100. See
// https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-humiditysensor.html.
func RelativeHumidityProperty(percent float64) (Property, error) {
	k := PropertyKey{Namespace: NamespaceHumiditySensor, Name: PropertyRelativeHumidity}
	if !finite(percent) || percent < 0 || percent > 100 {
		return Property{}, fmt.Errorf("%w: %s %v is outside [0, 100]", ErrInvalidValue, k, percent)
	}
	v, err := floatValue(k, percent)
	if err != nil {
		return Property{}, err
	}
	return Property{Namespace: NamespaceHumiditySensor, Name: PropertyRelativeHumidity, Value: v}, nil
}
