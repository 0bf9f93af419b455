package alexa

// PropertyConnectivity is the Alexa.EndpointHealth property.
const PropertyConnectivity PropertyName = "connectivity"

// ConnectivityStatus is whether an endpoint is reachable.
type ConnectivityStatus string

// Connectivity statuses.
const (
	ConnectivityOK          ConnectivityStatus = "OK"
	ConnectivityUnreachable ConnectivityStatus = "UNREACHABLE"
)

// ConnectivityReason says why an endpoint is unreachable (EndpointHealth
// 3.1 and later; declare the capability with [EndpointHealthVersionReason]
// when you report reasons).
type ConnectivityReason string

// ReasonWiFiBadPassword: the device failed to connect to Wi-Fi because its
// password changed. Amazon's EndpointHealth page lists the other values.
const ReasonWiFiBadPassword ConnectivityReason = "WIFI_BAD_PASSWORD"

// Connectivity is the value of the connectivity property.
type Connectivity struct {
	Value  ConnectivityStatus `json:"value"`
	Reason ConnectivityReason `json:"reason,omitempty"`
}

// EndpointHealth interface versions.
const (
	// EndpointHealthVersion is the version without connectivity reasons.
	EndpointHealthVersion = "3"
	// EndpointHealthVersionReason is the version that adds reason.
	EndpointHealthVersionReason = "3.1"
)

// EndpointHealthCapability returns the Alexa.EndpointHealth capability
// reporting connectivity as r says (Amazon asks for proactively reported
// and retrievable). It declares version "3"; set Version to
// [EndpointHealthVersionReason] if you report reasons. See
// https://developer.amazon.com/docs/device-apis/alexa-endpointhealth.html.
func EndpointHealthCapability(r Reporting) Capability {
	return NewCapability(NamespaceEndpointHealth, EndpointHealthVersion, r, PropertyConnectivity)
}

// ConnectivityProperty returns the connectivity property.
func ConnectivityProperty(status ConnectivityStatus) Property {
	v := `{"value":"OK"}`
	if status != ConnectivityOK {
		v = string(mustJSON(Connectivity{Value: status}))
	}
	return Property{Namespace: NamespaceEndpointHealth, Name: PropertyConnectivity, Value: []byte(v)}
}

// ConnectivityPropertyWithReason returns an UNREACHABLE connectivity
// property with its reason (EndpointHealth 3.1).
func ConnectivityPropertyWithReason(reason ConnectivityReason) Property {
	return Property{Namespace: NamespaceEndpointHealth, Name: PropertyConnectivity, Value: mustJSON(Connectivity{Value: ConnectivityUnreachable, Reason: reason})}
}
