package alexatest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/go-alexa/smarthome/alexa"
)

// NewCorrelationToken returns a random opaque correlation token, shaped like
// Alexa's.
func NewCorrelationToken() string {
	var b [48]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return base64.StdEncoding.EncodeToString(b[:])
}

// Directive returns the JSON of a directive of namespace ns and name name to
// endpointID (no endpoint when endpointID is empty) with token as the
// endpoint's BearerToken scope, a fresh messageId and a fresh
// correlationToken (none for Alexa.Discovery and Alexa.Authorization
// directives, which have none), and payload encoded as JSON (nil: {}). It
// panics if payload cannot be encoded.
func Directive(ns alexa.Namespace, name alexa.Name, endpointID, token string, payload any) []byte {
	p := payloadJSON(ns, name, payload)
	d := alexa.DirectiveMessage{Directive: alexa.Directive{
		Header: alexa.Header{
			Namespace:      ns,
			Name:           name,
			MessageID:      alexa.NewMessageID(),
			PayloadVersion: alexa.PayloadVersion,
		},
		Payload: p,
	}}
	if ns != alexa.NamespaceDiscovery && ns != alexa.NamespaceAuthorization {
		d.Directive.Header.CorrelationToken = NewCorrelationToken()
	}
	if endpointID != "" {
		d.Directive.Endpoint = &alexa.Endpoint{EndpointID: endpointID, Scope: alexa.BearerScope(alexa.Token(token))}
	}
	b, err := json.Marshal(d)
	if err != nil {
		panic(fmt.Sprintf("alexatest: encoding the %s.%s directive: %v", ns, name, err))
	}
	return b
}

// Discover returns an Alexa.Discovery Discover directive whose
// payload.scope carries token (the skill's account-linking token).
func Discover(token string) []byte {
	return Directive(alexa.NamespaceDiscovery, alexa.NameDiscover, "", "", alexa.DiscoverPayload{Scope: *alexa.BearerScope(alexa.Token(token))})
}

// AcceptGrant returns an Alexa.Authorization AcceptGrant directive carrying
// the LWA authorization code (e.g. from [Server.EnableSkill]) and the
// grantee's account-linking token (e.g. from [LWA.LinkToken]).
func AcceptGrant(code, granteeToken string) []byte {
	return Directive(alexa.NamespaceAuthorization, alexa.NameAcceptGrant, "", "", alexa.AcceptGrantPayload{
		Grant:   alexa.Grant{Type: alexa.GrantTypeAuthorizationCode, Code: alexa.Token(code)},
		Grantee: alexa.Grantee{Type: alexa.ScopeBearerToken, Token: alexa.Token(granteeToken)},
	})
}

// TurnOn returns an Alexa.PowerController TurnOn directive to endpointID.
func TurnOn(endpointID, token string) []byte {
	return Directive(alexa.NamespacePowerController, alexa.NameTurnOn, endpointID, token, nil)
}

// TurnOff returns an Alexa.PowerController TurnOff directive to endpointID.
func TurnOff(endpointID, token string) []byte {
	return Directive(alexa.NamespacePowerController, alexa.NameTurnOff, endpointID, token, nil)
}

// ReportState returns an Alexa ReportState directive to endpointID.
func ReportState(endpointID, token string) []byte {
	return Directive(alexa.NamespaceAlexa, alexa.NameReportState, endpointID, token, nil)
}

// payloadJSON encodes the payload of a directive ns.name (nil: {}),
// panicking if it cannot.
func payloadJSON(ns alexa.Namespace, name alexa.Name, payload any) json.RawMessage {
	if payload == nil {
		return json.RawMessage(`{}`)
	}
	b, err := json.Marshal(payload)
	if err != nil {
		panic(fmt.Sprintf("alexatest: encoding the %s.%s payload: %v", ns, name, err))
	}
	return b
}
