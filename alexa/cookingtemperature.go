package alexa

// The temperature interfaces of the Alexa.Cooking family: two sensors and
// two controllers. Amazon's pages for them were read in part: their
// namespaces, versions, primary properties' names and what those measure,
// their utterances and their companion interfaces are confirmed; the
// shapes of the properties' values (on Amazon's message and property
// reference), the controllers' directives and their discovery
// configuration are not, so this package neither builds nor checks them.

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

// NamespaceCookingTemperatureController is the
// Alexa.Cooking.TemperatureController interface (version "3"), for
// appliances that cook at an appliance temperature, such as an oven or a
// sous-vide cooker ("Alexa, preheat the oven to 425 degrees Fahrenheit").
// Amazon pairs it with Alexa.Cooking, which is mandatory ([Lint] checks
// it), and optionally Alexa.Cooking.TemperatureSensor. Its primary
// properties are targetCookingTemperature and preheatTimeInterval. Its
// directives, their payloads, its discovery configuration and its
// properties' values could not be read in Amazon's text when this was
// written: register its directives with [Router.HandleFunc], decode
// [Directive.Payload] yourself, set a configuration with
// [Capability.WithConfiguration] and build its properties with
// [NewProperty].
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-temperaturecontroller.html.
const NamespaceCookingTemperatureController Namespace = "Alexa.Cooking.TemperatureController"

// Properties of Alexa.Cooking.TemperatureController (their values are not
// built or checked by this package; see
// [NamespaceCookingTemperatureController]).
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-temperaturecontroller.html.
const (
	// PropertyTargetCookingTemperature is the temperature of the
	// appliance during a cooking session.
	PropertyTargetCookingTemperature PropertyName = "targetCookingTemperature"
	// PropertyPreheatTimeInterval is the appliance's preheat time
	// interval.
	PropertyPreheatTimeInterval PropertyName = "preheatTimeInterval"
)

// CookingTemperatureControllerCapability returns the
// Alexa.Cooking.TemperatureController capability (version "3") reporting
// names (of targetCookingTemperature and preheatTimeInterval) as r says.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-temperaturecontroller.html.
func CookingTemperatureControllerCapability(r Reporting, names ...PropertyName) Capability {
	return NewCapability(NamespaceCookingTemperatureController, "3", r, names...)
}

// NamespaceCookingFoodTemperatureController is the
// Alexa.Cooking.FoodTemperatureController interface (version "3"), for
// appliances that cook a food to a food temperature ("Alexa, cook my
// roast to 125 degrees"). Amazon pairs it with Alexa.Cooking, which is
// mandatory ([Lint] checks it), and optionally
// Alexa.Cooking.FoodTemperatureSensor. Its primary property is
// targetFoodTemperature. Its directives, their payloads, its discovery
// configuration and its property's value could not be read in Amazon's
// text when this was written: register its directives with
// [Router.HandleFunc], decode [Directive.Payload] yourself, set a
// configuration with [Capability.WithConfiguration] and build its
// property with [NewProperty].
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-foodtemperaturecontroller.html.
const NamespaceCookingFoodTemperatureController Namespace = "Alexa.Cooking.FoodTemperatureController"

// PropertyTargetFoodTemperature is the Alexa.Cooking.FoodTemperatureController
// property: the target temperature of the food that is cooking (its value
// is not built or checked by this package; see
// [NamespaceCookingFoodTemperatureController]).
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-foodtemperaturecontroller.html.
const PropertyTargetFoodTemperature PropertyName = "targetFoodTemperature"

// CookingFoodTemperatureControllerCapability returns the
// Alexa.Cooking.FoodTemperatureController capability (version "3")
// reporting targetFoodTemperature as r says.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-foodtemperaturecontroller.html.
func CookingFoodTemperatureControllerCapability(r Reporting) Capability {
	return NewCapability(NamespaceCookingFoodTemperatureController, "3", r, PropertyTargetFoodTemperature)
}
