package alexa

import (
	"context"
	"encoding/json"
)

// NamespacePercentageController is the Alexa.PercentageController
// interface, for device settings expressed as a percentage, when no more
// specific interface (brightness, power level) applies.
// See https://developer.amazon.com/docs/device-apis/alexa-percentagecontroller.html.
const NamespacePercentageController Namespace = "Alexa.PercentageController"

// Alexa.PercentageController directives.
// See https://developer.amazon.com/docs/device-apis/alexa-percentagecontroller.html.
const (
	NameSetPercentage    Name = "SetPercentage"
	NameAdjustPercentage Name = "AdjustPercentage"
)

// PropertyPercentage is the Alexa.PercentageController property: an integer
// from 0 to 100.
// See https://developer.amazon.com/docs/device-apis/alexa-percentagecontroller.html.
const PropertyPercentage PropertyName = "percentage"

// PercentageControllerCapability returns the Alexa.PercentageController
// capability (version "3") reporting percentage as r says. See
// https://developer.amazon.com/docs/device-apis/alexa-percentagecontroller.html.
func PercentageControllerCapability(r Reporting) Capability {
	return NewCapability(NamespacePercentageController, "3", r, PropertyPercentage)
}

// PercentageProperty returns the percentage property. It fails, with an
// error wrapping [ErrInvalidValue], if percentage is outside 0–100. See
// https://developer.amazon.com/docs/device-apis/alexa-percentagecontroller.html.
func PercentageProperty(percentage int) (Property, error) {
	return intProperty(NamespacePercentageController, "", PropertyPercentage, percentage, 0, 100)
}

// SetPercentagePayload is the payload of a SetPercentage directive.
// See https://developer.amazon.com/docs/device-apis/alexa-percentagecontroller.html.
type SetPercentagePayload struct {
	// Percentage is the requested percentage, 0–100.
	Percentage int `json:"percentage"`
}

// UnmarshalJSON decodes the payload, requiring percentage.
// See https://developer.amazon.com/docs/device-apis/alexa-percentagecontroller.html.
func (p *SetPercentagePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "SetPercentage payload", "percentage"); err != nil {
		return err
	}
	type plain SetPercentagePayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns a VALUE_OUT_OF_RANGE [*Error] if Percentage is outside
// 0–100.
// See https://developer.amazon.com/docs/device-apis/alexa-percentagecontroller.html.
func (p SetPercentagePayload) Validate() error {
	return checkRange("percentage", float64(p.Percentage), 0, 100)
}

// AdjustPercentagePayload is the payload of an AdjustPercentage directive.
// See https://developer.amazon.com/docs/device-apis/alexa-percentagecontroller.html.
type AdjustPercentagePayload struct {
	// PercentageDelta is the change, -100–100. Clamp the result to 0–100.
	PercentageDelta int `json:"percentageDelta"`
}

// UnmarshalJSON decodes the payload, requiring percentageDelta.
// See https://developer.amazon.com/docs/device-apis/alexa-percentagecontroller.html.
func (p *AdjustPercentagePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "AdjustPercentage payload", "percentageDelta"); err != nil {
		return err
	}
	type plain AdjustPercentagePayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns a VALUE_OUT_OF_RANGE [*Error] if PercentageDelta is
// outside -100–100.
// See https://developer.amazon.com/docs/device-apis/alexa-percentagecontroller.html.
func (p AdjustPercentagePayload) Validate() error {
	return checkRange("percentageDelta", float64(p.PercentageDelta), -100, 100)
}

// PercentageController is implemented by skills whose endpoints support
// Alexa.PercentageController. Each method gets the decoded, validated
// payload (out-of-range values were already answered with
// VALUE_OUT_OF_RANGE) and answers with [Directive.Response] holding the
// endpoint's properties, percentage included, or returns an error (an
// [*Error] for the customer to hear). See
// https://developer.amazon.com/docs/device-apis/alexa-percentagecontroller.html.
type PercentageController interface {
	SetPercentage(ctx context.Context, d *Directive, p SetPercentagePayload) (*EventMessage, error)
	AdjustPercentage(ctx context.Context, d *Directive, p AdjustPercentagePayload) (*EventMessage, error)
}

// HandlePercentageController routes Alexa.PercentageController SetPercentage
// and AdjustPercentage to c. A payload that does not decode is answered
// with INVALID_DIRECTIVE, an out-of-range value with VALUE_OUT_OF_RANGE. See
// https://developer.amazon.com/docs/device-apis/alexa-percentagecontroller.html.
func (r *Router) HandlePercentageController(c PercentageController) {
	if isNilHandler(c) {
		panic("alexa: nil PercentageController")
	}
	r.Handle(NamespacePercentageController, NameSetPercentage, HandlePayload(c.SetPercentage))
	r.Handle(NamespacePercentageController, NameAdjustPercentage, HandlePayload(c.AdjustPercentage))
}
