package alexa

// The two temperature sensors of the Alexa.Cooking family. Amazon's pages
// for them were read in part: the namespace, the version, the primary
// property's name and what it measures, the ReportState utterances and the
// companion interfaces are confirmed; the shape of the properties' values
// (defined on Amazon's message and property reference, which could not be
// read) is not, so this package has no constructor for them and does not
// check their values. Build them with [NewProperty] as Amazon's reference
// defines them. A public implementation names the first one's property
// "currentCookingTemperature"; Amazon's page names it cookingTemperature,
// which this package follows.

// NamespaceCookingTemperatureSensor is the Alexa.Cooking.TemperatureSensor
// interface (version "3"), for cooking appliances that sense their own
// current temperature, such as an oven. It has no directives: Alexa reads
// its cookingTemperature with ReportState ("Alexa, what is the current
// temperature in the oven?"). Amazon pairs it with Alexa.Cooking, which is
// mandatory ([Lint] checks it), and optionally
// Alexa.Cooking.TemperatureController. For the temperature of a food that
// is cooking, use Alexa.Cooking.FoodTemperatureSensor instead.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-temperaturesensor.html.
const NamespaceCookingTemperatureSensor Namespace = "Alexa.Cooking.TemperatureSensor"

// PropertyCookingTemperature is the Alexa.Cooking.TemperatureSensor
// property: the current temperature of the cooking appliance. The shape
// of its value is defined on Amazon's message and property reference,
// which could not be read when this was written: this package neither
// builds nor checks it; build it with [NewProperty]. (A public
// implementation names this property "currentCookingTemperature";
// Amazon's interface page names it cookingTemperature.)
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-temperaturesensor.html.
const PropertyCookingTemperature PropertyName = "cookingTemperature"

// CookingTemperatureSensorCapability returns the
// Alexa.Cooking.TemperatureSensor capability (version "3") reporting
// cookingTemperature as r says.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-temperaturesensor.html.
func CookingTemperatureSensorCapability(r Reporting) Capability {
	return NewCapability(NamespaceCookingTemperatureSensor, "3", r, PropertyCookingTemperature)
}

// NamespaceCookingFoodTemperatureSensor is the
// Alexa.Cooking.FoodTemperatureSensor interface (version "3"), for devices
// that sense the current temperature of a food that is cooking, such as a
// probe put into the food in an oven. It has no directives: Alexa reads
// its foodTemperature with ReportState ("Alexa, what's the probe
// temperature in the oven?"). Amazon pairs it with Alexa.Cooking, which is
// mandatory ([Lint] checks it), and optionally
// Alexa.Cooking.FoodTemperatureController. For the appliance's own
// temperature, use Alexa.Cooking.TemperatureSensor instead.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-foodtemperaturesensor.html.
const NamespaceCookingFoodTemperatureSensor Namespace = "Alexa.Cooking.FoodTemperatureSensor"

// PropertyFoodTemperature is the Alexa.Cooking.FoodTemperatureSensor
// property: the current temperature of the food that is cooking. The
// shape of its value is defined on Amazon's message and property
// reference, which could not be read when this was written: this package
// neither builds nor checks it; build it with [NewProperty].
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-foodtemperaturesensor.html.
const PropertyFoodTemperature PropertyName = "foodTemperature"

// CookingFoodTemperatureSensorCapability returns the
// Alexa.Cooking.FoodTemperatureSensor capability (version "3") reporting
// foodTemperature as r says.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-foodtemperaturesensor.html.
func CookingFoodTemperatureSensorCapability(r Reporting) Capability {
	return NewCapability(NamespaceCookingFoodTemperatureSensor, "3", r, PropertyFoodTemperature)
}
