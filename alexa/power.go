package alexa

import (
	"context"
	"encoding/json"
)

// PropertyPowerState is the Alexa.PowerController property.
const PropertyPowerState PropertyName = "powerState"

// PowerState is the value of the powerState property.
type PowerState string

// Power states.
const (
	PowerOn  PowerState = "ON"
	PowerOff PowerState = "OFF"
)

// PowerControllerCapability returns the Alexa.PowerController capability
// (version "3") reporting powerState as r says. See
// https://developer.amazon.com/docs/device-apis/alexa-powercontroller.html.
func PowerControllerCapability(r Reporting) Capability {
	return NewCapability(NamespacePowerController, "3", r, PropertyPowerState)
}

// PowerStateProperty returns the powerState property with value s.
func PowerStateProperty(s PowerState) Property {
	var v json.RawMessage
	switch s {
	case PowerOn:
		v = powerOnJSON()
	case PowerOff:
		v = powerOffJSON()
	default:
		v = stringValue(string(s))
	}
	return Property{Namespace: NamespacePowerController, Name: PropertyPowerState, Value: v}
}

// PowerController is implemented by skills whose endpoints turn on and off.
// Each method answers its directive, usually with [Directive.Response]
// holding the endpoint's properties, or returns an error (an [*Error] such as
// NO_SUCH_ENDPOINT or ENDPOINT_UNREACHABLE for the customer to hear).
type PowerController interface {
	TurnOn(ctx context.Context, d *Directive) (*EventMessage, error)
	TurnOff(ctx context.Context, d *Directive) (*EventMessage, error)
}

// HandlePowerController routes Alexa.PowerController TurnOn and TurnOff to c.
func (r *Router) HandlePowerController(c PowerController) {
	if isNilHandler(c) {
		panic("alexa: nil PowerController")
	}
	r.HandleFunc(NamespacePowerController, NameTurnOn, c.TurnOn)
	r.HandleFunc(NamespacePowerController, NameTurnOff, c.TurnOff)
}
