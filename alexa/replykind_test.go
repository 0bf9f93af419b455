package alexa_test

import (
	"context"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// TestReplyKind checks that the Router answers INTERNAL_ERROR when a
// handler's reply is not one Alexa accepts for the directive: a directive
// with a reply of its own answered otherwise, a special reply answering
// another directive, a Discover deferred, a session event that does not
// echo the session id. The replies Alexa expects pass.
func TestReplyKind(t *testing.T) {
	t.Parallel()
	arm := directiveOf(alexa.NamespaceSecurityPanelController, alexa.NameArm, `{"armState":"ARMED_AWAY"}`)
	disarm := directiveOf(alexa.NamespaceSecurityPanelController, alexa.NameDisarm, `{}`)
	offer := directiveOf(alexa.NamespaceRTCSessionController, alexa.NameInitiateSessionWithOffer, `{"sessionId":"s-1","offer":{"format":"SDP","value":"v=0"}}`)
	connected := directiveOf(alexa.NamespaceRTCSessionController, alexa.NameSessionConnected, `{"sessionId":"s-1"}`)
	streams := directiveOf(alexa.NamespaceCameraStreamController, alexa.NameInitializeCameraStreams,
		`{"cameraStreams":[{"protocol":"RTSP","resolution":{"width":640,"height":480},"authorizationType":"NONE","videoCodec":"H264","audioCodec":"AAC"}]}`)
	reportState := directiveOf(alexa.NamespaceAlexa, alexa.NameReportState, `{}`)
	turnOn := directiveOf(alexa.NamespacePowerController, alexa.NameTurnOn, `{}`)
	custom := directiveOf("Acme.Oven", "Preheat", `{}`)
	type reply func(d *alexa.Directive) (*alexa.EventMessage, error)
	response := func(d *alexa.Directive) (*alexa.EventMessage, error) { return d.Response(), nil }
	armResponse := func(d *alexa.Directive) (*alexa.EventMessage, error) {
		return d.ArmResponse(alexa.ArmResponsePayload{}, alexa.ArmStateProperty(alexa.ArmedAway))
	}
	for _, tc := range []struct {
		name      string
		directive []byte
		reply     reply
		ok        bool
	}{
		{"Arm answered with Arm.Response", arm, armResponse, true},
		{"Arm answered with Alexa.Response", arm, response, false},
		{"Disarm answered with Arm.Response", disarm, armResponse, false},
		{"InitiateSessionWithOffer answered with Alexa.Response", offer, response, false},
		{"InitiateSessionWithOffer answered with SessionConnected", offer, func(d *alexa.Directive) (*alexa.EventMessage, error) { return d.SessionConnected("s-1") }, false},
		{"InitiateSessionWithOffer answered with its answer", offer, func(d *alexa.Directive) (*alexa.EventMessage, error) { return d.AnswerGeneratedForSession("v=0") }, true},
		{"SessionConnected echoing the session", connected, func(d *alexa.Directive) (*alexa.EventMessage, error) { return d.SessionConnected("s-1") }, true},
		{"SessionConnected naming another session", connected, func(d *alexa.Directive) (*alexa.EventMessage, error) { return d.SessionConnected("s-2") }, false},
		{"InitializeCameraStreams answered with Alexa.Response", streams, response, false},
		{"ReportState answered with Alexa.Response", reportState, response, false},
		{"ReportState deferred", reportState, func(d *alexa.Directive) (*alexa.EventMessage, error) { return d.DeferredResponse(0), nil }, true},
		{"TurnOn answered with Alexa.Response", turnOn, response, true},
		{"TurnOn answered with a StateReport", turnOn, func(d *alexa.Directive) (*alexa.EventMessage, error) { return d.StateReport(), nil }, false},
		{"a directive this package does not model, with a reply of its own", custom, func(d *alexa.Directive) (*alexa.EventMessage, error) {
			m := d.Response()
			m.Event.Header.Namespace, m.Event.Header.Name = "Acme.Oven", "PreheatStarted"
			return m, nil
		}, true},
		{"a directive this package does not model, answered with Arm.Response", custom, armResponse, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := alexa.ParseDirective(tc.directive)
			if err != nil {
				t.Fatal(err)
			}
			r := alexa.NewRouter()
			r.HandleFunc(p.Header.Namespace, p.Header.Name, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) { return tc.reply(d) })
			out, err := r.Invoke(t.Context(), tc.directive)
			if err != nil {
				t.Fatal(err)
			}
			m, err := alexa.ParseEvent(out)
			if err != nil {
				t.Fatal(err)
			}
			e, isErr := alexa.ErrorFromEvent(m)
			switch {
			case tc.ok && isErr:
				t.Errorf("answered %s: %s", e.Type, e.Message)
			case !tc.ok && (!isErr || e.Type != alexa.ErrorInternalError):
				t.Errorf("answered %s %s, want INTERNAL_ERROR", m.Event.Header.Namespace, m.Event.Header.Name)
			}
		})
	}
}
