package alexa

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// NamespaceRTCSessionController is the Alexa.RTCSessionController
// interface, for cameras, doorbells and intercoms capable of real-time
// communication (WebRTC): "Alexa, talk to the front door". Alexa sends
// [NameInitiateSessionWithOffer] with an SDP offer, answered with an
// [NameAnswerGeneratedForSession] event carrying the SDP answer
// ([Directive.AnswerGeneratedForSession]), then [NameSessionConnected] and
// [NameSessionDisconnected], each answered with the event of the same name
// ([Directive.SessionConnected], [Directive.SessionDisconnected]). Give
// the endpoint the display category CAMERA or DOORBELL.
//
// Amazon's published schema gives the three replies' payloads; the
// directives' payloads (sessionId, and the offer's format and value) were
// confirmed from public implementations, not from the interface's
// documentation, which could not be read past its introduction.
// See https://developer.amazon.com/docs/device-apis/alexa-rtcsessioncontroller.html.
const NamespaceRTCSessionController Namespace = "Alexa.RTCSessionController"

// Alexa.RTCSessionController directives and events. SessionConnected and
// SessionDisconnected name both a directive and the event answering it.
// See https://developer.amazon.com/docs/device-apis/alexa-rtcsessioncontroller.html.
const (
	NameInitiateSessionWithOffer  Name = "InitiateSessionWithOffer"
	NameAnswerGeneratedForSession Name = "AnswerGeneratedForSession"
	NameSessionConnected          Name = "SessionConnected"
	NameSessionDisconnected       Name = "SessionDisconnected"
)

// SessionDescriptionFormat is the format of an offer or answer.
type SessionDescriptionFormat string

// SDP is the one session description format: the Session Description
// Protocol (RFC 8866).
const SDP SessionDescriptionFormat = "SDP"

// SessionDescription is an SDP offer or answer.
// See https://developer.amazon.com/docs/device-apis/alexa-rtcsessioncontroller.html.
type SessionDescription struct {
	Format SessionDescriptionFormat `json:"format"`
	Value  string                   `json:"value"`
}

// valid reports whether the description is SDP (any case, as Amazon's
// schema accepts) with a value.
func (s SessionDescription) valid() bool {
	return strings.EqualFold(string(s.Format), string(SDP)) && s.Value != ""
}

// InitiateSessionWithOfferPayload is the payload of
// InitiateSessionWithOffer.
// See https://developer.amazon.com/docs/device-apis/alexa-rtcsessioncontroller.html.
type InitiateSessionWithOfferPayload struct {
	// SessionID identifies the session in the directives that follow.
	SessionID string `json:"sessionId"`
	// Offer is Alexa's SDP offer.
	Offer SessionDescription `json:"offer"`
}

// UnmarshalJSON decodes the payload, requiring sessionId and offer.
func (p *InitiateSessionWithOfferPayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "InitiateSessionWithOffer payload", "sessionId", "offer"); err != nil {
		return err
	}
	type plain InitiateSessionWithOfferPayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] unless the session id is not
// empty and the offer is an SDP one with a value.
func (p InitiateSessionWithOfferPayload) Validate() error {
	if p.SessionID == "" {
		return invalidValue("InitiateSessionWithOffer with an empty sessionId")
	}
	if !p.Offer.valid() {
		return invalidValue("InitiateSessionWithOffer offer must be SDP with a value")
	}
	return nil
}

// RTCSessionPayload is the payload of SessionConnected and
// SessionDisconnected, directives and events: the session's id.
// See https://developer.amazon.com/docs/device-apis/alexa-rtcsessioncontroller.html.
type RTCSessionPayload struct {
	SessionID string `json:"sessionId"`
}

// UnmarshalJSON decodes the payload, requiring sessionId.
func (p *RTCSessionPayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "RTCSessionController payload", "sessionId"); err != nil {
		return err
	}
	type plain RTCSessionPayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] if the session id is empty.
func (p RTCSessionPayload) Validate() error {
	if p.SessionID == "" {
		return invalidValue("RTCSessionController directive with an empty sessionId")
	}
	return nil
}

// AnswerGeneratedForSession returns the Alexa.RTCSessionController
// AnswerGeneratedForSession event answering the InitiateSessionWithOffer
// directive d, echoing its correlationToken and endpoint, with the SDP
// answer sdp (Alexa waits six seconds for it) and props, if any, in the
// context. It fails, with an error wrapping [ErrInvalidValue], if sdp is
// empty.
// See https://developer.amazon.com/docs/device-apis/alexa-rtcsessioncontroller.html.
func (d *Directive) AnswerGeneratedForSession(sdp string, props ...Property) (*EventMessage, error) {
	if sdp == "" {
		return nil, fmt.Errorf("%w: %s with an empty SDP answer", ErrInvalidValue, NameAnswerGeneratedForSession)
	}
	b, err := json.Marshal(struct {
		Answer SessionDescription `json:"answer"`
	}{SessionDescription{Format: SDP, Value: sdp}})
	if err != nil {
		return nil, errfmt.Errorf("alexa: %s: %w", NameAnswerGeneratedForSession, err)
	}
	return withContext(d.reply(NamespaceRTCSessionController, NameAnswerGeneratedForSession, b), props), nil
}

// SessionConnected returns the Alexa.RTCSessionController SessionConnected
// event answering the SessionConnected directive d for session sessionID
// (the directive's), echoing its correlationToken and endpoint. It fails,
// with an error wrapping [ErrInvalidValue], if sessionID is empty.
// See https://developer.amazon.com/docs/device-apis/alexa-rtcsessioncontroller.html.
func (d *Directive) SessionConnected(sessionID string, props ...Property) (*EventMessage, error) {
	return d.rtcSessionEvent(NameSessionConnected, sessionID, props)
}

// SessionDisconnected returns the Alexa.RTCSessionController
// SessionDisconnected event answering the SessionDisconnected directive d
// for session sessionID, echoing its correlationToken and endpoint. It
// fails, with an error wrapping [ErrInvalidValue], if sessionID is empty.
// See https://developer.amazon.com/docs/device-apis/alexa-rtcsessioncontroller.html.
func (d *Directive) SessionDisconnected(sessionID string, props ...Property) (*EventMessage, error) {
	return d.rtcSessionEvent(NameSessionDisconnected, sessionID, props)
}

func (d *Directive) rtcSessionEvent(name Name, sessionID string, props []Property) (*EventMessage, error) {
	if sessionID == "" {
		return nil, fmt.Errorf("%w: %s with an empty sessionId", ErrInvalidValue, name)
	}
	return withContext(d.reply(NamespaceRTCSessionController, name, mustJSON(RTCSessionPayload{SessionID: sessionID})), props), nil
}

// RTCSessionConfiguration is the configuration of an
// Alexa.RTCSessionController capability.
// See https://developer.amazon.com/docs/device-apis/alexa-rtcsessioncontroller.html.
type RTCSessionConfiguration struct {
	// IsFullDuplexAudioSupported says the device supports two-way (full
	// duplex) audio; false means one-way (half duplex).
	IsFullDuplexAudioSupported bool `json:"isFullDuplexAudioSupported"`
	// IsEndToEndEncryptionEnabled is in Amazon's published schema (a
	// boolean); it was not confirmed against the documentation. It is sent
	// only when true.
	IsEndToEndEncryptionEnabled bool `json:"isEndToEndEncryptionEnabled,omitempty"`
}

// RTCSessionControllerCapability returns the Alexa.RTCSessionController
// capability (version "3") with configuration cfg. The interface has no
// reportable properties.
// See https://developer.amazon.com/docs/device-apis/alexa-rtcsessioncontroller.html.
func RTCSessionControllerCapability(cfg RTCSessionConfiguration) Capability {
	c := NewCapability(NamespaceRTCSessionController, "3", Reporting{})
	c.Configuration = mustJSON(cfg)
	return c
}

// RTCSessionController is implemented by skills whose endpoints take
// WebRTC sessions. InitiateSessionWithOffer gets the session id and
// Alexa's SDP offer and answers, within six seconds, with
// [Directive.AnswerGeneratedForSession]; SessionConnected and
// SessionDisconnected get the session id and answer with
// [Directive.SessionConnected] and [Directive.SessionDisconnected]. Each
// may instead return an error (an [*Error] for the customer to hear;
// ENDPOINT_UNREACHABLE, say, when the camera is offline).
// See https://developer.amazon.com/docs/device-apis/alexa-rtcsessioncontroller.html.
type RTCSessionController interface {
	InitiateSessionWithOffer(ctx context.Context, d *Directive, p InitiateSessionWithOfferPayload) (*EventMessage, error)
	SessionConnected(ctx context.Context, d *Directive, p RTCSessionPayload) (*EventMessage, error)
	SessionDisconnected(ctx context.Context, d *Directive, p RTCSessionPayload) (*EventMessage, error)
}

// HandleRTCSessionController routes Alexa.RTCSessionController
// InitiateSessionWithOffer, SessionConnected and SessionDisconnected to c.
// A payload that does not decode is answered with INVALID_DIRECTIVE, an
// empty session id or an offer that is not SDP with INVALID_VALUE. It
// panics if c is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-rtcsessioncontroller.html.
func (r *Router) HandleRTCSessionController(c RTCSessionController) {
	if isNilHandler(c) {
		panic("alexa: nil RTCSessionController")
	}
	r.Handle(NamespaceRTCSessionController, NameInitiateSessionWithOffer, HandlePayload(c.InitiateSessionWithOffer))
	r.Handle(NamespaceRTCSessionController, NameSessionConnected, HandlePayload(c.SessionConnected))
	r.Handle(NamespaceRTCSessionController, NameSessionDisconnected, HandlePayload(c.SessionDisconnected))
}
