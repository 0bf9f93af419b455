package alexa

import (
	"bytes"
	"encoding/json"
)

// The discovery payload encoders: appendEndpoints (appenddiscovery.go)
// writes json.Marshal's bytes for plain endpoints, and json.Marshal itself
// encodes the others (strings it escapes, raw values it compacts, unknown
// members).

// endpointsPrefix and endpointsSuffix surround the endpoints in a
// [DiscoverResponsePayload].
const endpointsPrefix, endpointsSuffix = `{"endpoints":`, `}`

// marshalEndpoints encodes {"endpoints": eps}, on the fast path when it
// can.
func marshalEndpoints(eps []DiscoveryEndpoint) ([]byte, error) {
	b := make([]byte, 0, endpointsSize(eps))
	if out, ok := appendEndpoints(append(b, endpointsPrefix...), eps); ok {
		return append(out, endpointsSuffix...), nil
	}
	return json.Marshal(DiscoverResponsePayload{Endpoints: eps})
}

// endpointsSize is the room an encoding of eps is given up front: about
// 1.2 KB an endpoint for a typical light; too little only costs the
// buffer's growth.
func endpointsSize(eps []DiscoveryEndpoint) int { return 1280*len(eps) + 64 }

// payloadRoom is the room marshalEndpointsRoom leaves before the payload,
// where the Router writes the envelope's beginning without copying the
// payload.
const payloadRoom = 512

// payloadTail is the room marshalEndpointsRoom keeps after the payload,
// where the Router writes the envelope's end.
const payloadTail = 64

// marshalEndpointsRoom is marshalEndpoints into a buffer with payloadRoom
// bytes of room before the payload and the rest of its capacity after it:
// full[payloadRoom:] starts with payload.
func marshalEndpointsRoom(eps []DiscoveryEndpoint) (full []byte, payload json.RawMessage, err error) {
	b := make([]byte, payloadRoom, payloadRoom+endpointsSize(eps))
	if out, ok := appendEndpoints(append(b, endpointsPrefix...), eps); ok {
		full = append(out, endpointsSuffix...)
		n := len(full)
		if cap(full)-n < payloadTail {
			full = append(full, make([]byte, payloadTail)...)[:n]
		}
		return full, full[payloadRoom:n:n], nil
	}
	buf := bytes.NewBuffer(b)
	if err := json.NewEncoder(buf).Encode(DiscoverResponsePayload{Endpoints: eps}); err != nil {
		return nil, nil, err
	}
	full = buf.Bytes()
	n := len(full) - 1 // Encode ends with a newline
	return full, full[payloadRoom:n:n], nil
}

// marshalEndpoint encodes one endpoint, on the fast path when it can.
func marshalEndpoint(e DiscoveryEndpoint) ([]byte, error) {
	return appendEndpointJSON(make([]byte, 0, 1280), &e)
}
