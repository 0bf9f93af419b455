package alexa

import (
	"encoding/json"
	"sync"
)

// replyKind is the namespace and name of a reply.
type replyKind struct {
	ns   Namespace
	name Name
}

// specialReplies maps the directives that Alexa expects answered with
// something other than Alexa.Response to that reply. Every other directive
// is answered with Alexa.Response, and no directive but its own with one
// of these replies. ErrorResponses (any namespace) and, but for Discover
// and AcceptGrant, the DeferredResponse answer any directive.
var specialReplies = map[replyKind]replyKind{
	{NamespaceDiscovery, NameDiscover}:                             {NamespaceDiscovery, NameDiscoverResponse},
	{NamespaceAuthorization, NameAcceptGrant}:                      {NamespaceAuthorization, NameAcceptGrantResponse},
	{NamespaceAlexa, NameReportState}:                              {NamespaceAlexa, NameStateReport},
	{NamespaceSceneController, NameActivate}:                       {NamespaceSceneController, NameActivationStarted},
	{NamespaceSceneController, NameDeactivate}:                     {NamespaceSceneController, NameDeactivationStarted},
	{NamespaceSecurityPanelController, NameArm}:                    {NamespaceSecurityPanelController, NameArmResponse},
	{NamespaceRTCSessionController, NameInitiateSessionWithOffer}:  {NamespaceRTCSessionController, NameAnswerGeneratedForSession},
	{NamespaceRTCSessionController, NameSessionConnected}:          {NamespaceRTCSessionController, NameSessionConnected},
	{NamespaceRTCSessionController, NameSessionDisconnected}:       {NamespaceRTCSessionController, NameSessionDisconnected},
	{NamespaceCameraStreamController, NameInitializeCameraStreams}: {NamespaceCameraStreamController, NameResponse},
	{NamespaceSeekController, NameAdjustSeekPosition}:              {NamespaceSeekController, NameStateReport},
}

// specialReplyOf is the inverse of specialReplies: which directive each
// special reply answers. It is built at its first use.
var specialReplyOf = sync.OnceValue(func() map[replyKind]replyKind {
	m := make(map[replyKind]replyKind, len(specialReplies))
	for d, r := range specialReplies {
		m[r] = d
	}
	return m
})

// checkReplyKind returns an error if m is not a reply Alexa accepts to d:
// the directive's own reply (see specialReplies), an ErrorResponse, or a
// DeferredResponse where one is allowed; and, for SessionConnected and
// SessionDisconnected, the directive's session id echoed.
func checkReplyKind(d *Directive, m *EventMessage) error {
	dk := replyKind{d.Header.Namespace, d.Header.Name}
	rk := replyKind{m.Event.Header.Namespace, m.Event.Header.Name}
	want, special := specialReplies[dk]
	if !special {
		want = replyKind{NamespaceAlexa, NameResponse}
	}
	switch {
	case IsErrorResponse(m.Event.Header), rk == want:
	case rk == replyKind{NamespaceAlexa, NameDeferredResponse} && dk.ns != NamespaceDiscovery && dk.ns != NamespaceAuthorization:
	case special:
		return &replyPayloadError{what: string(rk.ns) + " " + string(rk.name), why: "cannot answer " + string(dk.ns) + " " + string(dk.name) + ": it is answered with " + string(want.ns) + " " + string(want.name)}
	default:
		if of, isSpecial := specialReplyOf()[rk]; isSpecial {
			return &replyPayloadError{what: string(rk.ns) + " " + string(rk.name), why: "answers only " + string(of.ns) + " " + string(of.name) + ", not " + string(dk.ns) + " " + string(dk.name)}
		}
		// Another reply to a directive without one of its own above:
		// Alexa.Response for the interfaces this package models, and
		// possibly a reply of its own for one it does not (registered
		// with HandleFunc), so it is let through.
	}
	if rk.ns == NamespaceRTCSessionController && (rk.name == NameSessionConnected || rk.name == NameSessionDisconnected) {
		var in, out RTCSessionPayload
		if json.Unmarshal(d.Payload, &in) == nil && (json.Unmarshal(m.Event.Payload, &out) != nil || out.SessionID != in.SessionID) {
			return &replyPayloadError{what: string(rk.ns) + " " + string(rk.name) + " payload", why: "must echo the directive's sessionId"}
		}
	}
	return nil
}
