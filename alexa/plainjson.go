package alexa

import (
	"bytes"
	"encoding/json"
)

// The discovery encoders' fast path. [DiscoveryEndpoint] and [Capability]
// have MarshalJSON methods (to keep members the SDK does not model), and
// encoding/json re-scans the output of every such method it calls: a
// 300-endpoint Discover.Response was scanned three times over. When no
// endpoint or capability carries unknown members, the encoders write
// these mirror types instead, which have no methods, in one pass. A test
// checks that the mirrors have the fields and tags of the originals and
// that both paths write the same bytes.

// plainEndpoint mirrors DiscoveryEndpoint, with plain capabilities.
type plainEndpoint struct {
	EndpointID           string                `json:"endpointId"`
	ManufacturerName     string                `json:"manufacturerName"`
	Description          string                `json:"description"`
	FriendlyName         string                `json:"friendlyName"`
	DisplayCategories    []DisplayCategory     `json:"displayCategories"`
	AdditionalAttributes *AdditionalAttributes `json:"additionalAttributes,omitempty"`
	Capabilities         []capabilityJSON      `json:"capabilities"`
	Connections          []Connection          `json:"connections,omitempty"`
	Relationships        json.RawMessage       `json:"relationships,omitempty"`
	Registration         json.RawMessage       `json:"registration,omitempty"`
	Cookie               map[string]string     `json:"cookie,omitzero"`
}

// plainEndpoints returns eps as plainEndpoints, or false if an endpoint
// or a capability has unknown members (the lossless encoders must write
// them).
func plainEndpoints(eps []DiscoveryEndpoint) ([]plainEndpoint, bool) {
	out := make([]plainEndpoint, len(eps))
	for i := range eps {
		e := &eps[i]
		if len(e.Unknown) > 0 {
			return nil, false
		}
		caps := make([]capabilityJSON, len(e.Capabilities))
		for j := range e.Capabilities {
			if len(e.Capabilities[j].Unknown) > 0 {
				return nil, false
			}
			caps[j] = capabilityJSON(e.Capabilities[j])
		}
		if e.Capabilities == nil {
			caps = nil
		}
		out[i] = plainEndpoint{
			EndpointID: e.EndpointID, ManufacturerName: e.ManufacturerName, Description: e.Description,
			FriendlyName: e.FriendlyName, DisplayCategories: e.DisplayCategories, AdditionalAttributes: e.AdditionalAttributes,
			Capabilities: caps, Connections: e.Connections, Relationships: e.Relationships, Registration: e.Registration,
			Cookie: e.Cookie,
		}
	}
	return out, true
}

// marshalEndpoints encodes {"endpoints": eps}, on the fast path when it
// can.
func marshalEndpoints(eps []DiscoveryEndpoint) ([]byte, error) {
	if plain, ok := plainEndpoints(eps); ok {
		return json.Marshal(struct {
			Endpoints []plainEndpoint `json:"endpoints"`
		}{plain})
	}
	return json.Marshal(DiscoverResponsePayload{Endpoints: eps})
}

// payloadRoom is the room marshalEndpointsRoom leaves before the payload,
// where the Router writes the envelope's beginning without copying the
// payload.
const payloadRoom = 512

// marshalEndpointsRoom is marshalEndpoints into a buffer with payloadRoom
// bytes of room before the payload and the rest of its capacity after it:
// full[payloadRoom:] starts with payload.
func marshalEndpointsRoom(eps []DiscoveryEndpoint) (full []byte, payload json.RawMessage, err error) {
	var v any = DiscoverResponsePayload{Endpoints: eps}
	if plain, ok := plainEndpoints(eps); ok {
		v = struct {
			Endpoints []plainEndpoint `json:"endpoints"`
		}{plain}
	}
	// About 1.2 KB an endpoint for a typical light; too little only costs
	// the buffer's growth.
	buf := bytes.NewBuffer(make([]byte, payloadRoom, payloadRoom+1280*len(eps)+64))
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		return nil, nil, err
	}
	full = buf.Bytes()
	n := len(full) - 1 // Encode ends with a newline
	return full, full[payloadRoom:n:n], nil
}

// marshalEndpoint encodes one endpoint, on the fast path when it can.
func marshalEndpoint(e DiscoveryEndpoint) ([]byte, error) {
	if plain, ok := plainEndpoints([]DiscoveryEndpoint{e}); ok {
		return json.Marshal(plain[0])
	}
	return json.Marshal(e)
}
