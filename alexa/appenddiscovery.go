package alexa

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
)

// The discovery encoders' fast path. [DiscoveryEndpoint] and [Capability]
// have MarshalJSON methods (to keep members the SDK does not model), and
// encoding/json re-scans the output of every such method it calls, and of
// every json.RawMessage: a 300-endpoint Discover.Response was scanned three
// times over. appendEndpoints writes the same bytes without reflection when
// every value is plain (see plainString and plainRaw), unknown members
// included; otherwise it declines and the callers use json.Marshal.

// appendEndpoints appends the encoding of eps as json.Marshal writes it
// for the Endpoints of a [DiscoverResponsePayload] (a JSON array, or null
// for a nil eps), or reports false, with b[:len(b)] untouched, if a value
// is not plain.
func appendEndpoints(b []byte, eps []DiscoveryEndpoint) ([]byte, bool) {
	if eps == nil {
		return append(b, "null"...), true
	}
	var enc discoveryEncoder
	start := len(b)
	b = append(b, '[')
	for i := range eps {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = enc.appendEndpoint(b, &eps[i]); !ok {
			return b[:start], false
		}
	}
	return append(b, ']'), true
}

// discoveryEncoder remembers the raw values it has checked: capabilities
// are usually built once and shared by many endpoints, so their
// configuration is the same slice each time and is checked once.
type discoveryEncoder struct {
	checked [8]rawRef
	next    int
}

// rawRef identifies a raw value by its first byte and length.
type rawRef struct {
	p *byte
	n int
}

// plainRaw is the package's plainRaw, remembering the values it accepts.
func (enc *discoveryEncoder) plainRaw(r json.RawMessage) bool {
	if len(r) == 0 {
		return false
	}
	ref := rawRef{&r[0], len(r)}
	for _, c := range enc.checked {
		if c == ref {
			return true
		}
	}
	if !plainRaw(r) {
		return false
	}
	enc.checked[enc.next] = ref
	enc.next = (enc.next + 1) % len(enc.checked)
	return true
}

// appendQuoted appends s between quotes, or reports false if it is not
// plain.
func appendQuoted(b []byte, s string) ([]byte, bool) {
	if !plainString(s) {
		return b, false
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), true
}

// appendMember appends ,"name":"value" (name already quoted and prefixed
// in key) or reports false if value is not plain.
func appendMember(b []byte, key, value string) ([]byte, bool) {
	if !plainString(value) {
		return b, false
	}
	b = append(b, key...)
	b = append(b, value...)
	return append(b, '"'), true
}

// appendEndpoint appends e as DiscoveryEndpoint.MarshalJSON writes it.
func (enc *discoveryEncoder) appendEndpoint(b []byte, e *DiscoveryEndpoint) ([]byte, bool) {
	if !plainString(e.EndpointID) || !plainString(e.ManufacturerName) || !plainString(e.Description) || !plainString(e.FriendlyName) {
		return b, false
	}
	b = append(b, `{"endpointId":"`...)
	b = append(b, e.EndpointID...)
	b = append(b, `","manufacturerName":"`...)
	b = append(b, e.ManufacturerName...)
	b = append(b, `","description":"`...)
	b = append(b, e.Description...)
	b = append(b, `","friendlyName":"`...)
	b = append(b, e.FriendlyName...)
	b = append(b, `","displayCategories":`...)
	ok := true
	if e.DisplayCategories == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, c := range e.DisplayCategories {
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = appendQuoted(b, string(c)); !ok {
				return b, false
			}
		}
		b = append(b, ']')
	}
	if a := e.AdditionalAttributes; a != nil {
		if b, ok = appendAdditionalAttributes(append(b, `,"additionalAttributes":`...), a); !ok {
			return b, false
		}
	}
	b = append(b, `,"capabilities":`...)
	if e.Capabilities == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range e.Capabilities {
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = enc.appendCapability(b, &e.Capabilities[i]); !ok {
				return b, false
			}
		}
		b = append(b, ']')
	}
	if len(e.Connections) > 0 {
		b = append(b, `,"connections":[`...)
		for i := range e.Connections {
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = appendConnection(b, &e.Connections[i]); !ok {
				return b, false
			}
		}
		b = append(b, ']')
	}
	if b, ok = enc.appendRawMember(b, `,"relationships":`, e.Relationships); !ok {
		return b, false
	}
	if b, ok = enc.appendRawMember(b, `,"registration":`, e.Registration); !ok {
		return b, false
	}
	if e.Cookie != nil {
		if b, ok = appendStringMap(append(b, `,"cookie":`...), e.Cookie); !ok {
			return b, false
		}
	}
	if len(e.Unknown) > 0 {
		if b, ok = enc.appendUnknown(b, e.Unknown, knownKeys(reflect.TypeFor[discoveryEndpointJSON]())); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

// appendRawMember appends key and r if r is not empty (omitempty), or
// reports false if r is not plain.
func (enc *discoveryEncoder) appendRawMember(b []byte, key string, r json.RawMessage) ([]byte, bool) {
	if len(r) == 0 {
		return b, true
	}
	if !enc.plainRaw(r) {
		return b, false
	}
	b = append(b, key...)
	return append(b, r...), true
}

// appendStringMap appends m as an object with its keys sorted.
func appendStringMap(b []byte, m map[string]string) ([]byte, bool) {
	var buf [16]string
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		v := m[k]
		if !plainString(k) || !plainString(v) {
			return b, false
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, `":"`...)
		b = append(b, v...)
		b = append(b, '"')
	}
	return append(b, '}'), true
}

// appendAdditionalAttributes appends a, every member omitempty.
func appendAdditionalAttributes(b []byte, a *AdditionalAttributes) ([]byte, bool) {
	b = append(b, '{')
	first := true
	for _, f := range [...]struct{ key, v string }{
		{`"manufacturer":"`, a.Manufacturer},
		{`"model":"`, a.Model},
		{`"serialNumber":"`, a.SerialNumber},
		{`"firmwareVersion":"`, a.FirmwareVersion},
		{`"softwareVersion":"`, a.SoftwareVersion},
		{`"customIdentifier":"`, a.CustomIdentifier},
	} {
		if f.v == "" {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		var ok bool
		if b, ok = appendMember(b, f.key, f.v); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

// appendConnection appends c; type is always written, the others omitempty.
func appendConnection(b []byte, c *Connection) ([]byte, bool) {
	ok := true
	if b, ok = appendMember(b, `{"type":"`, string(c.Type)); !ok {
		return b, false
	}
	for _, f := range [...]struct{ key, v string }{
		{`,"macAddress":"`, c.MacAddress},
		{`,"homeId":"`, c.HomeID},
		{`,"nodeId":"`, c.NodeID},
		{`,"value":"`, c.Value},
	} {
		if f.v == "" {
			continue
		}
		if b, ok = appendMember(b, f.key, f.v); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

// appendCapability appends c as Capability.MarshalJSON writes it.
func (enc *discoveryEncoder) appendCapability(b []byte, c *Capability) ([]byte, bool) {
	if !plainString(string(c.Type)) || !plainString(string(c.Interface)) ||
		!plainString(c.Instance) || !plainString(c.Version) {
		return b, false
	}
	b = append(b, `{"type":"`...)
	b = append(b, c.Type...)
	b = append(b, `","interface":"`...)
	b = append(b, c.Interface...)
	if c.Instance != "" {
		b = append(b, `","instance":"`...)
		b = append(b, c.Instance...)
	}
	b = append(b, `","version":"`...)
	b = append(b, c.Version...)
	b = append(b, '"')
	ok := true
	if p := c.Properties; p != nil {
		if b, ok = appendCapabilityProperties(append(b, `,"properties":`...), p); !ok {
			return b, false
		}
	}
	if r := c.CapabilityResources; r != nil {
		b = append(b, `,"capabilityResources":{"friendlyNames":`...)
		if b, ok = appendFriendlyNames(b, r.FriendlyNames); !ok {
			return b, false
		}
		b = append(b, '}')
	}
	if b, ok = enc.appendRawMember(b, `,"configuration":`, c.Configuration); !ok {
		return b, false
	}
	if b, ok = enc.appendRawMember(b, `,"semantics":`, c.Semantics); !ok {
		return b, false
	}
	if len(c.Inputs) > 0 {
		b = append(b, `,"inputs":[`...)
		for i := range c.Inputs {
			if i > 0 {
				b = append(b, ',')
			}
			in := &c.Inputs[i]
			if b, ok = appendMember(b, `{"name":"`, in.Name); !ok {
				return b, false
			}
			if len(in.FriendlyNames) > 0 {
				b = append(b, `,"friendlyNames":[`...)
				for j, n := range in.FriendlyNames {
					if j > 0 {
						b = append(b, ',')
					}
					if b, ok = appendQuoted(b, n); !ok {
						return b, false
					}
				}
				b = append(b, ']')
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if len(c.SupportedOperations) > 0 {
		b = append(b, `,"supportedOperations":[`...)
		for i, op := range c.SupportedOperations {
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = appendQuoted(b, string(op)); !ok {
				return b, false
			}
		}
		b = append(b, ']')
	}
	if len(c.VerificationsRequired) > 0 {
		v, err := json.Marshal(c.VerificationsRequired)
		if err != nil {
			return b, false
		}
		b = append(append(b, `,"verificationsRequired":`...), v...)
	}
	if len(c.Unknown) > 0 {
		if b, ok = enc.appendUnknown(b, c.Unknown, knownKeys(reflect.TypeFor[capabilityJSON]())); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

// appendUnknown appends the members of u that known does not declare,
// sorted, as marshalLossless does after at least one member: an empty
// value as null, the others as they are if plain.
func (enc *discoveryEncoder) appendUnknown(b []byte, u Unknown, known map[string]bool) ([]byte, bool) {
	var buf [8]string
	names := buf[:0]
	for k := range u {
		if !known[k] {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range names {
		if !plainString(k) {
			return b, false
		}
		b = append(b, `,"`...)
		b = append(b, k...)
		b = append(b, `":`...)
		if v := u[k]; len(v) == 0 {
			b = append(b, "null"...)
		} else if enc.plainRaw(v) {
			b = append(b, v...)
		} else {
			return b, false
		}
	}
	return b, true
}

// appendCapabilityProperties appends p; supported is null when nil.
func appendCapabilityProperties(b []byte, p *CapabilityProperties) ([]byte, bool) {
	b = append(b, `{"supported":`...)
	if p.Supported == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, s := range p.Supported {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = appendMember(b, `{"name":"`, string(s.Name)); !ok {
				return b, false
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"proactivelyReported":`...)
	b = strconv.AppendBool(b, p.ProactivelyReported)
	b = append(b, `,"retrievable":`...)
	b = strconv.AppendBool(b, p.Retrievable)
	if p.NonControllable {
		b = append(b, `,"nonControllable":true`...)
	}
	return append(b, '}'), true
}

// appendFriendlyNames appends names (null when nil).
func appendFriendlyNames(b []byte, names []FriendlyName) ([]byte, bool) {
	if names == nil {
		return append(b, "null"...), true
	}
	b = append(b, '[')
	for i := range names {
		n := &names[i]
		if i > 0 {
			b = append(b, ',')
		}
		ok := true
		if b, ok = appendMember(b, `{"@type":"`, string(n.Type)); !ok {
			return b, false
		}
		b = append(b, `,"value":{`...)
		first := true
		for _, f := range [...]struct{ key, v string }{
			{`"text":"`, n.Value.Text},
			{`"locale":"`, n.Value.Locale},
			{`"assetId":"`, string(n.Value.AssetID)},
		} {
			if f.v == "" {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			if b, ok = appendMember(b, f.key, f.v); !ok {
				return b, false
			}
		}
		b = append(b, "}}"...)
	}
	return append(b, ']'), true
}

// appendEndpointJSON appends e's encoding, as json.Marshal(e) writes it.
func appendEndpointJSON(b []byte, e *DiscoveryEndpoint) ([]byte, error) {
	var enc discoveryEncoder
	start := len(b)
	if out, ok := enc.appendEndpoint(b, e); ok {
		return out, nil
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return b[:start], err
	}
	return append(b[:start], raw...), nil
}
