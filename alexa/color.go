package alexa

import (
	"context"
	"encoding/json"
	"fmt"
)

// NamespaceColorController is the Alexa.ColorController interface, for
// color-changing lights.
// See https://developer.amazon.com/docs/device-apis/alexa-colorcontroller.html.
const NamespaceColorController Namespace = "Alexa.ColorController"

// NameSetColor is the Alexa.ColorController directive.
// See https://developer.amazon.com/docs/device-apis/alexa-colorcontroller.html.
const NameSetColor Name = "SetColor"

// PropertyColor is the Alexa.ColorController property, an [HSBColor].
// See https://developer.amazon.com/docs/device-apis/alexa-colorcontroller.html.
const PropertyColor PropertyName = "color"

// HSBColor is a color as hue, saturation and brightness: the value of the
// color property and of the SetColor payload.
// See https://developer.amazon.com/docs/device-apis/alexa-colorcontroller.html.
type HSBColor struct {
	// Hue is the hue in degrees, 0–360.
	Hue float64 `json:"hue"`
	// Saturation is 0–1.
	Saturation float64 `json:"saturation"`
	// Brightness is 0–1.
	Brightness float64 `json:"brightness"`
}

// UnmarshalJSON decodes the color, requiring hue, saturation and
// brightness.
// See https://developer.amazon.com/docs/device-apis/alexa-colorcontroller.html.
func (c *HSBColor) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "color", "hue", "saturation", "brightness"); err != nil {
		return err
	}
	type plain HSBColor
	return json.Unmarshal(b, (*plain)(c))
}

// Validate returns a VALUE_OUT_OF_RANGE [*Error] for the first component
// outside its range (hue 0–360, saturation and brightness 0–1), with that
// component's valid range.
// See https://developer.amazon.com/docs/device-apis/alexa-colorcontroller.html.
func (c HSBColor) Validate() error {
	if err := checkRange("hue", c.Hue, 0, 360); err != nil {
		return err
	}
	if err := checkRange("saturation", c.Saturation, 0, 1); err != nil {
		return err
	}
	return checkRange("brightness", c.Brightness, 0, 1)
}

// ColorControllerCapability returns the Alexa.ColorController capability
// (version "3") reporting color as r says. See
// https://developer.amazon.com/docs/device-apis/alexa-colorcontroller.html.
func ColorControllerCapability(r Reporting) Capability {
	return NewCapability(NamespaceColorController, "3", r, PropertyColor)
}

// ColorProperty returns the color property. It fails, with an error
// wrapping [ErrInvalidValue], if a component is out of range or not finite.
// See https://developer.amazon.com/docs/device-apis/alexa-colorcontroller.html.
func ColorProperty(c HSBColor) (Property, error) {
	if err := c.Validate(); err != nil {
		return Property{}, fmt.Errorf("%w: %s: %s", ErrInvalidValue, PropertyKey{Namespace: NamespaceColorController, Name: PropertyColor}, errorMessage(err))
	}
	v, err := json.Marshal(c)
	if err != nil {
		return Property{}, fmt.Errorf("%w: %w", ErrInvalidValue, err)
	}
	return Property{Namespace: NamespaceColorController, Name: PropertyColor, Value: v}, nil
}

// SetColorPayload is the payload of a SetColor directive.
// See https://developer.amazon.com/docs/device-apis/alexa-colorcontroller.html.
type SetColorPayload struct {
	Color HSBColor `json:"color"`
}

// UnmarshalJSON decodes the payload, requiring color.
// See https://developer.amazon.com/docs/device-apis/alexa-colorcontroller.html.
func (p *SetColorPayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "SetColor payload", "color"); err != nil {
		return err
	}
	type plain SetColorPayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns a VALUE_OUT_OF_RANGE [*Error] if a color component is
// out of range ([HSBColor.Validate]).
// See https://developer.amazon.com/docs/device-apis/alexa-colorcontroller.html.
func (p SetColorPayload) Validate() error { return p.Color.Validate() }

// ColorController is implemented by skills whose endpoints support
// Alexa.ColorController. SetColor gets the decoded, validated color and
// answers with [Directive.Response] holding the endpoint's properties,
// color included, or returns an error (an [*Error] for the customer to
// hear, such as NOT_SUPPORTED_IN_CURRENT_MODE). See
// https://developer.amazon.com/docs/device-apis/alexa-colorcontroller.html.
type ColorController interface {
	SetColor(ctx context.Context, d *Directive, p SetColorPayload) (*EventMessage, error)
}

// HandleColorController routes Alexa.ColorController SetColor to c. A
// payload that does not decode is answered with INVALID_DIRECTIVE, an
// out-of-range component with VALUE_OUT_OF_RANGE. See
// https://developer.amazon.com/docs/device-apis/alexa-colorcontroller.html.
func (r *Router) HandleColorController(c ColorController) {
	if isNilHandler(c) {
		panic("alexa: nil ColorController")
	}
	r.Handle(NamespaceColorController, NameSetColor, HandlePayload(c.SetColor))
}
