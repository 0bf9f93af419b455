package alexa

import (
	"context"
	"encoding/json"
)

// NamespacePowerLevelController is the Alexa.PowerLevelController
// interface, for the power level of devices such as dimmer switches.
// See https://developer.amazon.com/docs/device-apis/alexa-powerlevelcontroller.html.
const NamespacePowerLevelController Namespace = "Alexa.PowerLevelController"

// Alexa.PowerLevelController directives.
// See https://developer.amazon.com/docs/device-apis/alexa-powerlevelcontroller.html.
const (
	NameSetPowerLevel    Name = "SetPowerLevel"
	NameAdjustPowerLevel Name = "AdjustPowerLevel"
)

// PropertyPowerLevel is the Alexa.PowerLevelController property: an integer
// from 0 to 100.
// See https://developer.amazon.com/docs/device-apis/alexa-powerlevelcontroller.html.
const PropertyPowerLevel PropertyName = "powerLevel"

// PowerLevelControllerCapability returns the Alexa.PowerLevelController
// capability (version "3") reporting powerLevel as r says. See
// https://developer.amazon.com/docs/device-apis/alexa-powerlevelcontroller.html.
func PowerLevelControllerCapability(r Reporting) Capability {
	return NewCapability(NamespacePowerLevelController, "3", r, PropertyPowerLevel)
}

// PowerLevelProperty returns the powerLevel property. It fails, with an
// error wrapping [ErrInvalidValue], if powerLevel is outside 0–100. See
// https://developer.amazon.com/docs/device-apis/alexa-powerlevelcontroller.html.
func PowerLevelProperty(powerLevel int) (Property, error) {
	return intProperty(NamespacePowerLevelController, "", PropertyPowerLevel, powerLevel, 0, 100)
}

// SetPowerLevelPayload is the payload of a SetPowerLevel directive.
// See https://developer.amazon.com/docs/device-apis/alexa-powerlevelcontroller.html.
type SetPowerLevelPayload struct {
	// PowerLevel is the requested power level, 0–100.
	PowerLevel int `json:"powerLevel"`
}

// UnmarshalJSON decodes the payload, requiring powerLevel.
// See https://developer.amazon.com/docs/device-apis/alexa-powerlevelcontroller.html.
func (p *SetPowerLevelPayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "SetPowerLevel payload", "powerLevel"); err != nil {
		return err
	}
	type plain SetPowerLevelPayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns a VALUE_OUT_OF_RANGE [*Error] if PowerLevel is outside
// 0–100.
// See https://developer.amazon.com/docs/device-apis/alexa-powerlevelcontroller.html.
func (p SetPowerLevelPayload) Validate() error {
	return checkRange("powerLevel", float64(p.PowerLevel), 0, 100)
}

// AdjustPowerLevelPayload is the payload of an AdjustPowerLevel directive.
// See https://developer.amazon.com/docs/device-apis/alexa-powerlevelcontroller.html.
type AdjustPowerLevelPayload struct {
	// PowerLevelDelta is the change, -100–100. Clamp the result to 0–100.
	PowerLevelDelta int `json:"powerLevelDelta"`
}

// UnmarshalJSON decodes the payload, requiring powerLevelDelta.
// See https://developer.amazon.com/docs/device-apis/alexa-powerlevelcontroller.html.
func (p *AdjustPowerLevelPayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "AdjustPowerLevel payload", "powerLevelDelta"); err != nil {
		return err
	}
	type plain AdjustPowerLevelPayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns a VALUE_OUT_OF_RANGE [*Error] if PowerLevelDelta is
// outside -100–100.
// See https://developer.amazon.com/docs/device-apis/alexa-powerlevelcontroller.html.
func (p AdjustPowerLevelPayload) Validate() error {
	return checkRange("powerLevelDelta", float64(p.PowerLevelDelta), -100, 100)
}

// PowerLevelController is implemented by skills whose endpoints support
// Alexa.PowerLevelController. Each method gets the decoded, validated
// payload (out-of-range values were already answered with
// VALUE_OUT_OF_RANGE) and answers with [Directive.Response] holding the
// endpoint's properties, powerLevel included, or returns an error (an
// [*Error] for the customer to hear). See
// https://developer.amazon.com/docs/device-apis/alexa-powerlevelcontroller.html.
type PowerLevelController interface {
	SetPowerLevel(ctx context.Context, d *Directive, p SetPowerLevelPayload) (*EventMessage, error)
	AdjustPowerLevel(ctx context.Context, d *Directive, p AdjustPowerLevelPayload) (*EventMessage, error)
}

// HandlePowerLevelController routes Alexa.PowerLevelController SetPowerLevel
// and AdjustPowerLevel to c. A payload that does not decode is answered
// with INVALID_DIRECTIVE, an out-of-range value with VALUE_OUT_OF_RANGE. See
// https://developer.amazon.com/docs/device-apis/alexa-powerlevelcontroller.html.
func (r *Router) HandlePowerLevelController(c PowerLevelController) {
	if isNilHandler(c) {
		panic("alexa: nil PowerLevelController")
	}
	r.Handle(NamespacePowerLevelController, NameSetPowerLevel, HandlePayload(c.SetPowerLevel))
	r.Handle(NamespacePowerLevelController, NameAdjustPowerLevel, HandlePayload(c.AdjustPowerLevel))
}
