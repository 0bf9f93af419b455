package alexa_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/schemas"
)

// directiveOf returns a directive of ns.name to endpoint-001.
func directiveOf(ns alexa.Namespace, name alexa.Name, payload string) []byte {
	return fmt.Appendf(nil, `{"directive":{"header":{"namespace":%q,"name":%q,"messageId":"1bd5d003-31b9-476f-ad03-71d471922820","correlationToken":"tok","payloadVersion":"3"},`+
		`"endpoint":{"scope":{"type":"BearerToken","token":"access-token"},"endpointId":"endpoint-001"},"payload":%s}}`, ns, name, payload)
}

// TestErrorResponseNamespace checks which ErrorResponse answers an
// [*alexa.Error] a handler returns: a generic type in Alexa's, also when
// the error names an interface whose own list lacks it; an interface's
// own type in that interface's, and never in answer to another
// interface's directive, nor in Alexa's; anything else INTERNAL_ERROR.
// Every reply is checked against the schemas.
func TestErrorResponseNamespace(t *testing.T) {
	t.Parallel()
	v := schemas.New()
	arm := directiveOf(alexa.NamespaceSecurityPanelController, alexa.NameArm, `{"armState":"ARMED_AWAY"}`)
	lock := directiveOf(alexa.NamespaceLockController, alexa.NameLock, `{}`)
	setpoint := directiveOf(alexa.NamespaceThermostatController, alexa.NameSetTargetTemperature, `{"targetSetpoint":{"value":21,"scale":"CELSIUS"}}`)
	for _, tc := range []struct {
		name      string
		directive []byte
		err       *alexa.Error
		wantNS    alexa.Namespace
		wantType  alexa.ErrorType
		schemaOK  bool // our schemas know the namespace
	}{
		{"panel's own error", arm, alexa.SecurityPanelError(alexa.ErrorNotReady, "door open"), alexa.NamespaceSecurityPanelController, alexa.ErrorNotReady, true},
		{"generic error named for the panel", arm, alexa.SecurityPanelError(alexa.ErrorEndpointUnreachable, "offline"), alexa.NamespaceAlexa, alexa.ErrorEndpointUnreachable, true},
		{"panel's error answering a lock", lock, alexa.SecurityPanelError(alexa.ErrorUnauthorized, "wrong PIN"), alexa.NamespaceAlexa, alexa.ErrorInternalError, true},
		{"panel's type in Alexa's namespace", arm, &alexa.Error{Namespace: alexa.NamespaceAlexa, Type: alexa.ErrorBypassNeeded, Message: "open zones"}, alexa.NamespaceAlexa, alexa.ErrorInternalError, true},
		{"panel's type, namespace implied, answering a lock", lock, &alexa.Error{Type: alexa.ErrorUnauthorized}, alexa.NamespaceAlexa, alexa.ErrorInternalError, true},
		{"a type no panel error has", arm, alexa.SecurityPanelError("DOOR_STUCK", "stuck"), alexa.NamespaceAlexa, alexa.ErrorInternalError, true},
		{"thermostat's own error", setpoint, &alexa.Error{Type: alexa.ErrorThermostatIsOff, Message: "off"}, alexa.NamespaceThermostatController, alexa.ErrorThermostatIsOff, true},
		{"generic error named for the thermostat", setpoint, &alexa.Error{Namespace: alexa.NamespaceThermostatController, Type: alexa.ErrorEndpointBusy}, alexa.NamespaceAlexa, alexa.ErrorEndpointBusy, true},
		{"thermostat's error answering a lock", lock, &alexa.Error{Type: alexa.ErrorThermostatIsOff}, alexa.NamespaceAlexa, alexa.ErrorInternalError, true},
		{"Safety's error answering a lock", lock, alexa.SafetyError(alexa.ErrorObstacleDetected, "blocked"), alexa.NamespaceSafety, alexa.ErrorObstacleDetected, true},
		{"Safety's error answering the panel", arm, &alexa.Error{Type: alexa.ErrorSafetyBeamBreached}, alexa.NamespaceSafety, alexa.ErrorSafetyBeamBreached, true},
		{"Video's error answering a lock", lock, alexa.VideoError(alexa.ErrorNotSubscribed, "no plan"), alexa.NamespaceAlexa, alexa.ErrorInternalError, true},
		{"AcceptGrant's error answering a lock", lock, alexa.AcceptGrantFailed("no", nil), alexa.NamespaceAlexa, alexa.ErrorInternalError, true},
		{"an interface this package does not model", lock, &alexa.Error{Namespace: "Acme.Oven", Type: "DOOR_OPEN", Message: "door open"}, "Acme.Oven", "DOOR_OPEN", false},
		{"Cooking's error answering a lock", lock, alexa.CookingError(alexa.ErrorDoorOpen, "door open"), alexa.NamespaceAlexa, alexa.ErrorInternalError, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := alexa.NewRouter()
			for _, d := range [][]byte{arm, lock, setpoint} {
				p, _ := alexa.ParseDirective(d)
				r.HandleFunc(p.Header.Namespace, p.Header.Name, func(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
					return nil, tc.err
				})
			}
			out, err := r.Invoke(t.Context(), tc.directive)
			if err != nil {
				t.Fatal(err)
			}
			m, err := alexa.ParseEvent(out)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := alexa.ErrorFromEvent(m)
			if !ok {
				t.Fatalf("not an ErrorResponse: %s", out)
			}
			if m.Event.Header.Namespace != tc.wantNS || got.Type != tc.wantType {
				t.Errorf("answered %s %s (%q), want %s %s", m.Event.Header.Namespace, got.Type, got.Message, tc.wantNS, tc.wantType)
			}
			if tc.wantType == alexa.ErrorInternalError && !strings.Contains(got.Message, "cannot") && !strings.Contains(got.Message, "not an error type") {
				t.Errorf("INTERNAL_ERROR message %q does not say why", got.Message)
			}
			if err := v.Validate(out); tc.schemaOK && err != nil {
				t.Errorf("reply fails the schema: %v\n%s", err, out)
			}
		})
	}
}
