package alexa

import (
	"context"
	"encoding/json"
	"time"
)

// The temperature interfaces of the Alexa.Cooking family: two sensors and
// two controllers. Their interface pages were read in part: the
// namespaces, versions, primary properties' names and what they measure,
// the utterances and the companion interfaces are Amazon's documentation.
// The shapes of the values (a [Temperature] object; preheatTimeInterval a
// time interval like cookingTimeInterval), the controllers' directives
// (CookByTemperature, AdjustCookingTemperature, CookByFoodTemperature)
// and their payload members are those of Amazon's Alexa Connect Kit device
// SDK, whose generated model carries the same interfaces; the pages that
// document them in JSON could not be read. The controllers' discovery
// configuration could be read nowhere: set one with
// [Capability.WithConfiguration].

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
// property: the current temperature of the cooking appliance, a
// [Temperature]; build it with [CookingTemperatureProperty]. (A public
// implementation names this property "currentCookingTemperature";
// Amazon's interface page and its Alexa Connect Kit name it
// cookingTemperature.)
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-temperaturesensor.html.
const PropertyCookingTemperature PropertyName = "cookingTemperature"

// CookingTemperatureSensorCapability returns the
// Alexa.Cooking.TemperatureSensor capability (version "3") reporting
// cookingTemperature as r says.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-temperaturesensor.html.
func CookingTemperatureSensorCapability(r Reporting) Capability {
	return NewCapability(NamespaceCookingTemperatureSensor, "3", r, PropertyCookingTemperature)
}

// CookingTemperatureProperty returns the cookingTemperature property. It
// fails, wrapping [ErrInvalidValue], for a temperature that is not finite
// or has no known scale.
func CookingTemperatureProperty(t Temperature) (Property, error) {
	return temperatureProperty(NamespaceCookingTemperatureSensor, PropertyCookingTemperature, t)
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
// property: the current temperature of the food that is cooking, a
// [Temperature]; build it with [FoodTemperatureProperty].
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-foodtemperaturesensor.html.
const PropertyFoodTemperature PropertyName = "foodTemperature"

// CookingFoodTemperatureSensorCapability returns the
// Alexa.Cooking.FoodTemperatureSensor capability (version "3") reporting
// foodTemperature as r says.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-foodtemperaturesensor.html.
func CookingFoodTemperatureSensorCapability(r Reporting) Capability {
	return NewCapability(NamespaceCookingFoodTemperatureSensor, "3", r, PropertyFoodTemperature)
}

// FoodTemperatureProperty returns the foodTemperature property. It fails,
// wrapping [ErrInvalidValue], for a temperature that is not finite or has
// no known scale.
func FoodTemperatureProperty(t Temperature) (Property, error) {
	return temperatureProperty(NamespaceCookingFoodTemperatureSensor, PropertyFoodTemperature, t)
}

// NamespaceCookingTemperatureController is the
// Alexa.Cooking.TemperatureController interface (version "3"), for
// appliances that cook at an appliance temperature, such as an oven or a
// sous-vide cooker ("Alexa, preheat the oven to 425 degrees Fahrenheit").
// Amazon pairs it with Alexa.Cooking, which is mandatory ([Lint] checks
// it), and optionally Alexa.Cooking.TemperatureSensor. Its primary
// properties are targetCookingTemperature and preheatTimeInterval; its
// directives are [NameCookByTemperature] and [NameAdjustCookingTemperature]
// ([Router.HandleCookingTemperatureController]); an Alexa.Cooking error
// ([CookingError]) answers them. Its discovery configuration could not be
// read: set one with [Capability.WithConfiguration].
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-temperaturecontroller.html.
const NamespaceCookingTemperatureController Namespace = "Alexa.Cooking.TemperatureController"

// Properties and directives of Alexa.Cooking.TemperatureController.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-temperaturecontroller.html.
const (
	// PropertyTargetCookingTemperature is the temperature of the
	// appliance during a cooking session, a [Temperature]; build it with
	// [TargetCookingTemperatureProperty].
	PropertyTargetCookingTemperature PropertyName = "targetCookingTemperature"
	// PropertyPreheatTimeInterval is when preheating began and when it
	// is expected to complete, a time interval; build it with
	// [PreheatTimeIntervalProperty].
	PropertyPreheatTimeInterval PropertyName = "preheatTimeInterval"
	// NameCookByTemperature asks the appliance to cook at a temperature
	// ([CookByTemperaturePayload]).
	NameCookByTemperature Name = "CookByTemperature"
	// NameAdjustCookingTemperature asks the appliance to change its
	// cooking temperature by a delta ([AdjustCookingTemperaturePayload]).
	NameAdjustCookingTemperature Name = "AdjustCookingTemperature"
)

// CookingTemperatureControllerCapability returns the
// Alexa.Cooking.TemperatureController capability (version "3") reporting
// names (of targetCookingTemperature and preheatTimeInterval) as r says.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-temperaturecontroller.html.
func CookingTemperatureControllerCapability(r Reporting, names ...PropertyName) Capability {
	return NewCapability(NamespaceCookingTemperatureController, "3", r, names...)
}

// TargetCookingTemperatureProperty returns the targetCookingTemperature
// property. It fails, wrapping [ErrInvalidValue], for a temperature that
// is not finite or has no known scale.
func TargetCookingTemperatureProperty(t Temperature) (Property, error) {
	return temperatureProperty(NamespaceCookingTemperatureController, PropertyTargetCookingTemperature, t)
}

// PreheatTimeIntervalProperty returns the preheatTimeInterval property of
// preheating that began at start (zero: unknown) and takes d (zero:
// unknown); the end is start plus d when both are known. It fails,
// wrapping [ErrInvalidValue], for a negative d.
func PreheatTimeIntervalProperty(start time.Time, d time.Duration) (Property, error) {
	return timeIntervalProperty(NamespaceCookingTemperatureController, PropertyPreheatTimeInterval, start, d)
}

// CookByTemperaturePayload is the payload of CookByTemperature: the
// temperature to cook at and, optionally, the cooking mode and the food.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-temperaturecontroller.html.
type CookByTemperaturePayload struct {
	TargetCookingTemperature Temperature       `json:"targetCookingTemperature"`
	CookingMode              *CookingModeValue `json:"cookingMode,omitempty"`
	FoodItem                 *FoodItem         `json:"foodItem,omitempty"`
}

// UnmarshalJSON decodes the payload, requiring targetCookingTemperature.
func (p *CookByTemperaturePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "CookByTemperature payload", "targetCookingTemperature"); err != nil {
		return err
	}
	type plain CookByTemperaturePayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] for a temperature that is not
// finite or has no known scale, or a cooking mode that is not valid.
func (p CookByTemperaturePayload) Validate() error {
	return validateCookBy("targetCookingTemperature", p.TargetCookingTemperature, p.CookingMode)
}

// AdjustCookingTemperaturePayload is the payload of
// AdjustCookingTemperature: the change of the cooking temperature,
// negative to lower it.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-temperaturecontroller.html.
type AdjustCookingTemperaturePayload struct {
	TargetCookingTemperatureDelta Temperature `json:"targetCookingTemperatureDelta"`
}

// UnmarshalJSON decodes the payload, requiring
// targetCookingTemperatureDelta.
func (p *AdjustCookingTemperaturePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "AdjustCookingTemperature payload", "targetCookingTemperatureDelta"); err != nil {
		return err
	}
	type plain AdjustCookingTemperaturePayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] for a delta that is not
// finite or has no known scale.
func (p AdjustCookingTemperaturePayload) Validate() error {
	return checkTemperature("targetCookingTemperatureDelta", p.TargetCookingTemperatureDelta)
}

// CookingTemperatureController is implemented by skills for
// Alexa.Cooking.TemperatureController. Each method gets its decoded,
// validated payload and answers with [Directive.Response] holding the
// endpoint's properties, or returns an error: a [CookingError] (the door
// is open, say) or an Alexa error such as a
// TEMPERATURE_VALUE_OUT_OF_RANGE for a temperature the appliance cannot
// reach.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-temperaturecontroller.html.
type CookingTemperatureController interface {
	CookByTemperature(ctx context.Context, d *Directive, p CookByTemperaturePayload) (*EventMessage, error)
	AdjustCookingTemperature(ctx context.Context, d *Directive, p AdjustCookingTemperaturePayload) (*EventMessage, error)
}

// HandleCookingTemperatureController routes the
// Alexa.Cooking.TemperatureController directives to c; a payload that
// does not decode is answered with INVALID_DIRECTIVE, one that is not
// valid with INVALID_VALUE. It panics if c is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-temperaturecontroller.html.
func (r *Router) HandleCookingTemperatureController(c CookingTemperatureController) {
	if isNilHandler(c) {
		panic("alexa: nil CookingTemperatureController")
	}
	r.Handle(NamespaceCookingTemperatureController, NameCookByTemperature, HandlePayload(c.CookByTemperature))
	r.Handle(NamespaceCookingTemperatureController, NameAdjustCookingTemperature, HandlePayload(c.AdjustCookingTemperature))
}

// NamespaceCookingFoodTemperatureController is the
// Alexa.Cooking.FoodTemperatureController interface (version "3"), for
// appliances that cook a food to a food temperature ("Alexa, cook my
// roast to 125 degrees"). Amazon pairs it with Alexa.Cooking, which is
// mandatory ([Lint] checks it), and optionally
// Alexa.Cooking.FoodTemperatureSensor. Its primary property is
// targetFoodTemperature; its directive is [NameCookByFoodTemperature]
// ([Router.HandleCookingFoodTemperatureController]); an Alexa.Cooking
// error ([CookingError]) answers it. Its discovery configuration could not
// be read: set one with [Capability.WithConfiguration].
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-foodtemperaturecontroller.html.
const NamespaceCookingFoodTemperatureController Namespace = "Alexa.Cooking.FoodTemperatureController"

// Property and directive of Alexa.Cooking.FoodTemperatureController.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-foodtemperaturecontroller.html.
const (
	// PropertyTargetFoodTemperature is the target temperature of the food
	// that is cooking, a [Temperature]; build it with
	// [TargetFoodTemperatureProperty].
	PropertyTargetFoodTemperature PropertyName = "targetFoodTemperature"
	// NameCookByFoodTemperature asks the appliance to cook a food to a
	// temperature ([CookByFoodTemperaturePayload]).
	NameCookByFoodTemperature Name = "CookByFoodTemperature"
)

// CookingFoodTemperatureControllerCapability returns the
// Alexa.Cooking.FoodTemperatureController capability (version "3")
// reporting targetFoodTemperature as r says.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-foodtemperaturecontroller.html.
func CookingFoodTemperatureControllerCapability(r Reporting) Capability {
	return NewCapability(NamespaceCookingFoodTemperatureController, "3", r, PropertyTargetFoodTemperature)
}

// TargetFoodTemperatureProperty returns the targetFoodTemperature
// property. It fails, wrapping [ErrInvalidValue], for a temperature that
// is not finite or has no known scale.
func TargetFoodTemperatureProperty(t Temperature) (Property, error) {
	return temperatureProperty(NamespaceCookingFoodTemperatureController, PropertyTargetFoodTemperature, t)
}

// CookByFoodTemperaturePayload is the payload of CookByFoodTemperature:
// the temperature to cook the food to and, optionally, the cooking mode
// and the food.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-foodtemperaturecontroller.html.
type CookByFoodTemperaturePayload struct {
	TargetFoodTemperature Temperature       `json:"targetFoodTemperature"`
	CookingMode           *CookingModeValue `json:"cookingMode,omitempty"`
	FoodItem              *FoodItem         `json:"foodItem,omitempty"`
}

// UnmarshalJSON decodes the payload, requiring targetFoodTemperature.
func (p *CookByFoodTemperaturePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "CookByFoodTemperature payload", "targetFoodTemperature"); err != nil {
		return err
	}
	type plain CookByFoodTemperaturePayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] for a temperature that is not
// finite or has no known scale, or a cooking mode that is not valid.
func (p CookByFoodTemperaturePayload) Validate() error {
	return validateCookBy("targetFoodTemperature", p.TargetFoodTemperature, p.CookingMode)
}

// CookingFoodTemperatureController is implemented by skills for
// Alexa.Cooking.FoodTemperatureController. CookByFoodTemperature gets its
// decoded, validated payload and answers with [Directive.Response]
// holding the endpoint's properties, or returns an error: a
// [CookingError] or an Alexa error.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-foodtemperaturecontroller.html.
type CookingFoodTemperatureController interface {
	CookByFoodTemperature(ctx context.Context, d *Directive, p CookByFoodTemperaturePayload) (*EventMessage, error)
}

// HandleCookingFoodTemperatureController routes
// Alexa.Cooking.FoodTemperatureController CookByFoodTemperature to c; a
// payload that does not decode is answered with INVALID_DIRECTIVE, one
// that is not valid with INVALID_VALUE. It panics if c is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-foodtemperaturecontroller.html.
func (r *Router) HandleCookingFoodTemperatureController(c CookingFoodTemperatureController) {
	if isNilHandler(c) {
		panic("alexa: nil CookingFoodTemperatureController")
	}
	r.Handle(NamespaceCookingFoodTemperatureController, NameCookByFoodTemperature, HandlePayload(c.CookByFoodTemperature))
}

// validateCookBy checks a cook-by-temperature payload's temperature and
// cooking mode. The food item is not checked: Alexa may name a food by any
// of its members.
func validateCookBy(field string, t Temperature, mode *CookingModeValue) error {
	if err := checkTemperature(field, t); err != nil {
		return err
	}
	return checkCookingMode(mode)
}
