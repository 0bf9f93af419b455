package alexa

import (
	"context"
	"encoding/json"
)

// NamespaceBrightnessController is the Alexa.BrightnessController
// interface, for devices such as light bulbs whose brightness can be set.
// See https://developer.amazon.com/docs/device-apis/alexa-brightnesscontroller.html.
const NamespaceBrightnessController Namespace = "Alexa.BrightnessController"

// Alexa.BrightnessController directives.
// See https://developer.amazon.com/docs/device-apis/alexa-brightnesscontroller.html.
const (
	NameSetBrightness    Name = "SetBrightness"
	NameAdjustBrightness Name = "AdjustBrightness"
)

// PropertyBrightness is the Alexa.BrightnessController property: an integer
// percentage from 0 to 100.
// See https://developer.amazon.com/docs/device-apis/alexa-brightnesscontroller.html.
const PropertyBrightness PropertyName = "brightness"

// BrightnessControllerCapability returns the Alexa.BrightnessController
// capability (version "3") reporting brightness as r says. See
// https://developer.amazon.com/docs/device-apis/alexa-brightnesscontroller.html.
func BrightnessControllerCapability(r Reporting) Capability {
	return NewCapability(NamespaceBrightnessController, "3", r, PropertyBrightness)
}

// BrightnessProperty returns the brightness property. It fails, with an
// error wrapping [ErrInvalidValue], if brightness is outside 0–100. See
// https://developer.amazon.com/docs/device-apis/alexa-brightnesscontroller.html.
func BrightnessProperty(brightness int) (Property, error) {
	return intProperty(NamespaceBrightnessController, "", PropertyBrightness, brightness, 0, 100)
}

// SetBrightnessPayload is the payload of a SetBrightness directive.
// See https://developer.amazon.com/docs/device-apis/alexa-brightnesscontroller.html.
type SetBrightnessPayload struct {
	// Brightness is the requested brightness, 0–100.
	Brightness int `json:"brightness"`
}

// UnmarshalJSON decodes the payload, requiring brightness.
// See https://developer.amazon.com/docs/device-apis/alexa-brightnesscontroller.html.
func (p *SetBrightnessPayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "SetBrightness payload", "brightness"); err != nil {
		return err
	}
	type plain SetBrightnessPayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns a VALUE_OUT_OF_RANGE [*Error] if Brightness is outside
// 0–100.
// See https://developer.amazon.com/docs/device-apis/alexa-brightnesscontroller.html.
func (p SetBrightnessPayload) Validate() error {
	return checkRange("brightness", float64(p.Brightness), 0, 100)
}

// AdjustBrightnessPayload is the payload of an AdjustBrightness directive.
// See https://developer.amazon.com/docs/device-apis/alexa-brightnesscontroller.html.
type AdjustBrightnessPayload struct {
	// BrightnessDelta is the change, -100–100: positive brightens, negative
	// dims. Clamp the result to 0–100.
	BrightnessDelta int `json:"brightnessDelta"`
}

// UnmarshalJSON decodes the payload, requiring brightnessDelta.
// See https://developer.amazon.com/docs/device-apis/alexa-brightnesscontroller.html.
func (p *AdjustBrightnessPayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "AdjustBrightness payload", "brightnessDelta"); err != nil {
		return err
	}
	type plain AdjustBrightnessPayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns a VALUE_OUT_OF_RANGE [*Error] if BrightnessDelta is
// outside -100–100.
// See https://developer.amazon.com/docs/device-apis/alexa-brightnesscontroller.html.
func (p AdjustBrightnessPayload) Validate() error {
	return checkRange("brightnessDelta", float64(p.BrightnessDelta), -100, 100)
}

// BrightnessController is implemented by skills whose endpoints support
// Alexa.BrightnessController. Each method gets the decoded, validated
// payload (out-of-range values were already answered with
// VALUE_OUT_OF_RANGE) and answers with [Directive.Response] holding the
// endpoint's properties, brightness included, or returns an error (an
// [*Error] for the customer to hear). See
// https://developer.amazon.com/docs/device-apis/alexa-brightnesscontroller.html.
type BrightnessController interface {
	SetBrightness(ctx context.Context, d *Directive, p SetBrightnessPayload) (*EventMessage, error)
	AdjustBrightness(ctx context.Context, d *Directive, p AdjustBrightnessPayload) (*EventMessage, error)
}

// HandleBrightnessController routes Alexa.BrightnessController SetBrightness
// and AdjustBrightness to c. A payload that does not decode is answered
// with INVALID_DIRECTIVE, an out-of-range value with VALUE_OUT_OF_RANGE. See
// https://developer.amazon.com/docs/device-apis/alexa-brightnesscontroller.html.
func (r *Router) HandleBrightnessController(c BrightnessController) {
	if isNilHandler(c) {
		panic("alexa: nil BrightnessController")
	}
	r.Handle(NamespaceBrightnessController, NameSetBrightness, HandlePayload(c.SetBrightness))
	r.Handle(NamespaceBrightnessController, NameAdjustBrightness, HandlePayload(c.AdjustBrightness))
}
