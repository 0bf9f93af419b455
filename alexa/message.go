package alexa

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// PayloadVersion is the payloadVersion of every Smart Home API v3 message.
const PayloadVersion = "3"

// Namespace is the namespace of a message header, or the interface of a
// capability or property, e.g. "Alexa.PowerController".
type Namespace string

// Namespaces of the foundational interfaces. Each capability's namespace is
// declared beside its types.
const (
	NamespaceAlexa                     Namespace = "Alexa"
	NamespaceDiscovery                 Namespace = "Alexa.Discovery"
	NamespaceAuthorization             Namespace = "Alexa.Authorization"
	NamespaceEndpointHealth            Namespace = "Alexa.EndpointHealth"
	NamespacePowerController           Namespace = "Alexa.PowerController"
	NamespaceInventoryLevelSensor      Namespace = "Alexa.InventoryLevelSensor"
	NamespaceInventoryUsageSensor      Namespace = "Alexa.InventoryUsageSensor"
	NamespaceInventoryLevelUsageSensor Namespace = "Alexa.InventoryLevelUsageSensor"
	NamespaceModeController            Namespace = "Alexa.ModeController"
	NamespaceRangeController           Namespace = "Alexa.RangeController"
	NamespaceToggleController          Namespace = "Alexa.ToggleController"
)

// Former names of the inventory sensor namespaces.
const (
	// Deprecated: use NamespaceInventoryLevelSensor.
	NamespaceInventoryLevel = NamespaceInventoryLevelSensor
	// Deprecated: use NamespaceInventoryUsageSensor.
	NamespaceInventoryUsage = NamespaceInventoryUsageSensor
	// Deprecated: use NamespaceInventoryLevelUsageSensor.
	NamespaceInventoryLevelUsage = NamespaceInventoryLevelUsageSensor
)

// Name is the name of a directive or an event, e.g. "TurnOn" or
// "Discover.Response".
type Name string

// Names of the foundational directives and events.
const (
	NameReportState         Name = "ReportState"
	NameStateReport         Name = "StateReport"
	NameResponse            Name = "Response"
	NameErrorResponse       Name = "ErrorResponse"
	NameDeferredResponse    Name = "DeferredResponse"
	NameChangeReport        Name = "ChangeReport"
	NameDiscover            Name = "Discover"
	NameDiscoverResponse    Name = "Discover.Response"
	NameAddOrUpdateReport   Name = "AddOrUpdateReport"
	NameDeleteReport        Name = "DeleteReport"
	NameAcceptGrant         Name = "AcceptGrant"
	NameAcceptGrantResponse Name = "AcceptGrant.Response"
	NameTurnOn              Name = "TurnOn"
	NameTurnOff             Name = "TurnOff"
	NameInventoryConsumed   Name = "InventoryConsumed"
)

// Header is the header of every directive and event.
type Header struct {
	Namespace Namespace `json:"namespace"`
	Name      Name      `json:"name"`
	// Instance names the capability instance of a directive to a
	// multi-instance interface (ModeController, RangeController,
	// ToggleController) and of InventoryConsumed events.
	Instance  string `json:"instance,omitempty"`
	MessageID string `json:"messageId"`
	// CorrelationToken is echoed from a directive into its Response,
	// ErrorResponse, DeferredResponse and StateReport, and omitted from
	// proactive events.
	CorrelationToken string `json:"correlationToken,omitempty"`
	PayloadVersion   string `json:"payloadVersion"`
}

// Proactive reports whether h is the header of a proactive event: one the
// skill sends to the gateway on its own (ChangeReport, AddOrUpdateReport,
// DeleteReport, InventoryConsumed, DoorbellPress, Alexa.SimpleEventSource's
// Event, ObjectDetection, MeasurementsReport), which answers no directive
// and so carries no correlationToken.
func (h Header) Proactive() bool {
	switch {
	case h.Namespace == NamespaceAlexa && h.Name == NameChangeReport,
		h.Namespace == NamespaceDiscovery && (h.Name == NameAddOrUpdateReport || h.Name == NameDeleteReport),
		h.Name == NameInventoryConsumed,
		h.Namespace == NamespaceDoorbellEventSource && h.Name == NameDoorbellPress,
		h.Namespace == NamespaceSimpleEventSource && h.Name == NameSimpleEvent,
		h.Namespace == NamespaceObjectDetectionSensor && h.Name == NameObjectDetection,
		h.Namespace == NamespaceDeviceUsageMeter && h.Name == NameMeasurementsReport:
		return true
	}
	return false
}

// Token is a bearer token carried in a [Scope]: in directives, the skill's
// own account-linking access token; in events sent to the gateway, the
// customer's Login with Amazon access token. Its String, GoString and
// LogValue methods hide the value, so a Token printed with fmt or logged
// with slog never leaks; JSON encoding keeps it, as the wire requires.
type Token string

// String returns "[redacted]", or "" for the empty token.
func (t Token) String() string {
	if t == "" {
		return ""
	}
	return "[redacted]"
}

// GoString returns a redacted Go representation.
func (t Token) GoString() string { return fmt.Sprintf("alexa.Token(%q)", t.String()) }

// LogValue implements [slog.LogValuer] with the redacted value.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

// Format implements [fmt.Formatter]: every verb prints the redacted value,
// so no verb (%d, %x, %q, ...) can reveal the token.
func (t Token) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, t.GoString())
		return
	}
	_, _ = io.WriteString(f, t.String())
}

// ScopeType is the type of a [Scope].
type ScopeType string

// Scope types.
const (
	ScopeBearerToken              ScopeType = "BearerToken"
	ScopeBearerTokenWithPartition ScopeType = "BearerTokenWithPartition"
)

// Scope identifies the customer a message is about, by bearer token.
type Scope struct {
	Type  ScopeType `json:"type"`
	Token Token     `json:"token"`
	// Partition and UserID are set with ScopeBearerTokenWithPartition.
	Partition string `json:"partition,omitempty"`
	UserID    string `json:"userId,omitempty"`
}

// BearerScope returns a BearerToken scope holding token.
func BearerScope(token Token) *Scope { return &Scope{Type: ScopeBearerToken, Token: token} }

// Endpoint is the endpoint a directive or event is about.
type Endpoint struct {
	Scope      *Scope `json:"scope,omitempty"`
	EndpointID string `json:"endpointId"`
	// Cookie holds what the skill set at discovery; Alexa echoes it.
	Cookie map[string]string `json:"cookie,omitzero"`
}

// Directive is a message from Alexa to the skill. Its Payload stays raw JSON
// until a handler decodes it, with [Directive.DecodePayload] or [HandlePayload].
type Directive struct {
	Header   Header          `json:"header"`
	Endpoint *Endpoint       `json:"endpoint,omitempty"`
	Payload  json.RawMessage `json:"payload"`

	// clock is the clock of the Router that received the directive
	// ([WithBuilder]); nil means time.Now.
	clock func() time.Time
	// encoded is the payload DiscoverResponse encoded for its reply: the
	// Router writes it into the envelope without re-scanning it while the
	// reply's payload is still that slice.
	encoded json.RawMessage
	// encodedFull is the buffer encoded was written in, with payloadRoom
	// bytes before it: the Router writes the envelope around the payload
	// in place.
	encodedFull []byte
}

// now is the time by the clock of the Router that received d.
func (d *Directive) now() time.Time {
	if d.clock != nil {
		return d.clock()
	}
	return time.Now()
}

// DirectiveMessage is the top-level JSON object Alexa sends: {"directive": ...}.
type DirectiveMessage struct {
	Directive Directive `json:"directive"`
}

// Event is a message from the skill to Alexa: a reply to a directive or a
// proactive event.
type Event struct {
	Header   Header          `json:"header"`
	Endpoint *Endpoint       `json:"endpoint,omitempty"`
	Payload  json.RawMessage `json:"payload"`
}

// EventMessage is the top-level JSON object a skill sends:
// {"event": ..., "context": ...}. Context is a sibling of the event, not
// part of it.
type EventMessage struct {
	Event   Event    `json:"event"`
	Context *Context `json:"context,omitempty"`
}

// Context carries property values beside an event.
type Context struct {
	Properties []Property `json:"properties"`
}

// ErrNotDirective is returned by [ParseDirective] for input that is not an
// Alexa directive message.
var ErrNotDirective = errors.New("alexa: not a directive")

// ParseDirective decodes a directive message. It returns an error wrapping
// [ErrNotDirective] when data is not JSON, is not a {"directive": ...}
// object, or lacks a header namespace or name; a type mismatch in a known
// field is reported together with ErrNotDirective and the fields that did
// decode.
func ParseDirective(data []byte) (*Directive, error) {
	var m DirectiveMessage
	err := json.Unmarshal(data, &m)
	if err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return nil, fmt.Errorf("%w: %w", ErrNotDirective, err)
		}
		return &m.Directive, fmt.Errorf("%w: %w", ErrNotDirective, err)
	}
	if m.Directive.Header.Namespace == "" || m.Directive.Header.Name == "" {
		return &m.Directive, fmt.Errorf("%w: header namespace and name are required", ErrNotDirective)
	}
	return &m.Directive, nil
}

// ParseEvent decodes an event message.
func ParseEvent(data []byte) (*EventMessage, error) {
	var m EventMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, errfmt.Errorf("alexa: decoding event: %w", err)
	}
	if m.Event.Header.Namespace == "" || m.Event.Header.Name == "" {
		return nil, errors.New("alexa: decoding event: header namespace and name are required")
	}
	return &m, nil
}

// DecodePayload decodes the directive's payload into v. A payload that does
// not fit v yields an [*Error] of type INVALID_DIRECTIVE, so a handler can
// return it as is.
func (d *Directive) DecodePayload(v any) error {
	p := d.Payload
	if len(p) == 0 {
		p = emptyObject()
	}
	if err := json.Unmarshal(p, v); err != nil {
		return &Error{Type: ErrorInvalidDirective, Message: "malformed payload for " + string(d.Header.Namespace) + "." + string(d.Header.Name), Err: err}
	}
	return nil
}

// EndpointID returns the directive's endpointId, or "" when it has no endpoint.
func (d *Directive) EndpointID() string {
	if d.Endpoint == nil {
		return ""
	}
	return d.Endpoint.EndpointID
}

// Scope returns the customer's scope of d, wherever its shape carries it:
// the endpoint's scope (control directives, ReportState), the payload's
// scope (Alexa.Discovery Discover), or the grantee (Alexa.Authorization
// AcceptGrant, as a scope of the grantee's type and token). It returns nil
// if d carries none. The result is a copy: changing it leaves d as it is.
func (d *Directive) Scope() *Scope {
	if d.Endpoint != nil && d.Endpoint.Scope != nil {
		s := *d.Endpoint.Scope
		return &s
	}
	switch d.Header.Namespace {
	case NamespaceDiscovery:
		var p struct {
			Scope *Scope `json:"scope"`
		}
		if json.Unmarshal(d.Payload, &p) == nil && p.Scope != nil {
			return p.Scope
		}
	case NamespaceAuthorization:
		var p struct {
			Grantee *Grantee `json:"grantee"`
		}
		if json.Unmarshal(d.Payload, &p) == nil && p.Grantee != nil && p.Grantee.Token != "" {
			return &Scope{Type: p.Grantee.Type, Token: p.Grantee.Token}
		}
	}
	return nil
}

// LogValue implements [slog.LogValuer]: the header fields and the endpointId,
// never the scope token or the payload (which can carry grant codes).
func (d Directive) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("namespace", string(d.Header.Namespace)),
		slog.String("name", string(d.Header.Name)),
		slog.String("messageId", d.Header.MessageID),
		slog.String("endpointId", d.EndpointID()),
	)
}

// LogValue implements [slog.LogValuer]: the header fields and the
// endpointId, never the scope token or the payload.
func (m EventMessage) LogValue() slog.Value {
	id := ""
	if m.Event.Endpoint != nil {
		id = m.Event.Endpoint.EndpointID
	}
	return slog.GroupValue(
		slog.String("namespace", string(m.Event.Header.Namespace)),
		slog.String("name", string(m.Event.Header.Name)),
		slog.String("messageId", m.Event.Header.MessageID),
		slog.String("endpointId", id),
	)
}

// Properties returns the message's context properties, or nil.
func (m *EventMessage) Properties() []Property {
	if m.Context == nil {
		return nil
	}
	return m.Context.Properties
}

// Scope returns the scope the event carries: the endpoint's, or for
// discovery reports the payload's. It returns nil when there is none.
func (m *EventMessage) Scope() *Scope {
	if m.Event.Endpoint != nil && m.Event.Endpoint.Scope != nil {
		return m.Event.Endpoint.Scope
	}
	if m.Event.Header.Namespace == NamespaceDiscovery {
		var p struct {
			Scope *Scope `json:"scope"`
		}
		if json.Unmarshal(m.Event.Payload, &p) == nil {
			return p.Scope
		}
	}
	return nil
}

// ErrNoScope is returned by [EventMessage.SetScope] for an event that has
// nowhere to carry a scope.
var ErrNoScope = errors.New("alexa: event has no endpoint to carry a scope")

// SetScope puts s where the event gateway expects the customer's token:
// in payload.scope for Alexa.Discovery reports (AddOrUpdateReport,
// DeleteReport), in endpoint.scope for every other event. The events
// client calls it with the customer's LWA access token.
func (m *EventMessage) SetScope(s Scope) error {
	h := m.Event.Header
	if h.Namespace == NamespaceDiscovery && (h.Name == NameAddOrUpdateReport || h.Name == NameDeleteReport) {
		var p map[string]json.RawMessage
		if len(m.Event.Payload) > 0 {
			if err := json.Unmarshal(m.Event.Payload, &p); err != nil {
				return errfmt.Errorf("alexa: %s payload: %w", h.Name, err)
			}
		}
		if p == nil {
			p = make(map[string]json.RawMessage, 2)
		}
		sb, err := json.Marshal(s)
		if err != nil {
			return err
		}
		p["scope"] = sb
		b, err := json.Marshal(p)
		if err != nil {
			return err
		}
		m.Event.Payload = b
		return nil
	}
	if m.Event.Endpoint == nil {
		return ErrNoScope
	}
	ep := *m.Event.Endpoint
	ep.Scope = &s
	m.Event.Endpoint = &ep
	return nil
}

// The JSON values the constructors use: each call returns a new slice, so
// a caller who edits a returned Property.Value or payload in place changes
// nothing else.
func detectedJSON() json.RawMessage    { return json.RawMessage(`"DETECTED"`) }
func notDetectedJSON() json.RawMessage { return json.RawMessage(`"NOT_DETECTED"`) }
func lockedJSON() json.RawMessage      { return json.RawMessage(`"LOCKED"`) }
func unlockedJSON() json.RawMessage    { return json.RawMessage(`"UNLOCKED"`) }
func emptyObject() json.RawMessage     { return json.RawMessage(`{}`) }
func powerOnJSON() json.RawMessage     { return json.RawMessage(`"ON"`) }
func powerOffJSON() json.RawMessage    { return json.RawMessage(`"OFF"`) }
func trueJSON() json.RawMessage        { return json.RawMessage(`true`) }
func falseJSON() json.RawMessage       { return json.RawMessage(`false`) }
