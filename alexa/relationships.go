package alexa

import (
	"encoding/json"
	"fmt"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// Relationships is the typed form of a [DiscoveryEndpoint]'s
// relationships object: how the endpoint relates to others of the same
// discovery. Amazon's discovery page shows the object without its members;
// isConnectedBy (the hub or bridge the endpoint reaches the cloud through)
// is the member public skills send. Other members are kept in Unknown, so
// decoding and encoding lose nothing.
// See https://developer.amazon.com/docs/device-apis/alexa-discovery-objects.html.
type Relationships struct {
	// IsConnectedBy names the endpoint (a hub, a bridge) this endpoint is
	// connected through.
	IsConnectedBy *EndpointRef `json:"isConnectedBy,omitempty"`
	// Unknown holds members this SDK does not model.
	Unknown Unknown `json:"-"`
}

type relationshipsJSON Relationships

// MarshalJSON encodes the relationships, including their Unknown members.
func (r Relationships) MarshalJSON() ([]byte, error) {
	return marshalLossless(relationshipsJSON(r), r.Unknown)
}

// UnmarshalJSON decodes the relationships, keeping members it does not
// model in Unknown.
func (r *Relationships) UnmarshalJSON(b []byte) error {
	var v relationshipsJSON
	extra, err := unmarshalLossless(b, &v)
	if err != nil {
		return err
	}
	v.Unknown = extra
	*r = Relationships(v)
	return nil
}

// ConnectedBy returns the relationships of an endpoint connected through
// the endpoint hubID.
func ConnectedBy(hubID string) Relationships {
	return Relationships{IsConnectedBy: &EndpointRef{EndpointID: hubID}}
}

// SetRelationships sets e's relationships to r, encoded. It fails if r
// names an endpoint by an invalid id.
func (e *DiscoveryEndpoint) SetRelationships(r Relationships) error {
	if c := r.IsConnectedBy; c != nil {
		if err := checkEndpointID("relationships.isConnectedBy.endpointId", c.EndpointID); err != nil {
			return err
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		return errfmt.Errorf("alexa: relationships: %w", err)
	}
	e.Relationships = b
	return nil
}

// DecodeRelationships returns e's relationships, typed; the zero value if
// it has none. It fails if they are not a JSON object.
func (e DiscoveryEndpoint) DecodeRelationships() (Relationships, error) {
	var r Relationships
	if len(e.Relationships) == 0 {
		return r, nil
	}
	if err := json.Unmarshal(e.Relationships, &r); err != nil {
		return Relationships{}, fmt.Errorf("alexa: endpoint %q relationships: %w", e.EndpointID, err)
	}
	return r, nil
}
