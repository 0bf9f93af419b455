package alexa

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// EndpointType declares a kind of endpoint once: its discovery facts and,
// for each capability, how its properties are read from a device state S.
// From it the SDK derives what a skill otherwise writes by hand and keeps
// in step: the discovery endpoint ([EndpointType.Endpoint]), the
// properties of a StateReport or of a Response's context
// ([EndpointType.Properties]), and the split of a ChangeReport between
// changed and unchanged properties ([EndpointType.Changes]). It is an
// optional layer: the low-level API stays as it is.
//
//	var kettleType = alexa.EndpointType[Kettle]{
//		ManufacturerName: "Acme", Description: "Acme kettle", DisplayCategories: []alexa.DisplayCategory{alexa.DisplayOther},
//		Capabilities: []alexa.StateCapability[Kettle]{
//			alexa.Reads(alexa.PowerControllerCapability(alexa.Reported()), func(k Kettle) ([]alexa.Property, error) { ... }),
//			alexa.Reads(alexa.EndpointHealthCapability(alexa.Reported()), ...),
//		},
//	}
type EndpointType[S any] struct {
	ManufacturerName, Description string
	DisplayCategories             []DisplayCategory
	AdditionalAttributes          *AdditionalAttributes
	Capabilities                  []StateCapability[S]
}

// StateCapability is a capability of an [EndpointType] and the reader of
// its properties.
type StateCapability[S any] struct {
	Capability Capability
	// Read returns the capability's properties in state s; nil for a
	// capability without properties (SceneController, say).
	Read func(s S) ([]Property, error)
}

// Reads returns the StateCapability of c whose properties read returns.
func Reads[S any](c Capability, read func(s S) ([]Property, error)) StateCapability[S] {
	return StateCapability[S]{Capability: c, Read: read}
}

// Endpoint returns the discovery endpoint id named name of this type (the
// Alexa interface added), validated as discovery validates it.
func (t EndpointType[S]) Endpoint(id, name string) (DiscoveryEndpoint, error) {
	caps := make([]Capability, 0, len(t.Capabilities)+1)
	for _, c := range t.Capabilities {
		caps = append(caps, c.Capability)
	}
	e := WithAlexaInterface([]DiscoveryEndpoint{{
		EndpointID: id, ManufacturerName: t.ManufacturerName, Description: t.Description, FriendlyName: name,
		DisplayCategories: append([]DisplayCategory(nil), t.DisplayCategories...), AdditionalAttributes: t.AdditionalAttributes,
		Capabilities: caps,
	}})[0]
	if err := e.Validate(); err != nil {
		return DiscoveryEndpoint{}, err
	}
	return e, nil
}

// Properties returns the properties of state s, capability by capability,
// each checked against its capability ([Capability.ValidateProperty]), so
// a reader that returns a property its capability does not declare, or a
// value it does not allow, is an error here and not a reply Alexa
// refuses.
func (t EndpointType[S]) Properties(s S) ([]Property, error) {
	var out []Property
	for _, c := range t.Capabilities {
		if c.Read == nil {
			continue
		}
		ps, err := c.Read(s)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if err := c.Capability.ValidateProperty(p); err != nil {
				return nil, fmt.Errorf("alexa: EndpointType: %s: %w", c.Capability.Interface, err)
			}
		}
		out = append(out, ps...)
	}
	return out, nil
}

// Changes splits the properties of state now for a ChangeReport after
// state was: changed are the proactively reported properties whose value
// differs, unchanged the other retrievable properties (the report's
// context). With nothing changed, changed is empty and no ChangeReport is
// due.
func (t EndpointType[S]) Changes(was, now S) (changed, unchanged []Property, err error) {
	before, err := t.Properties(was)
	if err != nil {
		return nil, nil, err
	}
	old := make(map[PropertyKey]json.RawMessage, len(before))
	for _, p := range before {
		old[p.Key()] = p.Value
	}
	for _, c := range t.Capabilities {
		if c.Read == nil || c.Capability.Properties == nil {
			continue
		}
		ps, err := c.Read(now)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range ps {
			if err := c.Capability.ValidateProperty(p); err != nil {
				return nil, nil, fmt.Errorf("alexa: EndpointType: %s: %w", c.Capability.Interface, err)
			}
			v, seen := old[p.Key()]
			switch {
			case c.Capability.Properties.ProactivelyReported && (!seen || !sameJSON(v, p.Value)):
				changed = append(changed, p)
			case c.Capability.Properties.Retrievable || c.Capability.Properties.ProactivelyReported:
				unchanged = append(unchanged, p)
			}
		}
	}
	return changed, unchanged, nil
}

// sameJSON reports whether a and b are the same JSON, whitespace aside.
func sameJSON(a, b json.RawMessage) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var ca, cb bytes.Buffer
	return json.Compact(&ca, a) == nil && json.Compact(&cb, b) == nil && bytes.Equal(ca.Bytes(), cb.Bytes())
}
