package alexa

import (
	"context"
	"encoding/json"
)

// Alexa.ToggleController is a generic controller for settings that are on
// or off, such as a fan's oscillation, with one capability instance per
// setting. Its namespace is [NamespaceToggleController] and its directives
// are [NameTurnOn] and [NameTurnOff], addressed to an instance in the
// header. See
// https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html.

// PropertyToggleState is the Alexa.ToggleController property, a
// [ToggleState], reported per instance.
// See https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html.
const PropertyToggleState PropertyName = "toggleState"

// ToggleState is the value of the toggleState property.
// See https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html.
type ToggleState string

// Toggle states.
// See https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html.
const (
	ToggleOn  ToggleState = "ON"
	ToggleOff ToggleState = "OFF"
)

// ToggleInstance describes one Alexa.ToggleController instance of an
// endpoint: the capability [ToggleControllerCapability] declares.
// See https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html.
type ToggleInstance struct {
	// Instance names the setting, unique on the endpoint, e.g.
	// "Fan.Oscillate".
	Instance string
	// FriendlyNames are the names customers use for the setting (at least
	// one), e.g. AssetName("Alexa.Setting.Oscillate") or
	// TextName("Oscillate", "en-US").
	FriendlyNames []FriendlyName
	// Semantics optionally maps words such as "open" and "closed" to
	// TurnOn and TurnOff ([TurnOnAction], [ToggleStateMapping]).
	Semantics *Semantics
}

// ToggleControllerCapability returns the Alexa.ToggleController capability
// (version "3") of instance t, reporting toggleState as r says. It fails if
// t has no instance name or friendly name, or has invalid semantics. See
// https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html.
func ToggleControllerCapability(t ToggleInstance, r Reporting) (Capability, error) {
	return instanceCapability(NamespaceToggleController, t.Instance, t.FriendlyNames, r, PropertyToggleState, nil, t.Semantics, NameTurnOn, NameTurnOff)
}

// ToggleStateProperty returns the toggleState property of instance.
// See https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html.
func ToggleStateProperty(instance string, s ToggleState) Property {
	var v json.RawMessage
	switch s {
	case ToggleOn:
		v = powerOnJSON()
	case ToggleOff:
		v = powerOffJSON()
	default:
		v = stringValue(string(s))
	}
	return Property{Namespace: NamespaceToggleController, Instance: instance, Name: PropertyToggleState, Value: v}
}

// TurnOnAction maps actions (e.g. [ActionOpen]) to the instance's TurnOn
// directive, for [ToggleInstance.Semantics].
// See https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html.
func TurnOnAction(actions ...SemanticAction) ActionMapping {
	return actionMapping(NameTurnOn, emptyObject(), actions)
}

// TurnOffAction maps actions (e.g. [ActionClose]) to the instance's TurnOff
// directive, for [ToggleInstance.Semantics].
// See https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html.
func TurnOffAction(actions ...SemanticAction) ActionMapping {
	return actionMapping(NameTurnOff, emptyObject(), actions)
}

// ToggleStateMapping maps states (e.g. [StateOpen]) to toggleState s, for
// [ToggleInstance.Semantics].
// See https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html.
func ToggleStateMapping(s ToggleState, states ...SemanticState) StateMapping {
	return stateMapping(stringValue(string(s)), states)
}

// ToggleController is implemented by skills for one Alexa.ToggleController
// instance. TurnOn and TurnOff carry no payload; the instance is
// d.Header.Instance. Each method answers with [Directive.Response] holding
// the endpoint's properties, the instance's toggleState included, or
// returns an error (an [*Error] for the customer to hear). See
// https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html.
type ToggleController interface {
	TurnOn(ctx context.Context, d *Directive) (*EventMessage, error)
	TurnOff(ctx context.Context, d *Directive) (*EventMessage, error)
}

// HandleToggleController routes the Alexa.ToggleController TurnOn and
// TurnOff directives of instance to c. Call it once per instance; the
// Router answers a directive for an instance nobody registered with
// INVALID_DIRECTIVE (see [Router.HandleInstance]). It panics if instance is
// empty or already registered. See
// https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html.
func (r *Router) HandleToggleController(instance string, c ToggleController) {
	if isNilHandler(c) {
		panic("alexa: nil ToggleController for instance " + instance)
	}
	r.HandleInstance(NamespaceToggleController, NameTurnOn, instance, HandlerFunc(c.TurnOn))
	r.HandleInstance(NamespaceToggleController, NameTurnOff, instance, HandlerFunc(c.TurnOff))
}
