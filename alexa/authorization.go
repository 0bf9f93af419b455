package alexa

import (
	"context"
	"errors"
)

// GrantType is the type of an AcceptGrant grant.
type GrantType string

// GrantTypeAuthorizationCode is the type of an AcceptGrant grant.
const GrantTypeAuthorizationCode GrantType = "OAuth2.AuthorizationCode"

// Grant is the grant of an AcceptGrant directive: a Login with Amazon
// authorization code to exchange for the customer's event gateway tokens.
// The code is a secret; [Token] keeps it out of logs and printed values.
type Grant struct {
	Type GrantType `json:"type"`
	Code Token     `json:"code"`
}

// Grantee identifies the customer by the skill's own account-linking access
// token.
type Grantee struct {
	Type  ScopeType `json:"type"`
	Token Token     `json:"token"`
}

// AcceptGrantPayload is the payload of an Alexa.Authorization AcceptGrant
// directive. See
// https://developer.amazon.com/docs/device-apis/alexa-authorization.html.
type AcceptGrantPayload struct {
	Grant   Grant   `json:"grant"`
	Grantee Grantee `json:"grantee"`
}

// Validate checks that the grant is an authorization code and that both the
// code and the grantee token are present.
func (p AcceptGrantPayload) Validate() error {
	switch {
	case p.Grant.Type != GrantTypeAuthorizationCode:
		return errors.New(`alexa: AcceptGrant grant type must be "OAuth2.AuthorizationCode"`)
	case p.Grant.Code == "":
		return errors.New("alexa: AcceptGrant without a grant code")
	case p.Grantee.Token == "":
		return errors.New("alexa: AcceptGrant without a grantee token")
	}
	return nil
}

// AcceptGrantResponse returns the Alexa.Authorization AcceptGrant.Response
// to d: an empty payload and no endpoint.
func (d *Directive) AcceptGrantResponse() *EventMessage {
	m := d.reply(NamespaceAuthorization, NameAcceptGrantResponse, emptyObject())
	m.Event.Endpoint = nil
	return m
}

// Authorizer is implemented by skills that send events: AcceptGrant
// delivers the code to exchange for the customer's tokens (package lwa
// provides an implementation). Returning nil answers
// AcceptGrant.Response; any error answers the Alexa.Authorization
// ErrorResponse ACCEPT_GRANT_FAILED, with the message of an [*Error] in the
// chain if there is one.
type Authorizer interface {
	AcceptGrant(ctx context.Context, d *Directive, p AcceptGrantPayload) error
}

// AuthorizerFunc adapts a function to [Authorizer].
type AuthorizerFunc func(ctx context.Context, d *Directive, p AcceptGrantPayload) error

// AcceptGrant calls f.
func (f AuthorizerFunc) AcceptGrant(ctx context.Context, d *Directive, p AcceptGrantPayload) error {
	return f(ctx, d, p)
}

// HandleAuthorization routes Alexa.Authorization AcceptGrant to a.
func (r *Router) HandleAuthorization(a Authorizer) {
	if isNilHandler(a) {
		panic("alexa: nil Authorizer")
	}
	r.Handle(NamespaceAuthorization, NameAcceptGrant, HandlerFunc(func(ctx context.Context, d *Directive) (*EventMessage, error) {
		var p AcceptGrantPayload
		if err := d.DecodePayload(&p); err != nil {
			return nil, AcceptGrantFailed("malformed AcceptGrant payload", err)
		}
		if err := p.Validate(); err != nil {
			return nil, AcceptGrantFailed(err.Error(), nil)
		}
		if err := a.AcceptGrant(ctx, d, p); err != nil {
			return nil, err
		}
		return d.AcceptGrantResponse(), nil
	}))
}
