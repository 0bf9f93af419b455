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

// Validate checks the instance: an instance name, friendly names and
// valid semantics.
// See https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html.
func (t ToggleInstance) Validate() error {
	_, err := ToggleControllerCapability(t, Reporting{})
	return err
}

// ToggleTarget is what a TurnOn or TurnOff directive of an
// Alexa.ToggleController instance asks for.
// See https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html.
type ToggleTarget struct {
	// Instance is the setting addressed, d.Header.Instance.
	Instance string
	// State is [ToggleOn] for TurnOn and [ToggleOff] for TurnOff.
	State ToggleState
}

// Toggler is implemented by skills for Alexa.ToggleController instances.
// SetToggleState gets the instance and the state TurnOn or TurnOff asks
// for, and answers with [Directive.Response] holding the endpoint's
// properties, the instance's toggleState included, or returns an error (an
// [*Error] for the customer to hear).
//
// Its method is its own: a [PowerController] is not a Toggler, so a power
// handler registered for a toggle does not compile, and one type can
// implement both. See
// https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html.
type Toggler interface {
	SetToggleState(ctx context.Context, d *Directive, t ToggleTarget) (*EventMessage, error)
}

// TogglerFunc adapts a function to [Toggler].
// See https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html.
type TogglerFunc func(ctx context.Context, d *Directive, t ToggleTarget) (*EventMessage, error)

// SetToggleState calls f(ctx, d, t).
func (f TogglerFunc) SetToggleState(ctx context.Context, d *Directive, t ToggleTarget) (*EventMessage, error) {
	return f(ctx, d, t)
}

// HandleToggle routes the Alexa.ToggleController TurnOn and TurnOff
// directives of instance t.Instance to c (see [Router.HandleInstance]; call
// it once per instance). It panics if c is nil, t is not valid
// ([ToggleInstance.Validate]) or its instance is already registered. See
// https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html.
func (r *Router) HandleToggle(t ToggleInstance, c Toggler) {
	if isNilHandler(c) {
		panic("alexa: nil Toggler for instance " + t.Instance)
	}
	mustRegister("HandleToggle", t.Validate())
	r.handleToggle(t.Instance, c)
}

func (r *Router) handleToggle(instance string, c Toggler) {
	set := func(s ToggleState) HandlerFunc {
		return func(ctx context.Context, d *Directive) (*EventMessage, error) {
			return c.SetToggleState(ctx, d, ToggleTarget{Instance: d.Header.Instance, State: s})
		}
	}
	r.HandleInstance(NamespaceToggleController, NameTurnOn, instance, set(ToggleOn))
	r.HandleInstance(NamespaceToggleController, NameTurnOff, instance, set(ToggleOff))
}

// ToggleController is implemented by skills for one Alexa.ToggleController
// instance. TurnOn and TurnOff carry no payload; the instance is
// d.Header.Instance.
//
// Deprecated: a [PowerController] has the same methods, so registering one
// for the other compiles. Implement [Toggler] and register it with
// [Router.HandleToggle].
type ToggleController interface {
	TurnOn(ctx context.Context, d *Directive) (*EventMessage, error)
	TurnOff(ctx context.Context, d *Directive) (*EventMessage, error)
}

// HandleToggleController routes the Alexa.ToggleController TurnOn and
// TurnOff directives of instance to c. It panics if instance is empty or
// already registered.
//
// Deprecated: use [Router.HandleToggle] with a [Toggler], whose method a
// [PowerController] cannot satisfy by mistake.
func (r *Router) HandleToggleController(instance string, c ToggleController) {
	if isNilHandler(c) {
		panic("alexa: nil ToggleController for instance " + instance)
	}
	r.handleToggle(instance, TogglerFunc(func(ctx context.Context, d *Directive, t ToggleTarget) (*EventMessage, error) {
		if t.State == ToggleOn {
			return c.TurnOn(ctx, d)
		}
		return c.TurnOff(ctx, d)
	}))
}
