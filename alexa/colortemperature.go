package alexa

import (
	"context"
	"encoding/json"
)

// NamespaceColorTemperatureController is the
// Alexa.ColorTemperatureController interface, for tunable white lights.
// See https://developer.amazon.com/docs/device-apis/alexa-colortemperaturecontroller.html.
const NamespaceColorTemperatureController Namespace = "Alexa.ColorTemperatureController"

// Alexa.ColorTemperatureController directives.
// See https://developer.amazon.com/docs/device-apis/alexa-colortemperaturecontroller.html.
const (
	NameSetColorTemperature      Name = "SetColorTemperature"
	NameIncreaseColorTemperature Name = "IncreaseColorTemperature"
	NameDecreaseColorTemperature Name = "DecreaseColorTemperature"
)

// PropertyColorTemperatureInKelvin is the Alexa.ColorTemperatureController
// property: the color temperature in kelvin, an integer.
// See https://developer.amazon.com/docs/device-apis/alexa-colortemperaturecontroller.html.
const PropertyColorTemperatureInKelvin PropertyName = "colorTemperatureInKelvin"

// Color temperature limits, in kelvin, of the colorTemperatureInKelvin
// property and the SetColorTemperature payload.
// See https://developer.amazon.com/docs/device-apis/alexa-colortemperaturecontroller.html.
const (
	MinColorTemperature = 1000
	MaxColorTemperature = 10000
)

// ColorTemperatureControllerCapability returns the
// Alexa.ColorTemperatureController capability (version "3") reporting
// colorTemperatureInKelvin as r says. See
// https://developer.amazon.com/docs/device-apis/alexa-colortemperaturecontroller.html.
func ColorTemperatureControllerCapability(r Reporting) Capability {
	return NewCapability(NamespaceColorTemperatureController, "3", r, PropertyColorTemperatureInKelvin)
}

// ColorTemperatureProperty returns the colorTemperatureInKelvin property.
// It fails, with an error wrapping [ErrInvalidValue], if kelvin is outside
// [MinColorTemperature]–[MaxColorTemperature]. See
// https://developer.amazon.com/docs/device-apis/alexa-colortemperaturecontroller.html.
func ColorTemperatureProperty(kelvin int) (Property, error) {
	return intProperty(NamespaceColorTemperatureController, "", PropertyColorTemperatureInKelvin, kelvin, MinColorTemperature, MaxColorTemperature)
}

// SetColorTemperaturePayload is the payload of a SetColorTemperature
// directive.
// See https://developer.amazon.com/docs/device-apis/alexa-colortemperaturecontroller.html.
type SetColorTemperaturePayload struct {
	// ColorTemperatureInKelvin is the requested color temperature,
	// 1000–10000.
	ColorTemperatureInKelvin int `json:"colorTemperatureInKelvin"`
}

// UnmarshalJSON decodes the payload, requiring colorTemperatureInKelvin.
// See https://developer.amazon.com/docs/device-apis/alexa-colortemperaturecontroller.html.
func (p *SetColorTemperaturePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "SetColorTemperature payload", "colorTemperatureInKelvin"); err != nil {
		return err
	}
	type plain SetColorTemperaturePayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns a VALUE_OUT_OF_RANGE [*Error] if ColorTemperatureInKelvin
// is outside [MinColorTemperature]–[MaxColorTemperature]. A device with a
// narrower range answers VALUE_OUT_OF_RANGE with its own range.
// See https://developer.amazon.com/docs/device-apis/alexa-colortemperaturecontroller.html.
func (p SetColorTemperaturePayload) Validate() error {
	return checkRange("colorTemperatureInKelvin", float64(p.ColorTemperatureInKelvin), MinColorTemperature, MaxColorTemperature)
}

// ColorTemperatureController is implemented by skills whose endpoints
// support Alexa.ColorTemperatureController. Increase and Decrease carry no
// payload: the device moves one step of its own choosing ("Alexa, make the
// light warmer" decreases the temperature). Each method answers with
// [Directive.Response] holding the endpoint's properties,
// colorTemperatureInKelvin included, or returns an error (an [*Error] for
// the customer to hear, such as NOT_SUPPORTED_IN_CURRENT_MODE). See
// https://developer.amazon.com/docs/device-apis/alexa-colortemperaturecontroller.html.
type ColorTemperatureController interface {
	SetColorTemperature(ctx context.Context, d *Directive, p SetColorTemperaturePayload) (*EventMessage, error)
	IncreaseColorTemperature(ctx context.Context, d *Directive) (*EventMessage, error)
	DecreaseColorTemperature(ctx context.Context, d *Directive) (*EventMessage, error)
}

// HandleColorTemperatureController routes Alexa.ColorTemperatureController
// SetColorTemperature, IncreaseColorTemperature and
// DecreaseColorTemperature to c. A SetColorTemperature payload that does
// not decode is answered with INVALID_DIRECTIVE, an out-of-range value with
// VALUE_OUT_OF_RANGE. See
// https://developer.amazon.com/docs/device-apis/alexa-colortemperaturecontroller.html.
func (r *Router) HandleColorTemperatureController(c ColorTemperatureController) {
	if isNilHandler(c) {
		panic("alexa: nil ColorTemperatureController")
	}
	r.Handle(NamespaceColorTemperatureController, NameSetColorTemperature, HandlePayload(c.SetColorTemperature))
	r.HandleFunc(NamespaceColorTemperatureController, NameIncreaseColorTemperature, c.IncreaseColorTemperature)
	r.HandleFunc(NamespaceColorTemperatureController, NameDecreaseColorTemperature, c.DecreaseColorTemperature)
}
