package alexa

import (
	"context"
	"encoding/json"
	"fmt"
)

// NamespaceInputController is the Alexa.InputController interface, for
// devices with selectable inputs (televisions, receivers): "Alexa, change
// the input to HDMI 2". Its directive is [NameSelectInput]; its property
// is input.
// See https://developer.amazon.com/docs/device-apis/alexa-inputcontroller.html.
const NamespaceInputController Namespace = "Alexa.InputController"

// Alexa.InputController directive and property.
// See https://developer.amazon.com/docs/device-apis/alexa-inputcontroller.html.
const (
	NameSelectInput Name         = "SelectInput"
	PropertyInput   PropertyName = "input"
)

// Input is an input an Alexa.InputController capability declares.
// See https://developer.amazon.com/docs/device-apis/alexa-inputcontroller.html.
type Input struct {
	// Name is the input's name, e.g. "HDMI1".
	Name string `json:"name"`
	// FriendlyNames are other names customers use for it.
	FriendlyNames []string `json:"friendlyNames,omitempty"`
}

// SelectInputPayload is the payload of SelectInput.
// See https://developer.amazon.com/docs/device-apis/alexa-inputcontroller.html.
type SelectInputPayload struct {
	Input string `json:"input"`
}

// UnmarshalJSON decodes the payload, requiring input.
func (p *SelectInputPayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "SelectInput payload", "input"); err != nil {
		return err
	}
	type plain SelectInputPayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] for an empty input.
func (p SelectInputPayload) Validate() error {
	if p.Input == "" {
		return invalidValue("SelectInput with an empty input")
	}
	return nil
}

// InputControllerCapability returns the Alexa.InputController capability
// (version "3") reporting input as r says, declaring inputs.
// See https://developer.amazon.com/docs/device-apis/alexa-inputcontroller.html.
func InputControllerCapability(r Reporting, inputs ...Input) Capability {
	c := NewCapability(NamespaceInputController, "3", r, PropertyInput)
	c.Inputs = append([]Input(nil), inputs...)
	return c
}

// InputProperty returns the input property. It fails, with an error
// wrapping [ErrInvalidValue], for an empty input.
// See https://developer.amazon.com/docs/device-apis/alexa-inputcontroller.html.
func InputProperty(input string) (Property, error) {
	if input == "" {
		return Property{}, fmt.Errorf("%w: %s is empty", ErrInvalidValue, PropertyKey{Namespace: NamespaceInputController, Name: PropertyInput})
	}
	return Property{Namespace: NamespaceInputController, Name: PropertyInput, Value: stringValue(input)}, nil
}

// InputController is implemented by skills for Alexa.InputController.
// SelectInput gets the decoded payload, its input not empty, and answers
// with [Directive.Response] holding the endpoint's properties, input
// included, or returns an error (an [*Error] for the customer to hear;
// INVALID_VALUE for an input the device does not have).
// See https://developer.amazon.com/docs/device-apis/alexa-inputcontroller.html.
type InputController interface {
	SelectInput(ctx context.Context, d *Directive, p SelectInputPayload) (*EventMessage, error)
}

// HandleInputController routes Alexa.InputController SelectInput to c; a
// payload that does not decode is answered with INVALID_DIRECTIVE, an
// empty input with INVALID_VALUE. It panics if c is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-inputcontroller.html.
func (r *Router) HandleInputController(c InputController) {
	if isNilHandler(c) {
		panic("alexa: nil InputController")
	}
	r.Handle(NamespaceInputController, NameSelectInput, HandlePayload(c.SelectInput))
}
